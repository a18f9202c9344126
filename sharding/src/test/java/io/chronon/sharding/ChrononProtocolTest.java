package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The actor protocol on a one-node cluster with in-memory storage kinds. */
class ChrononProtocolTest {
    static final String SCHEMA = "[{:db/ident :person/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]";

    static ActorTestKit kit;
    static ChrononCluster chronon;

    @BeforeAll
    static void start() {
        kit = TestCluster.start(TestCluster.config("memory", null, String.join("\n",
                "chronon.transactor.max-pending = 64",
                "chronon.transactor.heartbeat-interval = 200ms",
                "chronon.tx-functions { \"test/inc\" = \"io.chronon.sharding.IncrementBy\" }",
                "chronon.tx-predicates { \"test/even?\" = \"io.chronon.sharding.EvenAge\" }",
                "chronon.storage.kinds.slow = ${chronon.storage.kinds.memory} { journal = \"test.slow.journal\", query = \"test.slow.query\" }",
                "test.slow.journal = ${chronon.embedded.memory.journal} { write-latency = 150ms }",
                "test.slow.query = ${chronon.embedded.memory.query} { journal = \"test.slow.journal\" }",
                "chronon.storage.kinds.flaky = ${chronon.storage.kinds.memory} { journal = \"test.flaky.journal\", query = \"test.flaky.query\" }",
                "test.flaky.journal = ${chronon.embedded.memory.journal} { class = \"io.chronon.sharding.FailingJournal\" }",
                "test.flaky.query = ${chronon.embedded.memory.query} { journal = \"test.flaky.journal\" }")));
        chronon = ChrononCluster.get(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static void newDb(String name, String kind) {
        assertTrue(await(chronon.createDatabase(name, kind)).created());
        await(chronon.transact(name, SCHEMA));
    }

    static Map<Keyword, Object> person(long id, String name, long age) {
        return Map.of(Keyword.of("person/id"), id, Keyword.of("person/name"), name, Keyword.of("person/age"), age);
    }

    static ChrononError failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ChrononError.class, e.getCause());
        } catch (Exception e) {
            fail(e);
        }
        return fail("expected a failure");
    }

    static Collection<?> q(String db, String query, Object... args) {
        return (Collection<?>) await(chronon.q(db, query, args));
    }

    @Test
    void catalogCreatesListsAndDeletes() {
        Catalog.CreateResult created = await(chronon.createDatabase("cat-a"));
        assertTrue(created.created());
        assertEquals("memory", created.database().storageKind());
        Catalog.CreateResult again = await(chronon.createDatabase("cat-a"));
        assertFalse(again.created());
        assertEquals(created.database(), again.database());
        assertTrue(await(chronon.createDatabase("cat-b")).created());
        List<String> names = await(chronon.listDatabases()).stream().map(DatabaseInfo::name).toList();
        assertTrue(names.containsAll(List.of("cat-a", "cat-b")), names.toString());
        assertTrue(await(chronon.deleteDatabase("cat-a")).deleted());
        assertFalse(await(chronon.deleteDatabase("cat-a")).deleted());
        assertFalse(await(chronon.listDatabases()).stream().anyMatch(d -> d.name().equals("cat-a")));

        assertEquals(ErrorCategory.INCORRECT, failure(chronon.createDatabase("bad name!")).category());
        assertEquals(ErrorCategory.INCORRECT, failure(chronon.createDatabase("x", "no-such-kind")).category());
    }

    @Test
    void transactSyncQueryPull() {
        newDb("basics", null);
        Transactor.TxResult r = await(chronon.transact("basics", List.of(
                Map.of(Keyword.of("db/id"), "ann", Keyword.of("person/id"), 1L, Keyword.of("person/name"), "Ann", Keyword.of("person/age"), 40L))));
        Long ann = r.tempids().get("ann");
        assertNotNull(ann);
        assertTrue(r.t() > r.basisBefore());
        assertTrue(r.txData().stream().anyMatch(d -> d.e() == ann && "Ann".equals(d.v())));
        assertTrue(await(chronon.sync("basics", r.t())).basisT() >= r.t());
        assertEquals(Set.of(List.of("Ann", 40L)), new HashSet<>(q("basics", "[:find ?n ?a :where [?e :person/name ?n] [?e :person/age ?a]]")));
        assertEquals(Set.of(List.of("Ann")),
                new HashSet<>(q("basics", "[:find ?n :in $ ?min :where [?e :person/age ?a] [(>= ?a ?min)] [?e :person/name ?n]]", 18L)));

        QueryPeer.ReadResult pulled = await(chronon.peer("basics").<QueryPeer.ReadResult>askWithStatus(
                replyTo -> new QueryPeer.Read(QueryPeer.Basis.atLeast(r.t()),
                        new QueryPeer.PullOp("[:person/name :person/age]", List.of(Keyword.of("person/id"), 1L)), 5000, replyTo),
                Duration.ofSeconds(10)));
        assertEquals(Map.of(Keyword.of("person/name"), "Ann", Keyword.of("person/age"), 40L), pulled.result());

        QueryPeer.CurrentDb current = await(chronon.peer("basics").<QueryPeer.CurrentDb>askWithStatus(
                replyTo -> new QueryPeer.GetDb(r.t(), 5000, replyTo), Duration.ofSeconds(10)));
        DbValue db = current.db();
        assertEquals(r.t(), db.basisT());
    }

    @Test
    void rejectedTransactionsAreErrorsAndChangeNothing() {
        newDb("rejects", null);
        Transactor.TxResult ok = await(chronon.transact("rejects", List.of(person(1, "Ann", 40))));
        ChrononError e = failure(chronon.transact("rejects", "[[:db/add \"x\" :no/such-attr 1]]"));
        assertEquals(ErrorCategory.INCORRECT, e.category());
        assertEquals(ErrorCategory.INCORRECT, failure(chronon.transact("rejects", "{:not :a-list}")).category());
        assertEquals(ErrorCategory.INCORRECT, failure(chronon.transact("rejects", "[[:db/add")).category());
        Transactor.TxResult next = await(chronon.transact("rejects", List.of(person(2, "Bob", 30))));
        assertEquals(ok.seqNr() + 1, next.seqNr(), "a rejected transaction is not in the log");
        await(chronon.sync("rejects", next.t()));
        assertEquals(2, q("rejects", "[:find ?e :where [?e :person/name]]").size());
    }

    @Test
    void unknownDatabasesAreNotFound() {
        assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.transact("nope", "[]")).category());
        assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.sync("nope", 1000)).category());
        assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.q("nope", "[:find ?e :where [?e :db/ident]]")).category());
    }

    @Test
    void fiveHundredConcurrentTransactionsFromFiftyClientsAreEachAcknowledgedOnce() throws Exception {
        newDb("concurrent", null);
        int clients = 50;
        int perClient = 10;
        List<CompletableFuture<List<Transactor.TxResult>>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            // each client submits its transactions one after another, all clients at once
            CompletableFuture<List<Transactor.TxResult>> chain = CompletableFuture.completedFuture(new ArrayList<>());
            for (int i = 0; i < perClient; i++) {
                final long id = 1000L * client + i;
                chain = chain.thenCompose(acc -> chronon.transact("concurrent", List.of(person(id, "P" + id, id % 90)))
                        .thenApply(res -> {
                            acc.add(res);
                            return acc;
                        }).toCompletableFuture());
            }
            all.add(chain);
        }
        List<Transactor.TxResult> results = new ArrayList<>();
        for (CompletableFuture<List<Transactor.TxResult>> f : all) {
            results.addAll(f.get(60, TimeUnit.SECONDS));
        }
        assertEquals(clients * perClient, results.size());
        assertEquals(results.size(), results.stream().map(Transactor.TxResult::t).distinct().count(), "distinct t");
        assertEquals(results.size(), results.stream().map(Transactor.TxResult::seqNr).distinct().count(), "distinct seqNr");
        // log order and t order agree, and the log has no holes
        results.sort(Comparator.comparingLong(Transactor.TxResult::seqNr));
        for (int i = 1; i < results.size(); i++) {
            assertEquals(results.get(i - 1).seqNr() + 1, results.get(i).seqNr());
            assertTrue(results.get(i - 1).t() < results.get(i).t());
        }
        long last = results.get(results.size() - 1).t();
        await(chronon.sync("concurrent", last));
        assertEquals(List.of(List.of(500L)).toString(), q("concurrent", "[:find (count ?e) :where [?e :person/id]]").toString());
    }

    @Test
    void concurrentUpdatesLeaveThePeerWithTheValueItsLogDescribes() throws Exception {
        // many clients updating the same people at once: the writer processes them in editing
        // runs, and the peer jumps from run end to run end; its value must be exactly what
        // replaying its log one transaction at a time gives, and hold every acknowledged one
        newDb("runs", null);
        int clients = 40;
        int perClient = 15;
        List<CompletableFuture<List<Transactor.TxResult>>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            CompletableFuture<List<Transactor.TxResult>> chain = CompletableFuture.completedFuture(new ArrayList<>());
            for (int i = 0; i < perClient; i++) {
                final long id = (client * 7L + i) % 30;
                final int step = i;
                chain = chain.thenCompose(acc -> chronon.transact("runs", step % 4 == 3
                                ? "[[:db/retract [:person/id " + id + "] :person/age " + (id % 90) + "]]"
                                : List.of(person(id, "P" + client + "-" + step, id % 90)))
                        .handle((res, err) -> {
                            if (res != null) {
                                acc.add(res);
                            }
                            return acc;
                        }).toCompletableFuture());
            }
            all.add(chain);
        }
        List<Transactor.TxResult> acked = new ArrayList<>();
        for (CompletableFuture<List<Transactor.TxResult>> f : all) {
            acked.addAll(f.get(60, TimeUnit.SECONDS));
        }
        assertTrue(acked.size() > clients * perClient / 2, "most transactions are accepted: " + acked.size());
        long last = acked.stream().mapToLong(Transactor.TxResult::t).max().orElseThrow();
        DbValue db = await(chronon.peer("runs").<QueryPeer.CurrentDb>askWithStatus(
                replyTo -> new QueryPeer.GetDb(last, 5000, replyTo), Duration.ofSeconds(10))).db();
        assertEquals(last, db.basisT());
        DbValue replayed = DbValue.empty();
        List<io.chronon.db.Datom> group = new ArrayList<>();
        List<io.chronon.db.Datom> log = new ArrayList<>();
        db.txRange(null, null).forEach(log::add);
        for (int i = 0; i <= log.size(); i++) {
            if (!group.isEmpty() && (i == log.size() || log.get(i).tx() != group.get(0).tx())) {
                long tx = group.get(0).tx();
                long instant = group.stream().filter(d -> d.e() == tx && d.a() == io.chronon.db.Bootstrap.TX_INSTANT)
                        .mapToLong(d -> ((java.util.Date) d.v()).getTime()).findFirst().orElseThrow();
                replayed = replayed.applyTransaction(io.chronon.db.Ids.txToT(tx), List.copyOf(group), db.nextT(), db.nextDbCounter(), instant);
                group.clear();
            }
            if (i < log.size()) {
                group.add(log.get(i));
            }
        }
        for (io.chronon.db.IndexType type : io.chronon.db.IndexType.values()) {
            assertEquals(list(replayed.datoms(type)), list(db.datoms(type)), "current " + type);
            assertEquals(list(replayed.history().datoms(type)), list(db.history().datoms(type)), "history " + type);
        }
        for (Transactor.TxResult r : acked) {
            assertEquals(new java.util.HashSet<>(r.txData()), new java.util.HashSet<>(list(db.txRange(r.t(), r.t() + 1))),
                    "the log holds acknowledged t " + r.t());
        }
    }

    private static List<io.chronon.db.Datom> list(Iterable<io.chronon.db.Datom> it) {
        List<io.chronon.db.Datom> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    @Test
    void syncToTheLatestAfterAnAcknowledgementSeesTheTransaction() throws Exception {
        // the publisher answers a transaction as soon as its write is durable, possibly before
        // the writer has handled the log's answer: sync() right after must still include it
        newDb("ryw", null);
        int clients = 16;
        int perClient = 25;
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final int client = c;
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = 0; i < perClient; i++) {
                final long id = 1000L * client + i;
                chain = chain.thenCompose(v -> chronon.transact("ryw", List.of(person(id, "R" + id, 1))).toCompletableFuture())
                        .thenCompose(r -> chronon.sync("ryw").toCompletableFuture()
                                .thenAccept(synced -> assertTrue(synced.basisT() >= r.t(),
                                        "sync() after the ack of t " + r.t() + " gave basis " + synced.basisT())));
            }
            all.add(chain);
        }
        for (CompletableFuture<Void> f : all) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertEquals(List.of(List.of((long) clients * perClient)).toString(),
                q("ryw", "[:find (count ?e) :where [?e :person/id]]").toString());
    }

    @Test
    void aFullQueueAnswersBusy() throws Exception {
        newDb("busy", "slow");
        int n = 64 + 40;
        List<CompletableFuture<Transactor.TxResult>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(chronon.transact("busy", List.of(person(i, "P" + i, 1))).toCompletableFuture());
        }
        int ok = 0;
        int busy = 0;
        for (CompletableFuture<Transactor.TxResult> f : fs) {
            try {
                f.get(30, TimeUnit.SECONDS);
                ok++;
            } catch (ExecutionException e) {
                ChrononError err = assertInstanceOf(ChrononError.class, e.getCause());
                assertEquals(ErrorCategory.BUSY, err.category(), err.toString());
                busy++;
            }
        }
        assertTrue(busy >= 40, "busy " + busy);
        assertEquals(n, ok + busy);
        // the accepted ones are all there
        Transactor.TxResult after = await(chronon.transact("busy", List.of(person(9999, "late", 1))));
        await(chronon.sync("busy", after.t()));
        assertEquals(ok + 1, q("busy", "[:find ?e :where [?e :person/id]]").size());
    }

    @Test
    void transactionsArrivingDuringAWriteAreWrittenTogether() throws Exception {
        newDb("group", "slow");
        int n = 40;
        long start = System.nanoTime();
        List<CompletableFuture<Transactor.TxResult>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(chronon.transact("group", List.of(person(i, "P" + i, 1))).toCompletableFuture());
        }
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        // one write of 150 ms per transaction would take 6 s; group commit needs two or three
        assertTrue(ms < 2000, "took " + ms + " ms");
    }

    @Test
    void syncForAFutureTCompletesOnArrivalNeverEarlier() {
        newDb("sync", null);
        Transactor.TxResult first = await(chronon.transact("sync", List.of(person(1, "A", 1))));
        TestProbe<StatusReply<QueryPeer.Synced>> probe = kit.createTestProbe();
        long future = first.t() + 1;
        chronon.peer("sync").tell(new QueryPeer.Sync(future, 10_000, probe.getRef()));
        probe.expectNoMessage(Duration.ofMillis(300));
        Transactor.TxResult second = await(chronon.transact("sync", List.of(person(2, "B", 1))));
        StatusReply<QueryPeer.Synced> synced = probe.receiveMessage(Duration.ofSeconds(5));
        assertTrue(synced.isSuccess());
        assertTrue(synced.getValue().basisT() >= future);
        assertEquals(second.t(), synced.getValue().basisT());
        // a t already reached completes at once
        chronon.peer("sync").tell(new QueryPeer.Sync(first.t(), 10_000, probe.getRef()));
        assertTrue(probe.receiveMessage(Duration.ofSeconds(5)).getValue().basisT() >= first.t());
    }

    @Test
    void syncWithoutTWaitsForTheWritersLatestT() {
        newDb("sync-latest", null);
        Transactor.TxResult r = await(chronon.transact("sync-latest", List.of(person(1, "A", 1))));
        assertTrue(await(chronon.sync("sync-latest")).basisT() >= r.t());
    }

    @Test
    void aSyncThatCannotCompleteFailsUnavailable() {
        newDb("sync-timeout", null);
        TestProbe<StatusReply<QueryPeer.Synced>> probe = kit.createTestProbe();
        chronon.peer("sync-timeout").tell(new QueryPeer.Sync(1_000_000, 300, probe.getRef()));
        StatusReply<QueryPeer.Synced> reply = probe.receiveMessage(Duration.ofSeconds(5));
        assertTrue(reply.isError());
        assertEquals(ErrorCategory.UNAVAILABLE, ((ChrononError) reply.getError()).category());
    }

    @Test
    void transactionFunctionsRunOnTheWriter() {
        newDb("fns", null);
        Transactor.TxResult r = await(chronon.transact("fns", List.of(person(1, "A", 40))));
        List<Object> eid = List.of(Keyword.of("person/id"), 1L);
        await(chronon.transact("fns", List.of(List.of(Keyword.of("db/cas"), eid, Keyword.of("person/age"), 40L, 41L))));
        ChrononError conflict = failure(chronon.transact("fns",
                List.of(List.of(Keyword.of("db/cas"), eid, Keyword.of("person/age"), 40L, 42L))));
        assertEquals(ErrorCategory.CONFLICT, conflict.category());
        Transactor.TxResult inc = await(chronon.transact("fns", List.of(List.of(Keyword.of("test/inc"), eid, Keyword.of("person/age"), 9L))));
        await(chronon.sync("fns", inc.t()));
        assertEquals(Set.of(List.of(50L)), new HashSet<>(q("fns", "[:find ?a :where [?e :person/id 1] [?e :person/age ?a]]")));
        Transactor.TxResult gone = await(chronon.transact("fns", List.of(List.of(Keyword.of("db/retractEntity"), eid))));
        await(chronon.sync("fns", gone.t()));
        assertEquals(0, q("fns", "[:find ?e :where [?e :person/id]]").size());
        assertTrue(r.t() < gone.t());
    }

    @Test
    void predicatesRegisteredInTheConfigurationRunOnTheWriter() {
        newDb("preds", null);
        await(chronon.transact("preds", List.of(Map.of(Keyword.of("db/ident"), Keyword.of("person/age"),
                Keyword.of("db.attr/preds"), Symbol.of("test", "even?")), Map.of(Keyword.of("db/ident"), Keyword.of("spec/even"),
                Keyword.of("db.entity/attrs"), List.of(Keyword.of("person/name")),
                Keyword.of("db.entity/preds"), List.of(Symbol.of("test", "even?"))))));
        ChrononError odd = failure(chronon.transact("preds", List.of(person(1, "A", 41))));
        assertEquals(Keyword.of("db.error/attr-pred"), odd.code());
        assertEquals(ErrorCategory.INCORRECT, odd.category());
        await(chronon.transact("preds", List.of(person(1, "A", 40))));
        ChrononError unnamed = failure(chronon.transact("preds", List.of(List.of(Keyword.of("db/add"), "x",
                Keyword.of("person/id"), 2L), List.of(Keyword.of("db/add"), "x", Keyword.of("db/ensure"), Keyword.of("spec/even")))));
        assertEquals(Keyword.of("db.error/entity-attr"), unnamed.code());
        Transactor.TxResult ok = await(chronon.transact("preds", List.of(List.of(Keyword.of("db/add"),
                List.of(Keyword.of("person/id"), 1L), Keyword.of("db/ensure"), Keyword.of("spec/even")))));
        await(chronon.sync("preds", ok.t()));
        assertEquals(0, q("preds", "[:find ?e :where [?e :db/ensure]]").size());
    }

    @Test
    void aDeletedDatabaseIsGoneAndItsNameCanBeReused() {
        newDb("reuse", null);
        Transactor.TxResult r = await(chronon.transact("reuse", List.of(person(1, "Old", 1))));
        await(chronon.sync("reuse", r.t()));
        assertTrue(await(chronon.deleteDatabase("reuse")).deleted());
        assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.transact("reuse", List.of(person(2, "X", 1)))).category());
        newDb("reuse", null);
        Transactor.TxResult fresh = await(chronon.transact("reuse", List.of(person(3, "New", 1))));
        await(chronon.sync("reuse", fresh.t()));
        assertEquals(Set.of(List.of("New")), new HashSet<>(q("reuse", "[:find ?n :where [?e :person/name ?n]]")));
    }

    /**
     * A writer or peer that answered "not found" (its database deleted, or never created) is
     * passivated a moment later; until then it must not answer "not found" to a request made
     * after the name was created again. Each round deletes the database, lets a transaction
     * and a read find it missing (which starts a writer and a peer that know it is missing),
     * creates it again at once and expects the very next transaction and read to be served.
     * CI saw this fail once in ~100 runs before the fix; here 40 rounds failed it every time.
     */
    @Test
    void aNameCreatedAgainIsServedAtOnceByEveryWriterAndPeer() {
        List<CompletableFuture<Void>> names = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String name = "again-" + i;
            names.add(CompletableFuture.runAsync(() -> deleteAndCreateAgain(name, 30)));
        }
        names.forEach(f -> await(f));
    }

    private static void deleteAndCreateAgain(String name, int rounds) {
        newDb(name, null);
        for (int round = 0; round < rounds; round++) {
            assertTrue(await(chronon.deleteDatabase(name)).deleted());
            assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.transact(name, List.of(person(1, "X", 1)))).category());
            assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.q(name, "[:find ?n :where [?e :person/name ?n]]")).category());
            assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.sync(name)).category());
            // requests racing with the creation: answered either way, but they start a
            // writer and a peer whose lookup may precede the creation
            chronon.transact(name, List.of(person(2, "Y", 1)));
            chronon.q(name, "[:find ?n :where [?e :person/name ?n]]");
            newDb(name, null);
            Transactor.TxResult fresh = await(chronon.transact(name, List.of(person(round, "R" + round, 1))));
            await(chronon.sync(name, fresh.t()));
            Set<Object> names = new HashSet<>(q(name, "[:find ?n :where [?e :person/name ?n]]"));
            names.remove(List.of("Y"));
            assertEquals(Set.of(List.of("R" + round)), names, name + " round " + round);
        }
    }

    /**
     * Deleting a database whose peer follows its feed must leave the node's receptionist
     * running: through it the node's topics find the topics of other nodes, so without it no
     * database created afterwards is pushed to peers on other nodes. Before, the peer
     * unsubscribed from the topic when it found the database deleted and again when it
     * stopped; the topic then deregistered twice from the receptionist, which threw
     * ("... has never been registered") and stopped for good on the first deletion.
     */
    @Test
    void deletingADatabaseLeavesTheReceptionistRunning() throws Exception {
        for (int i = 0; i < 5; i++) {
            String name = "followed-" + i;
            newDb(name, null);
            Transactor.TxResult r = await(chronon.transact(name, List.of(person(1, "A", 1))));
            await(chronon.sync(name, r.t()));
            assertTrue(await(chronon.deleteDatabase(name)).deleted());
            assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.q(name, "[:find ?n :where [?e :person/name ?n]]")).category());
        }
        // the peers of the deleted databases are passivated within a moment: the receptionist must answer
        // every question asked back to back for the next two seconds
        ServiceKey<String> probe = ServiceKey.create(String.class, "probe");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < until) {
            Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(kit.system().receptionist(),
                    replyTo -> Receptionist.find(probe, replyTo), Duration.ofSeconds(3), kit.system().scheduler())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(probe, listing.getKey());
        }
    }

    @Test
    void aFailedWriteFailsTheTransactionAndLeavesTheDatabaseUnchanged() {
        newDb("flaky", "flaky");
        Transactor.TxResult before = await(chronon.transact("flaky", List.of(person(1, "A", 1))));
        FailingJournal.FAIL_WRITES.set(1);
        ChrononError e = failure(chronon.transact("flaky", List.of(person(2, "lost", 1))));
        assertEquals(ErrorCategory.UNAVAILABLE, e.category(), e.toString());
        Transactor.TxResult after = await(chronon.transact("flaky", List.of(person(3, "C", 1))));
        assertEquals(before.seqNr() + 1, after.seqNr());
        await(chronon.sync("flaky", after.t()));
        assertEquals(Set.of(List.of("A"), List.of("C")), new HashSet<>(q("flaky", "[:find ?n :where [?e :person/name ?n]]")));
        assertTrue(await(chronon.sync("flaky")).basisT() >= after.t());
    }

    @Test
    void aWriterAskedToStopWhileItsWriteFailsStopsAndANewOneTakesOver() throws Exception {
        // a writer is asked to stop (a shard hand-off, a node leaving) while a journal write is
        // under way, and that write fails: it must still stop, not stay up refusing everything
        newDb("stopping", "flaky");
        Transactor.TxResult before = await(chronon.transact("stopping", List.of(person(1, "A", 1))));
        FailingJournal.FAIL_AFTER_MS.set(500);
        FailingJournal.FAIL_WRITES.set(1);
        try {
            // both through the shard region, one after the other from this thread: the writer gets the
            // transaction first (its write starts, and fails 500 ms later), then the stop
            org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Transactor.Command> writer = chronon.transactor("stopping");
            CompletionStage<Transactor.TxResult> failing = writer.askWithStatus(
                    replyTo -> new Transactor.Transact(List.of(person(2, "lost", 1)), replyTo), Duration.ofSeconds(10));
            writer.tell(Transactor.Stop.INSTANCE);
            assertEquals(ErrorCategory.UNAVAILABLE, failure(failing).category());
        } finally {
            FailingJournal.FAIL_AFTER_MS.set(0);
        }
        // the stopping writer answers "stopping; retry" until it is gone; then a new one serves. The stop
        // was sent as a plain message, not as the shard's passivation, so a transaction that reaches the
        // writer just as it stops is lost (no answer): retried with its request id, as a client does
        Transactor.TxResult after = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (after == null) {
            try {
                after = chronon.transact("stopping", List.of(person(3, "C", 1)), "stop-test-c").toCompletableFuture()
                        .get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                boolean retry = e instanceof java.util.concurrent.TimeoutException
                        || e.getCause() instanceof ChrononError ce && ce.category() == ErrorCategory.UNAVAILABLE;
                if (!retry || System.nanoTime() > deadline) {
                    throw new AssertionError("no new writer took over within 20 s", e);
                }
                Thread.sleep(50);
            }
        }
        assertEquals(before.seqNr() + 1, after.seqNr());
        await(chronon.sync("stopping", after.t()));
        assertEquals(Set.of(List.of("A"), List.of("C")), new HashSet<>(q("stopping", "[:find ?n :where [?e :person/name ?n]]")));
    }

    @Test
    void aQueryThatTimesOutIsStopped() {
        newDb("slowq", null);
        List<Object> people = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            people.add(person(i, "P" + i, i % 7));
        }
        Transactor.TxResult r = await(chronon.transact("slowq", people));
        // a four-way cross product with arithmetic on every row: 8 billion rows
        String cross = "[:find (count ?a) :where [?a :person/age ?x] [?b :person/age ?y] [?c :person/age ?z] [?d :person/age ?w]"
                + " [(+ ?x ?y ?z ?w) ?s] [(> ?s 1000)]]";
        long start = System.nanoTime();
        CompletionStage<QueryPeer.ReadResult> slow = chronon.peer("slowq").askWithStatus(
                replyTo -> new QueryPeer.Read(QueryPeer.Basis.atLeast(r.t()), new QueryPeer.QueryOp(cross, List.of(), -1, 0, null),
                        200, replyTo), Duration.ofSeconds(30));
        ChrononError e = failure(slow);
        assertEquals(ErrorCategory.INTERRUPTED, e.category(), e.toString());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 5000);
        // the dispatcher is free again: a small query answers
        assertEquals(300, q("slowq", "[:find ?a :where [?a :person/id]]").size());
    }
}
