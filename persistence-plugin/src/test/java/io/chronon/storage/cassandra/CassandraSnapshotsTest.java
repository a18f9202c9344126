package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.storage.journal.SnapshotStorage.Entry;
import io.chronon.storage.journal.SnapshotStorage.Stored;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Chunked snapshots on a real Cassandra: larger than Cassandra's largest mutation, never offered
 * without their complete header, the newest {@code keep} kept.
 */
@ExtendWith(SharedCassandra.class)
class CassandraSnapshotsTest {
    static final String KEYSPACE = "chronon_snapshots";
    static ExtendedActorSystem node;
    static CassandraSnapshots snapshots;

    @BeforeAll
    static void start() {
        node = CassandraNodes.start("snapshots", KEYSPACE, "");
        // two kept, so that four saves show the pruning (the default keeps 20, for garbage collection)
        snapshots = new CassandraSnapshots(node, com.typesafe.config.ConfigFactory.parseString("keep = 2")
                .withFallback(node.settings().config().getConfig("chronon.cassandra.snapshot")));
    }

    @AfterAll
    static void stop() throws Exception {
        CassandraNodes.stop(node);
    }

    private static String pid(String name) {
        return "chronon-db|" + name + "|" + UUID.randomUUID();
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static long rows(CqlSession cql, String table, String pid) {
        return cql.execute("SELECT count(*) FROM " + KEYSPACE + "." + table + " WHERE persistence_id = ? ALLOW FILTERING", pid)
                .one().getLong(0);
    }

    @Test
    void aSnapshotOf40MegabytesSavesAndLoads() throws Exception {
        String pid = pid("large");
        byte[] payload = bytes(40_000_000, 1);
        snapshots.save(new Stored(pid, 1000, 17, 33, "db-value", payload));
        assertEquals(List.of(new Entry(1000, 17)), snapshots.list(pid));
        Stored back = snapshots.read(pid, new Entry(1000, 17));
        assertEquals(33, back.serializerId());
        assertEquals("db-value", back.manifest());
        assertArrayEquals(payload, back.payload());
        try (CqlSession cql = CassandraStorageContractTest.cql()) {
            assertEquals(39, rows(cql, "snapshot_chunks", pid), "1 MiB chunks");
        }
    }

    @Test
    void aSnapshotWithoutItsCompleteHeaderIsNotOffered() throws Exception {
        String pid = pid("half-written");
        byte[] older = bytes(3_000_000, 2);
        snapshots.save(new Stored(pid, 10, 1, 33, "", older));
        snapshots.save(new Stored(pid, 20, 2, 33, "", bytes(3_000_000, 3)));
        try (CqlSession cql = CassandraStorageContractTest.cql()) {
            // the newest lost its header (say, deleted by hand): only the older one is offered
            cql.execute("DELETE FROM " + KEYSPACE + ".snapshots WHERE persistence_id = ? AND seq_nr = 20 AND timestamp = 2", pid);
            assertEquals(List.of(new Entry(10, 1)), snapshots.list(pid));
            assertThrows(IOException.class, () -> snapshots.read(pid, new Entry(20, 2)));
            assertArrayEquals(older, snapshots.read(pid, new Entry(10, 1)).payload());

            // a node died while writing snapshot 30: its chunks and its empty header are there, not its complete header
            cql.execute("INSERT INTO " + KEYSPACE + ".snapshots (persistence_id, seq_nr, timestamp) VALUES (?, 30, 3)", pid);
            cql.execute("INSERT INTO " + KEYSPACE + ".snapshot_chunks (persistence_id, seq_nr, timestamp, chunk_nr, data) "
                    + "VALUES (?, 30, 3, 0, ?)", pid, ByteBuffer.wrap(bytes(1000, 4)));
            assertEquals(List.of(new Entry(10, 1)), snapshots.list(pid), "a snapshot under way is not offered");

            // the next save removes the unfinished one
            snapshots.save(new Stored(pid, 40, 4, 33, "", bytes(10, 5)));
            assertEquals(List.of(new Entry(40, 4), new Entry(10, 1)), snapshots.list(pid));
            assertEquals(0, cql.execute("SELECT count(*) FROM " + KEYSPACE + ".snapshot_chunks WHERE persistence_id = ? "
                    + "AND seq_nr = 30 AND timestamp = 3", pid).one().getLong(0));
            assertEquals(2, rows(cql, "snapshots", pid));
        }
    }

    @Test
    void theNewestTwoAreKeptAndPurgeRemovesEverything() throws Exception {
        String pid = pid("kept");
        for (int i = 1; i <= 4; i++) {
            snapshots.save(new Stored(pid, i * 100L, i, 33, "", bytes(1_500_000, i)));
        }
        assertEquals(List.of(new Entry(400, 4), new Entry(300, 3)), snapshots.list(pid));
        try (CqlSession cql = CassandraStorageContractTest.cql()) {
            assertEquals(4, rows(cql, "snapshot_chunks", pid), "two chunks each of the two kept");
            snapshots.delete(pid, new Entry(400, 4));
            assertEquals(List.of(new Entry(300, 3)), snapshots.list(pid));
            snapshots.purge(pid);
            assertEquals(List.of(), snapshots.list(pid));
            assertEquals(0, rows(cql, "snapshot_chunks", pid) + rows(cql, "snapshots", pid));
        }
    }
}
