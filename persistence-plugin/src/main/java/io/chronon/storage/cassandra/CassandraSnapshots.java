package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.typesafe.config.Config;
import io.chronon.storage.cassandra.CassandraConnection.Session;
import io.chronon.storage.cassandra.CassandraConnection.Statements;
import io.chronon.storage.journal.SnapshotStorage;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.zip.CRC32C;

import static io.chronon.storage.cassandra.CassandraLogStore.READ_PROFILE;
import static io.chronon.storage.cassandra.CassandraLogStore.WRITE_PROFILE;

/**
 * The snapshots of the storage kind {@code cassandra} (under Chronon's
 * {@code ChrononSnapshotStore}): the bytes of a snapshot in rows of {@code snapshot-chunk-size}
 * in {@code snapshot_chunks} (one partition per snapshot), described by a row in
 * {@code snapshots}. So a snapshot may be far larger than the largest mutation Cassandra takes
 * (16 MiB by default).
 *
 * <p>Saving writes an empty header row first (a snapshot under way), then the chunks, then the
 * complete header (size, chunk count, CRC-32C): a snapshot is offered only once its complete
 * header is there, so one half written (the node died) is never read; the next save removes
 * its rows. Only the newest {@code keep} snapshots of a persistence id are kept.
 */
public final class CassandraSnapshots implements SnapshotStorage {
    /** Chunk writes of one snapshot in flight at once. */
    private static final int PARALLEL_CHUNKS = 4;

    private final CassandraConnection connection;
    private final int chunkBytes;
    private final int keep;

    /** The snapshot storage of {@code system}'s Cassandra connection; {@code pluginConfig} gives {@code keep}. */
    public CassandraSnapshots(ExtendedActorSystem system, Config pluginConfig) {
        this.connection = CassandraConnection.get(system);
        this.chunkBytes = connection.settings().snapshotChunkBytes();
        this.keep = Math.max(1, pluginConfig.getInt("keep"));
        connection.session();
    }

    /** A header row: complete if it has a chunk count. */
    private record Header(Entry entry, boolean complete) {
    }

    private static List<Header> headers(Session s, String persistenceId) {
        List<Header> out = new ArrayList<>();
        for (Row row : s.cql().execute(s.statements().listSnapshots().bind(persistenceId).setExecutionProfileName(READ_PROFILE))) {
            out.add(new Header(new Entry(row.getLong(0), row.getLong(1)), !row.isNull(2)));
        }
        return out;
    }

    @Override
    public List<Entry> list(String persistenceId) throws IOException {
        // newest first: the table's clustering order
        return headers(connection.awaitSession(), persistenceId).stream().filter(Header::complete).map(Header::entry).toList();
    }

