package io.chronon.node;

import io.chronon.edn.EdnReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 16, memory caps in total: heavy queries running at once on a real node process with a
 * 192 MB heap, each under every per-query cap (its relations stay under
 * {@code chronon.query.max-relation-cells}, 3 million values on this heap), but together
 * larger than the heap. The node must answer each with its result or a clear {@code busy}
 * (429, {@code :chronon.error/reads-over-memory-budget}) and stay healthy: no
 * {@code OutOfMemoryError}, no 500, and it answers a normal read after them.
 *
 * <p>Before the node-wide budget ({@code chronon.query.memory-budget}) the node ran out of
 * memory: see docs/operations.md for the figures.
 */
class ReadMemoryBudgetIT {
    private static final String KEY = "budget-it:budget-it-secret";
    private static final String EDN = "application/edn";
    /** Databases, each with its own reads: the query threads are shared fairly among databases, so four give four at once. */
    private static final int DATABASES = 4;
    /** Names per database: their cross product is 490,000 rows of 5 values, under the 3 million cap. */
    private static final int NAMES = 700;
    /**
     * Each query pairs every name with every other and makes a new string of each pair: about
     * 90 MB of arrays and strings while it runs, so four at once do not fit in 192 MB.
     */
    private static final String HEAVY = "[:find (count ?s) . :where [?a :p/name ?x] [?b :p/name ?y] [(str ?x ?y) ?s]]";

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private Process node;
    private Path dataDir;
    private Path nodeLog;
    private int port;

    @AfterEach
    void stopNode() throws Exception {
        if (node != null && node.isAlive()) {
            node.destroy();
            if (!node.waitFor(30, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void heavyQueriesAtOnceGetAnAnswerOrBusyAndTheNodeStaysHealthy() throws Exception {
        startNode();
        for (int d = 0; d < DATABASES; d++) {
            String db = "/dbs/m" + d;
            assertEquals(201, send("PUT", db, null).statusCode());
            transact(db, "[{:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]");
            StringBuilder tx = new StringBuilder("[");
            for (int i = 0; i < NAMES; i++) {
                tx.append("{:p/name \"a person's name, number ").append(100_000 + i).append("\"}");
            }
            transact(db, tx.append(']').toString());
        }

        int rounds = 3;
        List<String> problems = new ArrayList<>();
        int answered = 0;
        int busy = 0;
        for (int round = 0; round < rounds; round++) {
            List<CompletableFuture<HttpResponse<String>>> heavy = new ArrayList<>();
            for (int q = 0; q < 2 * DATABASES; q++) {
                heavy.add(sendAsync("/dbs/m" + (q % DATABASES) + "/q", "{:query \"" + HEAVY + "\" :timeout-ms 60000}"));
            }
            for (CompletableFuture<HttpResponse<String>> f : heavy) {
                HttpResponse<String> r;
                try {
                    r = f.get(120, TimeUnit.SECONDS);
                } catch (Exception e) {
                    problems.add("no answer: " + e);
                    continue;
                }
                if (r.statusCode() == 200 && result(r) == NAMES * NAMES) {
                    answered++;
                } else if (r.statusCode() == 429 && r.body().contains(":chronon.error/reads-over-memory-budget")) {
                    busy++;
                } else {
                    problems.add(r.statusCode() + " " + r.body().substring(0, Math.min(300, r.body().length())));
                }
            }
        }
        String log = Files.readString(nodeLog, StandardCharsets.ISO_8859_1);
        System.out.printf("ReadMemoryBudgetIT: %d heavy queries, %d answered, %d busy, %d other: %s%n",
                rounds * 2 * DATABASES, answered, busy, problems.size(), problems);
        assertTrue(node.isAlive(), "the node stopped:\n" + tail(log));
        assertFalse(log.contains("OutOfMemoryError"), "the node ran out of memory:\n" + tail(log));
        assertTrue(problems.isEmpty(), "answers other than the result or busy: " + problems);
        assertTrue(answered > 0, "no heavy query was answered: the budget must let one run");
        assertEquals(200, send("GET", "/health", null).statusCode());
        HttpResponse<String> count = send("POST", "/dbs/m0/q", "{:query \"[:find (count ?e) . :where [?e :p/name]]\"}");
        assertEquals(200, count.statusCode(), count.body());
        assertEquals(NAMES, result(count));
    }

    /** The {@code :result} of a query's answer, a number. */
    private static long result(HttpResponse<String> r) {
        return ((Number) ((java.util.Map<?, ?>) EdnReader.read(r.body())).get(io.chronon.edn.Keyword.of("result"))).longValue();
    }

    private void startNode() throws Exception {
        Path work = Path.of("target", "read-memory-it").toAbsolutePath();
        Files.createDirectories(work);
        dataDir = Files.createTempDirectory("chronon-budget");
        nodeLog = work.resolve("node.log");
        Path argfile = work.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "@" + argfile, "io.chronon.node.ChrononNode",
                "--port", "0", "--cluster-port", "0", "--data-dir", dataDir.toString(), "--access-key", KEY);
        node = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(nodeLog.toFile()).start();
        Pattern http = Pattern.compile("Chronon HTTP API: http://127\\.0\\.0\\.1:(\\d+)/");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            Matcher m = http.matcher(Files.readString(nodeLog, StandardCharsets.ISO_8859_1));
            if (m.find()) {
                port = Integer.parseInt(m.group(1));
                return;
            }
            if (!node.isAlive() || System.nanoTime() > deadline) {
                fail("the node did not start:\n" + tail(Files.readString(nodeLog, StandardCharsets.ISO_8859_1)));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private void transact(String db, String txData) throws IOException, InterruptedException {
        HttpResponse<String> r = send("POST", db + "/transact", "{:tx-data " + txData + "}");
        assertEquals(200, r.statusCode(), r.body());
    }

    private HttpRequest request(String method, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", EDN).header("Accept", EDN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return client.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(String path, String body) {
        return client.sendAsync(request("POST", path, body), HttpResponse.BodyHandlers.ofString());
    }

    private static String tail(String log) {
        return log.substring(Math.max(0, log.length() - 6000));
    }
}
