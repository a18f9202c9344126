package io.chronon.node.client;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.client.LogEntry;
import io.chronon.client.TxReport;
import io.chronon.node.ChrononNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The remote client's retries: a transaction whose answer is lost is sent again with the
 * same request id and commits once, also when the node restarted in between (the writer
 * rebuilds its request ids from the log); the caller's errors are not retried. A real node
 * in this JVM, a real TCP proxy that loses an answer.
 */
class RemoteTransactRetryTest {
    @TempDir
    Path dir;
    ChrononNode node;

    @AfterEach
    void stop() {
        System.clearProperty("chronon.client.transact-retry-ms");
        if (node != null) {
            node.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    static int count(Connection conn, String email) {
        return ((Collection<?>) conn.sync().join().q("[:find ?e :in $ ?m :where [?e :person/email ?m]]", email)).size();
    }

    @Test
    void aLostAnswerIsRetriedAndCommitsOnce() throws Exception {
        node = TestNode.start(dir, "k", "s");
        try (LossyProxy proxy = new LossyProxy(node.httpPort())) {
            String uri = "chronon://k:s@127.0.0.1:" + proxy.port() + "/lossy";
            Chronon.createDatabase(uri);
            try (Connection conn = Chronon.connect(uri)) {
                conn.transact(ClientScenarios.SCHEMA);
                int before = proxy.transactRequests.get();
                long lastT = conn.knownT();
                proxy.dropNextAnswer();
                TxReport r = conn.transact("[{:db/id \"a\" :person/email \"lost@x\"}]");
                assertEquals(0, proxy.dropped.getCount(), "the first answer was lost");
                assertEquals(2, proxy.transactRequests.get() - before, "sent twice");
                assertEquals(1, count(conn, "lost@x"), "committed once");
                // :person/email is an identity, so a second commit would upsert: the log tells
                List<LogEntry> log = conn.txRange(lastT + 1, null);
                assertEquals(1, log.size(), "one transaction after the schema");
                assertEquals(r.basisT(), log.get(0).t());
                assertEquals(r.tempid("a"), log.get(0).data().stream().filter(d -> d.a() != 50).findFirst().orElseThrow().e());

                // the caller's errors are answered at once, never sent again
                int sent = proxy.transactRequests.get();
                ChrononException e = assertThrows(ChrononException.class,
                        () -> conn.transact("[{:db/id \"b\" :person/email 42}]"));
                assertEquals(ErrorCategory.INCORRECT, e.category());
                assertEquals(sent + 1, proxy.transactRequests.get());

                // the caller's own request id: a second send is the first one's answer
                TxReport mine = conn.transact("[{:db/id \"c\" :person/email \"mine@x\"}]", "my-id-1");
                TxReport again = conn.transact("[{:db/id \"c\" :person/email \"mine@x\"}]", "my-id-1");
                assertEquals(mine.basisT(), again.basisT());
                assertEquals(mine.tempids(), again.tempids());
                assertEquals(1, count(conn, "mine@x"));
            }
        }
    }

    @Test
    void aTransactionWhoseAnswerWasLostCommitsOnceAcrossANodeRestart() throws Exception {
        System.setProperty("chronon.client.transact-retry-ms", "120000");
        int port = freePort();
        node = TestNode.start(dir, "k", "s", port);
        try (LossyProxy proxy = new LossyProxy(port)) {
            String uri = "chronon://k:s@127.0.0.1:" + proxy.port() + "/restarted";
            Chronon.createDatabase(uri);
            try (Connection conn = Chronon.connect(uri)) {
                conn.transact(ClientScenarios.SCHEMA);
                for (int i = 0; i < 3; i++) {
                    conn.transact("[{:person/email \"filler" + i + "@x\"}]");
                }
                long lastT = conn.knownT();
                // the answer is lost, and until the node is back every retry finds the way closed
                proxy.dropNextAnswerThenRefuse();
                CompletableFuture<TxReport> pending = conn.transactAsync("[{:db/id \"a\" :person/email \"across@x\"}]");
                assertTrue(proxy.dropped.await(30, TimeUnit.SECONDS), "the answer was dropped");
                node.close();
                node = TestNode.start(dir, "k", "s", port);
                proxy.refuse.set(false);
                TxReport r = pending.get(120, TimeUnit.SECONDS);
                assertTrue(proxy.refused.get() > 0, "retried while the node was down");
                assertEquals(1, count(conn, "across@x"), "committed once");
                List<LogEntry> log = conn.txRange(lastT + 1, null);
                assertEquals(1, log.size(), "one transaction after the fillers, however often it was sent");
                assertEquals(r.basisT(), log.get(0).t());
            }
        }
    }
}
