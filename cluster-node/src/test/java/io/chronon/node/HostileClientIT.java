package io.chronon.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Issue 16, "Nothing a client sends takes a node down": one real node process (256 MB heap,
 * the embedded file store, HTTP on 127.0.0.1) under a hostile client, while a normal client
 * keeps transacting and reading.
 *
 * <p>The hostile client sends, to every endpoint of docs/http.md: requests without a valid
 * access key, malformed bodies (EDN, JSON, wrong types, unterminated strings, bad bytes, an
 * unknown Content-Type), bodies nested 100,000 deep (and legal ones nested 1,900 deep, answered
 * in EDN and JSON), huge bodies (over 16 MB, with a length and chunked; 6 MB of distinct
 * keywords, several times; 15 MB of numbers; 12 MB of query text), the pathological reads of
 * issue 16 (a backtracking regular expression, a cross product, exact arithmetic with a huge
 * result, pulls too deep or too wide, reads of more rows than one read answers, a recursive
 * rule that never ends, a query calling itself, rules nested 900 deep, strings and collections
 * doubled until they would fill the heap, a 50,000-datom :with, retractEntity of a 20,000-long
 * component chain), bad HTTP (bad request lines and methods, headers too many or too long, a
 * URI too long, bad lengths and chunks), slow bodies (trickled a byte at a time, stopped
 * mid-body, half-closed, abandoned, cut inside the headers) and 200 tx-report streams opened
 * and abandoned (half closed at once, half left open unread, half of those replaying the whole
 * log); it also creates and deletes databases. Every request is sent at least once, the heavy
 * ones as often as {@link Attack#maxRuns} by a worker of their own, the rest again at random
 * until {@link #HOSTILE_SECONDS}.
 *
 * <p>It asserts that every hostile request is answered (a client-side timeout on each) with a
 * 4xx, or the status docs/http.md documents for it (408 for a body that does not arrive in
 * time, 413 over the body limit, 429 busy, 503 for a basis never reached, 504 for a read stopped
 * at its timeout, 501 from pekko-http for an unknown method), never a 500, and that no answer
 * names a Java exception or class or shows a stack trace; that slow bodies are cut within the
 * body timeout; that the node is alive at the end and answers {@code /health}, {@code /ready}
 * and reads, with both databases there; that it wrote no OutOfMemoryError, no
 * StackOverflowError, no internal error and no heap dump; that its live heap never passed 80 %
 * of the maximum during the attack and ends within {@link #HEAP_GROWTH_MB} MB of where it was
 * before; and that the normal client got no error but documented {@code busy} retries, read its
 * own writes, and its latency during the attack stayed within {@link #P99_BUDGET_MS} (p99) and
 * {@link #MAX_BUDGET_MS} (max). The figures go to target/hostile-it/summary.txt, every request's
 * answers to requests.txt, the answers slower than a second to timeline.txt.
 */
class HostileClientIT {
    private static final String KEY = "hostile-it";
    private static final String SECRET = "hostile-it-secret";
    private static final String AUTH = basic(KEY + ":" + SECRET);
    private static final String EDN = "application/edn";
    private static final String JSON = "application/json";
    /** The database of the data and of the normal load; the pathological reads and the streams use it. */
    private static final String P = "/dbs/people";
    /** The database the hostile client writes to, so what it manages to write cannot disturb the normal load. */
    private static final String S = "/dbs/scratch";
    private static final int PERSONS = 20_000;
    private static final int CHAIN = 20_000;
    /** Every request of the test gives up after this long: a request unanswered by then is a hang. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    /** How long the hostile workers send requests. */
    private static final long HOSTILE_SECONDS = 40;
    /**
     * A slow body must be cut within this long of its start: the node's body timeout
     * ({@code chronon.http.max-read-timeout}, 60 s by default) and a margin.
     */
    private static final long SLOW_BOUND_SECONDS = 80;
    /**
     * The normal load's p99 latency during the attack must stay under this. Measured (see
     * docs/operations.md): 0.2-0.6 s on the 2 cores alone, up to 1.5 s with other builds running
     * on them (load average 20-30); without the fixes of this test it passed 2 s as the heap filled.
     */
    private static final long P99_BUDGET_MS = 2_000;
    /**
     * No normal request during the attack may take longer than this, under the default read
     * timeout (10 s) and the body timeout (60 s): the normal clients wait for each answer, so a
     * stall shows in few samples and may escape the p99, but a node stalled for a hostile
     * request's timeout shows here. Measured: 0.7-1.7 s on the 2 cores alone, up to 6.4 s with
     * other builds running on them (load average 30: the node then gets a fraction of a core).
     */
    private static final long MAX_BUDGET_MS = 8_000;
    /** The live heap at the end may exceed the live heap before the attack by at most this. */
    private static final long HEAP_GROWTH_MB = 48;

    /** A Java exception or error class, a stack frame, a Java source line or a JVM package: none may reach a client. */
    private static final Pattern LEAK = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(Exception|Error)\\b|\\bat [\\w$.]+\\(|\\.java:\\d+"
            + "|\\b(java|javax|jdk|sun|scala)\\.[a-z]+\\.|org\\.apache\\.pekko|io\\.chronon\\.[a-z]+\\.|com\\.fasterxml");
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private Process node;
    private long nodeStart;
    /** The heap the node may use, from its GC log (the young generation's survivor space is not). */
    private long maxHeapMb;
    private int port;
    private Path work;
    private Path dataDir;
    private Path nodeLog;
    private Path gcLog;
    private final HttpClient setupClient = client();
    private final HttpClient hostileClient = client();
    private final HttpClient normalClient = client();

    /** What went wrong, as it happened; the test fails with them at the end. */
    private final Messages failures = new Messages();
    /** Hostile requests sent: kind -> status (or "hang", "closed") -> count. */
    private final Map<String, Map<String, LongAdder>> sent = new ConcurrentHashMap<>();
    /** The same by request, with the slowest answer of each, for target/hostile-it/requests.txt. */
    private final Map<String, Map<String, LongAdder>> byRequest = new ConcurrentHashMap<>();
    private final Map<String, Long> slowest = new ConcurrentHashMap<>();
    /** Every answer that took over a second: when it ended (s since the test started), how long, what. */
    private final Messages timeline = new Messages();
    private final long testStart = System.nanoTime();
    private final List<Socket> held = Collections.synchronizedList(new ArrayList<>());

    /** A thread-safe list of messages. */
    private static final class Messages extends ConcurrentLinkedQueue<String> {
    }

    /** An answer: its status (-1: closed without an answer, -2: none within the client's timeout), body, time. */
    record Answer(int status, String body, long millis, String error) {
    }

    /** One hostile request: what it is, how to send it, which statuses are right for it, how often at most. */
    record Attack(String kind, String name, Callable<Answer> send, IntPredicate expected, String expectation, int maxRuns, String sent) {
    }

    @AfterEach
    void stopNode() throws Exception {
        synchronized (held) {
            held.forEach(HostileClientIT::closeQuietly);
        }
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
    void aHostileClientDoesNotTakeTheNodeDownAndEveryOtherClientIsServed() throws Exception {
        startNode();
        long nodeUp = System.nanoTime();
        setUp();
        long liveBefore = liveHeapAfterFullGc("before");
        long setupDone = System.nanoTime();

        NormalLoad normal = new NormalLoad(3);
        normal.start();
        Thread.sleep(5_000);

        // ------------------------------------------------------------ the attack
        long attackStart = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        List<SlowClient> slow = slowClients();
        slow.forEach(s -> threads.add(daemon("slow-" + s.name, s::run)));
        threads.add(daemon("sse", this::openStreams));
        List<Attack> attacks = attacks();
        AtomicInteger[] runs = new AtomicInteger[attacks.size()];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = new AtomicInteger();
        }
        long hostileDeadline = attackStart + TimeUnit.SECONDS.toNanos(HOSTILE_SECONDS);
        // every request once (in a random order, shared by the workers), then any again until the deadline; the heavy
        // ones (huge bodies, pathological reads) also by a worker of their own, as often as each may run
        List<Integer> firstPass = new ArrayList<>();
        for (int i = 0; i < attacks.size(); i++) {
            firstPass.add(i);
        }
        Collections.shuffle(firstPass, new java.util.Random(16));
        AtomicInteger cursor = new AtomicInteger();
        for (int w = 0; w < 3; w++) {
            int worker = w;
            threads.add(daemon("hostile-" + w, () -> hostileWorker(worker, attacks, runs, firstPass, cursor, hostileDeadline)));
        }
        threads.add(daemon("hostile-heavy", () -> heavyWorker(attacks, runs, hostileDeadline)));
        threads.add(daemon("churn", () -> churn(hostileDeadline)));
        threads.forEach(Thread::start);
        long joinDeadline = attackStart + TimeUnit.SECONDS.toNanos(SLOW_BOUND_SECONDS + 10);
        for (Thread t : threads) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            if (t.isAlive()) {
                failures.add("thread " + t.getName() + " still running " + SLOW_BOUND_SECONDS + " s after the attack started");
            }
        }
        long attackEnd = System.nanoTime();
        for (int i = 0; i < attacks.size(); i++) {
            if (runs[i].get() == 0) {
                failures.add("never sent (the attack ran out of time): " + attacks.get(i).kind() + " / " + attacks.get(i).name());
            }
        }
        synchronized (held) {
            held.forEach(HostileClientIT::closeQuietly);
            held.clear();
        }
        // ------------------------------------------------------------ after
        Thread.sleep(3_000);
        normal.stop();

        // the node is alive and serves: health, readiness, both databases, a read
        List<String> afterwards = new ArrayList<>();
        Answer health = send(setupClient, request("GET", "/health", null, null, null));
        Answer ready = send(setupClient, request("GET", "/ready", null, null, null));
        Answer dbs = send(setupClient, request("GET", "/dbs", AUTH, null, null));
        Answer count = post(setupClient, P + "/q", EDN, "{:query \"[:find (count ?e) . :where [?e :person/email]]\"}");
        if (!node.isAlive()) {
            afterwards.add("the node process is dead:\n" + tail(nodeLog));
        }
        for (Answer a : List.of(health, ready, dbs, count)) {
            if (a.status() != 200) {
                afterwards.add("after the attack: " + a);
            }
        }
        if (!dbs.body().contains("\"people\"") || !dbs.body().contains("\"scratch\"")) {
            afterwards.add("a database is gone: " + dbs.body());
        }
        long liveAfter = node.isAlive() ? liveHeapAfterFullGc("after") : -1;
        long[] gc = gcFigures((attackStart - nodeStart) / 1e9, (attackEnd - nodeStart) / 1e9);
        String log = Files.readString(nodeLog, StandardCharsets.ISO_8859_1);
        List<Path> dumps;
        try (Stream<Path> files = Files.list(work)) {
            dumps = files.filter(p -> p.getFileName().toString().endsWith(".hprof")).toList();
        }

        // ------------------------------------------------------------ the report
        Stats during = normal.stats(attackStart, attackEnd);
        Stats before = normal.stats(setupDone, attackStart);
        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "HostileClientIT: node up in %.1f s, set-up %.1f s, attack %.1f s, whole test %.1f s%n",
                (nodeUp - testStart) / 1e9, (setupDone - nodeUp) / 1e9, (attackEnd - attackStart) / 1e9,
                (System.nanoTime() - testStart) / 1e9));
        report.append("hostile requests sent, by kind and answer:\n");
        long total = 0;
        for (Map.Entry<String, Map<String, LongAdder>> e : new TreeMap<>(sent).entrySet()) {
            long n = e.getValue().values().stream().mapToLong(LongAdder::sum).sum();
            total += n;
            Map<String, Long> byStatus = new TreeMap<>();
            e.getValue().forEach((k, v) -> byStatus.put(k, v.sum()));
            report.append(String.format(Locale.ROOT, "  %-13s %6d  %s%n", e.getKey(), n, byStatus));
        }
        report.append(String.format(Locale.ROOT, "  %-13s %6d%n", "total", total));
        report.append("slow clients (time to the node's answer):\n");
        for (SlowClient s : slow) {
            report.append(String.format(Locale.ROOT, "  %-28s %s after %.1f s%n", s.name, s.outcome, s.millis / 1000.0));
        }
        report.append("normal load before the attack: ").append(before).append('\n');
        report.append("normal load during the attack: ").append(during).append('\n');
        report.append(String.format(Locale.ROOT, "heap (-Xmx256m, %d MB usable): live %d MB before the attack, %d MB after it (after a"
                + " full GC); during it %d collections, %d full, the longest pause %d ms, the largest live heap after a full GC %d MB%n",
                maxHeapMb, liveBefore, liveAfter, gc[1], gc[2], gc[3], gc[0]));
        System.out.print(report);
        Files.writeString(work.resolve("summary.txt"), report.toString());
        StringBuilder requests = new StringBuilder();
        new TreeMap<>(byRequest).forEach((r, statuses) -> {
            Map<String, Long> counts = new TreeMap<>();
            statuses.forEach((k, v) -> counts.put(k, v.sum()));
            requests.append(String.format(Locale.ROOT, "%-90s %s slowest %d ms%n", r.length() > 90 ? r.substring(0, 90) : r, counts,
                    slowest.get(r)));
        });
        Files.writeString(work.resolve("requests.txt"), requests.toString());
        Files.writeString(work.resolve("timeline.txt"), String.join("\n", timeline.stream().sorted().toList()) + "\n");

        // ------------------------------------------------------------ the verdict
        List<String> problems = new ArrayList<>(afterwards);
        problems.addAll(failures);
        problems.addAll(normal.errors);
        if (log.contains("OutOfMemoryError")) {
            problems.add("the node's output mentions an OutOfMemoryError (" + nodeLog + ")");
        }
        if (log.contains("StackOverflowError")) {
            problems.add("the node's output mentions a StackOverflowError (" + nodeLog + ")");
        }
        Matcher internal = Pattern.compile("Internal error [0-9a-f]+").matcher(log);
        if (internal.find()) {
            problems.add("the node logged an internal error (a 500): " + internal.group() + " (" + nodeLog + ")");
        }
        if (!dumps.isEmpty()) {
            problems.add("heap dumps were written: " + dumps);
        }
        if (gc[0] > maxHeapMb * 8 / 10) {
            problems.add("the live heap reached " + gc[0] + " MB of " + maxHeapMb + " MB during the attack");
        }
        if (liveAfter > liveBefore + HEAP_GROWTH_MB) {
            problems.add("live heap grew from " + liveBefore + " MB to " + liveAfter + " MB");
        }
        if (during.requests() < 100) {
            problems.add("the normal load made little progress during the attack: " + during);
        }
        if (during.p99 > P99_BUDGET_MS) {
            problems.add("the normal load's p99 during the attack is " + during.p99 + " ms, over its budget of " + P99_BUDGET_MS + " ms");
        }
        if (during.max > MAX_BUDGET_MS) {
            problems.add("a normal request took " + during.max + " ms during the attack, over the limit of " + MAX_BUDGET_MS + " ms");
        }
        if (!problems.isEmpty()) {
            fail(problems.size() + " problems:\n" + String.join("\n", problems.subList(0, Math.min(60, problems.size())))
                    + "\n" + report);
        }
    }

    // ================================================================== the node

    private void startNode() throws Exception {
        work = Path.of("target", "hostile-it").toAbsolutePath();
        Files.createDirectories(work);
        try (Stream<Path> old = Files.list(work)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        dataDir = Files.createTempDirectory("chronon-hostile");
        nodeLog = work.resolve("node.log");
        gcLog = work.resolve("gc.log");
        Path argfile = work.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + work,
                "-Xlog:gc:file=" + gcLog,
                // the hostile client and the checking one share 127.0.0.1: the failed-login limit would refuse both
                // (AccessMatrixTest checks the limit)
                "-Dchronon.http.failed-logins.per-name=1000000", "-Dchronon.http.failed-logins.per-address=1000000",
                "@" + argfile, "io.chronon.node.ChrononNode",
                "--port", "0", "--cluster-port", "0", "--data-dir", dataDir.toString(), "--access-key", KEY + ":" + SECRET);
        nodeStart = System.nanoTime();
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
                fail("the node did not start:\n" + tail(nodeLog));
            }
            Thread.sleep(100);
        }
    }

    /** Runs a full collection in the node (jcmd GC.run) and answers the heap it left, in MB, from the GC log. */
    private long liveHeapAfterFullGc(String when) throws Exception {
        int before = fullGcLines().size();
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(node.pid()), "GC.run").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(jcmd.waitFor(60, TimeUnit.SECONDS) && jcmd.exitValue() == 0, "jcmd GC.run " + when + ": " + out);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fullGcLines().size() <= before) {
            assertTrue(System.nanoTime() < deadline, "no full collection (jcmd GC.run) in " + gcLog);
            Thread.sleep(100);
        }
        List<String> lines = fullGcLines();
        Matcher m = GC_LINE.matcher(lines.get(lines.size() - 1));
        assertTrue(m.find(), lines.get(lines.size() - 1));
        maxHeapMb = Long.parseLong(m.group(3));
        return Long.parseLong(m.group(2));
    }

    private List<String> fullGcLines() throws IOException {
        return Files.readAllLines(gcLog).stream().filter(l -> l.contains("Pause Full (Diagnostic Command)") || l.contains("Pause Full (System.gc())")).toList();
    }

    /**
     * From the GC log, between {@code from} and {@code to} (seconds of the node's uptime): the
     * largest live heap (after a full collection), the number of collections, of full ones, and
     * the longest pause in ms.
     */
    private long[] gcFigures(double from, double to) throws IOException {
        long max = 0;
        long n = 0;
        long full = 0;
        double longest = 0;
        Pattern line = Pattern.compile("^\\[([0-9.]+)s\\].*Pause.*?(\\d+)M->(\\d+)M\\((\\d+)M\\) ([0-9.]+)ms");
        for (String l : Files.readAllLines(gcLog)) {
            Matcher m = line.matcher(l);
            if (!m.find() || Double.parseDouble(m.group(1)) < from || Double.parseDouble(m.group(1)) > to) {
                continue;
            }
            n++;
            longest = Math.max(longest, Double.parseDouble(m.group(5)));
            if (l.contains("Pause Full")) {
                full++;
                max = Math.max(max, Long.parseLong(m.group(3)));
            }
        }
        return new long[] {max, n, full, Math.round(longest)};
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    // ================================================================== the data

    private static final String SCHEMA = "[{:db/ident :person/email :db/valueType :db.type/string :db/cardinality :db.cardinality/one"
            + " :db/unique :db.unique/identity}"
            + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
            + " {:db/ident :n/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :n/next :db/valueType :db.type/ref :db/cardinality :db.cardinality/one :db/isComponent true}"
            + " {:db/ident :d/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :d/kids :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}]";

    /**
     * Two databases with the same schema: people (20,000 persons whose names make cross
     * products, a 20,000-long chain of components, 40 layers of diamonds: over 80,000 datoms,
     * more than one read answers on this heap) and scratch (a chain for retractEntity).
     */
    private void setUp() {
        for (String db : List.of(P, S)) {
            Answer created = send(setupClient, request("PUT", db, AUTH, null, null));
            assertEquals(201, created.status(), created.toString());
            transact(setupClient, db, SCHEMA);
        }
        for (int batch = 0; batch < PERSONS / 5_000; batch++) {
            StringBuilder tx = new StringBuilder("[");
            for (int i = batch * 5_000; i < (batch + 1) * 5_000; i++) {
                tx.append("{:person/email \"p").append(i).append("@x\" :person/name \"Name ").append(i)
                        .append("\" :person/age ").append(i % 100).append('}');
            }
            transact(setupClient, P, tx.append(']').toString());
        }
        transact(setupClient, P, chain(CHAIN));
        transact(setupClient, S, chain(CHAIN));
        StringBuilder tx = new StringBuilder("[");
        for (int l = 0; l < 40; l++) {
            for (int k = 0; k < 2; k++) {
                tx.append("{:db/id \"e").append(l).append('-').append(k).append("\" :d/key \"e").append(l).append('-').append(k).append('"');
                if (l + 1 < 40) {
                    tx.append(" :d/kids [\"e").append(l + 1).append("-0\" \"e").append(l + 1).append("-1\"]");
                }
                tx.append('}');
            }
        }
        transact(setupClient, P, tx.append(']').toString());
    }

    private static String chain(int n) {
        StringBuilder tx = new StringBuilder("[[:db/add \"c0\" :n/key \"head\"]");
        for (int i = 0; i < n; i++) {
            tx.append("[:db/add \"c").append(i).append("\" :n/next \"c").append(i + 1).append("\"]");
        }
        return tx.append("[:db/add \"c").append(n).append("\" :n/key \"tail\"]]").toString();
    }

    private void transact(HttpClient client, String db, String txData) {
        Answer a = post(client, db + "/transact", EDN, "{:tx-data " + txData + "}");
        assertEquals(200, a.status(), () -> "set-up transaction: " + a.status() + " " + a.body().substring(0, Math.min(500, a.body().length())));
    }

    // ================================================================== the normal load

    /** A few clients transacting and reading all along, each op timed. */
    private final class NormalLoad {
        record Sample(long at, long millis) {
        }

        final int clients;
        final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        final Messages errors = new Messages();
        final LongAdder busy = new LongAdder();
        final AtomicBoolean stopping = new AtomicBoolean();
        final List<Thread> threads = new ArrayList<>();

        NormalLoad(int clients) {
            this.clients = clients;
        }

        void start() {
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread t = daemon("normal-" + c, () -> run(client));
                threads.add(t);
                t.start();
            }
        }

        void stop() throws InterruptedException {
            stopping.set(true);
            for (Thread t : threads) {
                t.join(60_000);
            }
        }

        void run(int client) {
            for (int n = 0; !stopping.get(); n++) {
                int i = n;
                String email = "n-" + client + "-" + i + "@x";
                String name = "Normal " + client + " " + i;
                Answer tx = timed(() -> post(normalClient, P + "/transact", EDN, "{:tx-data [{:person/email \"" + email
                        + "\" :person/name \"" + name + "\" :person/age " + (i % 90) + "}] :request-id \"" + email + "\"}"));
                if (tx.status() != 200) {
                    error("transact", tx);
                    continue;
                }
                Matcher t = Pattern.compile(":basis-t (\\d+)").matcher(tx.body());
                String basis = t.find() ? t.group(1) : "0";
                Answer q = timed(() -> post(normalClient, P + "/q", EDN, "{:query \"[:find ?n . :in $ ?m :where [?e :person/email ?m]"
                        + " [?e :person/name ?n]]\" :args [\"" + email + "\"] :basis-t " + basis + "}"));
                if (q.status() != 200) {
                    error("q", q);
                } else if (!q.body().contains('"' + name + '"')) {
                    errors.add("normal q did not read its own write " + name + ": " + q.body());
                }
                Answer pull = timed(() -> send(normalClient, request("GET", P + "/pull?selector=" + enc("[:person/name :person/age]")
                        + "&eid=" + enc("[:person/email \"p" + (i * 7 % PERSONS) + "@x\"]"), AUTH, null, null)));
                if (pull.status() != 200) {
                    error("pull", pull);
                }
                sleep(20);
            }
        }

        /** Sends until the answer is not busy (429, documented: retry); records the time of each attempt. */
        Answer timed(Callable<Answer> call) {
            while (true) {
                Answer a;
                try {
                    a = call.call();
                } catch (Exception e) {
                    a = new Answer(-1, "", 0, e.toString());
                }
                if (a.status() == 429) {
                    busy.increment();
                    sleep(50);
                    continue;
                }
                samples.add(new Sample(System.nanoTime(), a.millis()));
                if (a.millis() > 1_000) {
                    timeline.add(String.format(Locale.ROOT, "%7.1f %6d ms  normal -> %d", (System.nanoTime() - testStart) / 1e9, a.millis(),
                            a.status()));
                }
                return a;
            }
        }

        void error(String op, Answer a) {
            errors.add("normal " + op + ": " + a.status() + " after " + a.millis() + " ms " + (a.error() != null ? a.error() : "")
                    + " " + a.body().substring(0, Math.min(300, a.body().length())));
        }

        Stats stats(long from, long to) {
            List<Long> ms = new ArrayList<>();
            for (Sample s : samples) {
                if (s.at() >= from && s.at() < to) {
                    ms.add(s.millis());
                }
            }
            Collections.sort(ms);
            return new Stats(ms.size(), pct(ms, 50), pct(ms, 99), ms.isEmpty() ? 0 : ms.get(ms.size() - 1), busy.sum(), errors.size(),
                    (to - from) / 1e9);
        }

        private long pct(List<Long> sorted, int p) {
            return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * p / 100.0) - 1));
        }
    }

    record Stats(long requests, long p50, long p99, long max, long busy, long errors, double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d requests in %.1f s (%.0f/s), p50 %d ms, p99 %d ms, max %d ms, busy retries %d, errors %d",
                    requests, seconds, requests / seconds, p50, p99, max, busy, errors);
        }
    }

    // ================================================================== the hostile requests

    /**
     * Sends the first pass's requests until none is left (past the deadline if need be: every
     * request is sent at least once), then requests picked at random until the deadline.
     */
    private void hostileWorker(int worker, List<Attack> attacks, AtomicInteger[] runs, List<Integer> firstPass, AtomicInteger cursor,
                               long deadline) {
        java.util.Random random = new java.util.Random(worker);
        while (true) {
            int next = cursor.getAndIncrement();
            int i;
            if (next < firstPass.size()) {
                i = firstPass.get(next);
            } else if (System.nanoTime() < deadline) {
                i = random.nextInt(attacks.size());
            } else {
                return;
            }
            if (runs[i].incrementAndGet() <= attacks.get(i).maxRuns()) {
                run(attacks.get(i));
            }
        }
    }

    /** Sends the heavy requests (huge bodies, pathological reads) one after another, each as often as it may run, until the deadline. */
    private void heavyWorker(List<Attack> attacks, AtomicInteger[] runs, long deadline) {
        boolean any = true;
        while (any && System.nanoTime() < deadline) {
            any = false;
            for (int i = 0; i < attacks.size() && System.nanoTime() < deadline; i++) {
                Attack a = attacks.get(i);
                if ((a.kind().equals("huge") || a.kind().equals("pathological")) && runs[i].incrementAndGet() <= a.maxRuns()) {
                    any = true;
                    run(a);
                }
            }
        }
    }

    /** Sends a request and judges its answer; busy (429, documented) is retried a few times, as a client should. */
    private void run(Attack a) {
        Answer answer;
        for (int attempt = 1; ; attempt++) {
            try {
                answer = a.send().call();
            } catch (Exception e) {
                answer = new Answer(-1, "", 0, e.toString());
            }
            if (answer.status() != 429 || attempt == 4) {
                break;
            }
            judge(a.kind(), a.name(), answer, a.expected().or(s -> s == 429), "4xx", a.sent());
            sleep(250L * attempt);
        }
        judge(a.kind(), a.name(), answer, a.expected().or(s -> s == 429), a.expectation() + " (429 busy)", a.sent());
    }

    private void judge(String kind, String name, Answer a, IntPredicate expected, String expectation) {
        judge(kind, name, a, expected, expectation, null);
    }

    /** Counts an answer and notes what is wrong with it; {@code requestText}: what was sent, which an answer may quote. */
    private void judge(String kind, String name, Answer a, IntPredicate expected, String expectation, String requestText) {
        String status = a.status() == -2 ? "hang" : a.status() == -1 ? "closed" : String.valueOf(a.status());
        sent.computeIfAbsent(kind, k -> new ConcurrentHashMap<>()).computeIfAbsent(status, k -> new LongAdder()).increment();
        String request = kind + " / " + name;
        byRequest.computeIfAbsent(request, k -> new ConcurrentHashMap<>()).computeIfAbsent(status, k -> new LongAdder()).increment();
        slowest.merge(request, a.millis(), Math::max);
        if (a.millis() > 1_000) {
            timeline.add(String.format(Locale.ROOT, "%7.1f %6d ms  hostile %s -> %s", (System.nanoTime() - testStart) / 1e9, a.millis(),
                    request.length() > 100 ? request.substring(0, 100) : request, status));
        }
        if (a.status() == -2) {
            failures.add(kind + " / " + name + ": no answer within " + CLIENT_TIMEOUT.toSeconds() + " s");
        } else if (!expected.test(a.status())) {
            failures.add(kind + " / " + name + ": " + status + ", expected " + expectation + " (" + a.millis() + " ms) "
                    + (a.error() != null ? a.error() + " " : "") + a.body().substring(0, Math.min(400, a.body().length())));
        }
        Matcher leak = LEAK.matcher(a.body().length() > 1_000_000 ? a.body().substring(0, 1_000_000) : a.body());
        boolean leaked = false;
        while (!leaked && leak.find()) {
            leaked = requestText == null || !requestText.contains(leak.group());
        }
        if (leaked) {
            failures.add(kind + " / " + name + ": the answer shows '" + leak.group() + "': "
                    + a.body().substring(0, Math.min(400, a.body().length())));
        }
    }

    private static final IntPredicate CLIENT_ERROR = s -> s >= 400 && s < 500;
    /** A read stopped at its timeout is a documented 504. */
    private static final IntPredicate CLIENT_ERROR_OR_TIMEOUT = s -> CLIENT_ERROR.test(s) || s == 504;
    /** A request that may be served: anything but a fault, a hang or a closed connection. */
    private static final IntPredicate ANSWERED = s -> s >= 200 && s < 500 || s == 503 || s == 504;

    private static IntPredicate only(int... statuses) {
        return s -> {
            for (int x : statuses) {
                if (x == s) {
                    return true;
                }
            }
            return false;
        };
    }

    private Attack attack(String kind, String name, IntPredicate expected, String expectation, int maxRuns, Callable<Answer> send) {
        return new Attack(kind, name, send, expected, expectation, maxRuns, null);
    }

    private Attack bad(String kind, String name, String method, String path, String type, String body) {
        return new Attack(kind, name + " " + method + " " + path,
                () -> send(hostileClient, request(method, path, AUTH, type, body == null ? null : body.getBytes(StandardCharsets.UTF_8))),
                CLIENT_ERROR, "4xx", Integer.MAX_VALUE, path + " " + body);
    }

    private Attack badBytes(String kind, String name, String path, String type, byte[] body, int maxRuns) {
        return attack(kind, name + " POST " + path, CLIENT_ERROR, "4xx", maxRuns,
                () -> send(hostileClient, request("POST", path, AUTH, type, body)));
    }

    private Attack read(String kind, String name, IntPredicate expected, String expectation, int maxRuns, String path, String body) {
        return new Attack(kind, name, () -> post(hostileClient, path, EDN, body), expected, expectation, maxRuns, path + " " + body);
    }

    private Attack readJson(String kind, String name, IntPredicate expected, String expectation, int maxRuns, String path, String body) {
        return new Attack(kind, name, () -> send(hostileClient, HttpRequest.newBuilder(uri(path)).timeout(CLIENT_TIMEOUT)
                .header("Authorization", AUTH).header("Content-Type", EDN).header("Accept", JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()), expected, expectation, maxRuns, path + " " + body);
    }

    /** Every hostile request but the slow bodies, the streams and the database churn. */
    private List<Attack> attacks() {
        List<Attack> out = new ArrayList<>();
        String query = "{:query \"[:find ?e . :where [?e :person/email \\\"p1@x\\\"]]\"}";
        String[][] endpoints = {
                {"GET", "/cluster", null}, {"GET", "/dbs", null}, {"PUT", "/dbs/intruder", null}, {"GET", P, null},
                {"DELETE", P, null}, {"POST", S + "/transact", "{:tx-data [{:person/email \"intruder@x\"}]}"},
                {"GET", P + "/q?query=" + enc("[:find ?e :where [?e :person/email]]"), null}, {"POST", P + "/q", query},
                {"GET", P + "/pull?selector=" + enc("[*]") + "&eid=" + enc("[:n/key \"head\"]"), null},
                {"POST", P + "/pull", "{:selector \"[:n/key]\" :eid [:n/key \"head\"]}"},
                {"GET", P + "/pull-many?selector=" + enc("[:n/key]") + "&eids=" + enc("[[:n/key \"head\"]]"), null},
                {"POST", P + "/pull-many", "{:selector \"[:n/key]\" :eids [[:n/key \"head\"]]}"},
                {"GET", P + "/datoms?index=aevt&c=" + enc(":n/key"), null}, {"POST", P + "/datoms", "{:index \"aevt\" :components [:n/key]}"},
                {"GET", P + "/index-range?attr=" + enc(":n/key"), null}, {"POST", P + "/index-range", "{:attr :n/key}"},
                {"GET", P + "/log?from-t=1&limit=1", null}, {"POST", P + "/log", "{:from-t 1 :limit 1}"},
                {"GET", P + "/sync", null}, {"GET", P + "/tx-reports", null}};
        // ---------------------------------------------------------- no valid access key: 401 everywhere
        String[] badAuth = {null, basic(KEY + ":wrong"), basic("nobody:" + SECRET), "Basic !!!not-base64!!!", "Bearer " + SECRET,
                basic(KEY + SECRET), basic(":"), "Basic " + "A".repeat(6000)};
        for (String[] e : endpoints) {
            for (String auth : badAuth) {
                out.add(attack("auth", (auth == null ? "no key" : auth.substring(0, Math.min(20, auth.length()))) + " " + e[0] + " " + e[1],
                        only(401), "401", 2, () -> send(hostileClient, request(e[0], e[1], auth, e[2] == null ? null : EDN,
                                e[2] == null ? null : e[2].getBytes(StandardCharsets.UTF_8)))));
            }
        }
        out.add(attack("auth", "no key, 6 MB body", only(401), "401", 3,
                () -> send(hostileClient, request("POST", P + "/q", null, EDN, keywords(6 << 20, "unauth")))));

        // ---------------------------------------------------------- malformed bodies on every body endpoint
        String[] bodyPaths = {S + "/transact", P + "/q", P + "/pull", P + "/pull-many", P + "/datoms", P + "/index-range", P + "/log"};
        String[] badEdn = {"{:tx-data [", "{:query \"[:find ?e", "}{", "#=(java.lang.Runtime/getRuntime)", "#unknown/tag 1",
                "#inst \"yesterday\"", "#uuid \"nope\"", "{:a}", "[1 2 3]", "42", "nil", "", "   ", "\u0000\u0001\u0002", ":a/b/c",
                "\"unterminated", "\\", "((((", "1/2", "##Foo", "0x10", "{:limit 1E999999999M", "#_", "#{1 1}", "#chronon/db {:name 5}"};
        String[] badJson = {"{\"~:query\": ", "{\"~q\": 1}", "[", "{\"a\":}", "{\"~#set\": 5}", "{\"~#inst\": \"x\"}", "\"~n1x\"",
                "NaN", "{\"~:query\": \"[:find ?e :where [?e :person/email]]\", \"~:timeout-ms\": \"~m1E999999999\"}",
                "{\"~:limit\": 1e999999999}", "{'single': 1}", "{\"~:tx-data\": [[\"~:db/add\", \"x\", \"~:person/age\", \"~mNaN\"]]}"};
        for (String path : bodyPaths) {
            for (String b : badEdn) {
                out.add(bad("malformed", "edn " + b.substring(0, Math.min(24, b.length())), "POST", path, EDN, b));
            }
            for (String b : badJson) {
                out.add(bad("malformed", "json " + b.substring(0, Math.min(24, b.length())), "POST", path, JSON, b));
            }
            out.add(bad("malformed", "text/plain", "POST", path, "text/plain", query));
            out.add(bad("malformed", "xml", "POST", path, "application/xml", "<q/>"));
            out.add(bad("malformed", "multipart", "POST", path, "multipart/form-data; boundary=x", "--x\r\n\r\n--x--"));
            out.add(badBytes("malformed", "invalid UTF-8", path, EDN, new byte[] {'{', ':', 'q', ' ', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF,
                    (byte) 0xFE, '"'}, Integer.MAX_VALUE));
            out.add(badBytes("malformed", "invalid UTF-8 json", path, JSON, new byte[] {'{', '"', (byte) 0xFF, '"', ':', ' ', (byte) 0xC3},
                    Integer.MAX_VALUE));
        }
        // ---------------------------------------------------------- wrong types, per endpoint
        String[][] wrong = {
                {S + "/transact", "{:tx-data 42}", "{:tx-data {:a 1}}", "{:tx-data [42]}", "{:tx-data [[:db/add]]}",
                        "{:tx-data [[:db/add \"x\" :no/such 1]]}", "{:tx-data [[:db/add \"x\" :person/age \"old\"]]}",
                        "{:tx-data [[:db/add \"x\" :person/age 1E999999999M]]}", "{:tx-data [[:db/add \"x\" :person/age 99999999999999999999N]]}",
                        "{:tx-data \"[[:db/add\"}", "{:tx-data [] :request-id 5}", "{:tx-data [] :request-id \"" + "r".repeat(300) + "\"}",
                        "{:tx-data [[:my/fn 1 2]]}",
                        "{:tx-data [[:db/cas [:n/key \"head\"] :n/key \"not-head\" \"x\"]]}",
                        "{:tx-data [[:db/add \"x\" :n/next \"nowhere\"]]}", "{:tx-data [[:db/add #inst \"2020\" :person/age 1]]}"},
                {P + "/q", "{:query 42}", "{:query \"[:find ?e :where [?e :person/email]]\" :args 5}", "{:query \"[:find\"}",
                        "{:query \"[:find ?x :where [(java.lang.System/exit 0) ?x]]\"}", "{:query \"[:find ?x :where [(System/exit 0) ?x]]\"}",
                        "{:query \"[:find ?x :in $ ?x :where [?e :person/name ?x]]\"}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :limit -1}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :order-by [[?x :sideways]]}",
                        "{:query \"[:find ?e :in $ $o :where [$o ?e :person/email]]\" :args [#chronon/db {:name \"nope\"}]}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :timeout-ms 0}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :timeout-ms 99999999999}",
                        "{:query \"[:find ?p :where [(re-pattern \\\"(\\\") ?p]]\"}", "{:query \"[:find ?e :where [?e :person/email]]\" :basis-t -1}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :as-of \"yesterday\"}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :with 5}", "{:query \"[:find ?e :where [?e :person/email]]\" :with [5]}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :history \"yes\"}",
                        "{:query \"[:find ?e :where [?e :person/email]]\" :offset 99999999999999999999N}",
                        "{:query \"[:find ?x :in ?x :where [(subs ?x 5 1) ?y]]\" :args [\"abc\"]}",
                        "{:a 1} {:b 2}", "{\"query\" \"[:find ?e :where [?e :person/email]]\"}", "{:query #inst \"9999999999-01-01\"}"},
                {P + "/pull", "{:selector 42 :eid 1}", "{:selector \"[*]\"}", "{:selector \"[*\" :eid 1}", "{:selector \"[*]\" :eid \"nope\"}",
                        "{:selector \"[*]\" :eid [:person/email]}",
                        "{:selector \"[*]\" :eid [:no/such 1]}"},
                {P + "/pull-many", "{:selector \"[*]\" :eids 5}", "{:selector \"[*]\"}", "{:selector \"[*]\" :eids [[:no/such 1]]}",
                        "{:selector \"[:x\" :eids []}"},
                {P + "/datoms", "{:index \"zzz\"}", "{:index 5}", "{}", "{:index \"eavt\" :components 5}",
                        "{:index \"avet\" :components [:no/such]}", "{:index \"eavt\" :limit \"x\"}"},
                {P + "/index-range", "{}", "{:attr 5}", "{:attr :no/such}", "{:attr :person/name :limit -5}"},
                {P + "/log", "{:from-t -1}", "{:from-t \"x\"}", "{:limit \"x\"}", "{:to-t :end}", "{:from-t 1E999999999M}"}};
        for (String[] w : wrong) {
            for (int i = 1; i < w.length; i++) {
                out.add(bad("wrong-type", w[i].substring(0, Math.min(60, w[i].length())), "POST", w[0], EDN, w[i]));
            }
        }
        // odd but maybe meaningful: any answer but a fault
        String[][] odd = {{P + "/q", "{:query \"[:find ?y . :in $ ?x :where [(nth ?x 1E999999999M) ?y]]\" :args [[1]]}"},
                {P + "/pull", "{:selector \"[(limit :person/name -1)]\" :eid [:n/key \"head\"]}"},
                {P + "/pull", "{:selector \"[{:n/next 1E999999999M}]\" :eid [:n/key \"head\"]}"},
                {P + "/q", "{:query \"[:find ?e . :where [?e :person/age 1E999999999M]]\"}"},
                {P + "/index-range", "{:attr :person/age :start 1E999999999M :end ##Inf}"},
                {P + "/datoms", "{:index \"avet\" :components [:person/age ##NaN]}"},
                {S + "/transact", "{:tx-data [{:db/ident :db/ident :db/cardinality :db.cardinality/many}]}"},
                {S + "/transact", "{:tx-data [[:db/add 1E999999999M :person/age 1]]}"},
                {S + "/transact", "{:tx-data [[:db/retractEntity [:person/email \"nobody@x\"]]]}"},
                // two tempids with one unique identity value are one entity, as in Datomic
                {S + "/transact", "{:tx-data [[:db/add \"x\" :person/email \"dup@x\"] [:db/add \"y\" :person/email \"dup@x\"]]}"}};
        for (String[] o : odd) {
            out.add(read("wrong-type", o[1].substring(0, Math.min(60, o[1].length())), ANSWERED, "an answer", Integer.MAX_VALUE, o[0], o[1]));
        }
        out.add(attack("malformed", "json {} {}", CLIENT_ERROR, "4xx", Integer.MAX_VALUE, () -> post(hostileClient, P + "/q", JSON, "{} {}")));
        out.add(attack("malformed", "json lone surrogate", CLIENT_ERROR, "4xx", Integer.MAX_VALUE,
                () -> post(hostileClient, P + "/q", JSON, "{\"~:query\": \"\\ud800\"}")));
        String[] badGets = {P + "/q?query=" + enc("[:find"), P + "/q?query=" + enc("[:find ?e :where [?e :person/email]]") + "&args=" + enc("[[["),
                P + "/q?query=" + enc("[:find ?e :where [?e :person/email]]") + "&basis-t=abc",
                P + "/q?query=" + enc("[:find ?e :where [?e :person/email]]") + "&timeout-ms=0", P + "/q",
                P + "/datoms?index=zzz", P + "/datoms?index=eavt&c=" + enc("[[["), P + "/pull?selector=" + enc("[*]") + "&eid=%00",
                P + "/log?from-t=-5", P + "/sync?t=abc", P + "/sync?t=-3", P + "/tx-reports?from-t=abc", P + "/tx-reports?from-t=-1",
                "/dbs/nope/q?query=" + enc("[:find ?e :where [?e :a]]"), "/dbs/%00/q", "/dbs/" + "x".repeat(3000) + "/q", "/nothing",
                "/dbs/people/nothing", "/dbs/people/q/extra", "/dbs/..%2F..%2Fetc/q", "/dbs/nope/tx-reports", "/dbs/nope/sync"};
        for (String g : badGets) {
            out.add(bad("wrong-type", "GET " + g.substring(0, Math.min(60, g.length())), "GET", g, null, null));
        }
        for (String name : List.of("%00", "-leading-dash", "x".repeat(200), "a%2Fb", "%C3%A9t%C3%A9", "a%20b", "..")) {
            out.add(bad("db-churn", "PUT bad name", "PUT", "/dbs/" + name, null, null));
        }
        out.add(bad("db-churn", "PUT existing", "PUT", P, null, null));
        out.add(bad("db-churn", "PUT bad storage", "PUT", "/dbs/weird-kind?storage=nope", null, null));
        out.add(bad("db-churn", "DELETE missing", "DELETE", "/dbs/never-was", null, null));
        out.add(attack("wrong-type", "tx-reports Last-Event-ID nope", CLIENT_ERROR, "4xx", Integer.MAX_VALUE,
                () -> send(hostileClient, HttpRequest.newBuilder(uri(P + "/tx-reports")).timeout(CLIENT_TIMEOUT).header("Authorization", AUTH)
                        .header("Last-Event-ID", "nope").GET().build())));
        for (String[] m : new String[][] {{"PATCH", P}, {"POST", "/health"}, {"DELETE", "/dbs"}, {"PUT", P + "/q"}, {"POST", P + "/sync"},
                {"OPTIONS", "/dbs"}, {"POST", P + "/tx-reports"}}) {
            out.add(bad("wrong-type", "method", m[0], m[1], m[0].equals("GET") ? null : EDN, m[0].equals("POST") ? "{}" : null));
        }
        // a basis that never comes: a documented 503 when the wait runs out (short waits here)
        out.add(attack("wrong-type", "basis never reached", only(503), "503", 3,
                () -> send(hostileClient, request("GET", P + "/q?query=" + enc("[:find ?e . :where [?e :n/key \"head\"]]")
                        + "&basis-t=999999999&timeout-ms=1500", AUTH, null, null))));
        out.add(attack("wrong-type", "sync never reached", only(503), "503", 2,
                () -> send(hostileClient, request("GET", P + "/sync?t=999999999", AUTH, null, null))));

        // ---------------------------------------------------------- nested 100,000 deep: 400; 1,900 deep where legal
        String open = "[".repeat(100_000);
        for (String path : bodyPaths) {
            out.add(bad("nested", "edn [ x100000", "POST", path, EDN, open));
            out.add(bad("nested", "edn [] x100000", "POST", path, EDN, open + "]".repeat(100_000)));
            out.add(bad("nested", "edn {:a x50000", "POST", path, EDN, "{:a ".repeat(50_000)));
            out.add(bad("nested", "edn #_ x100000", "POST", path, EDN, "#_".repeat(100_000) + "{}"));
            out.add(bad("nested", "edn #inst x100000", "POST", path, EDN, "#inst ".repeat(100_000) + "1"));
            out.add(bad("nested", "json [ x100000", "POST", path, JSON, open));
            out.add(bad("nested", "json {\"a\": x100000", "POST", path, JSON, "{\"a\":".repeat(100_000)));
        }
        out.add(bad("nested", "query text [ x100000", "POST", P + "/q", EDN, "{:query \"" + open + "\"}"));
        out.add(bad("nested", "tx-data text [ x100000", "POST", S + "/transact", EDN, "{:tx-data \"" + open + "\"}"));
        out.add(bad("nested", "selector text [ x100000", "POST", P + "/pull", EDN, "{:selector \"" + open + "\" :eid 1}"));
        out.add(bad("nested", "GET query [ x100000", "GET", P + "/q?query=" + open.substring(0, 20_000).replace("[", "%5B"), null, null));
        String deep = "[".repeat(1_900) + "1" + "]".repeat(1_900);
        out.add(read("nested", "arg 1,900 deep", ANSWERED, "an answer", 3, P + "/q",
                "{:query \"[:find ?y . :in $ ?x :where [(identity ?x) ?y]]\" :args [" + deep + "]}"));
        out.add(read("nested", "arg 1,900 deep, with count", ANSWERED, "an answer", 3, P + "/q",
                "{:query \"[:find ?y . :in $ ?x :where [(pr-str ?x) ?s] [(count ?s) ?y]]\" :args [" + deep + "]}"));
        out.add(readJson("nested", "arg 1,900 deep, answered in JSON", ANSWERED, "an answer", 3, P + "/q",
                "{:query \"[:find ?y . :in $ ?x :where [(identity ?x) ?y]]\" :args [" + deep + "]}"));
        out.add(readJson("nested", "with 1,900 deep, answered in JSON", CLIENT_ERROR, "4xx", 3, P + "/q",
                "{:query \"[:find ?e . :where [?e :n/key \\\"head\\\"]]\" :with [[" + deep + "]]}"));
        out.add(readJson("nested", "tx value 1,900 deep, answered in JSON", CLIENT_ERROR, "4xx", 3, S + "/transact",
                "{:tx-data [[:db/add \"x\" :person/name " + deep + "]]}"));
        out.add(read("nested", "tx value 1,900 deep", CLIENT_ERROR, "4xx", 3, S + "/transact",
                "{:tx-data [[:db/add \"x\" :person/name " + deep + "]]}"));
        out.add(read("nested", "with 1,900 deep", CLIENT_ERROR, "4xx", 3, P + "/q",
                "{:query \"[:find ?e . :where [?e :n/key \\\"head\\\"]]\" :with [[" + deep + "]]}"));
        out.add(read("nested", "not x900", ANSWERED, "an answer", 3, P + "/q",
                "{:query \"[:find ?e . :where [?e :n/key \\\"head\\\"] " + "(not ".repeat(900) + "[?e :n/key \\\"tail\\\"]"
                        + ")".repeat(900) + "]\"}"));
        out.add(read("nested", "or/and x600", ANSWERED, "an answer", 3, P + "/q",
                "{:query \"[:find ?e . :where [?e :n/key \\\"head\\\"] " + "(or (and ".repeat(600) + "[?e :n/key \\\"head\\\"]"
                        + "))".repeat(600) + "]\"}"));
        out.add(read("nested", "function call x1,900", ANSWERED, "an answer", 3, P + "/q",
                "{:query \"[:find ?y . :where [(identity " + "[".repeat(1_900) + "1" + "]".repeat(1_900) + ") ?y]]\"}"));
        out.add(read("nested", "selector x1,900", ANSWERED, "an answer", 3, P + "/pull",
                "{:selector " + "[{:n/next ".repeat(950) + "[:n/key]" + "}]".repeat(950) + " :eid [:n/key \"head\"]}"));
        out.add(read("nested", "rules x900", ANSWERED, "an answer", 3, P + "/q", nestedRules(900)));

        // ---------------------------------------------------------- huge bodies
        out.add(attack("huge", "17 MB body with Content-Length", only(413), "413", 3,
                () -> send(hostileClient, request("POST", S + "/transact", AUTH, EDN, ("{:tx-data \"" + "x".repeat(17 << 20) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)))));
        // a body of unknown length counts as the limit against the budget of large bodies: 429 while others are read
        out.add(attack("huge", "17 MB chunked body", only(413, 429), "413 (429 busy)", 3, () -> chunked(P + "/q", 17 << 20)));
        out.add(attack("huge", "6 MB of distinct keywords", CLIENT_ERROR, "4xx", 6,
                () -> send(hostileClient, request("POST", P + "/q", AUTH, EDN, keywords(6 << 20, "k" + System.nanoTime())))));
        out.add(attack("huge", "6 MB of distinct keywords in tx-data", CLIENT_ERROR, "4xx", 3,
                () -> send(hostileClient, request("POST", S + "/transact", AUTH, EDN, txKeywords(6 << 20, "t" + System.nanoTime())))));
        out.add(attack("huge", "6 MB of distinct keywords, JSON", CLIENT_ERROR, "4xx", 3,
                () -> send(hostileClient, request("POST", P + "/q", AUTH, JSON, jsonKeywords(6 << 20, "j" + System.nanoTime())))));
        out.add(attack("huge", "12 MB query string", CLIENT_ERROR, "4xx", 2,
                () -> post(hostileClient, P + "/q", EDN, "{:query \"" + "x".repeat(12 << 20) + "\"}")));
        out.add(attack("huge", "15 MB of numbers as a query input", ANSWERED, "an answer", 3,
                () -> post(hostileClient, P + "/q", EDN, numbers(15 << 20))));
        // a value read can take some hundreds of bytes: one 16 MB body of keywords took 400 MB, three bodies of
        // numbers at once as much (each ran the 256 MB node out of memory before the limits of issue 16)
        out.add(attack("huge", "16 MB of distinct keywords", CLIENT_ERROR, "4xx", 2,
                () -> send(hostileClient, request("POST", P + "/q", AUTH, EDN, keywords((16 << 20) - 100, "m" + System.nanoTime())))));
        out.add(attack("huge", "15 MB of numbers, three at once", ANSWERED, "an answer", 2,
                () -> together(3, "huge", "15 MB of numbers, three at once", ANSWERED, () -> post(hostileClient, P + "/q", EDN,
                        numbers(15 << 20)))));
        out.add(attack("huge", "6 MB of distinct keywords, three at once", CLIENT_ERROR, "4xx", 2,
                () -> together(3, "huge", "6 MB of distinct keywords, three at once", CLIENT_ERROR,
                        () -> send(hostileClient, request("POST", P + "/q", AUTH, EDN, keywords(6 << 20, "t" + System.nanoTime()))))));
        out.add(attack("huge", "10,000 headers", CLIENT_ERROR, "4xx", 2,
                () -> raw(("GET /health HTTP/1.1\r\nHost: x\r\n" + "X-A: b\r\n".repeat(10_000) + "Connection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1))));

        // ---------------------------------------------------------- pathological reads
        String as = "a".repeat(34);
        for (String call : List.of("[(re-find ?re ?s) ?x]", "[(re-matches ?re ?s) ?x]", "[(re-seq ?re ?s) ?x]",
                "[(clojure.string/split ?s ?re) ?x]")) {
            out.add(read("pathological", "backtracking " + call, only(504), "504", 3, P + "/q",
                    "{:query \"[:find ?x :in $ ?p ?s :where [(re-pattern ?p) ?re] " + call + "]\" :args [\"^(?:a+){1,40}b$\" \""
                            + as + "\"] :timeout-ms 2000}"));
        }
        out.add(read("pathological", "backtracking, default timeout", only(504), "504", 1, P + "/q",
                "{:query \"[:find ?x :in $ ?p ?s :where [(re-pattern ?p) ?re] [(re-find ?re ?s) ?x]]\" :args [\"^(?:a+){1,40}b$\" \""
                        + as + "\"]}"));
        out.add(read("pathological", "cross product", only(400), "400 query-too-large", 4, P + "/q",
                "{:query \"[:find (count ?x) . :where [_ :person/name ?x] [_ :person/name ?y] [_ :person/name ?z]]\"}"));
        String wide = "9".repeat(9_000) + "N";
        for (String[] c : new String[][] {{"[(+ ?x 1) ?r]", "1E100000000M"}, {"[(inc ?x) ?r]", "1E100000000M"},
                {"[(* ?x ?x) ?a] [(* ?a ?a) ?b] [(* ?b ?b) ?c] [(* ?c ?c) ?r]", wide},
                {"[(quot ?x 3) ?r]", "1E100000000M"}, {"[(- ?x 1M) ?r]", "1E-100000000M"}}) {
            out.add(read("pathological", "arithmetic " + c[0] + " " + c[1], CLIENT_ERROR, "4xx", 3, P + "/q",
                    "{:query \"[:find ?r . :in $ ?x :where " + c[0] + "]\" :args [" + c[1] + "]}"));
        }
        out.add(read("pathological", "pull * on the chain", only(400), "400 pull-too-large", 4, P + "/pull",
                "{:selector \"[*]\" :eid [:n/key \"head\"]}"));
        out.add(read("pathological", "pull ... on the chain", only(400), "400 pull-too-large", 4, P + "/pull",
                "{:selector \"[:n/key {:n/next ...}]\" :eid [:n/key \"head\"]}"));
        out.add(read("pathological", "pull ... on diamonds", only(400, 504), "400 pull-too-large", 3, P + "/pull",
                "{:selector \"[:d/key {:d/kids ...}]\" :eid [:d/key \"e0-0\"]}"));
        out.add(read("pathological", "pull-many * over the chain", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/pull-many",
                "{:selector \"[*]\" :eids [" + chainRefs(2_000) + "]}"));
        out.add(read("pathological", "pull-many 100,000 eids", ANSWERED, "an answer", 2, P + "/pull-many",
                "{:selector \"[:person/name]\" :eids [" + "[:person/email \"p1@x\"] ".repeat(100_000) + "]}"));
        out.add(read("pathological", "every datom (eavt)", only(400), "400 result-too-large", 4, P + "/datoms", "{:index \"eavt\"}"));
        out.add(attack("pathological", "every datom (GET aevt)", only(400), "400 result-too-large", 3,
                () -> send(hostileClient, request("GET", P + "/datoms?index=aevt", AUTH, null, null))));
        out.add(read("pathological", "every datom (q)", only(400), "400 result-too-large", 3, P + "/q",
                "{:query \"[:find ?e ?a ?v :where [?e ?a ?v]]\"}"));
        out.add(read("pathological", "every name (index-range)", ANSWERED, "an answer", 3, P + "/index-range", "{:attr :person/name}"));
        out.add(read("pathological", "the whole log", ANSWERED, "an answer", 3, P + "/log", "{}"));
        out.add(read("pathological", "the whole log as of history", ANSWERED, "an answer", 2, P + "/q",
                "{:query \"[:find (count ?tx) . :where [?e ?a ?v ?tx ?op]]\" :history true}"));
        out.add(read("pathological", "endless recursive rule", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find ?x :in $ % :where (gen 0 ?x)]\" :args [[[(gen ?a ?b) [(identity ?a) ?b]]"
                        + " [(gen ?a ?b) [(inc ?a) ?c] (gen ?c ?b)]]] :timeout-ms 3000}"));
        out.add(read("pathological", "a query calling itself", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find ?x . :in $ ?q :where [(q ?q $ ?q) ?x]]\" :args [\"[:find ?x . :in $ ?q :where [(q ?q $ ?q) ?x]]\"]"
                        + " :timeout-ms 3000}"));
        String mb = "s".repeat(1 << 20);
        out.add(read("pathological", "a string doubled until it fills the heap", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find (count ?s9) . :in $ ?s0 :where " + doublings("str ?s%d ?s%d", 9) + "]\" :args [\"" + mb + "\"]"
                        + " :timeout-ms 5000}"));
        out.add(read("pathological", "a join of a string over a long range", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find (count ?j) . :in $ ?s :where [(range 200000) ?r] [(clojure.string/join ?s ?r) ?j]]\" :args [\""
                        + "s".repeat(1_000) + "\"] :timeout-ms 5000}"));
        out.add(read("pathological", "a vector doubled until it fills the heap", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find (count ?s12) . :where [(range 200000) ?s0] " + doublings("into ?s%d ?s%d", 12)
                        + "]\" :timeout-ms 5000}"));
        out.add(read("pathological", "pr-str of a long range, doubled", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find (count ?s7) . :where [(range 200000) ?r] [(pr-str ?r) ?s0] " + doublings("str ?s%d ?s%d", 7)
                        + "]\" :timeout-ms 5000}"));
        out.add(read("pathological", "re-seq of every character of 2 MB", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find (count ?r) . :in $ ?s :where [(re-pattern \\\".\\\") ?p] [(re-seq ?p ?s) ?r]]\" :args [\""
                        + "s".repeat(2 << 20) + "\"] :timeout-ms 5000}"));
        out.add(read("pathological", "split of 2 MB into characters", CLIENT_ERROR_OR_TIMEOUT, "4xx or 504", 3, P + "/q",
                "{:query \"[:find (count ?r) . :in $ ?s :where [(re-pattern \\\"\\\") ?p] [(clojure.string/split ?s ?p) ?r]]\" :args [\""
                        + "s".repeat(2 << 20) + "\"] :timeout-ms 5000}"));
        out.add(read("pathological", "a 50,000-datom :with", ANSWERED, "an answer", 2, P + "/q",
                "{:query \"[:find (count ?e) . :where [?e :person/email]]\" :with [[" + withPersons(50_000) + "]]}"));
        out.add(attack("pathological", "retractEntity of a 20,000-long component chain", only(200, 404), "200 (404 once retracted)", 1,
                () -> post(hostileClient, S + "/transact", EDN, "{:tx-data [[:db/retractEntity [:n/key \"head\"]]]}")));

        // ---------------------------------------------------------- bad HTTP
        // (pekko-http reads 16 bytes before it judges a method: a shorter request line waits for more, as a cut one does)
        String[] protocol = {"HELLO\r\n\r\n" + "x".repeat(20), "GET\r\n\r\n" + "x".repeat(20), "GET /health HTTP/1.1\r\n\r\n",
                "GET /" + "x".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Long: " + "y".repeat(100_000) + "\r\nConnection: close\r\n\r\n",
                "POST " + P + "/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
                "POST " + P + "/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
                "POST " + P + "/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"
                        + "Connection: close\r\n\r\n0\r\n\r\n",
                "POST " + P + "/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "zz\r\nabc\r\n0\r\n\r\n",
                "POST " + P + "/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                        + "FFFFFFFFFFFFFFFF\r\nabc\r\n",
                "POST " + P + "/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nContent-Length: 99999999999999999999\r\n"
                        + "Connection: close\r\n\r\n{}",
                "GET /dbs/%zz/q HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nConnection: close\r\n\r\n",
                "GET /dbs/people/q?query=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: " + AUTH + "\r\nConnection: close\r\n\r\n",
};
        for (String p : protocol) {
            out.add(attack("protocol", p.substring(0, Math.min(40, p.length())).replace("\r\n", "\\r\\n"), CLIENT_ERROR, "4xx",
                    Integer.MAX_VALUE, () -> raw(p.getBytes(StandardCharsets.ISO_8859_1))));
        }
        for (String p : List.of("GET /health HTTP/1.1\r\nHost: x\r\nBad Header Name: y\r\nConnection: close\r\n\r\n",
                "GET /health HTTP/1.1\r\nHost: x\r\n\u0000: y\r\nConnection: close\r\n\r\n")) {
            out.add(attack("protocol", "bad header name", ANSWERED, "an answer", Integer.MAX_VALUE,
                    () -> raw(p.getBytes(StandardCharsets.ISO_8859_1))));
        }
        // an unknown method: pekko-http answers 501 Not Implemented, as RFC 9110 says
        for (String m : List.of("FOO", "HELLO", "BREW")) {
            out.add(attack("protocol", "unknown method " + m, s -> CLIENT_ERROR.test(s) || s == 501, "4xx or 501", Integer.MAX_VALUE,
                    () -> raw((m + " /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1))));
        }
        return out;
    }

    /** Sends {@code n} requests at once; judges all but the last, which it answers. */
    private Answer together(int n, String kind, String name, IntPredicate expected, Callable<Answer> send) throws Exception {
        List<Thread> others = new ArrayList<>();
        for (int i = 1; i < n; i++) {
            Thread t = daemon("together", () -> {
                Answer a;
                try {
                    a = send.call();
                } catch (Exception e) {
                    a = new Answer(-1, "", 0, e.toString());
                }
                judge(kind, name, a, expected.or(s -> s == 429), "an answer (429 busy)");
            });
            others.add(t);
            t.start();
        }
        Answer last = send.call();
        for (Thread t : others) {
            t.join(CLIENT_TIMEOUT.toMillis() * 2);
        }
        return last;
    }

    /** A query whose rule calls a rule ... {@code n} deep. */
    private static String nestedRules(int n) {
        StringBuilder rules = new StringBuilder("[[(r0 ?e) [?e :n/key \"head\"]]");
        for (int i = 1; i <= n; i++) {
            rules.append(" [(r").append(i).append(" ?e) (r").append(i - 1).append(" ?e)]");
        }
        return "{:query \"[:find ?e . :in $ % :where (r" + n + " ?e)]\" :args [" + rules.append(']') + "]}";
    }

    /** {@code [(fn ?s0 ?s0) ?s1] [(fn ?s1 ?s1) ?s2] ...}: each result twice the last. */
    private static String doublings(String call, int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("[(").append(String.format(Locale.ROOT, call, i, i)).append(") ?s").append(i + 1).append("] ");
        }
        return out.toString();
    }

    private static String chainRefs(int n) {
        StringBuilder out = new StringBuilder("[:n/key \"head\"]");
        for (int i = 1; i < n; i++) {
            out.append(" [:n/key \"head\"]");
        }
        return out.toString();
    }

    private static String withPersons(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            out.append("{:person/email \"w").append(i).append("@x\"}");
        }
        return out.toString();
    }

    /** A vector (not the map a body must be) of distinct keywords, about {@code size} bytes. */
    private static byte[] keywords(int size, String prefix) {
        StringBuilder out = new StringBuilder(size + 64).append('[');
        for (int i = 0; out.length() < size; i++) {
            out.append(" :").append(prefix).append("/k").append(i);
        }
        return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] txKeywords(int size, String prefix) {
        StringBuilder out = new StringBuilder(size + 64).append("{:tx-data [");
        for (int i = 0; out.length() < size; i++) {
            out.append(" :").append(prefix).append("/k").append(i);
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] jsonKeywords(int size, String prefix) {
        StringBuilder out = new StringBuilder(size + 64).append("[\"~:").append(prefix).append("/k\"");
        for (int i = 0; out.length() < size; i++) {
            out.append(",\"~:").append(prefix).append("/k").append(i).append('"');
        }
        return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String numbers(int size) {
        StringBuilder out = new StringBuilder(size + 64).append("{:query \"[:find (count ?x) . :in $ [?x ...]]\" :args [[");
        for (int i = 0; out.length() < size; i++) {
            out.append(i).append(' ');
        }
        return out.append("]]}").toString();
    }

    // ================================================================== databases created and deleted

    private void churn(long deadline) {
        for (int i = 0; System.nanoTime() < deadline; i++) {
            String db = "/dbs/churn-" + i;
            judge("db-churn", "PUT a new database", send(hostileClient, request("PUT", db + (i % 3 == 0 ? "?storage=memory" : ""), AUTH,
                    null, null)), only(201), "201");
            judge("db-churn", "transact its schema", post(hostileClient, db + "/transact", EDN, "{:tx-data " + SCHEMA + "}"), only(200), "200");
            Socket stream = openStream(db + "/tx-reports", null, "GET a stream of it");
            judge("db-churn", "DELETE it", send(hostileClient, request("DELETE", db, AUTH, null, null)), only(200), "200");
            // a peer learns of the deletion from the writer's last report: a read at once may still be answered
            // from the old value (docs/actor-protocol.md); then 503 while it stops, then 404
            judge("db-churn", "read it deleted", post(hostileClient, db + "/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\"}"),
                    s -> s == 404 || s == 503 || s == 200, "404 (503 while the peer stops, 200 before it hears)");
            judge("db-churn", "DELETE it again", send(hostileClient, request("DELETE", db, AUTH, null, null)), only(404), "404");
            closeQuietly(stream);
            sleep(200);
        }
    }

    // ================================================================== tx-report streams

    /** Opens 200 streams on people: half closed at once, half held open and never read; a quarter replay the log. */
    private void openStreams() {
        for (int i = 0; i < 200; i++) {
            String query = switch (i % 4) {
                case 0 -> "";
                case 1 -> "?from-t=1";
                case 2 -> "?format=json";
                default -> "?from-t=" + (1 + i);
            };
            Socket s = openStream(P + "/tx-reports" + query, i % 8 == 3 ? "2" : null, "GET tx-reports" + query.replaceAll("\\d+", "N")
                    + (i % 8 == 3 ? " Last-Event-ID" : ""));
            if (s != null && i % 2 == 1) {
                held.add(s);
            } else {
                closeQuietly(s);
            }
            sleep(20);
        }
        // and bad ones
        for (String bad : List.of(P + "/tx-reports?from-t=abc", "/dbs/nope/tx-reports")) {
            judge("sse", "GET " + bad, send(hostileClient, request("GET", bad, AUTH, null, null)), CLIENT_ERROR, "4xx");
        }
    }

    /** Opens a stream and reads its status line and first event bytes; the socket, or null if it failed. */
    private Socket openStream(String path, String lastEventId, String label) {
        Socket s = null;
        try {
            s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.setSoTimeout((int) CLIENT_TIMEOUT.toMillis());
            String req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\nAccept: text/event-stream\r\n"
                    + (lastEventId == null ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            int status = statusOf(h);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            judge(label.startsWith("GET a stream") ? "db-churn" : "sse", label, new Answer(status, h, ms, null), only(200), "200");
            if (status == 200 && !h.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
                failures.add("sse " + path + ": not an event stream: " + h);
            }
            return s;
        } catch (SocketTimeoutException e) {
            judge("sse", label, new Answer(-2, "", CLIENT_TIMEOUT.toMillis(), e.toString()), only(200), "200");
            return s;
        } catch (IOException e) {
            judge("sse", label, new Answer(-1, "", 0, e.toString()), only(200), "200");
            return s;
        }
    }

    // ================================================================== slow bodies

    /** A client that sends its headers, then its body slowly or not at all. */
    private final class SlowClient {
        final String name;
        final String head;
        final String mode;
        volatile String outcome = "not answered";
        volatile long millis;

        SlowClient(String name, String method, String path, String mode, boolean chunked) {
            this.name = name;
            this.mode = mode;
            this.head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\nContent-Type: application/edn\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: 4000\r\n") + "\r\n";
        }

        void run() {
            long start = System.nanoTime();
            Socket s = null;
            try {
                s = new Socket(InetAddress.getLoopbackAddress(), port);
                held.add(s);
                s.setSoTimeout(250);
                OutputStream out = s.getOutputStream();
                byte[] body = "{:query \"[:find ?e :where [?e :person/email]]\" :limit 1 :x \"".getBytes(StandardCharsets.ISO_8859_1);
                if (!mode.equals("cut-headers")) {
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                } else {
                    // the request stops inside its headers and the connection stays open: pekko-http waits for
                    // its idle-timeout (120 s); the node must serve everyone else meanwhile. Closed at the end.
                    out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Cut: ".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    outcome = "held open";
                    sent.computeIfAbsent("slow", k -> new ConcurrentHashMap<>()).computeIfAbsent("held", k -> new LongAdder()).increment();
                    s = null;
                    return;
                }
                switch (mode) {
                    case "stall", "half-close", "abandon" -> {
                        out.write(body);
                        out.flush();
                        if (mode.equals("half-close")) {
                            s.shutdownOutput();
                        } else if (mode.equals("abandon")) {
                            s.close();
                            outcome = "abandoned";
                            return;
                        }
                    }
                    default -> {
                    }
                }
                InputStream in = s.getInputStream();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                byte[] buf = new byte[4096];
                long deadline = start + TimeUnit.SECONDS.toNanos(SLOW_BOUND_SECONDS);
                long nextByte = System.nanoTime();
                int sentBytes = 0;
                while (System.nanoTime() < deadline) {
                    if ((mode.equals("trickle") || mode.equals("chunks")) && System.nanoTime() >= nextByte) {
                        try {
                            if (mode.equals("trickle")) {
                                out.write(body[sentBytes++ % body.length]);
                                nextByte = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
                            } else {
                                out.write(("1\r\n" + (char) body[sentBytes++ % body.length] + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                                nextByte = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
                            }
                            out.flush();
                        } catch (IOException closed) {
                            // the node closed the connection: read what it answered
                        }
                    }
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    if (n < 0) {
                        break;
                    }
                    got.write(buf, 0, n);
                    if (got.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n") && got.size() > 0 && complete(got.toByteArray())) {
                        break;
                    }
                }
                millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                String text = got.toString(StandardCharsets.UTF_8);
                int status = statusOf(text);
                if (status > 0) {
                    outcome = String.valueOf(status);
                    // a body cut short is malformed (400); one that does not arrive in time is a 408
                    boolean cut = mode.equals("half-close");
                    judge("slow", name, new Answer(status, bodyOf(text), millis, null), only(cut ? 400 : 408), cut ? "400" : "408");
                    if (!cut && millis > TimeUnit.SECONDS.toMillis(SLOW_BOUND_SECONDS)) {
                        failures.add("slow " + name + ": answered after " + millis + " ms");
                    }
                } else if (System.nanoTime() < deadline) {
                    outcome = "closed";
                    sent.computeIfAbsent("slow", k -> new ConcurrentHashMap<>()).computeIfAbsent("closed", k -> new LongAdder()).increment();
                } else {
                    outcome = "no answer";
                    judge("slow", name, new Answer(-2, "", millis, null), s2 -> false, "an answer or a close within " + SLOW_BOUND_SECONDS + " s");
                }
            } catch (IOException e) {
                outcome = "error " + e;
                failures.add("slow " + name + ": " + e);
            } finally {
                closeQuietly(s);
            }
        }
    }

    private List<SlowClient> slowClients() {
        List<SlowClient> out = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            out.add(new SlowClient("trickle-" + i + " POST q", "POST", P + "/q", "trickle", false));
            out.add(new SlowClient("stall-" + i + " POST transact", "POST", S + "/transact", "stall", false));
        }
        for (int i = 0; i < 4; i++) {
            out.add(new SlowClient("half-close-" + i + " POST pull", "POST", P + "/pull", "half-close", false));
            out.add(new SlowClient("chunks-" + i + " POST datoms", "POST", P + "/datoms", "chunks", true));
            out.add(new SlowClient("abandon-" + i + " POST log", "POST", P + "/log", "abandon", false));
            out.add(new SlowClient("cut-headers-" + i + " GET health", "GET", "/health", "cut-headers", false));
        }
        return out;
    }

    // ================================================================== HTTP

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpRequest request(String method, String path, String auth, String contentType, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(CLIENT_TIMEOUT);
        if (auth != null) {
            b.header("Authorization", auth);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private Answer post(HttpClient client, String path, String contentType, String body) {
        return send(client, request("POST", path, AUTH, contentType, body.getBytes(StandardCharsets.UTF_8)));
    }

    private static Answer send(HttpClient client, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    null);
        } catch (HttpTimeoutException e) {
            return new Answer(-2, "", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), e.toString());
        } catch (IOException e) {
            return new Answer(-1, "", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A body of {@code size} bytes sent chunked (no Content-Length), from a raw socket. */
    private Answer chunked(String path, int size) {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + AUTH + "\r\nContent-Type: application/edn\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        return raw(head.getBytes(StandardCharsets.ISO_8859_1), out -> {
            byte[] chunk = ("10000\r\n" + "x".repeat(0x10000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            for (int sentBytes = 0; sentBytes < size; sentBytes += 0x10000) {
                out.write(chunk);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
    }

    private Answer raw(byte[] request) {
        return raw(request, out -> {
        });
    }

    interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Sends {@code head} and what {@code body} writes (from another thread, so an early answer
     * is read) on a new connection, and reads the answer until the connection closes or the
     * answer is complete.
     */
    private Answer raw(byte[] head, BodyWriter body) {
        long start = System.nanoTime();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(250);
            OutputStream out = s.getOutputStream();
            Thread writer = daemon("raw-writer", () -> {
                try {
                    out.write(head);
                    body.write(out);
                    out.flush();
                } catch (IOException closed) {
                    // the node answered and closed before the end
                }
            });
            writer.start();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            long deadline = start + CLIENT_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && got.size() < (4 << 20)) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (IOException reset) {
                    break;
                }
                if (n < 0) {
                    break;
                }
                got.write(buf, 0, n);
                if (complete(got.toByteArray())) {
                    break;
                }
            }
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            String text = got.toString(StandardCharsets.UTF_8);
            int status = statusOf(text);
            if (status < 0) {
                return new Answer(System.nanoTime() >= deadline ? -2 : -1, text, ms, "no status line");
            }
            return new Answer(status, bodyOf(text), ms, null);
        } catch (IOException e) {
            return new Answer(-1, "", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), e.toString());
        }
    }

    private static int statusOf(String response) {
        Matcher m = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(response);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String bodyOf(String response) {
        int i = response.indexOf("\r\n\r\n");
        return i < 0 ? "" : response.substring(i + 4);
    }

    /** True when {@code bytes} hold a whole answer with a Content-Length. */
    private static boolean complete(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        Matcher m = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(text.substring(0, end));
        return m.find() && bytes.length - end - 4 >= Long.parseLong(m.group(1));
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
