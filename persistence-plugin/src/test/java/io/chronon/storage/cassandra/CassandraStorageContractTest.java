package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.db.DbValue;
import io.chronon.storage.StorageContract;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage contract on a real Cassandra 5.0 (one per test run, see {@link SharedCassandra}). */
@ExtendWith(SharedCassandra.class)
class CassandraStorageContractTest extends StorageContract {
    static final String KEYSPACE = "chronon_contract";

    /**
     * Creates the keyspace and tables before the tests: on a busy 2-core machine that can take
     * longer than a recovery may wait (30 s), and it is not what the tests are about.
     */
    @BeforeAll
    static void createSchema() throws Exception {
        ExtendedActorSystem system = CassandraNodes.start("schema", KEYSPACE, "");
        try {
            CassandraConnection.get(system).awaitSession();
        } finally {
            CassandraNodes.stop(system);
        }
    }

    @Override
    protected String kind() {
        return "cassandra";
    }

    @Override
    protected String storageSettings() {
        return "chronon.storage.cassandra.contact-point = \"" + SharedCassandra.server().contactPoint() + "\"\n"
                + "chronon.storage.cassandra.keyspace = " + KEYSPACE + "\n"
                // must not be used: everything goes to Cassandra
                + "chronon.storage.data-dir = \"target/must-not-exist\"";
    }

    static CqlSession cql() {
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", SharedCassandra.server().port()))
                .withLocalDatacenter("datacenter1")
                .build();
    }

    @Override
    protected boolean holdsDataOf(ActorTestKit kit, String persistenceId) {
        try (CqlSession cql = cql()) {
            long rows = 0;
            for (String table : List.of("messages", "metadata", "snapshots", "snapshot_chunks")) {
                rows += cql.execute("SELECT count(*) FROM " + KEYSPACE + "." + table + " WHERE persistence_id = ? ALLOW FILTERING",
                        persistenceId).one().getLong(0);
            }
            return rows > 0;
        }
    }

    /**
     * Two nodes (two actor systems, two driver sessions) run a writer of one log: the one that
     * recovered before the other wrote is stale, its write fails without storing anything (its
     * writer stops, the caller gets no acknowledgement), and it recovers the other's entries.
     */
    @Test
    void aStaleWriterOnAnotherNodeCannotAppendAndRecoversWhatTheOtherWrote() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        String pid = pid("two-writers");
        inSystem(nodeA -> inSystem(nodeB -> {
            TestProbe<Long> acksA = nodeA.createTestProbe();
            ActorRef<Ledger.Command> writerA = nodeA.spawn(Ledger.create(pid, storage(nodeA), 0, null));
            writerA.tell(new Ledger.Append(entries.get(0), acksA.getRef()));
            assertEquals(entries.get(0).t(), acksA.receiveMessage(Duration.ofSeconds(30)));

            TestProbe<Long> recovered = nodeB.createTestProbe();
            ActorRef<Ledger.Command> writerB = nodeB.spawn(Ledger.create(pid, storage(nodeB), 0, recovered.getRef()));
            assertEquals(1L, recovered.receiveMessage(Duration.ofSeconds(30)));

            // A goes on; B, paused meanwhile, still thinks entry 2 is free
            writerA.tell(new Ledger.Append(entries.get(1), acksA.getRef()));
            assertEquals(entries.get(1).t(), acksA.receiveMessage(Duration.ofSeconds(30)));
            TestProbe<Long> acksB = nodeB.createTestProbe();
            writerB.tell(new Ledger.Append(entries.get(2), acksB.getRef()));
            acksB.expectTerminated(writerB, Duration.ofSeconds(30));
            acksB.expectNoMessage(Duration.ofMillis(100));

            ActorRef<Ledger.Command> again = nodeB.spawn(Ledger.create(pid, storage(nodeB), 0, recovered.getRef()));
            assertEquals(2L, recovered.receiveMessage(Duration.ofSeconds(30)), "B recovers A's two entries");
            TestProbe<DbValue> dbs = nodeB.createTestProbe();
            again.tell(new Ledger.Get(dbs.getRef()));
            assertEquals(entries.get(1).t(), dbs.receiveMessage(Duration.ofSeconds(30)).basisT());
            assertEquals(entries.subList(0, 2), readAll(nodeA, pid).stream().map(EventEnvelope::event).toList());
        }));
    }

    @Test
    void keepsEverythingInOneKeyspaceAndNothingOnLocalDisk() throws Exception {
        appendsAndReadsBackInOrder();
        assertFalse(Files.exists(Path.of("target/must-not-exist")), "no local data directory");
        try (CqlSession cql = cql()) {
            var keyspace = cql.getMetadata().getKeyspace(KEYSPACE).orElseThrow();
            assertEquals(Set.of("messages", "metadata", "snapshots", "snapshot_chunks", "segments"),
                    Set.copyOf(keyspace.getTables().keySet().stream().map(id -> id.asInternal()).toList()));
            assertTrue(keyspace.getReplication().get("class").endsWith("SimpleStrategy"));
            assertEquals("1", keyspace.getReplication().get("replication_factor"));
        }
    }
}
