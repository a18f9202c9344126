package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.chronon.storage.segment.MissingSegmentException;
import io.chronon.storage.segment.SegmentCodec;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.chronon.storage.cassandra.CassandraLogStore.READ_PROFILE;
import static io.chronon.storage.cassandra.CassandraLogStore.WRITE_PROFILE;

/**
 * The segments of the storage kind {@code cassandra}: table {@code segments}, one partition
 * {@code (db, id)} per segment holding its stored form ({@link SegmentCodec}) in {@code bytes}.
 * Writes are plain (not conditional) inserts at {@code write-consistency}, like the log's
 * entries, and reads at {@code read-consistency}: a segment never changes, so writing it twice
 * is harmless and a read that finds it finds all of it. A put returns once its write is sent
 * ({@value #MAX_IN_FLIGHT} at most under way): an indexing job's hundreds of puts overlap, and
 * {@link #sync} waits for them before the job records roots naming them; until then the store
 * answers reads of them from memory.
 *
 * <p>{@link #list} scans the whole table (a database's segments are spread over the ring by
 * their id): it is for the occasional garbage collection, not for reads.
 */
public final class CassandraSegmentStore implements SegmentStore {
    /** The largest stored segment: below Cassandra's largest mutation (16 MiB by default). */
    static final int MAX_STORED = 15 << 20;

    /** Writes under way at most, per store: an indexing job's puts go out together, not one round trip after another. */
    static final int MAX_IN_FLIGHT = 64;

    private final CassandraConnection connection;
    private volatile Prepared prepared;
    /** Puts whose write is under way or failed, by (database, id): read from here until {@link #sync}. */
    private final java.util.concurrent.ConcurrentHashMap<String, Pending> pending = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(MAX_IN_FLIGHT);

    /** A put not yet known durable: its bytes and its write. */
    private record Pending(String database, byte[] bytes, java.util.concurrent.CompletableFuture<Void> written) {
    }

    /** The statements of this store, prepared on the session they belong to. */
    private record Prepared(CqlSession cql, PreparedStatement insert, PreparedStatement select, PreparedStatement exists,
                            PreparedStatement delete, PreparedStatement scan) {
    }

    /** The segment store of {@code system}'s Cassandra connection; it has no settings of its own. */
    public CassandraSegmentStore(ExtendedActorSystem system, Config config) {
        this.connection = CassandraConnection.get(system);
        connection.session();
    }

    private Prepared prepared() throws IOException {
        CqlSession cql = connection.awaitSession().cql();
        Prepared p = prepared;
        if (p == null || p.cql() != cql) {
            String t = connection.settings().keyspace() + ".segments";
            try {
                p = new Prepared(cql,
                        cql.prepare("INSERT INTO " + t + " (db, id, bytes) VALUES (?, ?, ?)"),
                        cql.prepare("SELECT bytes FROM " + t + " WHERE db = ? AND id = ?"),
                        cql.prepare("SELECT id FROM " + t + " WHERE db = ? AND id = ?"),
                        cql.prepare("DELETE FROM " + t + " WHERE db = ? AND id = ?"),
                        cql.prepare("SELECT db, id FROM " + t));
            } catch (DriverException e) {
                throw new IOException("Cassandra failed to prepare the statements of the segment store (does table " + t
                        + " exist? docs/cassandra.md has the CQL): " + e.getMessage(), e);
            }
            prepared = p;
        }
        return p;
    }

