package io.chronon.node.client;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.client.Db;
import io.chronon.client.Entity;
import io.chronon.client.LogEntry;
import io.chronon.client.TxReport;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's scenarios, run unchanged against an in-process connection and a remote one
 * (the subclasses say where the databases are): the same calls must give the same answers.
 */
abstract class ClientScenarios {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static final String SCHEMA = """
            [{:db/ident :person/email :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
             {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :person/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
             {:db/ident :person/color :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :person/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}
             {:db/ident :color/red}
             {:db/ident :color/blue}]
            """;

    static final String PEOPLE = """
            [{:db/id "ada" :person/email "ada@x" :person/name "Ada" :person/age 36 :person/color :color/red :person/tags [:math :poetry]}
             {:db/id "bob" :person/email "bob@x" :person/name "Bob" :person/age 41 :person/friend ["ada"]}
             {:db/id "cy" :person/email "cy@x" :person/name "Cy" :person/age 25 :person/friend ["ada" "bob"]}]
            """;

    /** The URI of database {@code name} in the place under test. */
    abstract String uri(String name);

    /** The URI of the place itself (for listing). */
    abstract String placeUri();

    /** A fresh database name for one test. */
    String fresh(TestInfo info) {
        return info.getTestMethod().orElseThrow().getName().toLowerCase() + "-" + COUNTER.incrementAndGet();
    }

    /** A fresh database with the schema and the three people, and a connection to it. */
    Connection people(TestInfo info) {
        String name = fresh(info);
        assertTrue(Chronon.createDatabase(uri(name)));
        Connection conn = Chronon.connect(uri(name));
        conn.transact(SCHEMA);
        conn.transact(PEOPLE);
        return conn;
    }

    static ChrononException failure(Throwable t) {
        Throwable c = t;
        while (!(c instanceof ChrononException) && c.getCause() != null) {
            c = c.getCause();
        }
        return assertInstanceOf(ChrononException.class, c, () -> "not a ChrononException: " + t);
    }

    @Test
    void createConnectListDelete(TestInfo info) {
        String name = fresh(info);
        assertTrue(Chronon.createDatabase(uri(name)));
        assertFalse(Chronon.createDatabase(uri(name)), "a second create answers false");
        assertTrue(Chronon.listDatabases(placeUri()).contains(name));
        try (Connection conn = Chronon.connect(uri(name))) {
            assertEquals(name, conn.name());
            assertEquals(name, conn.db().name());
        }
        assertTrue(Chronon.deleteDatabase(uri(name)));
        assertFalse(Chronon.deleteDatabase(uri(name)));
        assertFalse(Chronon.listDatabases(placeUri()).contains(name));
        ChrononException e = assertThrows(ChrononException.class, () -> Chronon.connect(uri(name)));
        assertEquals(ErrorCategory.NOT_FOUND, e.category());
    }

    /**
     * A datoms or index-range read longer than one page of the remote client (10,000 rows; a
     * server answers at most chronon.read.max-result-rows per read) comes whole and in order.
     */
    @Test
    void datomsLongerThanOnePageComeWholeAndInOrder(TestInfo info) {
        String name = fresh(info);
        Chronon.createDatabase(uri(name));
        try (Connection conn = Chronon.connect(uri(name))) {
            conn.transact("[{:db/ident :row/n :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/index true}]");
            int rows = 23_456;
            for (int from = 0; from < rows; from += 6_000) {
                StringBuilder tx = new StringBuilder("[");
                for (int i = from; i < Math.min(rows, from + 6_000); i++) {
                    tx.append("{:row/n ").append(i).append('}');
                }
                conn.transact(tx.append(']').toString());
            }
            Db db = conn.db();
            List<Datom> aevt = db.datoms(IndexType.AEVT, Keyword.of("row/n"));
            assertEquals(rows, aevt.size());
            List<Datom> range = db.indexRange(Keyword.of("row/n"), 1_000L, null);
            assertEquals(rows - 1_000, range.size());
            for (int i = 0; i < range.size(); i++) {
                assertEquals(1_000L + i, range.get(i).v(), "in value order");
            }
        }
    }

