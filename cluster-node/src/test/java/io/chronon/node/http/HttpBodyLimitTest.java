package io.chronon.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.net.http.HttpResponse;
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
        node = new HttpTestNode("chronon.http.max-body-size = 16m");
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
}
