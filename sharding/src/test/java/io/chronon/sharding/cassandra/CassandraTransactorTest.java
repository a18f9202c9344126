package io.chronon.sharding.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.chronon.ErrorCategory;
import io.chronon.cassandra.dev.CassandraServer;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.db.DbValue;
import io.chronon.edn.Keyword;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import io.chronon.storage.SampleDbAssertions;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.chronon.sharding.cassandra.CassandraNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The transactor, query peers and catalog of a node whose storage is a real Cassandra:
 * commits, group commit, snapshots, a restart of the node, deleting a database, and Cassandra
 * dying in the middle of a stream of transactions.
 */
@ExtendWith(SharedCassandra.class)
class CassandraTransactorTest {
    static final String KEYSPACE = "chronon_sharding";
    static final String SCHEMA = "[{:db/ident :person/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]";
    static final Path MUST_NOT_EXIST = Path.of("target/cassandra-node-must-not-exist");

    static List<Map<Keyword, Object>> person(long id) {
        return List.of(Map.of(Keyword.of("person/id"), id, Keyword.of("person/name"), "P" + id, Keyword.of("person/age"), id % 90));
    }

    static DbValue db(ChrononCluster chronon, String name, long t) {
        return await(chronon.peer(name).<QueryPeer.CurrentDb>askWithStatus(r -> new QueryPeer.GetDb(t, 20_000, r),
                Duration.ofSeconds(30))).db();
    }

    static CqlSession cql() {
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", SharedCassandra.server().port()))
                .withLocalDatacenter("datacenter1")
                .build();
    }

    static long journalRows(String persistenceId) {
        try (CqlSession cql = cql()) {
            return cql.execute("SELECT count(*) FROM " + KEYSPACE + ".messages WHERE persistence_id = ? ALLOW FILTERING",
                    persistenceId).one().getLong(0);
        }
    }

    @Test
    void commitsOnCassandraAndComesBackAfterARestartOfTheNode() throws Exception {
        // a small indexing threshold, so that index roots and segments are written to Cassandra and recovery starts from them
        String extra = "chronon.indexing.memory-index-threshold = 100";
        List<Transactor.TxResult> acked = new ArrayList<>();
        DbValue before;
        DatabaseInfo info;
        ActorTestKit kit = CassandraNode.start(CassandraNode.config(KEYSPACE, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("people")).created());
            info = await(chronon.createDatabase("people")).database();
            assertEquals("cassandra", info.storageKind());
            await(chronon.transact("people", SCHEMA));
            for (long i = 0; i < 40; i++) {
                acked.add(await(chronon.transact("people", person(i))));
            }
            // many at once: group commit on Cassandra
            List<CompletableFuture<Transactor.TxResult>> concurrent = new ArrayList<>();
            for (long i = 40; i < 240; i++) {
                concurrent.add(chronon.transact("people", person(i)).toCompletableFuture());
            }
            for (CompletableFuture<Transactor.TxResult> f : concurrent) {
                acked.add(f.get(60, TimeUnit.SECONDS));
            }
            long lastT = acked.stream().mapToLong(Transactor.TxResult::t).max().orElseThrow();
            assertEquals(lastT, await(chronon.sync("people")).basisT());
            before = db(chronon, "people", lastT);
            for (long i = 0; i < 240; i++) {
                assertNotNull(before.entid(List.of(Keyword.of("person/id"), i)), "person " + i);
            }
        } finally {
            kit.shutdownTestKit();
        }
        assertEquals(acked.size() + 1, journalRows(info.persistenceId()), "one row per transaction (schema included)");
        try (CqlSession cql = cql()) {
            assertTrue(cql.execute("SELECT count(*) FROM " + KEYSPACE + ".snapshots WHERE persistence_id = ? ALLOW FILTERING",
                    info.persistenceId()).one().getLong(0) > 0, "snapshots are in Cassandra");
            assertTrue(cql.execute("SELECT count(*) FROM " + KEYSPACE + ".messages WHERE persistence_id = 'chronon-catalog' ALLOW FILTERING")
                    .one().getLong(0) > 0, "the catalog is in Cassandra");
        }

        ActorTestKit again = CassandraNode.start(CassandraNode.config(KEYSPACE, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(again.system());
            assertTrue(await(chronon.listDatabases()).stream().anyMatch(d -> d.name().equals("people")),
                    "the catalog came back from Cassandra");
            long lastT = before.basisT();
            assertEquals(lastT, await(chronon.sync("people")).basisT());
            SampleDbAssertions.assertSameDb(before, db(chronon, "people", lastT));
            long lastSeqNr = acked.stream().mapToLong(Transactor.TxResult::seqNr).max().orElseThrow();
            Transactor.TxResult next = await(chronon.transact("people", person(1000)));
            assertEquals(lastSeqNr + 1, next.seqNr(), "the writer goes on where it was");

            // deleting the database erases its rows
            assertTrue(await(chronon.deleteDatabase("people")).deleted());
            again.createTestProbe().awaitAssert(Duration.ofSeconds(30), Duration.ofMillis(200),
                    () -> {
                        assertEquals(0, journalRows(info.persistenceId()));
                        return null;
                    });
        } finally {
            again.shutdownTestKit();
        }
        assertFalse(Files.exists(MUST_NOT_EXIST), "a node on Cassandra keeps nothing on local disk");
    }

