package io.chronon.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The documented body limit (chronon.http.max-body-size, 16 MB by default) is the one that
 * applies: a body under it is read and judged on what it says, one over it is a 413. Before,
 * pekko-http's own 8 MB limit on reading a whole body answered first.
 */
class HttpBodyLimitTest {
    static final String EDN = "application/edn";
    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode("chronon.http.max-body-size = 16m\nchronon.http.max-read-timeout = 5s\n"
                + "chronon.http.max-body-bytes-in-flight = 300k");
        assertEquals(201, node.put("/dbs/limits").statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    @Test
    void aTwelveMegabyteBodyIsReadAndJudgedOnWhatItSays() {
        // read whole, then rejected for what it is: transaction data must be a list
        String body = "{:tx-data \"" + "x".repeat(12 << 20) + "\"}";
        HttpResponse<String> r = node.post("/dbs/limits/transact", EDN, body, EDN);
        assertEquals(400, r.statusCode(), r.body().substring(0, Math.min(300, r.body().length())));
        Object code = ((Map<?, ?>) EdnReader.read(r.body())).get(Keyword.of("code"));
        assertNotEquals(Keyword.of("chronon.error/invalid-body"), code, r.body());
        assertNotEquals(Keyword.of("chronon.error/body-too-large"), code);
    }

    @Test
    void aBodyOverTheLimitIs413() {
        String body = "{:tx-data \"" + "x".repeat(17 << 20) + "\"}";
        HttpResponse<String> r = node.post("/dbs/limits/transact", EDN, body, EDN);
        assertEquals(413, r.statusCode());
        assertEquals(Keyword.of("chronon.error/body-too-large"), ((Map<?, ?>) EdnReader.read(r.body())).get(Keyword.of("code")));
    }

    /** Opens a connection and sends a POST's head with this Content-Length and the first bytes of its body. */
    static java.net.Socket startPost(String path, int length, String start) throws Exception {
        java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), node.node.httpPort());
        s.setSoTimeout(30_000);
        s.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + HttpTestNode.basic(HttpTestNode.KEY)
                + "\r\nContent-Type: application/edn\r\nContent-Length: " + length + "\r\n\r\n" + start).getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return s;
    }

    /** The status of the answer on {@code s}. */
    static int status(java.net.Socket s) throws Exception {
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
        String line = in.readLine();
        int status = Integer.parseInt(line.split(" ")[1]);
        if (status >= 400) {
            // the error body, for the assertion's message
            StringBuilder all = new StringBuilder(line);
            while (in.ready() && all.length() < 2_000) {
                all.append('\n').append(in.readLine());
            }
            System.err.println(all);
        }
        return status;
    }

    /**
     * A body that does not arrive within max-read-timeout is a 408 (issue 16: a client that stops
     * mid-body); before, a 400 whose message named pekko's HttpEntity.toStrict.
     */
    @Test
    void aBodyThatDoesNotArriveInTimeIs408() throws Exception {
        try (java.net.Socket s = startPost("/dbs/limits/q", 1_000, "{:query ")) {
            long start = System.nanoTime();
            assertEquals(408, status(s));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 4_000 && ms < 20_000, ms + " ms");
        }
    }

    /**
     * Large bodies share a budget (chronon.http.max-body-bytes-in-flight, here 300 KB): one that
     * does not fit while another is being read is read to its end, dropped and answered 429
     * busy; the oldest always goes on. Before, any number of 16 MB bodies were read and parsed at
     * once, and a few ran a 256 MB node out of memory (issue 16).
     */
    @Test
    void largeBodiesPastTheBudgetAreBusyAndTheOldestGoesOn() throws Exception {
        String query = "{:query \"[:find ?e . :where [?e :db/ident :db/ident]]\" :timeout-ms 2000 :pad \"";
        int length = 400_000;
        try (java.net.Socket first = startPost("/dbs/limits/q", length, query + "x".repeat(200_000))) {
            // the first body's bytes are counted against the budget before the second arrives
            ChrononHttpServer server = node.node.http().orElseThrow();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (server.bodyBytesInFlight() == 0) {
                assertTrue(System.nanoTime() < deadline, "the first body is counted within 20 s");
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // poll: leave the cores to the server
            }
            String second = query + "y".repeat(200_000) + "\"}";
            HttpResponse<String> busy = node.post("/dbs/limits/q", EDN, second, EDN);
            assertEquals(429, busy.statusCode(), busy.body());
            assertEquals(Keyword.of("chronon.error/busy"), ((Map<?, ?>) EdnReader.read(busy.body())).get(Keyword.of("code")));
            // the first, the oldest, goes on past the budget
            String rest = "x".repeat(length - query.length() - 200_000 - 2) + "\"}";
            first.getOutputStream().write(rest.getBytes(StandardCharsets.ISO_8859_1));
            first.getOutputStream().flush();
            assertEquals(200, status(first));
            assertEquals(200, node.post("/dbs/limits/q", EDN, second, EDN).statusCode());
        }
    }
}
