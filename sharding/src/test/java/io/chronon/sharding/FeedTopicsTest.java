package io.chronon.sharding;

import io.chronon.ErrorCategory;
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
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.ChrononProtocolTest.person;
import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's topic of a database lives while the database's writer or peers on the node use it. */
class FeedTopicsTest {
    static ActorTestKit kit;
    static ChrononCluster chronon;
    static final java.util.concurrent.atomic.AtomicInteger COUNTERS = new java.util.concurrent.atomic.AtomicInteger();

    @BeforeAll
    static void start() {
        kit = TestCluster.start(TestCluster.config("memory", null, "chronon.transactor.heartbeat-interval = 200ms"));
        chronon = ChrononCluster.get(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
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
            assertTrue(await(chronon.createDatabase("churn")).created());
            await(chronon.transact("churn", ChrononProtocolTest.SCHEMA));
            Transactor.TxResult r = await(chronon.transact("churn", List.of(person(round, "R" + round, 1))));
            await(chronon.sync("churn", r.t()));
            assertEquals(1, ((java.util.Collection<?>) await(chronon.q("churn", "[:find ?n :where [?e :person/name ?n]]"))).size());
            assertTrue(await(chronon.deleteDatabase("churn")).deleted());
            assertEquals(ErrorCategory.NOT_FOUND, IncarnationTest.failure(chronon.q("churn", "[:find ?n :where [?e :person/name ?n]]"))
                    .category());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int now = topicActors();
        while (now > before && System.nanoTime() < deadline) {
            now = topicActors();
        }
        assertEquals(before, now, "topic actors after 10 deleted databases (before: " + before + ")");

        ServiceKey<String> probeKey = ServiceKey.create(String.class, "probe");
        Receptionist.Listing listing = AskPattern.<Receptionist.Command, Receptionist.Listing>ask(kit.system().receptionist(),
                replyTo -> Receptionist.find(probeKey, replyTo), Duration.ofSeconds(3), kit.system().scheduler())
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(probeKey, listing.getKey());

        DatabaseInfo info = await(chronon.createDatabase("churn")).database();
        Transactor.TxResult schema = await(chronon.transact("churn", ChrononProtocolTest.SCHEMA));
        await(chronon.sync("churn", schema.t()));
        TxFeedTopics topics = TxFeedTopics.get(kit.system());
        ActorRef<Topic.Command<TxFeed>> topic = topics.acquire(info);
        try {
            TestProbe<TxFeed> follower = kit.createTestProbe();
            topic.tell(Topic.subscribe(follower.getRef()));
            // the subscription is in place once the topic has handled it: a stats question sent after it is answered after it
            TestProbe<Topic.TopicStats> stats = kit.createTestProbe();
            topic.tell(Topic.getTopicStats(stats.getRef()));
            assertTrue(stats.receiveMessage(Duration.ofSeconds(5)).localSubscriberCount() >= 1);
            Transactor.TxResult r = await(chronon.transact("churn", List.of(person(99, "Last", 1))));
            TxFeed heard;
            do {
                heard = follower.receiveMessage(Duration.ofSeconds(10)); // heartbeats come first while the writer is idle
            } while (!(heard instanceof TxFeed.Committed c && c.seqNr() == r.seqNr()));
            assertEquals(r.t(), ((TxFeed.Committed) heard).entry().t());
        } finally {
            topics.release(info);
        }
        await(chronon.sync("churn", schema.t()));
        assertEquals(1, ((java.util.Collection<?>) await(chronon.q("churn", "[:find ?n :where [?e :person/name ?n]]"))).size());
    }

    /** The topic actors of this node ({@code /system/chronon-topic-*}): those that answer an Identify. */
    static int topicActors() throws Exception {
        CompletableFuture<Integer> count = new CompletableFuture<>();
        ((ExtendedActorSystem) Adapter.toClassic(kit.system())).systemActorOf(
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
