package io.chronon.node.http;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Users, roles and keys are stored durably by the access catalog: after a restart on the same
 * data directory a key still works, a revoked one stays refused, and the administrator is not
 * created again. No secret is in any file of the data directory but the administrator's own.
 */
class AccessDurabilityTest {
    @Test
    void theAccessModelSurvivesARestartAndNoSecretIsStored() throws Exception {
        Path dir = Files.createTempDirectory("chronon-access");
        String key;
        String revoked;
        String adminPassword;
        try (HttpTestNode first = new HttpTestNode(dir, "")) {
            adminPassword = first.node.adminPassword().toCompletableFuture().get(60, TimeUnit.SECONDS).orElseThrow();
            assertEquals(201, first.put("/dbs/kept").statusCode());
            assertEquals(201, first.send(first.request("/admin/users/keeper", null).header("Content-Type", "application/edn")
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{:password \"keeper-password-1\"}")).build()).statusCode());
            assertEquals(200, first.post("/admin/roles/@keeper/grant", "application/edn",
                    "{:action :view :kind :database :target \"kept\"}", null).statusCode());
            key = newKey(first);
            revoked = newKey(first);
            assertEquals(200, first.delete("/admin/users/keeper/keys/" + revoked.split(":")[0]).statusCode());
        }
        try (HttpTestNode second = new HttpTestNode(dir, "")) {
            assertTrue(second.node.adminPassword().toCompletableFuture().get(60, TimeUnit.SECONDS).isEmpty(), "created once");
            assertEquals(200, second.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(second.base + "/dbs/kept"))
                    .header("Authorization", HttpTestNode.basic(key)).build()).statusCode());
            assertEquals(401, second.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(second.base + "/dbs/kept"))
                    .header("Authorization", HttpTestNode.basic(revoked)).build()).statusCode());
            assertEquals(200, second.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(second.base + "/admin/users"))
                    .header("Authorization", HttpTestNode.basic("admin:" + adminPassword)).build()).statusCode());
        }
        // the secrets used are nowhere in the data directory but in the administrator's file
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                for (String secret : new String[]{key.split(":")[1], revoked.split(":")[1], "keeper-password-1"}) {
                    assertFalse(text.contains(secret), f + " holds a secret");
                }
                if (!f.getFileName().toString().equals("admin-password")) {
                    assertFalse(text.contains(adminPassword), f + " holds the administrator's password");
                }
            }
        } finally {
            deleteAll(dir);
        }
    }

    private static String newKey(HttpTestNode node) {
        var r = node.post("/admin/users/keeper/keys", "application/edn", "{}", null);
        assertEquals(201, r.statusCode(), r.body());
        Map<?, ?> m = (Map<?, ?>) EdnReader.read(r.body());
        return m.get(Keyword.of("key")) + ":" + m.get(Keyword.of("secret"));
    }

    private static void deleteAll(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