    /** A log longer than one page of the remote client (1,000 transactions) comes whole and in order. */
    @Test
    void aLogLongerThanOnePageComesWholeAndInOrder(TestInfo info) {
        String name = fresh(info);
        Chronon.createDatabase(uri(name));
        try (Connection conn = Chronon.connect(uri(name))) {
            conn.transact("[{:db/ident :row/n :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]");
            long first = conn.transact("[{:row/n 0}]").basisT();
            // 1,100 transactions, at most 20 outstanding (a loaded machine and the Cassandra store included)
            int count = 1_100;
            for (int from = 1; from < count; from += 20) {
                List<CompletableFuture<TxReport>> pending = new ArrayList<>();
                for (int i = from; i < Math.min(count, from + 20); i++) {
                    pending.add(conn.transactAsync("[{:row/n " + i + "}]"));
                }
                pending.forEach(CompletableFuture::join);
            }
            List<LogEntry> log = conn.txRange(first, null);
            assertEquals(count, log.size());
            for (int i = 1; i < log.size(); i++) {
                assertTrue(log.get(i).t() > log.get(i - 1).t(), "in t order");
            }
        }
    }

    @Test
    void transactReportsTempidsAndDatoms(TestInfo info) {
        String name = fresh(info);
        Chronon.createDatabase(uri(name));
        try (Connection conn = Chronon.connect(uri(name))) {
            TxReport schema = conn.transact(SCHEMA);
            assertTrue(schema.basisT() > schema.basisTBefore());
            // the same data as Java values instead of EDN text
            TxReport r = conn.transact(List.of(Map.of(Keyword.of("db/id"), "x", Keyword.of("person/email"), "x@x",
                    Keyword.of("person/name"), "Xe")));
            assertEquals(schema.basisT(), r.basisTBefore());
            assertEquals(Ids.tToTx(r.basisT()), r.tx());
            Long x = r.tempid("x");
            assertNotNull(x);
            assertTrue(r.txData().stream().anyMatch(d -> d.e() == x && "Xe".equals(d.v()) && d.added()));
            assertTrue(r.txData().stream().anyMatch(d -> d.e() == r.tx()), "the transaction's own :db/txInstant");
            assertEquals(r.basisT(), conn.knownT());
            assertEquals(r.basisT(), conn.db().basisT(), "db() includes the connection's own writes");
            CompletableFuture<TxReport> async = conn.transactAsync("[[:db/add \"y\" :person/email \"y@x\"]]");
            assertTrue(async.join().basisT() > r.basisT());
        }
    }

    @Test
    void queriesWithArgsShapesAndOtherDbInputs(TestInfo info) {
        try (Connection conn = people(info)) {
            Db db = conn.db();
            assertEquals(Set.of(List.of("Ada"), List.of("Bob")),
                    db.q("[:find ?n :in $ ?min :where [?e :person/age ?a] [(>= ?a ?min)] [?e :person/name ?n]]", 30L));
            assertEquals(List.of("Ada"), db.q("[:find [?n ...] :in $ ?email :where [?e :person/email ?email] [?e :person/name ?n]]", "ada@x"));
            assertEquals(3L, db.q("[:find (count ?e) . :where [?e :person/name]]"));
            assertEquals(102L, db.q(EdnReader.read("[:find (sum ?a) . :where [_ :person/age ?a]]")), "a query as data");
            // a collection input and rules
            assertEquals(Set.of(List.of("Ada"), List.of("Cy")), db.q("[:find ?n :in $ [?email ...] :where [?e :person/email ?email] [?e :person/name ?n]]",
                    List.of("ada@x", "cy@x")));
            assertEquals(Set.of(List.of("Ada"), List.of("Bob")), db.q("[:find ?n :in $ % :where (friend-of-cy ?f) [?f :person/name ?n]]",
                    EdnReader.read("[[(friend-of-cy ?f) [?c :person/email \"cy@x\"] [?c :person/friend ?f]]]")));
            // another db value as an input: the database before the people
            long before = conn.txRange(null, null).get(0).t();
            Db empty = db.asOf(before);
            assertEquals(Set.of(), db.q("[:find ?n :in $ $old :where [$old ?e :person/name ?n]]", empty));
            ChrononException bad = assertThrows(ChrononException.class, () -> db.q("[:find ?x :where [?x :person/name"));
            assertEquals(ErrorCategory.INCORRECT, bad.category());
        }
    }

