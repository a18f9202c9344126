package io.chronon.sharding;

import io.chronon.edn.Keyword;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.internal.pubsub.TopicImpl;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reports lost, duplicated or early on the way from writer to peer are healed from the log.
 * The database's topic is wrapped in a forwarder that drops chosen reports on purpose.
 */
class GapHealingTest {
    static ActorTestKit kit;
    static ChrononCluster chronon;
    /** Sequence numbers whose Committed report is dropped, per database. */
    static final Map<String, Set<Long>> DROP = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() {
        kit = TestCluster.start(TestCluster.config("memory", null, "chronon.transactor.heartbeat-interval = 200ms"));
        chronon = ChrononCluster.get(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** Forwards every topic command to the real topic, except the publications {@code drop} selects. */
    static Behavior<Topic.Command<TxFeed>> lossy(ActorRef<Topic.Command<TxFeed>> real, Predicate<TxFeed> drop) {
        return Behaviors.receive((ctx, msg) -> {
            if (msg instanceof TopicImpl.Publish<?> p && p.message() instanceof TxFeed f && drop.test(f)) {
                return Behaviors.same();
            }
            real.tell(msg);
            return Behaviors.same();
        });
    }

    /** Creates a database whose reports go through a lossy topic. */
    static void lossyDb(String name) {
        DatabaseInfo info = await(chronon.createDatabase(name)).database();
        ActorRef<Topic.Command<TxFeed>> real = kit.spawn(Topic.create(TxFeed.class, info.topicName()));
        Set<Long> drops = DROP.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet());
        TxFeedTopics.get(kit.system()).install(info.topicName(), kit.spawn(lossy(real,
                f -> f instanceof TxFeed.Committed c && drops.contains(c.seqNr()))));
        await(chronon.transact(name, ChrononProtocolTest.SCHEMA));
    }

    static Transactor.TxResult add(String db, long id) {
        return await(chronon.transact(db, List.of(Map.of(Keyword.of("person/id"), id, Keyword.of("person/name"), "P" + id))));
    }

    static int count(String db) {
        return ((java.util.Collection<?>) await(chronon.q(db, "[:find ?e :where [?e :person/id]]"))).size();
    }

    @Test
    void aLostReportInTheMiddleIsReadFromTheLog() {
        lossyDb("gap-middle");
        Transactor.TxResult first = add("gap-middle", 1);
        await(chronon.sync("gap-middle", first.t()));
        DROP.get("gap-middle").addAll(List.of(first.seqNr() + 1, first.seqNr() + 2));
        add("gap-middle", 2);
        add("gap-middle", 3);
        Transactor.TxResult fourth = add("gap-middle", 4);
        // report 4 arrives after a hole of two: the peer reads 2 and 3 from the log, then applies 4
        assertEquals(fourth.t(), await(chronon.sync("gap-middle", fourth.t())).basisT());
        assertEquals(4, count("gap-middle"));
    }

    @Test
    void aLostLastReportIsNoticedThroughTheHeartbeat() {
        lossyDb("gap-last");
        Transactor.TxResult first = add("gap-last", 1);
        await(chronon.sync("gap-last", first.t()));
        DROP.get("gap-last").add(first.seqNr() + 1);
        Transactor.TxResult lost = add("gap-last", 2);
        long start = System.nanoTime();
        TestProbe<StatusReply<QueryPeer.Synced>> probe = kit.createTestProbe();
        chronon.peer("gap-last").tell(new QueryPeer.Sync(lost.t(), 5000, probe.getRef()));
        StatusReply<QueryPeer.Synced> reply = probe.receiveMessage(Duration.ofSeconds(6));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(reply.isSuccess(), String.valueOf(reply));
        assertEquals(lost.t(), reply.getValue().basisT());
        assertTrue(ms < 1000, "noticed after " + ms + " ms");
    }

    @Test
    void everyReportLostStillConverges() {
        lossyDb("gap-all");
        DROP.get("gap-all").addAll(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
        Transactor.TxResult last = null;
        for (long i = 0; i < 30; i++) {
            last = add("gap-all", i);
        }
        assertEquals(last.t(), await(chronon.sync("gap-all", last.t())).basisT());
        assertEquals(30, count("gap-all"));
    }

    @Test
    void duplicateAndStaleReportsAreIgnored() {
        lossyDb("dups");
        Transactor.TxResult a = add("dups", 1);
        await(chronon.sync("dups", a.t()));
        DatabaseInfo info = await(chronon.listDatabases()).stream().filter(d -> d.name().equals("dups")).findFirst().orElseThrow();
        ActorRef<Topic.Command<TxFeed>> topic = TxFeedTopics.get(kit.system()).acquire(info);
        // replay an old report again, twice
        QueryPeer.CurrentDb before = await(chronon.peer("dups").<QueryPeer.CurrentDb>askWithStatus(
                r -> new QueryPeer.GetDb(0, 1000, r), Duration.ofSeconds(5)));
        Transactor.TxResult b = add("dups", 2);
        await(chronon.sync("dups", b.t()));
        var oldEntry = io.chronon.storage.TxLogEntry.of(before.db(), List.of());
        topic.tell(Topic.publish(new TxFeed.Committed("dups", a.seqNr(), oldEntry, Map.of())));
        topic.tell(Topic.publish(new TxFeed.Committed("dups", b.seqNr(), oldEntry, Map.of())));
        Transactor.TxResult c = add("dups", 3);
        assertEquals(c.t(), await(chronon.sync("dups", c.t())).basisT());
        assertEquals(Set.of(List.of("P1"), List.of("P2"), List.of("P3")), new HashSet<>((java.util.Collection<?>)
                await(chronon.q("dups", "[:find ?n :where [?e :person/name ?n]]"))));
    }

    @Test
    void aPeerThatStartsLateLoadsTheLog() {
        assertTrue(await(chronon.createDatabase("late")).created());
        await(chronon.transact("late", ChrononProtocolTest.SCHEMA));
        List<Transactor.TxResult> results = new ArrayList<>();
        for (long i = 0; i < 50; i++) {
            results.add(add("late", i));
        }
        // the peer entity is addressed only now: it loads the database from storage
        assertEquals(50, count("late"));
        QueryPeer.Synced s = await(chronon.sync("late"));
        assertEquals(results.get(49).t(), s.basisT());
    }
}
