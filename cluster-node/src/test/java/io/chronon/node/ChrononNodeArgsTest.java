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

/** The node's command line, and the access key it generates when none is configured. */
class ChrononNodeArgsTest {

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
        for (String[] bad : List.of(new String[]{"--port"}, new String[]{"--port", "x"}, new String[]{"--port", "70000"},
                new String[]{"--bogus", "1"}, new String[]{"--access-key", "nocolon"}, new String[]{"--config", dir.resolve("none").toString()})) {
            assertThrows(IllegalArgumentException.class, () -> ChrononNode.parseArgs(bad), String.join(" ", bad));
        }
    }

    @Test
    void withoutAccessKeysTheNodeGeneratesOne(@TempDir Path dir) throws Exception {
        try (ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                        + "chronon.node.port = 0\nchronon.http.port = 0\npekko.loglevel = WARNING\n"
                        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\npekko.coordinated-shutdown.exit-jvm = off\n")))) {
            node.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
            String key = node.generatedAccessKey().orElseThrow();
            assertTrue(key.matches("key-[A-Za-z0-9_-]+:[A-Za-z0-9_-]{40,}"), key);
            HttpClient client = HttpClient.newHttpClient();
            URI dbs = URI.create("http://127.0.0.1:" + node.httpPort() + "/dbs");
            String basic = "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
            assertEquals(200, client.send(HttpRequest.newBuilder(dbs).header("Authorization", basic).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(401, client.send(HttpRequest.newBuilder(dbs).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }
}
