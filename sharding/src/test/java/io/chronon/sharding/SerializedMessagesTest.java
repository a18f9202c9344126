package io.chronon.sharding;

import io.chronon.edn.Keyword;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole flow with every message serialized, even local ones, as between nodes: nothing
 * in the protocol relies on sharing objects in one JVM.
 */
class SerializedMessagesTest {
    @Test
    void transactSyncQueryPullWithEveryMessageSerialized() {
        ActorTestKit kit = TestCluster.start(TestCluster.config("memory", null, String.join("\n",
                "pekko.actor.serialize-messages = on",
                "pekko.actor.no-serialization-verification-needed-class-prefix = [\"org.apache.pekko.\"]")));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("wire")).created());
            await(chronon.transact("wire", ChrononProtocolTest.SCHEMA));
            Transactor.TxResult r = await(chronon.transact("wire", List.of(
                    Map.of(Keyword.of("db/id"), "a", Keyword.of("person/id"), 7L, Keyword.of("person/name"), "Ann"))));
            assertEquals(r.t(), await(chronon.sync("wire", r.t())).basisT());
            assertEquals(Set.of(List.of("Ann")), new HashSet<>((java.util.Collection<?>)
                    await(chronon.q("wire", "[:find ?n :where [?e :person/name ?n]]"))));
            QueryPeer.ReadResult pulled = await(chronon.peer("wire").<QueryPeer.ReadResult>askWithStatus(
                    replyTo -> new QueryPeer.Read(QueryPeer.Basis.LATEST, new QueryPeer.PullOp("[:person/name]", r.tempids().get("a")),
                            5000, replyTo), Duration.ofSeconds(10)));
            assertEquals(Map.of(Keyword.of("person/name"), "Ann"), pulled.result());
            assertEquals(r.t(), await(chronon.peer("wire").<QueryPeer.CurrentDb>askWithStatus(
                    replyTo -> new QueryPeer.GetDb(r.t(), 5000, replyTo), Duration.ofSeconds(10))).db().basisT());
            assertEquals(r.t(), await(chronon.sync("wire")).basisT());
            assertTrue(await(chronon.deleteDatabase("wire")).deleted());
        } finally {
            kit.shutdownTestKit();
        }
    }
}
