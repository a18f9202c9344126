package io.chronon.sharding.cassandra;

import com.typesafe.config.ConfigFactory;
import io.chronon.ErrorCategory;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.cassandra.CassandraNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes in one JVM over loopback, sharing a real Cassandra: node A serves the default
 * query group (and the writers), node B only query group "analytics". Reads go to the replica
 * on the asking node when it serves the group, else to a node that does; a group's peers
 * serve only that group.
 */
@ExtendWith(SharedCassandra.class)
class PeerRoutingTest {
    private static ActorTestKit a;
    private static ActorTestKit b;
    private static ChrononCluster onA;
    private static ChrononCluster onB;

    @BeforeAll
    static void startTwoNodes() {
        a = CassandraNode.start(CassandraNode.config("chronon_routing", "chronon.query.groups = [query]"));
        String seed = Cluster.get(a.system()).selfMember().address().toString();
        // (CassandraNode.config's own roles come after `extra`: override them on top)
        b = ActorTestKit.create("chronon", ConfigFactory.parseString(
                "pekko.cluster.roles = [\"query-group:analytics\"]\n"
                        + "pekko.cluster.seed-nodes = [\"" + seed + "\"]")
                .withFallback(CassandraNode.config("chronon_routing", "")));
        TestProbe<SelfUp> up = b.createTestProbe();
        Cluster.get(b.system()).subscriptions().tell(Subscribe.create(up.getRef(), SelfUp.class));
        up.expectMessageClass(SelfUp.class, Duration.ofSeconds(60));
        onA = ChrononCluster.get(a.system());
        onB = ChrononCluster.get(b.system());
        // A learns of B's role from membership
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (upMembers(a) < 2) {
            assertTrue(System.nanoTime() < deadline, "both nodes up");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static int upMembers(ActorTestKit node) {
        int up = 0;
        for (org.apache.pekko.cluster.Member m : Cluster.get(node.system()).state().getMembers()) {
            up += m.status() == MemberStatus.up() ? 1 : 0;
        }
        return up;
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.shutdownTestKit();
        }
        if (a != null) {
            a.shutdownTestKit();
        }
    }

    private static QueryPeer.ReadResult count(ChrononCluster on, String group, long t) {
        return await(on.read("routed", group, QueryPeer.Basis.atLeast(t),
                new QueryPeer.QueryOp("[:find (count ?e) . :where [?e :person/id]]", List.of(), -1, 0, null),
                Duration.ofSeconds(30)));
    }

    @Test
    void readsGoToTheReplicaOfTheirGroupPreferringTheAskingNode() throws Exception {
        assertTrue(await(onA.createDatabase("routed")).created());
        await(onB.transact("routed", CassandraTransactorTest.SCHEMA));
        Transactor.TxResult last = null;
        for (long id = 1; id <= 5; id++) {
            last = await(onB.transact("routed", CassandraTransactorTest.person(id)));
        }
        String aKey = onA.nodeKey();
        String bKey = onB.nodeKey();

        // the default group: A answers itself; B (not in it) sends its reads to A
        QueryPeer.ReadResult fromA = count(onA, "query", last.t());
        assertEquals(aKey, fromA.servedBy());
        assertEquals(5L, ((Number) fromA.result()).longValue());
        assertEquals(aKey, count(onB, "query", last.t()).servedBy());

        // the analytics group: B answers itself, and A sends analytics reads to B
        QueryPeer.ReadResult analyticsOnB = count(onB, "analytics", last.t());
        assertEquals(bKey, analyticsOnB.servedBy());
        assertEquals(5L, ((Number) analyticsOnB.result()).longValue());
        assertEquals(bKey, count(onA, "analytics", last.t()).servedBy());

        // B's analytics replica follows new transactions pushed by the writer on A
        Transactor.TxResult more = await(onA.transact("routed", CassandraTransactorTest.person(6)));
        assertEquals(more.t(), await(onA.sync("routed", "analytics", more.t())).basisT());
        assertEquals(6L, ((Number) count(onA, "analytics", more.t()).result()).longValue());

        // no node serves group "nobody": a clear not-found, from either node
        for (ChrononCluster on : List.of(onA, onB)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> on.read("routed", "nobody",
                    QueryPeer.Basis.LATEST, new QueryPeer.InfoOp(), Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS));
            ChrononError error = (ChrononError) (e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause());
            assertEquals(ErrorCategory.NOT_FOUND, error.category());
            assertEquals("chronon.error/unknown-query-group", error.code().text());
        }
        assertEquals(List.of("query", "analytics"), onA.queryGroups());
        assertTrue(onB.localWriterNames().isEmpty());
        assertEquals(java.util.Set.of("routed"), onA.localWriterNames());
    }
}
