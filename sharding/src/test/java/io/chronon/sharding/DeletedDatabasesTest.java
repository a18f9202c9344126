package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorIdentity;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Identify;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.ReceiveTimeout;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.ChrononProtocolTest.failure;
import static io.chronon.sharding.ChrononProtocolTest.person;
import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A deleted database leaves nothing behind that answers or lingers.
 *
 * <p>A read is answered from the incarnation of its database that the catalog has when the
 * read is made, never from a deleted one that a peer still holds because it has not heard of
 * the deletion. The deletion reaches peers through the database's topic, at most once and
 * later than the catalog's answer to the delete (on another node, over the network); the
 * first tests give each database a topic that drops its {@link TxFeed.Retired}, as a lossy
 * network may, so the peer keeps the deleted value for good unless the read itself tells it
 * otherwise.
 *
 * <p>And the node's topic of a database lives only while the database's writer or peers on
 * the node use it.
 */
class DeletedDatabasesTest {
    @RegisterExtension
    static final OneNode NODE = new OneNode("chronon.transactor.heartbeat-interval = 200ms");
    static final java.util.concurrent.atomic.AtomicInteger COUNTERS = new java.util.concurrent.atomic.AtomicInteger();

    /** Creates {@code name} with one person, through a topic that never delivers the deletion, and reads it on its peer. */
    static void deafDb(String name, String personName) {
        DatabaseInfo info = await(NODE.chronon().createDatabase(name)).database();
        ActorRef<Topic.Command<TxFeed>> real = NODE.kit().spawn(Topic.create(TxFeed.class, info.topicName()));
        TxFeedTopics.get(NODE.kit().system()).install(info.topicName(), NODE.kit().spawn(GapHealingTest.lossy(real, f -> f instanceof TxFeed.Retired)));
        await(NODE.chronon().transact(name, ChrononProtocolTest.SCHEMA));
        Transactor.TxResult r = await(NODE.chronon().transact(name, List.of(person(1, personName, 1))));
        await(NODE.chronon().sync(name, r.t()));
        assertEquals(Set.of(List.of(personName)), names(name));
    }

    static Set<Object> names(String db) {
        return new HashSet<>((java.util.Collection<?>) await(NODE.chronon().q(db, "[:find ?n :where [?e :person/name ?n]]")));
    }

