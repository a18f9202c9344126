package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's command line, its cluster settings (seed nodes, roles, the shared storage a
 * cluster of several nodes needs), and the access key it generates when none is configured.
 */
class ChrononNodeArgsTest {

    /** The full configuration of a node with these command-line options. */
    private static Config nodeConfig(String... args) {
        return ChrononNode.config(ChrononNode.parseArgs(args));
    }

    @Test
    void clusterOptionsBecomeConfigurationKeys() {
        Config c = nodeConfig("--seed", "10.0.0.1:25520", "--seed", "10.0.0.2:25520, node3.example:25521",
                "--roles", "transactor,query-group:analytics,query-group:a-1", "--cluster-host", "10.0.0.9", "--cluster-port", "25530");
        List<String> seeds = List.of("pekko://chronon@10.0.0.1:25520", "pekko://chronon@10.0.0.2:25520",
                "pekko://chronon@node3.example:25521");
        assertEquals(seeds, c.getStringList("pekko.cluster.seed-nodes"), "HOST:PORT becomes a Pekko address, in order");
        assertEquals(seeds, c.getStringList("chronon.node.seed-nodes"));
        assertEquals(List.of("transactor", "query-group:analytics", "query-group:a-1"), c.getStringList("pekko.cluster.roles"));
        assertEquals("10.0.0.9", c.getString("pekko.remote.artery.canonical.hostname"));
        assertEquals(25530, c.getInt("pekko.remote.artery.canonical.port"));

        Config defaults = nodeConfig();
        assertEquals(List.of(), defaults.getStringList("pekko.cluster.seed-nodes"), "no seeds: a one-node cluster");
        assertEquals(List.of("transactor", "query"), defaults.getStringList("pekko.cluster.roles"));
        assertEquals("127.0.0.1", defaults.getString("pekko.remote.artery.canonical.hostname"));

        // the configuration file takes both forms, and IPv6 hosts in brackets
        Config file = ChrononNode.config(ConfigFactory.parseString("chronon.node.system-name = db\n"
                + "chronon.node.seed-nodes = [\"pekko://db@10.0.0.1:25520\", \"[::1]:25521\"]\n"
                + "chronon.node.roles = [query]"));
        assertEquals(List.of("pekko://db@10.0.0.1:25520", "pekko://db@[::1]:25521"), file.getStringList("pekko.cluster.seed-nodes"));
        assertEquals(List.of("query"), file.getStringList("pekko.cluster.roles"));
        // duplicates are dropped, the order kept
        assertEquals(List.of("query", "transactor"), nodeConfig("--roles", "query,transactor,query").getStringList("chronon.node.roles"));
    }