    @Test
    void pullPullManyAndEntity(TestInfo info) {
        try (Connection conn = people(info)) {
            Db db = conn.db();
            Map<Object, Object> bob = db.pull("[:person/name {:person/friend [:person/name]}]", List.of(Keyword.of("person/email"), "bob@x"));
            assertEquals(EdnReader.read("{:person/name \"Bob\" :person/friend [{:person/name \"Ada\"}]}"), bob);
            List<Map<Object, Object>> many = db.pullMany("[:person/name]",
                    EdnReader.read("[[:person/email \"ada@x\"] [:person/email \"cy@x\"]]") instanceof List<?> l ? l : List.of());
            assertEquals(EdnReader.read("[{:person/name \"Ada\"} {:person/name \"Cy\"}]"), many);
            assertNull(db.pull("[:person/name]", EdnReader.read("[:person/email \"nobody@x\"]")));

            Entity ada = db.entity(EdnReader.read("[:person/email \"ada@x\"]"));
            assertEquals("Ada", ada.get(":person/name"));
            assertEquals(36L, ada.get(Keyword.of("person/age")));
            assertEquals(Keyword.of("color/red"), ada.get("person/color"), "an enum reads as its ident");
            assertEquals(Set.of(Keyword.of("math"), Keyword.of("poetry")), ada.get("person/tags"));
            Object fans = ada.get(":person/_friend");
            assertInstanceOf(Set.class, fans);
            Set<Object> names = new java.util.HashSet<>();
            for (Object f : (Set<?>) fans) {
                names.add(((Entity) f).get("person/name"));
            }
            assertEquals(Set.of("Bob", "Cy"), names);
            assertEquals(Set.of(Keyword.of("person/email"), Keyword.of("person/name"), Keyword.of("person/age"),
                    Keyword.of("person/color"), Keyword.of("person/tags")), ada.keySet());
            assertEquals(ada.id(), ada.toMap().get(Keyword.of("db/id")));
            Entity bobE = db.entity(EdnReader.read("[:person/email \"bob@x\"]"));
            Object friends = bobE.get("person/friend");
            assertEquals(Set.of(ada.id()), ((Set<?>) friends).stream().map(f -> ((Entity) f).id()).collect(java.util.stream.Collectors.toSet()));
            assertNull(bobE.get("person/nothing"));
            assertNull(db.entity(EdnReader.read("[:person/email \"nobody@x\"]")));
        }
    }

    @Test
    void datomsAndIndexRange(TestInfo info) {
        try (Connection conn = people(info)) {
            Db db = conn.db();
            List<Datom> names = db.datoms(IndexType.AEVT, Keyword.of("person/name"));
            assertEquals(3, names.size());
            assertTrue(names.stream().allMatch(Datom::added));
            long ada = (Long) db.q("[:find ?e . :where [?e :person/email \"ada@x\"]]");
            List<Datom> adaFacts = db.datoms(IndexType.EAVT, ada);
            assertTrue(adaFacts.size() >= 5);
            assertTrue(adaFacts.stream().allMatch(d -> d.e() == ada));
            assertEquals(List.of("Ada"), db.datoms(IndexType.AVET, Keyword.of("person/email"), "ada@x").stream()
                    .map(d -> db.pull("[:person/name]", d.e()).get(Keyword.of("person/name"))).toList());
            List<Object> ages = db.indexRange(Keyword.of("person/age"), 30L, 50L).stream().map(Datom::v).toList();
            assertEquals(List.of(36L, 41L), ages);
            assertEquals(List.of(25L, 36L, 41L), db.indexRange(Keyword.of("person/age"), null, null).stream().map(Datom::v).toList());
        }
    }

