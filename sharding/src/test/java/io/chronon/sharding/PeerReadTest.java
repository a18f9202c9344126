package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link QueryPeer.Read}: every operation and basis, with every message serialized as
 * between nodes.
 */
class PeerReadTest {
    static ActorTestKit kit;
    static ChrononCluster chronon;
    static long t1;
    static long t2;
    static long t3;
    static long ann;

    @BeforeAll
    static void start() {
        kit = TestCluster.start(TestCluster.config("memory", null, String.join("\n",
                "pekko.actor.serialize-messages = on",
                "pekko.actor.no-serialization-verification-needed-class-prefix = [\"org.apache.pekko.\"]")));
        chronon = ChrononCluster.get(kit.system());
        await(chronon.createDatabase("reads"));
        await(chronon.createDatabase("other"));
        await(chronon.transact("reads", ChrononProtocolTest.SCHEMA));
        await(chronon.transact("other", ChrononProtocolTest.SCHEMA));
        Transactor.TxResult r1 = await(chronon.transact("reads",
                "[{:db/id \"ann\" :person/id 1 :person/name \"Ann\" :person/age 30}]"));
        t1 = r1.t();
        ann = r1.tempids().get("ann");
        t2 = await(chronon.transact("reads", "[{:person/id 2 :person/name \"Bob\" :person/age 40}]")).t();
        t3 = await(chronon.transact("reads", "[[:db/add [:person/id 1] :person/age 31]]")).t();
        await(chronon.transact("other", "[{:person/id 9 :person/name \"Zoe\"}]"));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static QueryPeer.ReadResult read(QueryPeer.Basis basis, QueryPeer.ReadOp op) {
        return await(chronon.read("reads", basis, op));
    }

    private static QueryPeer.QueryOp q(String query, Object... args) {
        return new QueryPeer.QueryOp(query, List.of(args), -1, 0, null);
    }

    /**
     * A peer that stops (passivation, a rebalance, its node leaving) answers the reads waiting
     * for a basis "unavailable", so their callers retry at once and reach its next home; before,
     * they were dropped and each caller waited out its own timeout.
     */
    @Test
    void aStoppingPeerAnswersTheReadsWaitingForABasis() {
        await(chronon.createDatabase("stopping-peer"));
        long latest = await(chronon.transact("stopping-peer", ChrononProtocolTest.SCHEMA)).t();
        var peer = chronon.peer("stopping-peer");
        await(peer.<QueryPeer.Synced>askWithStatus(r -> new QueryPeer.Sync(latest, 10_000, r), java.time.Duration.ofSeconds(20)));
        long start = System.nanoTime();
        var waiting = peer.<QueryPeer.Synced>askWithStatus(r -> new QueryPeer.Sync(latest + 1000, 60_000, r),
                java.time.Duration.ofSeconds(90)).toCompletableFuture();
        // the wait has reached the peer once a later read has been answered
        await(peer.<QueryPeer.Synced>askWithStatus(r -> new QueryPeer.Sync(latest, 10_000, r), java.time.Duration.ofSeconds(20)));
        peer.tell(QueryPeer.Stop.INSTANCE);
        java.util.concurrent.ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class, () -> waiting.get(30, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof io.chronon.sharding.wire.ChrononError error
                && error.category() == io.chronon.ErrorCategory.UNAVAILABLE, String.valueOf(e.getCause()));
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "answered at the stop, not at the 60 s timeout");
    }

    @Test
    void queryWaitsForItsBasisAndTakesLimitOffsetOrderBy() {
        QueryPeer.ReadResult r = read(QueryPeer.Basis.atLeast(t3), q("[:find ?n ?a :where [?e :person/name ?n] [?e :person/age ?a]]"));
        assertTrue(r.basisT() >= t3);
        assertEquals(Set.of(List.of("Ann", 31L), List.of("Bob", 40L)), new HashSet<>((Set<?>) r.result()));
        Object ordered = read(QueryPeer.Basis.LATEST, new QueryPeer.QueryOp(
                "[:find ?n ?a :where [?e :person/name ?n] [?e :person/age ?a]]", List.of(), 1, 1,
                EdnReader.read("[[?a :desc]]"))).result();
        assertEquals(List.of(List.of("Ann", 31L)), ordered);
    }

    @Test
    void asOfSinceHistoryAndWithFilterTheValue() {
        String ages = "[:find ?a :where [_ :person/age ?a]]";
        assertEquals(Set.of(List.of(30L)), read(new QueryPeer.Basis(t3, t1, null, false, null), q(ages)).result());
        assertEquals(Set.of(List.of(31L)), read(new QueryPeer.Basis(t3, null, t2, false, null), q(ages)).result());
        assertEquals(4, ((Set<?>) read(new QueryPeer.Basis(t3, null, null, true, null),
                q("[:find ?a ?added :where [_ :person/age ?a _ ?added]]")).result()).size());
        QueryPeer.ReadResult with = read(new QueryPeer.Basis(t3, null, null, false,
                List.of(EdnReader.read("[{:person/id 3 :person/age 7}]"))), q(ages));
        assertEquals(Set.of(List.of(31L), List.of(40L), List.of(7L)), with.result());
        assertTrue(with.basisT() >= t3, "the basis reported is the peer's, not the speculative one");
        assertEquals(Set.of(List.of(31L), List.of(40L)), read(QueryPeer.Basis.atLeast(t3), q(ages)).result(), "with wrote nothing");
    }

