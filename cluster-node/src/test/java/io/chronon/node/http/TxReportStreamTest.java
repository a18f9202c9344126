package io.chronon.node.http;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tx-report stream (Server-Sent Events): replay, live reports, and resuming after a disconnect without loss or repetition. */
class TxReportStreamTest {
    static final String EDN = "application/edn";
    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode();
        assertEquals(201, node.put("/dbs/feed").statusCode());
        assertEquals(200, node.post("/dbs/feed/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** One event of the stream. */
    record Event(String id, String type, String data) {
    }

    /** An open stream whose events a thread collects. */
    static final class Stream implements AutoCloseable {
        final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        final InputStream body;
        final HttpResponse<InputStream> response;

        Stream(HttpRequest request) throws Exception {
            response = node.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            body = response.body();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    String id = null;
                    String type = null;
                    StringBuilder data = new StringBuilder();
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.isEmpty()) {
                            if (data.length() > 0) {
                                events.add(new Event(id, type, data.toString()));
                            }
                            id = null;
                            type = null;
                            data.setLength(0);
                        } else if (line.startsWith("id: ")) {
                            id = line.substring(4);
                        } else if (line.startsWith("event: ")) {
                            type = line.substring(7);
                        } else if (line.startsWith("data: ")) {
                            data.append(line.substring(6));
                        }
                    }
                } catch (IOException closed) {
                    // the test closed the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        Event next() throws InterruptedException {
            Event e = events.poll(30, TimeUnit.SECONDS);
            assertNotNull(e, "an event within 30 s");
            return e;
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    static long transact(int i) {
        HttpResponse<String> r = node.post("/dbs/feed/transact", EDN, "{:tx-data [{:person/email \"e" + i + "\" :person/age " + i + "}]}", EDN);
        assertEquals(200, r.statusCode(), r.body());
        return (Long) ((Map<?, ?>) EdnReader.read(r.body())).get(Keyword.of("basis-t"));
    }

    static HttpRequest.Builder streamRequest(String query) {
        return node.request("/dbs/feed/tx-reports" + query, "text/event-stream");
    }

    @Test
    void resumesAfterADisconnectWithoutLossOrRepetition() throws Exception {
        List<Long> committed = new ArrayList<>();
        List<Long> received = new ArrayList<>();
        try (Stream live = new Stream(streamRequest("").build())) {
            assertEquals(200, live.response.statusCode());
            assertTrue(live.response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            for (int i = 0; i < 6; i++) {
                committed.add(transact(i));
            }
            for (int i = 0; i < 3; i++) {
                Event e = live.next();
                assertEquals("tx-report", e.type());
                Map<?, ?> report = (Map<?, ?>) EdnReader.read(e.data());
                assertEquals(Long.parseLong(e.id()), report.get(Keyword.of("t")));
                assertTrue(((List<?>) report.get(Keyword.of("tx-data"))).size() >= 3);
                received.add(Long.parseLong(e.id()));
            }
        }
        // while nobody listens
        for (int i = 6; i < 10; i++) {
            committed.add(transact(i));
        }
        try (Stream resumed = new Stream(streamRequest("").header("Last-Event-ID", String.valueOf(received.get(received.size() - 1))).build())) {
            for (int i = 10; i < 12; i++) {
                committed.add(transact(i));
            }
            while (received.size() < committed.size()) {
                received.add(Long.parseLong(resumed.next().id()));
            }
            assertEquals(committed, received, "every transaction once, in order");
            assertTrue(resumed.events.poll(300, TimeUnit.MILLISECONDS) == null, "nothing more");
        }
        // from-t=0: the whole log, the schema's transaction first
        try (Stream all = new Stream(streamRequest("?from-t=0").build())) {
            List<Long> everything = new ArrayList<>();
            while (everything.size() < committed.size() + 1) {
                everything.add(Long.parseLong(all.next().id()));
            }
            assertEquals(committed, everything.subList(1, everything.size()));
        }
        // a replay from a t in the past, in JSON
        try (Stream replay = new Stream(streamRequest("?from-t=" + committed.get(4) + "&format=json").build())) {
            List<Long> replayed = new ArrayList<>();
            while (replayed.size() < committed.size() - 4) {
                Event e = replay.next();
                Map<?, ?> report = (Map<?, ?>) JsonConvention.read(e.data());
                replayed.add((Long) report.get(Keyword.of("t")));
            }
            assertEquals(committed.subList(4, committed.size()), replayed);
        }
    }

    @Test
    void aDeletedDatabaseEndsItsStreamWithAnErrorEvent() throws Exception {
        assertEquals(201, node.put("/dbs/doomed").statusCode());
        assertEquals(200, node.post("/dbs/doomed/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN).statusCode());
        try (Stream s = new Stream(node.request("/dbs/doomed/tx-reports", "text/event-stream").build())) {
            assertEquals(200, node.delete("/dbs/doomed").statusCode());
            Event e = s.next();
            assertEquals("error", e.type());
            assertEquals(Keyword.of("not-found"), ((Map<?, ?>) EdnReader.read(e.data())).get(Keyword.of("category")));
        }
    }

    /**
     * A replay of transactions larger than one step of the stream (64 KB of events) sends each
     * whole, once and in order: a step stops after the transaction that passes 64 KB, so a
     * stream whose client does not read holds one step, not 256 transactions (issue 16: 200
     * streams replaying a log of large transactions ran a 256 MB node out of memory).
     */
    @Test
    void aReplayOfLargeTransactionsSendsEachWholeOnceAndInOrder() throws Exception {
        assertEquals(201, node.put("/dbs/big-feed").statusCode());
        assertEquals(200, node.post("/dbs/big-feed/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN).statusCode());
        List<Long> committed = new ArrayList<>();
        for (int tx = 0; tx < 8; tx++) {
            StringBuilder data = new StringBuilder("{:tx-data [");
            int entities = tx % 3 == 0 ? 1 : 1_200;
            for (int i = 0; i < entities; i++) {
                data.append("{:person/email \"b").append(tx).append('-').append(i).append("\" :person/age ").append(i).append('}');
            }
            HttpResponse<String> r = node.post("/dbs/big-feed/transact", EDN, data.append("]}").toString(), EDN);
            assertEquals(200, r.statusCode(), r.body());
            committed.add((Long) ((Map<?, ?>) EdnReader.read(r.body())).get(Keyword.of("basis-t")));
        }
        try (Stream replay = new Stream(node.request("/dbs/big-feed/tx-reports?from-t=" + committed.get(0), "text/event-stream").build())) {
            List<Long> received = new ArrayList<>();
            while (received.size() < committed.size()) {
                Event e = replay.next();
                Map<?, ?> report = (Map<?, ?>) EdnReader.read(e.data());
                int index = received.size();
                received.add((Long) report.get(Keyword.of("t")));
                // every datom of the transaction: two per person and the transaction's instant
                assertEquals((index % 3 == 0 ? 1 : 1_200) * 2 + 1, ((List<?>) report.get(Keyword.of("tx-data"))).size());
            }
            assertEquals(committed, received);
            assertTrue(replay.events.poll(300, TimeUnit.MILLISECONDS) == null, "nothing more");
        }
    }
}