    /**
     * Five names, each deleted and created again while its peer holds the deleted value: the
     * sync and the read that follow the new incarnation's first transaction must see it.
     * Before the fix, 5 of 5 reads answered the deleted database's data.
     */
    @Test
    void aReadAfterDeleteAndCreateIsAnsweredFromTheNewDatabase() {
        List<String> stale = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "reborn-" + i;
            deafDb(name, "Old");
            assertTrue(await(NODE.chronon().deleteDatabase(name)).deleted());
            assertTrue(await(NODE.chronon().createDatabase(name)).created());
            await(NODE.chronon().transact(name, ChrononProtocolTest.SCHEMA));
            Transactor.TxResult fresh = await(NODE.chronon().transact(name, List.of(person(2, "New", 1))));
            await(NODE.chronon().sync(name, fresh.t()));
            Set<Object> seen = names(name);
            if (!seen.equals(Set.of(List.of("New")))) {
                stale.add(name + " answered " + seen);
            }
        }
        assertEquals(List.of(), stale);
    }

    /**
     * A query of one database that reads another ({@code #chronon/db {:name "..."}}) reads the
     * other's current incarnation too. Before, it read the deleted one its peer still held.
     */
    @Test
    void aQueryReadingAnotherDatabaseReadsItsNewIncarnation() {
        String across = "[:find ?n :in $ $o :where [$o ?e :person/name ?n]]";
        Object other = new Tagged(Symbol.of("chronon/db"), Map.of(Keyword.of("name"), "reborn-other"));
        deafDb("asking", "Me");
        deafDb("reborn-other", "Old");
        assertEquals(Set.of(List.of("Old")), new HashSet<>((java.util.Collection<?>) await(NODE.chronon().q("asking", across, other))));
        assertTrue(await(NODE.chronon().deleteDatabase("reborn-other")).deleted());
        assertTrue(await(NODE.chronon().createDatabase("reborn-other")).created());
        await(NODE.chronon().transact("reborn-other", ChrononProtocolTest.SCHEMA));
        await(NODE.chronon().transact("reborn-other", List.of(person(2, "New", 1))));
        assertEquals(Set.of(List.of("New")), new HashSet<>((java.util.Collection<?>) await(NODE.chronon().q("asking", across, other))));
    }

    /** A read of a deleted database is "not found", even on a peer that has not heard of the deletion. */
    @Test
    void aReadAfterDeleteIsNotFound() {
        deafDb("deleted", "Old");
        assertTrue(await(NODE.chronon().deleteDatabase("deleted")).deleted());
        assertEquals(ErrorCategory.NOT_FOUND, failure(NODE.chronon().q("deleted", "[:find ?n :where [?e :person/name ?n]]")).category());
        assertEquals(ErrorCategory.NOT_FOUND, failure(NODE.chronon().sync("deleted", 1)).category());
    }

    /**
     * Ten rounds of creating a database under one name, writing and reading it, and deleting
     * it: afterwards the node has no more topic actors than before (before the fix it kept
     * one per deleted incarnation: 10 here, for good), its receptionist answers, and the name
     * created once more has a topic that carries its transactions.
     */
    @Test
    void deletedDatabasesLeaveNoTopicsBehind() throws Exception {
        int before = topicActors();
        for (int round = 0; round < 10; round++) {
            assertTrue(await(NODE.chronon().createDatabase("churn")).created());
            await(NODE.chronon().transact("churn", ChrononProtocolTest.SCHEMA));
            Transactor.TxResult r = await(NODE.chronon().transact("churn", List.of(person(round, "R" + round, 1))));
            await(NODE.chronon().sync("churn", r.t()));
            assertEquals(1, ((java.util.Collection<?>) await(NODE.chronon().q("churn", "[:find ?n :where [?e :person/name ?n]]"))).size());
            assertTrue(await(NODE.chronon().deleteDatabase("churn")).deleted());
            assertEquals(ErrorCategory.NOT_FOUND, failure(NODE.chronon().q("churn", "[:find ?n :where [?e :person/name ?n]]"))
                    .category());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int now = topicActors();
        while (now > before && System.nanoTime() < deadline) {
            now = topicActors();
        }
        assertEquals(before, now, "topic actors after 10 deleted databases (before: " + before + ")");

        ServiceKey<String> probeKey = ServiceKey.create(String.class, "probe");
        Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(NODE.kit().system().receptionist(),
                replyTo -> Receptionist.find(probeKey, replyTo), Duration.ofSeconds(3), NODE.kit().system().scheduler())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(probeKey, listing.getKey());

        DatabaseInfo info = await(NODE.chronon().createDatabase("churn")).database();
        Transactor.TxResult schema = await(NODE.chronon().transact("churn", ChrononProtocolTest.SCHEMA));
        await(NODE.chronon().sync("churn", schema.t()));
        TxFeedTopics topics = TxFeedTopics.get(NODE.kit().system());
        ActorRef<Topic.Command<TxFeed>> topic = topics.acquire(info);
        try {
            TestProbe<TxFeed> follower = NODE.kit().createTestProbe();
            topic.tell(Topic.subscribe(follower.getRef()));
            // the subscription is in place once the topic has handled it: a stats question sent after it is answered after it
            TestProbe<Topic.TopicStats> stats = NODE.kit().createTestProbe();
            topic.tell(Topic.getTopicStats(stats.getRef()));
            assertTrue(stats.receiveMessage(Duration.ofSeconds(5)).localSubscriberCount() >= 1);
            Transactor.TxResult r = await(NODE.chronon().transact("churn", List.of(person(99, "Last", 1))));
            TxFeed heard;
            do {
                heard = follower.receiveMessage(Duration.ofSeconds(10)); // heartbeats come first while the writer is idle
            } while (!(heard instanceof TxFeed.Committed c && c.seqNr() == r.seqNr()));
            assertEquals(r.t(), ((TxFeed.Committed) heard).entry().t());
        } finally {
            topics.release(info);
        }
        await(NODE.chronon().sync("churn", schema.t()));
        assertEquals(1, ((java.util.Collection<?>) await(NODE.chronon().q("churn", "[:find ?n :where [?e :person/name ?n]]"))).size());
    }

    /** The topic actors of this node ({@code /system/chronon-topic-*}): those that answer an Identify. */
    static int topicActors() throws Exception {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        ((ExtendedActorSystem) Adapter.toClassic(NODE.kit().system())).systemActorOf(
                Props.create(TopicCounter.class, () -> new TopicCounter(count)), "topic-counter-" + COUNTERS.incrementAndGet());
        return count.get(10, TimeUnit.SECONDS);
    }

    /** Asks every topic actor to identify itself and counts the answers until none has come for 300 ms. */
    static final class TopicCounter extends AbstractActor {
        private final CompletableFuture<Integer> count;
        private int answers;

        TopicCounter(CompletableFuture<Integer> count) {
            this.count = count;
        }

        @Override
        public void preStart() {
            getContext().actorSelection("/system/chronon-topic-*").tell(new Identify(1), getSelf());
            getContext().setReceiveTimeout(java.time.Duration.ofMillis(300));
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(ActorIdentity.class, a -> answers += a.getActorRef().isPresent() ? 1 : 0)
                    .match(ReceiveTimeout.class, t -> {
                        count.complete(answers);
                        getContext().stop(getSelf());
                    })
                    .build();
        }
    }
}