    @Test
    void attributeAndEntidAt(TestInfo info) {
        try (Connection conn = people(info)) {
            Db db = conn.db();
            io.chronon.db.Attribute email = db.attribute(Keyword.of("person/email"));
            assertEquals(Keyword.of("person/email"), email.ident());
            assertEquals(io.chronon.db.Attribute.Unique.IDENTITY, email.unique());
            assertEquals(io.chronon.db.ValueType.STRING, email.valueType());
            assertEquals(email, db.attribute(email.id()));
            assertTrue(db.attribute(Keyword.of("person/tags")).many());
            assertEquals(null, db.attribute(Keyword.of("color/red")));
            assertEquals(null, db.attribute(Keyword.of("no/such")));
            assertEquals(null, db.attribute(null));
            assertEquals(email, db.asOf(0L).attribute(Keyword.of("person/email")));
            long ada = (Long) db.q("[:find ?e . :where [?e :person/email \"ada@x\"]]");
            long t = db.basisT();
            assertEquals(io.chronon.db.Ids.entid(4, t), db.entidAt(Keyword.of("db.part/user"), t));
            assertEquals(io.chronon.db.Ids.entid(4, t), db.entidAt(4L, io.chronon.db.Ids.tToTx(t)));
            // ada was made by the transaction at t: no smaller than t's id, smaller than the next transaction's
            assertTrue(ada >= db.entidAt(Keyword.of("db.part/user"), t));
            assertTrue(ada < db.entidAt(Keyword.of("db.part/user"), new java.util.Date(4_102_444_800_000L)));
            ChrononException e = assertThrows(ChrononException.class, () -> db.entidAt(Keyword.of("db.part/nope"), t));
            assertEquals(Keyword.of("db.error/not-a-db-id"), e.code());
            assertEquals(ErrorCategory.INCORRECT, e.category());
        }
    }

    @Test
    void asOfSinceHistoryAndWith(TestInfo info) {
        try (Connection conn = people(info)) {
            long t1 = conn.db().basisT();
            TxReport older = conn.transact("[[:db/add [:person/email \"ada@x\"] :person/age 37] [:db/add \"dee\" :person/email \"dee@x\"]]");
            Db now = conn.db();
            String ageOfAda = "[:find ?a . :where [?e :person/email \"ada@x\"] [?e :person/age ?a]]";
            assertEquals(37L, now.q(ageOfAda));
            assertEquals(36L, now.asOf(t1).q(ageOfAda));
            assertEquals(36L, now.asOf(Ids.tToTx(t1)).q(ageOfAda), "as of a tx id");
            assertEquals(Set.of(List.of("dee@x")), now.since(t1).q("[:find ?m :where [_ :person/email ?m]]"));
            assertEquals(Set.of(List.of(36L, false), List.of(37L, true), List.of(36L, true)),
                    now.history().q("[:find ?a ?added :where [?e :person/email \"ada@x\"] [?e :person/age ?a _ ?added]]"));
            Db speculative = now.with("[[:db/add [:person/email \"ada@x\"] :person/age 99]]");
            assertEquals(99L, speculative.q(ageOfAda));
            assertEquals(100L, speculative.with("[[:db/add [:person/email \"ada@x\"] :person/age 100]]").q(ageOfAda), "with on with");
            assertEquals(37L, now.q(ageOfAda), "with changes nothing");
            assertEquals(37L, conn.db().q(ageOfAda));
            assertEquals(older.basisT(), conn.db().basisT());
            ChrononException bad = assertThrows(ChrononException.class, () -> now.with("[[:db/add \"z\" :person/nope 1]]").q(ageOfAda));
            assertEquals(ErrorCategory.INCORRECT, bad.category());
        }
    }

