package io.chronon.node.http;

import io.chronon.sharding.ChrononCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routes that need a database's catalog entry before they start (to answer not-found)
 * ask the catalog once per request, not a second time to route their read; a tx-report
 * stream asks it once when it opens, not at every step.
 */
class HttpCatalogLookupsTest {
    static final String EDN = "application/edn";
    static HttpTestNode node;
    static ChrononCluster chronon;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode();
        chronon = node.node.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
        assertEquals(201, node.put("/dbs/lookups").statusCode());
        assertEquals(200, node.post("/dbs/lookups/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** Before: 2 lookups per request (the route's, then the routed read's). */
    @Test
    void databaseInfoAsksTheCatalogOnce() {
        for (int i = 0; i < 3; i++) {
            long before = chronon.catalogLookups();
            HttpResponse<String> r = node.get("/dbs/lookups", EDN);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, chronon.catalogLookups() - before, "catalog lookups for one GET /dbs/lookups");
        }
    }

    /**
     * Opening the stream and receiving a transaction's event costs one lookup. Before: 2 to
     * open (the route's and its read's), then 1 for every step of the stream (at least 3 here).
     */
    @Test
    void aTxReportStreamAsksTheCatalogOnce() throws Exception {
        long before = chronon.catalogLookups();
        HttpResponse<InputStream> stream = node.client.send(
                node.request("/dbs/lookups/tx-reports", "text/event-stream").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertTrue(lines.readLine().startsWith("retry:"));
            HttpResponse<String> tx = node.post("/dbs/lookups/transact", EDN,
                    "{:tx-data [{:person/email \"a@example\" :person/age 1}]}", EDN);
            assertEquals(200, tx.statusCode(), tx.body());
            String line;
            do {
                line = lines.readLine();
                assertNotNull(line, "the stream ended before the transaction's event");
            } while (!line.startsWith("event: tx-report"));
            assertEquals(1, chronon.catalogLookups() - before, "catalog lookups to open a stream and get one event");
        }
    }
}
