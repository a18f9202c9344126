package io.chronon.multijvm;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.client.Admin;
import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Query groups across processes: node1 {@code transactor,query}, node2 {@code query}, node3
 * {@code query-group:analytics}. Reads naming the analytics group are answered by node3's
 * peer whichever node receives them; other reads never by node3, and node3 (without the
 * query role) sends them to a node that has it.
 */
@ExtendWith(SharedCassandra.class)
class QueryGroupsIT {
    static final String DB = "groups";
    static final String QUERY = "[:find ?n . :where [?e :w/id 1] [?e :w/check ?n]]";

    static TestCluster cluster;
    static long t;
    /** Each node's name for itself ({@code GET /cluster :self}), as X-Chronon-Served-By names it. */
    static final Map<NodeProcess, String> self = new HashMap<>();

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("groups_it", SharedCassandra.server().contactPoint(),
                List.of("transactor,query", "query", "query-group:analytics"));
        TestCluster.createDatabase(cluster.node(0), DB, Workload.SCHEMA);
        try (Connection c = TestCluster.connect(cluster.node(1), DB)) {
            t = c.transact(Workload.txData(1)).basisT();
        }
        for (NodeProcess n : cluster.nodes()) {
            self.put(n, cluster.http().cluster(n.httpPort()).orElseThrow().self());
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    NodeHttp.Answer read(NodeProcess via, String... headers) {
        NodeHttp.Answer a = cluster.http().query(via.httpPort(), DB, QUERY, Duration.ofSeconds(30),
                List.of("basis-t", String.valueOf(t)), headers).ok();
        assertEquals("c1", a.get("result"), "read via " + via);
        return a;
    }

    @Test
    void everyNodeKnowsTheRolesOfTheOthers() {
        for (NodeProcess n : cluster.nodes()) {
            NodeHttp.ClusterView v = cluster.http().cluster(n.httpPort()).orElseThrow();
            Map<String, List<String>> roles = new HashMap<>();
            v.members().forEach(m -> roles.put(m.address(), m.roles()));
            assertTrue(roles.get(cluster.node(2).address()).contains("query-group:analytics"), n + " sees " + roles);
            assertTrue(roles.get(cluster.node(1).address()).contains("query"), n + " sees " + roles);
            assertTrue(roles.get(cluster.node(0).address()).containsAll(List.of("transactor", "query")), n + " sees " + roles);
        }
    }

    @Test
    void analyticsReadsAreServedByTheAnalyticsNodeFromAnyNode() {
        for (NodeProcess via : cluster.nodes()) {
            for (int i = 0; i < 3; i++) {
                NodeHttp.Answer a = read(via, NodeHttp.QUERY_GROUP, "analytics");
                assertEquals(self.get(cluster.node(2)), a.servedBy(), "an analytics read via " + via);
            }
        }
    }

    @Test
    void defaultReadsAreNeverServedByTheAnalyticsNode() {
        for (NodeProcess via : cluster.nodes()) {
            for (int i = 0; i < 3; i++) {
                NodeHttp.Answer a = read(via);
                assertTrue(a.servedBy() != null, "no " + NodeHttp.SERVED_BY + " header on a read via " + via);
                assertNotEquals(self.get(cluster.node(2)), a.servedBy(), "a default read via " + via);
            }
        }
    }

    @Test
    void aNodeWithTheQueryRoleAnswersDefaultReadsItself() {
        for (NodeProcess via : List.of(cluster.node(0), cluster.node(1))) {
            assertEquals(self.get(via), read(via).servedBy(), "a default read via " + via);
            assertEquals(self.get(via), read(via, NodeHttp.QUERY_GROUP, "query").servedBy(), "a query-group read via " + via);
        }
    }

    @Test
    void aNodeWithoutTheQueryRoleSendsDefaultReadsToOneThatHasIt() {
        NodeHttp.Answer a = read(cluster.node(2));
        assertTrue(List.of(self.get(cluster.node(0)), self.get(cluster.node(1))).contains(a.servedBy()),
                "a default read via the analytics node was served by " + a.servedBy());
    }

    @Test
    void syncInTheAnalyticsGroupReachesTheBasis() {
        for (NodeProcess via : cluster.nodes()) {
            NodeHttp.Answer s = cluster.http().get(via.httpPort(), "/dbs/" + DB + "/sync?t=" + t, Duration.ofSeconds(30),
                    NodeHttp.QUERY_GROUP, "analytics").ok();
            assertTrue(s.basisT() >= t, "sync via " + via + ": " + s.text());
        }
    }

    /**
     * Access control across processes: a key made through one node works on every node, and
     * once revoked through another node every node refuses it, without a restart: the
     * revocation reaches the nodes without the transactor role (where the access catalog
     * does not run) too. Prints how long each node took.
     */
    @Test
    void aRevokedKeyIsRefusedOnEveryNodeWithinASecond() throws Exception {
        Admin admin = Chronon.admin("chronon://" + TestCluster.ACCESS_KEY + "@127.0.0.1:" + cluster.node(1).httpPort() + "/");
        admin.createUser("rev-user");
        admin.grant("@rev-user", new Admin.Permission("view", "database", DB));
        Admin.NewKey key = admin.createKey("rev-user", null);
        String basic = "Basic " + java.util.Base64.getEncoder().encodeToString((key.key() + ":" + key.secret())
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        HttpClient client = HttpClient.newHttpClient();
        for (NodeProcess n : cluster.nodes()) {
            // within the refresh interval the other nodes have the new key
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int status;
            do {
                status = dbInfo(client, n, basic);
            } while (status != 200 && System.nanoTime() < deadline);
            assertEquals(200, status, "the new key on " + n);
        }
        long revoked = System.nanoTime();
        Chronon.admin("chronon://" + TestCluster.ACCESS_KEY + "@127.0.0.1:" + cluster.node(2).httpPort() + "/")
                .revokeKey("rev-user", key.key());
        long slowest = 0;
        for (NodeProcess n : cluster.nodes()) {
            long deadline = revoked + Duration.ofSeconds(10).toNanos();
            int status;
            do {
                status = dbInfo(client, n, basic);
            } while (status != 401 && System.nanoTime() < deadline);
            assertEquals(401, status, "the revoked key on " + n);
            long ms = (System.nanoTime() - revoked) / 1_000_000;
            slowest = Math.max(slowest, ms);
            System.out.println("revoked key refused by " + n + " " + ms + " ms after the revocation was sent");
        }
        System.out.println("revocation: every node refused the key within " + slowest + " ms");
    }

    private static int dbInfo(HttpClient client, NodeProcess n, String basic) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + "/dbs/" + DB))
                .header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