    @Override
    public Stored read(String persistenceId, Entry entry) throws IOException {
        Session s = connection.awaitSession();
        Row header = s.cql().execute(s.statements().readSnapshot().bind(persistenceId, entry.seqNr(), entry.timestamp())
                .setExecutionProfileName(READ_PROFILE)).one();
        if (header == null || header.isNull("chunks")) {
            throw new IOException("No complete snapshot " + entry.seqNr() + " of " + persistenceId);
        }
        long size = header.getLong("size");
        int chunks = header.getInt("chunks");
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("Snapshot " + entry.seqNr() + " of " + persistenceId + " is too large to load: " + size + " bytes");
        }
        byte[] payload = new byte[(int) size];
        // a page of chunks stays well under Cassandra's 16 MiB frame
        ResultSet rs = s.cql().execute(s.statements().readChunks().bind(persistenceId, entry.seqNr(), entry.timestamp())
                .setExecutionProfileName(READ_PROFILE).setPageSize(Math.max(1, (4 << 20) / chunkBytes)));
        int expected = 0;
        int pos = 0;
        for (Row row : rs) {
            ByteBuffer data = row.getByteBuffer(1);
            int length = data == null ? 0 : data.remaining();
            if (row.getInt(0) != expected || pos + length > payload.length) {
                throw new IOException("Snapshot " + entry.seqNr() + " of " + persistenceId + " has a missing or damaged chunk " + expected);
            }
            if (data != null) {
                data.duplicate().get(payload, pos, length);
            }
            pos += length;
            expected++;
        }
        if (expected != chunks || pos != payload.length) {
            throw new IOException("Snapshot " + entry.seqNr() + " of " + persistenceId + " is incomplete: " + expected + " of "
                    + chunks + " chunks, " + pos + " of " + size + " bytes");
        }
        if (crc(payload) != header.getInt("crc")) {
            throw new IOException("Snapshot " + entry.seqNr() + " of " + persistenceId + " fails its checksum");
        }
        return new Stored(persistenceId, entry.seqNr(), entry.timestamp(), header.getInt("ser_id"), header.getString("ser_manifest"),
                payload);
    }

    @Override
    public void save(Stored snapshot, boolean prune) throws IOException {
        Session s = connection.awaitSession();
        Statements st = s.statements();
        String pid = snapshot.persistenceId();
        byte[] payload = snapshot.payload();
        s.cql().execute(st.beginSnapshot().bind(pid, snapshot.seqNr(), snapshot.timestamp()).setExecutionProfileName(WRITE_PROFILE));
        int chunks = (payload.length + chunkBytes - 1) / chunkBytes;
        Deque<CompletionStage<AsyncResultSet>> inFlight = new ArrayDeque<>();
        for (int i = 0; i < chunks; i++) {
            if (inFlight.size() >= PARALLEL_CHUNKS) {
                await(inFlight.removeFirst());
            }
            int from = i * chunkBytes;
            ByteBuffer data = ByteBuffer.wrap(Arrays.copyOfRange(payload, from, Math.min(payload.length, from + chunkBytes)));
            inFlight.add(s.cql().executeAsync(st.writeChunk().bind(pid, snapshot.seqNr(), snapshot.timestamp(), i, data)
                    .setExecutionProfileName(WRITE_PROFILE)));
        }
        while (!inFlight.isEmpty()) {
            await(inFlight.removeFirst());
        }
        // the complete header last: from now on the snapshot is offered
        s.cql().execute(st.finishSnapshot().bind(pid, snapshot.seqNr(), snapshot.timestamp(), snapshot.serializerId(),
                snapshot.manifest(), (long) payload.length, chunks, crc(payload)).setExecutionProfileName(WRITE_PROFILE));
        if (prune) {
            prune(s, pid);
        }
    }

    private static void await(CompletionStage<AsyncResultSet> write) throws IOException {
        try {
            write.toCompletableFuture().join();
        } catch (RuntimeException e) {
            throw new IOException("Writing a snapshot chunk failed: " + (e.getCause() != null ? e.getCause() : e), e);
        }
    }

    /** Keeps the newest {@code keep} complete snapshots, and removes unfinished ones older than the newest. */
    private void prune(Session s, String persistenceId) {
        int complete = 0;
        for (Header h : headers(s, persistenceId)) {
            if (h.complete()) {
                complete++;
            }
            if ((h.complete() && complete > keep) || (!h.complete() && complete > 0)) {
                delete(s, persistenceId, h.entry());
            }
        }
    }

    @Override
    public void delete(String persistenceId, Entry entry) throws IOException {
        delete(connection.awaitSession(), persistenceId, entry);
    }

    private static void delete(Session s, String persistenceId, Entry entry) {
        // the header first: a snapshot is never offered without its chunks
        s.cql().execute(s.statements().deleteSnapshot().bind(persistenceId, entry.seqNr(), entry.timestamp())
                .setExecutionProfileName(WRITE_PROFILE));
        s.cql().execute(s.statements().deleteChunks().bind(persistenceId, entry.seqNr(), entry.timestamp())
                .setExecutionProfileName(WRITE_PROFILE));
    }

    @Override
    public void purge(String persistenceId) throws IOException {
        Session s = connection.awaitSession();
        for (Header h : headers(s, persistenceId)) {
            s.cql().execute(s.statements().deleteChunks().bind(persistenceId, h.entry().seqNr(), h.entry().timestamp())
                    .setExecutionProfileName(WRITE_PROFILE));
        }
        s.cql().execute(s.statements().deleteSnapshots().bind(persistenceId).setExecutionProfileName(WRITE_PROFILE));
    }

    private static int crc(byte[] payload) {
        CRC32C c = new CRC32C();
        c.update(payload, 0, payload.length);
        return (int) c.getValue();
    }

    /** Nothing to release: the connection is the actor system's and closes with it. */
    @Override
    public void close() {
    }
}