    @Test
    void badSeedsRolesAndHostsAreRefusedWithTheirReason() {
        record Bad(String[] args, String message) {
        }
        for (Bad bad : List.of(
                new Bad(new String[]{"--seed", "10.0.0.1"}, "--seed takes HOST:PORT (e.g. 10.0.0.1:25520), not \"10.0.0.1\""),
                new Bad(new String[]{"--seed", "10.0.0.1:0"}, "not \"10.0.0.1:0\""),
                new Bad(new String[]{"--seed", "10.0.0.1:70000"}, "not \"10.0.0.1:70000\""),
                new Bad(new String[]{"--seed", "10.0.0.1:x"}, "not \"10.0.0.1:x\""),
                new Bad(new String[]{"--seed", ":25520"}, "not \":25520\""),
                new Bad(new String[]{"--seed", "a b:25520"}, "not \"a b:25520\""),
                new Bad(new String[]{"--seed", "::1:25520"}, "not \"::1:25520\""),
                new Bad(new String[]{"--seed", "10.0.0.1:25520,"}, "not \"\""),
                new Bad(new String[]{"--seed", "pekko://other@10.0.0.1:25520"},
                        "seed node pekko://other@10.0.0.1:25520 names actor system other, but this node's is chronon"),
                new Bad(new String[]{"--seed", "pekko://chronon@10.0.0.1"}, "not \"10.0.0.1\""),
                new Bad(new String[]{"--roles", "writer"}, "--roles: unknown role \"writer\" (roles: transactor, query, query-group:NAME)"),
                new Bad(new String[]{"--roles", "transactor,"}, "--roles: unknown role \"\""),
                new Bad(new String[]{"--roles", "query-group:Analytics"}, "bad query group name \"Analytics\""),
                new Bad(new String[]{"--roles", "query-group:"}, "bad query group name \"\""),
                new Bad(new String[]{"--roles", "query-group:-x"}, "bad query group name \"-x\""),
                new Bad(new String[]{"--roles", "query-group:a_b"}, "bad query group name \"a_b\""),
                new Bad(new String[]{"--roles", "query-group:" + "a".repeat(64)}, "bad query group name \"" + "a".repeat(64) + "\""),
                new Bad(new String[]{"--cluster-host", ""}, "--cluster-host takes a host name or IP address"),
                new Bad(new String[]{"--cluster-host", "a b"}, "--cluster-host takes a host name or IP address"),
                new Bad(new String[]{"--seed"}, "--seed needs a value"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nodeConfig(bad.args()),
                    String.join(" ", bad.args()));
            assertTrue(e.getMessage().contains(bad.message()), e.getMessage());
        }
        for (String conf : List.of("chronon.node.roles = [transactor, reader]", "chronon.node.roles = []",
                "chronon.node.seed-nodes = [\"localhost\"]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ChrononNode.config(ConfigFactory.parseString(conf)), conf);
            assertTrue(e.getMessage().startsWith("chronon.node."), e.getMessage());
        }
    }

    @Test
    void aNodeJoiningOthersNeedsSharedStorage() {
        // alone, or the only seed: any storage
        assertTrue(ChrononNode.checkSharedStorage(nodeConfig()).isEmpty());
        assertTrue(ChrononNode.checkSharedStorage(nodeConfig("--seed", "127.0.0.1:25520")).isEmpty(), "its own address only");
        // joining others: the file store would fork the data
        Config catalogOnFile = ChrononNode.config(ConfigFactory.parseString("chronon.catalog.storage-kind = file")
                .withFallback(ChrononNode.parseArgs(new String[]{"--seed", "127.0.0.1:25521", "--storage", "cassandra"})));
        for (Config c : List.of(nodeConfig("--seed", "127.0.0.1:25520,127.0.0.1:25521"),
                nodeConfig("--seed", "127.0.0.1:25521", "--storage", "file"),
                nodeConfig("--seed", "127.0.0.1:25520", "--cluster-port", "0"),
                catalogOnFile)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChrononNode.checkSharedStorage(c));
            assertTrue(e.getMessage().contains("a cluster of several nodes needs shared storage, --storage cassandra"), e.getMessage());
        }
        assertTrue(ChrononNode.checkSharedStorage(nodeConfig("--seed", "127.0.0.1:25521", "--storage", "cassandra")).isEmpty());
        assertTrue(ChrononNode.checkSharedStorage(nodeConfig("--seed", "127.0.0.1:25521", "--storage", "memory")).orElseThrow()
                .contains("loses its data"), "memory is allowed, with a warning");
    }

    @Test
    void optionsBecomeConfigurationKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("node.conf");
        Files.writeString(file, "chronon.http.port = 1234\nchronon.tx-functions { \"a/b\" = \"x.Y\" }\n");
        Config c = ChrononNode.parseArgs(new String[]{"--config", file.toString(), "--port", "0", "--cluster-port", "25600",
                "--data-dir", "/tmp/d", "--access-key", "k1:s1", "--access-key", "k2:s2", "--storage", "cassandra",
                "--cassandra", "10.0.0.1:9042", "--keyspace", "ks", "--host", "0.0.0.0"});
        assertEquals(0, c.getInt("chronon.http.port"), "the option wins over the file");
        assertEquals(25600, c.getInt("chronon.node.port"));
        assertEquals("/tmp/d", c.getString("chronon.storage.data-dir"));
        assertEquals(List.of("k1:s1", "k2:s2"), c.getStringList("chronon.http.access-keys"));
        assertEquals("cassandra", c.getString("chronon.storage.default-kind"));
        assertEquals("10.0.0.1:9042", c.getString("chronon.storage.cassandra.contact-point"));
        assertEquals("ks", c.getString("chronon.storage.cassandra.keyspace"));
        assertEquals("0.0.0.0", c.getString("chronon.http.host"));
        assertEquals("x.Y", c.getString("chronon.tx-functions.\"a/b\""));
        assertFalse(ChrononNode.parseArgs(new String[]{"--no-http"}).getBoolean("chronon.http.enabled"));
        assertTrue(ChrononNode.parseArgs(new String[]{"--new-cluster", "--port", "0"}).getBoolean("chronon.node.allow-new-cluster"));
        assertFalse(nodeConfig().getBoolean("chronon.node.allow-new-cluster"), "off unless asked for");
        assertEquals(java.time.Duration.ofSeconds(30), nodeConfig().getDuration("chronon.node.rejoin-seed-wait"));
        for (String[] bad : List.of(new String[]{"--port"}, new String[]{"--port", "x"}, new String[]{"--port", "70000"},
                new String[]{"--bogus", "1"}, new String[]{"--access-key", "nocolon"}, new String[]{"--config", dir.resolve("none").toString()})) {
            assertThrows(IllegalArgumentException.class, () -> ChrononNode.parseArgs(bad), String.join(" ", bad));
        }
    }

    @Test
    void atItsFirstStartTheNodeCreatesTheAdministratorWithAGeneratedPassword(@TempDir Path dir) throws Exception {
        try (ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                        + "chronon.node.port = 0\nchronon.http.port = 0\npekko.loglevel = WARNING\n"
                        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\npekko.coordinated-shutdown.exit-jvm = off\n")))) {
            node.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
            String password = node.adminPassword().toCompletableFuture().get(60, TimeUnit.SECONDS).orElseThrow();
            assertTrue(password.matches("[A-Za-z0-9_-]{43}"), "256 random bits");
            HttpClient client = HttpClient.newHttpClient();
            URI dbs = URI.create("http://127.0.0.1:" + node.httpPort() + "/dbs");
            String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
            assertEquals(200, client.send(HttpRequest.newBuilder(dbs).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, client.send(HttpRequest.newBuilder(dbs).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
