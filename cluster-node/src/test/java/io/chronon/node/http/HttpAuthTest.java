package io.chronon.node.http;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every protected endpoint refuses a request without a valid access key, and changes nothing. */
class HttpAuthTest {
    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode();
        assertEquals(201, node.put("/dbs/guarded").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** No header, a wrong secret, an unknown key, a secret of the other key, not Basic, broken base64. */
    static final List<String> BAD_CREDENTIALS = List.of("",
            HttpTestNode.basic("test-key:wrong"),
            HttpTestNode.basic("nobody:test-secret"),
            HttpTestNode.basic("test-key:next-secret"),
            "Bearer test-key:test-secret",
            "Basic !!!not-base64");

    @Test
    void everyProtectedEndpointAnswers401WithTheErrorBody() {
        List<String> endpoints = new ArrayList<>();
        for (String endpoint : OpenApiTest.serverEndpoints(node)) {
            String[] parts = endpoint.split(" ", 2);
            String path = parts[1].replace("{db}", "guarded").replaceAll("\\{[a-z]+\\}", "x");
            boolean open = List.of("/health", "/ready", "/openapi.yaml").contains(path);
            for (String auth : BAD_CREDENTIALS) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base + path)).header("Accept", "application/edn")
                        .header("Content-Type", "application/edn")
                        .method(parts[0], parts[0].equals("GET") || parts[0].equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString("{:tx-data [] :query \"[:find ?e :where [?e :db/ident]]\"}"));
                if (!auth.isEmpty()) {
                    b.header("Authorization", auth);
                }
                HttpResponse<String> r = node.send(b.build());
                if (open) {
                    assertEquals(200, r.statusCode(), endpoint);
                    continue;
                }
                assertEquals(401, r.statusCode(), endpoint + " with '" + auth + "'");
                assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
                Map<?, ?> body = (Map<?, ?>) EdnReader.read(r.body());
                assertEquals(Keyword.of("forbidden"), body.get(Keyword.of("category")));
                assertFalse(r.body().contains("test-secret") || r.body().contains("next-secret"), "the answer never shows a secret");
                endpoints.add(endpoint);
            }
        }
        assertTrue(endpoints.size() >= 17 * BAD_CREDENTIALS.size(), "every protected endpoint was tried: " + endpoints.size());
        // nothing happened: the database is still there, unchanged, and no other was made
        assertTrue(((List<?>) EdnReader.read(node.get("/dbs", null).body())).contains("guarded"));
        assertEquals(List.of("guarded"), EdnReader.read(node.get("/dbs", null).body()));
        assertEquals(0, ((List<?>) ((Map<?, ?>) EdnReader.read(node.get("/dbs/guarded/log", null).body())).get(Keyword.of("result"))).size());
    }
}