    @Test
    void txRangeReadsTheLog(TestInfo info) {
        try (Connection conn = people(info)) {
            List<LogEntry> all = conn.txRange(null, null);
            assertEquals(2, all.size(), "schema and people");
            TxReport r = conn.transact("[[:db/add [:person/email \"cy@x\"] :person/age 26]]");
            List<LogEntry> after = conn.txRange(all.get(1).t() + 1, null);
            assertEquals(1, after.size());
            assertEquals(r.basisT(), after.get(0).t());
            assertEquals(r.tx(), after.get(0).tx());
            assertEquals(Set.copyOf(r.txData()), Set.copyOf(after.get(0).data()));
            assertEquals(List.of(all.get(1).t()), conn.txRange(all.get(1).t(), r.basisT()).stream().map(LogEntry::t).toList());
        }
    }

    @Test
    void requestIndexThenSyncIndexGivesAValueOnTheNewIndex(TestInfo info) throws Exception {
        try (Connection conn = people(info)) {
            assertEquals(0, conn.db().indexBasisT(), "a small database is all novelty until its first indexing job");
            TxReport r = conn.transact("[{:person/email \"gus@x\" :person/name \"Gus\"}]");
            long upTo = conn.requestIndex();
            assertTrue(upTo >= r.basisT(), "the job indexes up to the latest t: " + upTo);
            Db indexed = conn.syncIndex(r.basisT()).get(30, TimeUnit.SECONDS);
            assertTrue(indexed.basisT() >= r.basisT());
            assertTrue(indexed.indexBasisT() >= r.basisT(), "syncIndex's value is indexed through t: " + indexed.indexBasisT());
            assertEquals("Gus", indexed.q("[:find ?n . :where [?e :person/email \"gus@x\"] [?e :person/name ?n]]"));
            // the peer moved onto the index (syncIndex waited for it): the next value reads it too
            TxReport r2 = conn.transact("[{:person/email \"hal@x\" :person/name \"Hal\"}]");
            Db after = conn.sync(r2.basisT()).get(30, TimeUnit.SECONDS);
            assertEquals(upTo, after.indexBasisT(), "the value reads the durable index up to the job's t");
            assertEquals(2L, after.q("[:find (count ?e) . :where [?e :person/email ?m] [(contains? #{\"gus@x\" \"hal@x\"} ?m)]]"));
        }
    }

    @Test
    void syncAndReadYourWritesAcrossConnections(TestInfo info) throws Exception {
        try (Connection writer = people(info); Connection reader = Chronon.connect(uri(writer.name()))) {
            TxReport r = writer.transact("[{:person/email \"eve@x\" :person/name \"Eve\"}]");
            String eve = "[:find ?n . :where [?e :person/email \"eve@x\"] [?e :person/name ?n]]";
            assertEquals("Eve", writer.db().q(eve), "the writer reads its write at once");
            Db synced = reader.sync(r.basisT()).get(30, TimeUnit.SECONDS);
            assertTrue(synced.basisT() >= r.basisT());
            assertEquals("Eve", synced.q(eve));
            assertTrue(reader.knownT() >= r.basisT());
            assertEquals("Eve", reader.db().q(eve), "the reader's db() now includes what it synced to");
            TxReport r2 = writer.transact("[{:person/email \"fay@x\" :person/name \"Fay\"}]");
            Db latest = reader.sync().get(30, TimeUnit.SECONDS);
            assertTrue(latest.basisT() >= r2.basisT(), "sync() waits for everything committed before it");
            // a db value does not move: the one synced before Fay does not see her
            assertNull(synced.q("[:find ?e . :where [?e :person/email \"fay@x\"]]"));
        }
    }

