package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchableStatement;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.servererrors.CASWriteUnknownException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.typesafe.config.Config;
import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.storage.cassandra.CassandraConnection.Session;
import io.chronon.storage.journal.LogRecord;
import io.chronon.storage.journal.LogStore;
import io.chronon.storage.journal.PidWrite;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The logs of the storage kind {@code cassandra}: a {@link LogStore} (under Chronon's
 * {@code ChrononJournal} and read journal) in the table {@code messages}, one row per
 * entry, partitioned by (persistence id, {@code seq_nr / partition-size}).
 *
 * <p><b>Fencing.</b> Every row is written with {@code INSERT ... IF NOT EXISTS}, all rows of one
 * write that share a partition in one conditional batch (a Paxos round on that partition: either
 * every row is stored or none). So one sequence number holds one entry whoever writes it: a
 * second writer of the same log (a node that was paused while its writer moved elsewhere) finds
 * the rows taken, its write fails with a {@code conflict} "this writer is stale", and it recovers
 * from what is stored instead of overwriting or duplicating it. A write that times out is failed
 * too (its outcome is unknown; the writer recovers and reads what is there). Writes of one log run
 * one after the other, in the order given; writes of different logs run concurrently.
 *
 * <p>The highest sequence number is read with a serial read ({@code serial-consistency}) per
 * partition, which also completes a conditional write left half-done by a writer that died, so
 * recovery sees exactly the entries any later write will be checked against.
 */
public final class CassandraLogStore implements LogStore {
    static final String WRITE_PROFILE = "chronon-write";
    static final String READ_PROFILE = "chronon-read";
    private static final int PAGE_SIZE = 256;