    private static ResultSet run(Prepared p, BoundStatement statement, String what) throws IOException {
        try {
            return p.cql().execute(statement);
        } catch (DriverException e) {
            throw new IOException("Cassandra failed to " + what + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SegmentId put(String database, byte[] bytes) throws IOException {
        SegmentId id = SegmentId.of(bytes);
        byte[] stored = SegmentCodec.encode(bytes);
        if (stored.length > MAX_STORED) {
            throw new IOException("Segment " + id + " of database " + database + " is " + stored.length
                    + " bytes stored, more than Cassandra takes in one write (" + MAX_STORED + ")");
        }
        Prepared p = prepared();
        String key = database + "/" + id.hex();
        if (pending.containsKey(key)) {
            return id;
        }
        java.util.concurrent.CompletableFuture<Void> written = new java.util.concurrent.CompletableFuture<>();
        if (pending.putIfAbsent(key, new Pending(database, bytes, written)) != null) {
            return id;
        }
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pending.remove(key);
            throw new java.io.InterruptedIOException("interrupted before storing segment " + id);
        }
        try {
            p.cql().executeAsync(p.insert().bind(database, id.hex(), ByteBuffer.wrap(stored)).setExecutionProfileName(WRITE_PROFILE))
                    .whenComplete((rs, e) -> {
                        inFlight.release();
                        if (e == null) {
                            written.complete(null);
                        } else {
                            written.completeExceptionally(new IOException("Cassandra failed to store segment " + id + " of database "
                                    + database + ": " + e.getMessage(), e));
                        }
                    });
        } catch (RuntimeException e) {
            inFlight.release();
            written.completeExceptionally(e);
        }
        return id;
    }

    /**
     * Waits for every put under way to be written (at the write consistency); fails with the
     * first write that failed, which is then forgotten (a later put of the same bytes writes
     * again). What an indexing job calls before it records roots naming the segments.
     */
    @Override
    public void sync(String database) throws IOException {
        IOException first = null;
        for (java.util.Map.Entry<String, Pending> e : pending.entrySet()) {
            try {
                e.getValue().written().join();
            } catch (java.util.concurrent.CompletionException failed) {
                if (first == null) {
                    first = failed.getCause() instanceof IOException io ? io : new IOException(failed.getCause());
                }
            }
            pending.remove(e.getKey(), e.getValue());
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public byte[] get(String database, SegmentId id) throws IOException {
        Pending put = pending.get(database + "/" + id.hex());
        if (put != null) {
            return put.bytes().clone();
        }
        Prepared p = prepared();
        Row row = run(p, p.select().bind(database, id.hex()).setExecutionProfileName(READ_PROFILE),
                "read segment " + id + " of database " + database).one();
        if (row == null) {
            throw new MissingSegmentException(database, id);
        }
        ByteBuffer blob = row.getByteBuffer(0);
        byte[] stored = new byte[blob == null ? 0 : blob.remaining()];
        if (blob != null) {
            blob.duplicate().get(stored);
        }
        return SegmentCodec.decode(database, id, stored);
    }

    @Override
    public boolean contains(String database, SegmentId id) throws IOException {
        if (pending.containsKey(database + "/" + id.hex())) {
            return true;
        }
        Prepared p = prepared();
        return run(p, p.exists().bind(database, id.hex()).setExecutionProfileName(READ_PROFILE),
                "look up segment " + id + " of database " + database).one() != null;
    }

    @Override
    public void delete(String database, SegmentId id) throws IOException {
        Pending put = pending.remove(database + "/" + id.hex());
        if (put != null) {
            put.written().exceptionally(e -> null).join(); // a delete after the write, not before it
        }
        Prepared p = prepared();
        run(p, p.delete().bind(database, id.hex()).setExecutionProfileName(WRITE_PROFILE),
                "delete segment " + id + " of database " + database);
    }

    @Override
    public List<SegmentId> list(String database) throws IOException {
        Prepared p = prepared();
        java.util.Set<SegmentId> ids = new java.util.LinkedHashSet<>();
        for (Pending put : pending.values()) {
            if (put.database().equals(database)) {
                ids.add(SegmentId.of(put.bytes()));
            }
        }
        String what = "list the segments of database " + database;
        try {
            for (Row row : run(p, p.scan().bind().setExecutionProfileName(READ_PROFILE).setPageSize(5000), what)) {
                if (database.equals(row.getString(0))) {
                    SegmentId id = SegmentId.parse(row.getString(1));
                    if (id != null) {
                        ids.add(id);
                    }
                }
            }
        } catch (DriverException e) {
            // a later page failed
            throw new IOException("Cassandra failed to " + what + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(ids);
    }

    @Override
    public void close() {
        // the connection is the actor system's, closed with it
    }
}