    @Test
    void databaseInputsResolveToTheirValues() {
        Object r = read(QueryPeer.Basis.atLeast(t3), q("[:find ?n :in $ $o :where [$o _ :person/name ?n]]",
                new Tagged(Symbol.of("chronon/db"), Map.of(Keyword.of("name"), "other")))).result();
        assertEquals(Set.of(List.of("Zoe")), r);
        Object self = read(QueryPeer.Basis.atLeast(t3), q("[:find ?a :in $ $old :where [$old _ :person/age ?a]]",
                new Tagged(Symbol.of("chronon/db"), Map.of(Keyword.of("name"), "reads", Keyword.of("as-of"), t1)))).result();
        assertEquals(Set.of(List.of(30L)), self);
    }

    @Test
    void pullPullManyDatomsIndexRangeLogInfo() {
        QueryPeer.Basis b = QueryPeer.Basis.atLeast(t3);
        assertEquals(Map.of(Keyword.of("person/name"), "Ann"),
                read(b, new QueryPeer.PullOp("[:person/name]", EdnReader.read("[:person/id 1]"))).result());
        List<?> many = (List<?>) read(b, new QueryPeer.PullManyOp("[:person/name]", List.of(ann, EdnReader.read("[:person/id 2]")))).result();
        assertEquals(List.of(Map.of(Keyword.of("person/name"), "Ann"), Map.of(Keyword.of("person/name"), "Bob")), many);
        List<?> datoms = (List<?>) read(b, new QueryPeer.DatomsOp("aevt", List.of(Keyword.of("person/name")), -1, 0)).result();
        assertEquals(2, datoms.size());
        assertEquals(ann, ((List<?>) datoms.get(0)).get(0));
        assertEquals(List.of(List.of(ann)), ((List<?>) read(b, new QueryPeer.DatomsOp("eavt", List.of(ann), 1, 0)).result())
                .stream().map(d -> List.of(((List<?>) d).get(0))).toList());
        List<?> range = (List<?>) read(b, new QueryPeer.IndexRangeOp(Keyword.of("person/age"), 31L, 41L, -1, 0)).result();
        assertEquals(List.of(31L, 40L), range.stream().map(d -> ((List<?>) d).get(2)).toList());
        List<?> log = (List<?>) read(b, new QueryPeer.LogOp(t2, null, -1)).result();
        assertEquals(List.of(t2, t3), log.stream().map(tx -> ((Map<?, ?>) tx).get(Keyword.of("t"))).toList());
        Map<?, ?> info = (Map<?, ?>) read(new QueryPeer.Basis(t3, t1, null, false, null), new QueryPeer.InfoOp()).result();
        assertEquals("reads", info.get(Keyword.of("db/name")));
        assertTrue((Long) info.get(Keyword.of("basis-t")) >= t3);
        assertEquals(t1, info.get(Keyword.of("as-of")));
        assertNull(info.get(Keyword.of("history")));
    }

    @Test
    void badReadsAreIncorrectOrNotFound() {
        assertCategory(ErrorCategory.INCORRECT, "reads", q("[:find ?x :where [?x :no/such ?y"));
        assertCategory(ErrorCategory.INCORRECT, "reads", new QueryPeer.DatomsOp("xyz", List.of(), -1, 0));
        assertCategory(ErrorCategory.INCORRECT, "reads", q("[:find ?e :in $ $o :where [$o ?e _]]",
                new Tagged(Symbol.of("chronon/db"), "other")));
        assertCategory(ErrorCategory.NOT_FOUND, "reads", q("[:find ?e :in $ $o :where [$o ?e _]]",
                new Tagged(Symbol.of("chronon/db"), Map.of(Keyword.of("name"), "missing"))));
        assertCategory(ErrorCategory.NOT_FOUND, "missing", new QueryPeer.InfoOp());
    }

    @Test
    void aReadWaitingForItsBasisIsAnsweredNotFoundWhenTheDatabaseIsDeleted() throws Exception {
        await(chronon.createDatabase("doomed"));
        long t = await(chronon.transact("doomed", ChrononProtocolTest.SCHEMA)).t();
        var waiting = chronon.read("doomed", chronon.settings().defaultQueryGroup(), QueryPeer.Basis.atLeast(t + 100),
                new QueryPeer.InfoOp(), java.time.Duration.ofSeconds(25)).toCompletableFuture();
        await(chronon.sync("doomed", t));
        assertTrue(await(chronon.deleteDatabase("doomed")).deleted());
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(20, TimeUnit.SECONDS));
        assertEquals(ErrorCategory.NOT_FOUND, assertInstanceOf(ChrononError.class, e.getCause()).category(), e.getCause().toString());
    }

    private static void assertCategory(ErrorCategory expected, String db, QueryPeer.ReadOp op) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> chronon.read(db, QueryPeer.Basis.LATEST, op)
                .toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(expected, assertInstanceOf(ChrononError.class, e.getCause()).category(), e.getCause().toString());
    }
}
