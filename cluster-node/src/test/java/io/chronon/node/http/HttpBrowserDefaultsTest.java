package io.chronon.node.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a browser meets, over real HTTP against a real node: form bodies refused, no
 * credentials for a wildcard origin, answers never kept by shared caches, the usual security
 * headers, and a data directory only its owner can read.
 */
class HttpBrowserDefaultsTest {
    static final String EDN = "application/edn";
    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        // one origin by name and any other through the wildcard
        node = new HttpTestNode("chronon.http.cors.allowed-origins = [\"" + HttpTestNode.ORIGIN + "\", \"*\"]");
        assertEquals(201, node.put("/dbs/browser").statusCode());
        assertEquals(200, node.post("/dbs/browser/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN).statusCode());
    }

    @AfterAll
    static void stop() throws IOException {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void formAndMultipartBodiesAre415AndTransactNothing() {
        String before = node.get("/dbs/browser", EDN).body();
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain")) {
            HttpResponse<String> r = node.post("/dbs/browser/transact", type, "{:tx-data [{:person/email \"csrf\"}]}", EDN);
            assertEquals(415, r.statusCode(), type + ": " + r.body());
            assertTrue(r.body().contains(":unsupported-media-type") || r.body().contains("unsupported-media-type"), r.body());
            assertTrue(r.body().contains("application/edn or application/json"), r.body());
        }
        assertTrue(node.post("/dbs/browser/transact", "application/x-www-form-urlencoded", "x", EDN).body().contains("form bodies are refused"));
        assertEquals(before, node.get("/dbs/browser", EDN).body(), "nothing was transacted");
    }

    @Test
    void aWildcardOriginNeverGetsCredentials() {
        HttpResponse<String> any = node.send(node.request("/dbs", EDN).header("Origin", "https://elsewhere.example").GET().build());
        assertEquals("*", any.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertNull(any.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        HttpResponse<String> anyPreflight = preflight("https://elsewhere.example");
        assertEquals(204, anyPreflight.statusCode());
        assertEquals("*", anyPreflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertNull(anyPreflight.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        // an origin named one by one keeps its credentials
        HttpResponse<String> named = node.send(node.request("/dbs", EDN).header("Origin", HttpTestNode.ORIGIN).GET().build());
        assertEquals(HttpTestNode.ORIGIN, named.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("true", named.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
        assertEquals("true", preflight(HttpTestNode.ORIGIN).headers().firstValue("Access-Control-Allow-Credentials").orElse(null));
    }

    private HttpResponse<String> preflight(String origin) {
        return node.send(HttpRequest.newBuilder(URI.create(node.base + "/dbs")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "GET").build());
    }

    @Test
    void everyAnswerCarriesTheSecurityHeaders() {
        List<HttpResponse<String>> answers = new ArrayList<>();
        answers.add(node.send(HttpRequest.newBuilder(URI.create(node.base + "/health")).GET().build()));
        answers.add(node.send(HttpRequest.newBuilder(URI.create(node.base + "/dbs")).GET().build())); // 401
        answers.add(node.get("/dbs", EDN));
        answers.add(node.get("/dbs/browser/q?query=" + HttpTestNode.enc("[:find ?e :where [?e :db/ident]]"), EDN));
        answers.add(node.get("/dbs/nothing-here", EDN)); // 404
        answers.add(node.post("/dbs/browser/transact", "application/x-www-form-urlencoded", "a=b", EDN)); // 415
        for (HttpResponse<String> r : answers) {
            String what = r.request().method() + " " + r.request().uri().getPath() + " " + r.statusCode();
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), what);
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), what);
            assertEquals("default-src 'none'; frame-ancestors 'none'; sandbox",
                    r.headers().firstValue("Content-Security-Policy").orElse(null), what);
            assertTrue(r.headers().firstValue("Cache-Control").orElse("").startsWith("private"), what);
        }
    }

    @Test
    void authenticatedAnswersAreNeverStoredOrShared() {
        assertEquals("private, no-store", node.get("/dbs", EDN).headers().firstValue("Cache-Control").orElse(null));
        assertEquals("private, no-store", node.get("/dbs/browser", EDN).headers().firstValue("Cache-Control").orElse(null));
        assertEquals("private, no-store", node.post("/dbs/browser/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\"}", EDN)
                .headers().firstValue("Cache-Control").orElse(null));
        // GET reads keep their ETags for the client's own cache, never a shared one
        String pinned = node.get("/dbs/browser/q?basis-t=1&query=" + HttpTestNode.enc("[:find ?e :where [?e :db/ident]]"), EDN)
                .headers().firstValue("Cache-Control").orElse("");
        assertTrue(pinned.startsWith("private, max-age="), pinned);
    }

    @Test
    void theDataDirectoryAndItsFilesAreTheOwnersOnly() throws IOException {
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(node.dataDir));
        List<Path> files;
        try (Stream<Path> all = Files.walk(node.dataDir)) {
            files = all.toList();
        }
        assertTrue(files.stream().anyMatch(p -> p.toString().endsWith(".log")), "the log's segments are there: " + files);
        assertTrue(files.stream().anyMatch(p -> p.getFileName().toString().equals("LOCK")), "and its lock");
        for (Path p : files) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            assertFalse(perms.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS")), p + " " + perms);
        }
    }
}
