package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.ChrononProtocolTest.person;
import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A read is answered from the incarnation of its database that the catalog has when the read
 * is made, never from a deleted one that a peer still holds because it has not heard of the
 * deletion. The deletion reaches peers through the database's topic, at most once and later
 * than the catalog's answer to the delete (on another node, over the network); here the
 * topic of each database drops its {@link TxFeed.Retired}, as a lossy network may, so the
 * peer keeps the deleted value for good unless the read itself tells it otherwise.
 */
class IncarnationTest {
    static ActorTestKit kit;
    static ChrononCluster chronon;

    @BeforeAll
    static void start() {
        kit = TestCluster.start(TestCluster.config("memory", null, "chronon.transactor.heartbeat-interval = 200ms"));
        chronon = ChrononCluster.get(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** Creates {@code name} with one person, through a topic that never delivers the deletion, and reads it on its peer. */
    static void deafDb(String name, String personName) {
        DatabaseInfo info = await(chronon.createDatabase(name)).database();
        ActorRef<Topic.Command<TxFeed>> real = kit.spawn(Topic.create(TxFeed.class, info.topicName()));
        TxFeedTopics.get(kit.system()).install(info.topicName(), kit.spawn(GapHealingTest.lossy(real, f -> f instanceof TxFeed.Retired)));
        await(chronon.transact(name, ChrononProtocolTest.SCHEMA));
        Transactor.TxResult r = await(chronon.transact(name, List.of(person(1, personName, 1))));
        await(chronon.sync(name, r.t()));
        assertEquals(Set.of(List.of(personName)), names(name));
    }

    static Set<Object> names(String db) {
        return new HashSet<>((java.util.Collection<?>) await(chronon.q(db, "[:find ?n :where [?e :person/name ?n]]")));
    }

    static ChrononError failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(ChrononError.class, e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
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
            assertTrue(await(chronon.deleteDatabase(name)).deleted());
            assertTrue(await(chronon.createDatabase(name)).created());
            await(chronon.transact(name, ChrononProtocolTest.SCHEMA));
            Transactor.TxResult fresh = await(chronon.transact(name, List.of(person(2, "New", 1))));
            await(chronon.sync(name, fresh.t()));
            Set<Object> seen = names(name);
            if (!seen.equals(Set.of(List.of("New")))) {
                stale.add(name + " answered " + seen);
            }
        }
        assertEquals(List.of(), stale);
    }

    /** A read of a deleted database is "not found", even on a peer that has not heard of the deletion. */
    @Test
    void aReadAfterDeleteIsNotFound() {
        deafDb("deleted", "Old");
        assertTrue(await(chronon.deleteDatabase("deleted")).deleted());
        assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.q("deleted", "[:find ?n :where [?e :person/name ?n]]")).category());
        assertEquals(ErrorCategory.NOT_FOUND, failure(chronon.sync("deleted", 1)).category());
    }
}
