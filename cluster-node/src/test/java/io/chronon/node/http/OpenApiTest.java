package io.chronon.node.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document the node serves lists exactly the endpoints the server has. */
class OpenApiTest {
    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** The server's endpoints, "METHOD /path". */
    static List<String> serverEndpoints(HttpTestNode node) {
        return node.node.http().orElseThrow().endpoints();
    }

    /** "METHOD /path" of each operation of an OpenAPI document's paths (two-space YAML). */
    static Set<String> documentEndpoints(String yaml) {
        Set<String> out = new TreeSet<>();
        boolean inPaths = false;
        String path = null;
        for (String line : yaml.split("\n")) {
            if (!line.startsWith(" ")) {
                inPaths = line.startsWith("paths:");
                continue;
            }
            if (!inPaths) {
                continue;
            }
            if (line.startsWith("  /") && line.endsWith(":") && !line.startsWith("   ")) {
                path = line.trim().substring(0, line.trim().length() - 1);
            } else if (line.matches("    (get|put|post|delete|patch|options|head):.*")) {
                out.add(line.trim().substring(0, line.trim().indexOf(':')).toUpperCase() + " " + path);
            }
        }
        return out;
    }

    @Test
    void documentAndRoutesAreTheSameSet() {
        HttpResponse<String> doc = node.send(HttpRequest.newBuilder(URI.create(node.base + "/openapi.yaml")).GET().build());
        assertEquals(200, doc.statusCode());
        assertTrue(doc.body().startsWith("openapi: 3"));
        Set<String> documented = documentEndpoints(doc.body());
        Set<String> served = new TreeSet<>(serverEndpoints(node));
        assertEquals(served.size(), serverEndpoints(node).size(), "no endpoint twice");
        assertEquals(served, documented);
        assertTrue(served.size() > 20, new ArrayList<>(served).toString());
    }
}