    private final CassandraConnection connection;
    private final CassandraSettings settings;
    private final Executor io;
    /** The last write of each log that has one under way: the next write of that log starts after it. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> lastWrites = new ConcurrentHashMap<>();

    /** The log store of {@code system}'s Cassandra connection ({@code pluginConfig} is the journal plugin's). */
    public CassandraLogStore(ExtendedActorSystem system, Config pluginConfig) {
        this.connection = CassandraConnection.get(system);
        this.settings = connection.settings();
        this.io = system.dispatchers().lookup("pekko.persistence.dispatchers.default-plugin-dispatcher");
        // start connecting (and creating the schema) now rather than at the first recovery
        connection.session();
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void append(List<PidWrite> writes) {
        for (PidWrite w : writes) {
            List<CompletableFuture<Void>> mine = new ArrayList<>(1);
            lastWrites.compute(w.persistenceId(), (pid, previous) -> {
                CompletableFuture<Void> next = previous == null ? write(w) : previous.handle((v, e) -> e).thenCompose(e -> e == null
                        ? write(w)
                        : CompletableFuture.failedFuture(new IOException("An earlier write of " + pid + " failed: " + e.getMessage(), e)));
                mine.add(next);
                return next;
            });
            CompletableFuture<Void> next = mine.get(0);
            next.whenComplete((v, e) -> {
                lastWrites.remove(w.persistenceId(), next);
                if (e == null) {
                    w.done().complete(null);
                } else {
                    w.done().completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                }
            });
        }
    }

    private CompletableFuture<Void> write(PidWrite w) {
        List<List<LogRecord>> batches = batches(w.records());
        return connection.session().thenCompose(s -> writeBatches(s, w.persistenceId(), batches, 0)).toCompletableFuture();
    }

    /** The records in runs that share a partition and stay under {@code max-batch-size}, in order. */
    private List<List<LogRecord>> batches(List<LogRecord> records) {
        List<List<LogRecord>> batches = new ArrayList<>();
        List<LogRecord> current = new ArrayList<>();
        long bytes = 0;
        for (LogRecord r : records) {
            boolean full = !current.isEmpty() && (settings.bucket(r.seqNr()) != settings.bucket(current.get(0).seqNr())
                    || bytes + r.payload().length > settings.maxBatchBytes());
            if (full) {
                batches.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(r);
            bytes += r.payload().length;
        }
        if (!current.isEmpty()) {
            batches.add(current);
        }
        return batches;
    }

    private CompletionStage<Void> writeBatches(Session s, String pid, List<List<LogRecord>> batches, int i) {
        if (i == batches.size()) {
            return CompletableFuture.completedFuture(null);
        }
        return writeBatch(s, pid, batches.get(i)).thenCompose(v -> writeBatches(s, pid, batches, i + 1));
    }

    private CompletionStage<Void> writeBatch(Session s, String pid, List<LogRecord> records) {
        List<BatchableStatement<?>> inserts = new ArrayList<>(records.size());
        for (LogRecord r : records) {
            inserts.add(s.statements().insertEntry().bind(pid, settings.bucket(r.seqNr()), r.seqNr(), r.timestamp(), r.writerUuid(),
                    r.adapterManifest(), r.serializerId(), r.manifest(), ByteBuffer.wrap(r.payload())));
        }
        Statement<?> statement = inserts.size() == 1 ? (BoundStatement) inserts.get(0)
                : BatchStatement.newInstance(BatchType.LOGGED).addAll(inserts);
        // not idempotent: the driver must not retry a conditional write whose first attempt may have been applied
        statement = statement.setExecutionProfileName(WRITE_PROFILE).setIdempotent(false);
        long first = records.get(0).seqNr();
        long last = records.get(records.size() - 1).seqNr();
        return s.cql().executeAsync(statement).handle((rs, error) -> {
            if (error != null) {
                throw failure(pid, first, last, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
            }
            if (!rs.wasApplied()) {
                throw stale(pid, first, rs);
            }
            return null;
        });
    }

    private static RuntimeException failure(String pid, long first, long last, Throwable error) {
        if (error instanceof WriteTimeoutException || error instanceof CASWriteUnknownException || error instanceof DriverTimeoutException) {
            return new ChrononException(ErrorCategory.UNAVAILABLE, Keyword.of("chronon.error/storage-timeout"),
                    "The write of entries " + first + ".." + last + " of " + pid + " timed out; whether it was stored is unknown "
                            + "until the log is read again: " + error.getMessage(), pid, error);
        }
        return error instanceof RuntimeException re ? re : new CompletionException(error);
    }

    /** The failure of a conditional write that found its rows taken: another writer got there first. */
    private static ChrononException stale(String pid, long first, AsyncResultSet rs) {
        long taken = first;
        String otherWriter = null;
        Row row = rs.one();
        if (row != null && row.getColumnDefinitions().contains("seq_nr") && !row.isNull("seq_nr")) {
            taken = row.getLong("seq_nr");
            otherWriter = row.getColumnDefinitions().contains("writer_uuid") ? row.getString("writer_uuid") : null;
        }
        return ChrononException.conflict("chronon.error/stale-writer", "Another writer" + (otherWriter == null ? "" : " (" + otherWriter + ")")
                + " stored entry " + taken + " of " + pid + ": this writer is stale; nothing of this write was stored", pid);
    }

    // ------------------------------------------------------------------ reads

    @Override
    public long highestSequenceNr(String persistenceId) throws IOException {
        Session s = connection.awaitSession();
        long highest = deletedTo(s, persistenceId);
        // entries after deleted-to are contiguous: walk the partitions until one is not full
        for (long bucket = settings.bucket(highest + 1); ; bucket++) {
            Row row = s.cql().execute(s.statements().highestInBucket().bind(persistenceId, bucket)
                    .setExecutionProfileName(READ_PROFILE).setConsistencyLevel(settings.serialConsistency())).one();
            if (row == null) {
                return highest;
            }
            highest = row.getLong(0);
            if (highest < lastOfBucket(bucket)) {
                return highest;
            }
        }
    }

    @Override
    public long replay(String persistenceId, long from, long to, long max, Consumer<LogRecord> consumer) throws IOException {
        if (max <= 0 || from > to) {
            return 0;
        }
        Session s = connection.awaitSession();
        long next = Math.max(from, deletedTo(s, persistenceId) + 1);
        long count = 0;
        for (long bucket = settings.bucket(next); next <= to && count < max; bucket++) {
            int limit = (int) Math.min(max - count, Integer.MAX_VALUE);
            ResultSet rs = s.cql().execute(s.statements().readEntries()
                    .bind(persistenceId, bucket, next, Math.min(to, lastOfBucket(bucket)), limit)
                    .setExecutionProfileName(READ_PROFILE).setPageSize(PAGE_SIZE));
            long last = -1;
            for (Row row : rs) {
                LogRecord r = new LogRecord(row.getLong(0), row.getLong(1), row.getString(2), row.getString(3), row.getInt(4),
                        row.getString(5), bytes(row.getByteBuffer(6)));
                consumer.accept(r);
                count++;
                last = r.seqNr();
            }
            if (last < lastOfBucket(bucket)) {
                break;
            }
            next = last + 1;
        }
        return count;
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private long lastOfBucket(long bucket) {
        return (bucket + 1) * settings.partitionSize() - 1;
    }

    private static long deletedTo(Session s, String persistenceId) {
        Row row = s.cql().execute(s.statements().readDeletedTo().bind(persistenceId).setExecutionProfileName(READ_PROFILE)).one();
        return row == null || row.isNull(0) ? 0 : row.getLong(0);
    }

    // ------------------------------------------------------------------ deletes

    /**
     * Marks the entries up to {@code toSeqNr} deleted: reads skip them from now on. The rows stay
     * (until {@link #purge}): a removed row would free its sequence number for a stale writer's
     * conditional insert, and fencing is worth more than the space (Chronon keeps its logs whole).
     */
    @Override
    public CompletableFuture<Void> deleteTo(String persistenceId, long toSeqNr) {
        return CompletableFuture.runAsync(() -> {
            try {
                long target = Math.min(toSeqNr, highestSequenceNr(persistenceId));
                Session s = connection.awaitSession();
                if (target > deletedTo(s, persistenceId)) {
                    s.cql().execute(s.statements().writeDeletedTo().bind(target, persistenceId).setExecutionProfileName(WRITE_PROFILE));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
    }

    @Override
    public CompletableFuture<Void> purge(String persistenceId) {
        return CompletableFuture.runAsync(() -> {
            try {
                long highest = highestSequenceNr(persistenceId);
                Session s = connection.awaitSession();
                for (long bucket = 0; bucket <= settings.bucket(highest); bucket++) {
                    s.cql().execute(s.statements().deleteBucket().bind(persistenceId, bucket).setExecutionProfileName(WRITE_PROFILE));
                }
                s.cql().execute(s.statements().deleteMetadata().bind(persistenceId).setExecutionProfileName(WRITE_PROFILE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, io);
    }

    /** Nothing to release: the connection is the actor system's and closes with it. */
    @Override
    public void close() {
    }
}
