package io.chronon.node.client;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.client.TxReport;
import io.chronon.node.ChrononNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A remote tx-report stream outlives its server: the node stops and starts again on the same
 * port and data, and the subscriber still gets every report exactly once, in order.
 */
class RemoteReconnectTest {
    @Test
    void txReportsResumeAfterTheServerRestarts(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ChrononNode node = TestNode.start(dir, "k", "s", port);
        String uri = "chronon://k:s@127.0.0.1:" + port + "/restarts";
        List<TxReport> sent = new ArrayList<>();
        ClientScenarios.Collector got = new ClientScenarios.Collector(10);
        try {
            Chronon.createDatabase(uri);
            try (Connection conn = Chronon.connect(uri)) {
                conn.transact(ClientScenarios.SCHEMA);
                conn.txReports().subscribe(got);
                assertTrue(got.subscribed.await(30, TimeUnit.SECONDS));
                for (int i = 0; i < 5; i++) {
                    sent.add(conn.transact("[{:person/email \"before" + i + "@x\"}]"));
                }
                node.close();
                node = TestNode.start(dir, "k", "s", port);
                for (int i = 0; i < 5; i++) {
                    sent.add(conn.transact("[{:person/email \"after" + i + "@x\"}]"));
                }
                assertTrue(got.done.await(60, TimeUnit.SECONDS), () -> "got " + got.reports.size() + " of 10");
                assertEquals(sent.stream().map(TxReport::basisT).toList(), got.reports.stream().map(TxReport::basisT).toList());
            }
        } finally {
            node.close();
        }
    }
}