    @Test
    void whenCassandraDiesWaitingTransactionsFailAsUnavailableAndNothingAcknowledgedIsLost() throws Exception {
        CassandraServer cassandra = SharedCassandra.server();
        // longer than the writer's longest back-off between two recovery attempts (10 s): a transaction that waits
        // for the log is answered unavailable before its caller gives up
        String extra = "chronon.default-timeout = 15s";
        ActorTestKit kit = CassandraNode.start(CassandraNode.config(KEYSPACE, extra));
        Map<Long, Transactor.TxResult> acked = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("outage")).created());
            await(chronon.transact("outage", SCHEMA));

            // 8 submitters keep transactions flowing; Cassandra is killed after 150 acknowledgements
            Semaphore window = new Semaphore(8);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch enoughAcked = new CountDownLatch(150);
            CountDownLatch enoughFailed = new CountDownLatch(20);
            List<CompletableFuture<Void>> all = new ArrayList<>();
            Thread submitter = new Thread(() -> {
                for (long i = 0; !stop.get(); i++) {
                    long id = i;
                    window.acquireUninterruptibly();
                    all.add(chronon.transact("outage", person(id)).toCompletableFuture().handle((r, e) -> {
                        if (e == null) {
                            acked.put(id, r);
                            enoughAcked.countDown();
                        } else {
                            failures.add(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
                            enoughFailed.countDown();
                        }
                        window.release();
                        return null;
                    }));
                }
            }, "submitter");
            submitter.start();
            assertTrue(enoughAcked.await(120, TimeUnit.SECONDS), "transactions are acknowledged");
            cassandra.kill();
            assertTrue(enoughFailed.await(120, TimeUnit.SECONDS), "transactions fail while Cassandra is down");
            stop.set(true);
            submitter.join(60_000);
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);

            int unavailable = 0;
            int timedOut = 0;
            for (Throwable e : failures) {
                if (e instanceof ChrononError c && c.category() == ErrorCategory.UNAVAILABLE) {
                    unavailable++;
                } else if (e instanceof TimeoutException) {
                    timedOut++;
                } else {
                    fail("a failed transaction must be unavailable, not " + e);
                }
            }
            assertTrue(unavailable > 0, "waiting transactions are answered unavailable: " + failures);
            // only the write under way when Cassandra died (at most one window of 8) has no answer until the log can
            // be read again (it may have reached Cassandra): its callers time out
            assertTrue(timedOut <= 8, timedOut + " callers timed out, " + unavailable + " were answered unavailable");
            System.out.printf("Cassandra killed after %d acknowledgements: %d answered unavailable, %d timed out%n",
                    acked.size(), unavailable, timedOut);

            // Cassandra comes back on the same data; the writer recovers and takes transactions again
            cassandra.start();
            Transactor.TxResult after = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (after == null) {
                try {
                    after = chronon.transact("outage", person(1_000_000)).toCompletableFuture().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the writer did not recover after Cassandra came back", e);
                    }
                }
            }
            assertEveryAcknowledgedTransactionIsThere(chronon, acked, after);
        } finally {
            if (!cassandra.isRunning()) {
                cassandra.start();
            }
            kit.shutdownTestKit();
        }

        // and a fresh node reads the same from Cassandra's log
        ActorTestKit again = CassandraNode.start(CassandraNode.config(KEYSPACE, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(again.system());
            Transactor.TxResult next = await(chronon.transact("outage", person(2_000_000)));
            assertEveryAcknowledgedTransactionIsThere(chronon, acked, next);
        } finally {
            again.shutdownTestKit();
        }
    }

    /** Every acknowledged transaction (by person id) is in the db the query peer has at {@code latest}, at its own t. */
    private static void assertEveryAcknowledgedTransactionIsThere(ChrononCluster chronon, Map<Long, Transactor.TxResult> acked,
                                                                  Transactor.TxResult latest) {
        DbValue db = db(chronon, "outage", latest.t());
        Set<Long> seqNrs = new HashSet<>();
        for (Map.Entry<Long, Transactor.TxResult> e : acked.entrySet()) {
            Transactor.TxResult r = e.getValue();
            assertTrue(seqNrs.add(r.seqNr()), "one sequence number per acknowledged transaction");
            assertTrue(r.seqNr() < latest.seqNr(), "person " + e.getKey() + " acknowledged at " + r.seqNr()
                    + " (t " + r.t() + "), the log ends before " + latest.seqNr() + " (t " + latest.t() + ")");
            assertNotNull(db.entid(List.of(Keyword.of("person/id"), e.getKey())), "acknowledged person " + e.getKey() + " is in the db");
            assertNotNull(db.asOf(r.t()).entid(List.of(Keyword.of("person/id"), e.getKey())), "at its t");
        }
    }
}