    @Test
    void txReportsStreamEveryReportInOrder(TestInfo info) throws Exception {
        try (Connection conn = people(info)) {
            long start = conn.knownT();
            int n = 20;
            Collector live = new Collector(n);
            conn.txReports().subscribe(live);
            assertTrue(live.subscribed.await(30, TimeUnit.SECONDS));
            List<TxReport> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sent.add(conn.transact("[{:person/email \"p" + i + "@x\" :person/age " + i + "}]"));
            }
            assertTrue(live.done.await(30, TimeUnit.SECONDS), () -> "got " + live.reports.size() + " of " + n);
            assertEquals(sent.stream().map(TxReport::basisT).toList(), live.reports.stream().map(TxReport::basisT).toList());
            for (int i = 0; i < n; i++) {
                assertEquals(Set.copyOf(sent.get(i).txData()), Set.copyOf(live.reports.get(i).txData()));
                assertEquals(sent.get(i).basisTBefore(), live.reports.get(i).basisTBefore());
            }
            // resuming from a t replays the log from there, then goes on live
            Collector replay = new Collector(n + 1);
            conn.txReports(start + 1).subscribe(replay);
            TxReport last = conn.transact("[{:person/email \"last@x\"}]");
            assertTrue(replay.done.await(30, TimeUnit.SECONDS), () -> "got " + replay.reports.size());
            List<Long> expected = new ArrayList<>(sent.stream().map(TxReport::basisT).toList());
            expected.add(last.basisT());
            assertEquals(expected, replay.reports.stream().map(TxReport::basisT).toList());
            assertEquals(start, replay.reports.get(0).basisTBefore());
            // closing the connection completes its open streams
            Collector open = new Collector(Integer.MAX_VALUE);
            conn.txReports().subscribe(open);
            assertTrue(open.subscribed.await(30, TimeUnit.SECONDS));
            conn.close();
            assertTrue(open.done.await(30, TimeUnit.SECONDS), "the stream completes when its connection closes");
            assertTrue(open.completed, "completed, not failed");
        }
    }

    /** Collects reports until it has {@code want}, then cancels. */
    static final class Collector implements Flow.Subscriber<TxReport> {
        final List<TxReport> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CountDownLatch subscribed = new CountDownLatch(1);
        final CountDownLatch done = new CountDownLatch(1);
        private final int want;
        private Flow.Subscription subscription;

        Collector(int want) {
            this.want = want;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
            subscribed.countDown();
        }

        @Override
        public void onNext(TxReport item) {
            reports.add(item);
            if (reports.size() >= want) {
                subscription.cancel();
                done.countDown();
            }
        }

        volatile boolean completed;

        @Override
        public void onError(Throwable t) {
            done.countDown();
        }

        @Override
        public void onComplete() {
            completed = true;
            done.countDown();
        }
    }

    @Test
    void errorsHaveCategoriesAndChangeNothing(TestInfo info) throws Exception {
        try (Connection conn = people(info)) {
            long before = conn.db().basisT();
            ChrononException e = assertThrows(ChrononException.class,
                    () -> conn.transact("[[:db/add \"x\" :person/unknown 1]]"));
            assertEquals(ErrorCategory.INCORRECT, e.category());
            ChrononException unique = assertThrows(ChrononException.class,
                    () -> conn.transact("[[:db/add [:person/email \"ada@x\"] :person/age \"not a number\"]]"));
            assertEquals(ErrorCategory.INCORRECT, unique.category());
            ChrononException async = failure(assertThrows(Exception.class,
                    () -> conn.transactAsync("[[:db/cas [:person/email \"ada@x\"] :person/age 1 2]]").get(30, TimeUnit.SECONDS)));
            assertEquals(ErrorCategory.CONFLICT, async.category());
            assertEquals(ErrorCategory.INCORRECT, assertThrows(ChrononException.class, () -> conn.transact("[[:db/add")).category());
            assertEquals(before, conn.sync().get(30, TimeUnit.SECONDS).basisT(), "rejected transactions leave the basis where it was");
            assertEquals(before, conn.db().basisT());
            ChrononException missing = assertThrows(ChrononException.class, () -> Chronon.connect(uri("no-such-db-" + COUNTER.incrementAndGet())));
            assertEquals(ErrorCategory.NOT_FOUND, missing.category());
            assertEquals(ErrorCategory.INCORRECT, assertThrows(ChrononException.class, () -> Chronon.connect("chronon:nowhere")).category());
        }
    }
}
