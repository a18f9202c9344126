package io.chronon.bench;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.client.Db;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The people data set loaded into a real node process over HTTP, with the node's heap fixed
 * (issue 15's people-5m bench): how fast it loads (pipelined transactions of {@code batch}
 * persons, {@code inflight} at a time), the node's heap after each GC against the number of
 * datoms (a CSV for the plot in docs/), storage bytes per datom, and, after a restart on the
 * same data, the time from the process's start to its first answer and the cold and warm
 * latency of some reads.
 *
 * <pre>
 *   java -cp ... io.chronon.bench.ServerImportBench --node-cp FILE --persons 5000000 [--heap 512m]
 *        [--batch 2000] [--inflight 4] [--dir target/people-import] [--skip-edges] [--node-opt -Dkey=value ...]
 * </pre>
 * {@code --node-cp} names a file holding the node's class path (one line, as Maven's
 * {@code dependency:build-classpath} writes it, with cluster-node's classes first).
 */
public final class ServerImportBench {
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");
    private static final String KEY = "bench:bench-secret-0123456789";

    private ServerImportBench() {
    }

    public static void main(String[] args) throws Exception {
        String nodeCp = null;
        long persons = 100_000;
        String heap = "512m";
        int batch = 2_000;
        int inflight = 4;
        Path dir = Path.of("target", "people-import");
        boolean edges = true;
        boolean load = true;
        List<String> nodeOpts = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--node-cp" -> nodeCp = Files.readString(Path.of(args[++i])).trim();
                case "--persons" -> persons = Long.parseLong(args[++i]);
                case "--heap" -> heap = args[++i];
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--inflight" -> inflight = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--skip-edges" -> edges = false;
                case "--restart-only" -> load = false;
                case "--node-opt" -> nodeOpts.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (nodeCp == null) {
            throw new IllegalArgumentException("--node-cp FILE is required");
        }
        dir = dir.toAbsolutePath();
        Path csv = dir.resolve("heap-vs-datoms.csv");
        if (load) {
            deleteTree(dir);
            Files.createDirectories(dir);
            Files.writeString(csv, "datoms,heap_after_gc_mb,seconds\n");
            load(nodeCp, heap, dir, csv, persons, batch, inflight, edges, nodeOpts);
        }
        restart(nodeCp, heap, dir, persons, nodeOpts);
        System.out.println("CSV " + csv);
    }

    private static void load(String nodeCp, String heap, Path dir, Path csv, long persons, int batch, int inflight, boolean edges,
                             List<String> nodeOpts) throws Exception {

        Node node = Node.start(nodeCp, heap, dir, "load", nodeOpts);
        String uri = "chronon://" + KEY + "@127.0.0.1:" + node.port + "/people";
        Chronon.createDatabase(uri);
        long datoms = 0;
        long start = System.nanoTime();
        try (Connection conn = Chronon.connect(uri)) {
            conn.transact(PeopleGenerator.schemaEdn(false));
            Semaphore window = new Semaphore(inflight);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            List<PeopleGenerator.Person> pending = new ArrayList<>(batch);
            long[] sent = {0, 0};
            long[] nextReport = {1_000_000};
            final long total = persons;
            final int size = batch;
            final Path gcLog = node.gcLog;
            PeopleGenerator.forEachPerson(persons, p -> {
                pending.add(p);
                if (pending.size() == size || p.id() == total) {
                    String tx = "[" + PeopleGenerator.personsEdn(pending) + "]";
                    sent[0] += pending.size() * 6L + 1;
                    pending.clear();
                    send(conn, tx, window, failed);
                    if (sent[0] >= nextReport[0]) {
                        nextReport[0] += 1_000_000;
                        report(csv, gcLog, sent[0], start);
                        Db latest = conn.db();
                        System.out.printf(Locale.ROOT, "   basis t %d, index t %d%n", latest.basisT(), latest.indexBasisT());
                    }
                }
            });
            datoms = sent[0];
            if (edges) {
                List<PeopleGenerator.Edge> all = PeopleGenerator.edges((int) persons);
                for (int from = 0; from < all.size(); from += 1_000) {
                    List<PeopleGenerator.Edge> slice = all.subList(from, Math.min(all.size(), from + 1_000));
                    datoms += slice.size() + 1;
                    send(conn, "[" + PeopleGenerator.edgesEdn(slice) + "]", window, failed);
                    if (datoms >= nextReport[0]) {
                        nextReport[0] += 1_000_000;
                        report(csv, gcLog, datoms, start);
                    }
                }
            }
            window.acquire(inflight);
            if (failed.get() != null) {
                throw new IllegalStateException("a transaction failed", failed.get());
            }
            double secs = (System.nanoTime() - start) / 1e9;
            report(csv, gcLog, datoms, start);
            System.out.printf(Locale.ROOT, "LOADED %,d datoms in %.1f s: %,.0f datoms/s (%d persons, heap %s)%n", datoms, secs,
                    datoms / secs, persons, heap);
            long upTo = conn.requestIndex();
            long indexT = -1;
            for (int attempt = 0; indexT < 0; attempt++) {
                try {
                    indexT = conn.syncIndex(upTo).get(30, TimeUnit.MINUTES).indexBasisT();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (attempt >= 30) {
                        throw e;
                    }
                    // a job of a large novelty takes longer than one request's timeout: ask again
                }
            }
            System.out.printf(Locale.ROOT, "INDEXED to t %d in %.1f s after the last transaction%n", indexT,
                    (System.nanoTime() - start) / 1e9 - secs);
            storage("STORAGE before GC", dir, datoms);
            long gcStart = System.nanoTime();
            long deleted = conn.gcStorage(new java.util.Date());
            System.out.printf(Locale.ROOT, "GC (cut-off now) deleted %,d segments in %.1f s%n", deleted, (System.nanoTime() - gcStart) / 1e9);
        }
        node.stop();
        storage("STORAGE after GC", dir, datoms);
    }

    private static void storage(String what, Path dir, long datoms) throws IOException {
        long bytes = size(dir.resolve("data"));
        long segmentBytes = size(dir.resolve("data").resolve("segments"));
        long journalBytes = size(dir.resolve("data").resolve("journal"));
        System.out.printf(Locale.ROOT, "%s %,d bytes (%.1f per datom): segments %,d (%.1f per datom), journal %,d (%.1f per datom)%n",
                what, bytes, (double) bytes / datoms, segmentBytes, (double) segmentBytes / datoms, journalBytes,
                (double) journalBytes / datoms);
    }

    /** A fresh node on the data of {@code dir}: start to first answer, then reads cold and warm. */
    private static void restart(String nodeCp, String heap, Path dir, long persons, List<String> nodeOpts) throws Exception {
        long launched = System.nanoTime();
        Node again = Node.start(nodeCp, heap, dir, "restart", nodeOpts);
        long up = System.nanoTime();
        String uri2 = "chronon://" + KEY + "@127.0.0.1:" + again.port + "/people";
        try (Connection conn = Chronon.connect(uri2)) {
            Object first = conn.db().q("[:find ?n . :in $ ?id :where [?e :id ?id] [?e :name ?n]]", persons / 2);
            long answered = System.nanoTime();
            System.out.printf(Locale.ROOT, "RESTART process start to HTTP up %.2f s, to first answer %.2f s (%s)%n",
                    (up - launched) / 1e9, (answered - launched) / 1e9, first);
            Db db = conn.db();
            String[][] reads = {
                {"point lookup by :id", "[:find ?n . :in $ ?id :where [?e :id ?id] [?e :name ?n]]"},
                {"pull by lookup ref", null},
                {"join on a selective value", "[:find (count ?e) . :in $ ?id :where [?x :id ?id] [?x :salary ?s] [?e :salary ?s] [?e :age ?a] [(< ?a 18)]]"},
                {"range predicate on one entity's follows", "[:find (count ?f) . :in $ ?id :where [?x :id ?id] [?x :follows ?f] [?f :age ?a] [(> ?a 50)]]"},
            };
            for (String[] read : reads) {
                for (String phase : new String[] {"cold", "warm"}) {
                    List<Long> nanos = new ArrayList<>();
                    for (int i = 0; i < (phase.equals("cold") ? 20 : 200); i++) {
                        long id = 1 + Math.floorMod(i * 7_919L * (phase.equals("cold") ? 104_729L : 1L) + 13, persons);
                        long t0 = System.nanoTime();
                        if (read[1] == null) {
                            db.pull("[:name :age {:follows [:name]}]", List.of(chronon(":id"), id));
                        } else {
                            db.q(read[1], id);
                        }
                        nanos.add(System.nanoTime() - t0);
                    }
                    nanos.sort(null);
                    System.out.printf(Locale.ROOT, "READ %-40s %s median %.2f ms, p90 %.2f ms (%d reads)%n", read[0], phase,
                            nanos.get(nanos.size() / 2) / 1e6, nanos.get(nanos.size() * 9 / 10) / 1e6, nanos.size());
                }
            }
        } finally {
            again.stop();
        }
    }

    private static Object chronon(String keyword) {
        return io.chronon.edn.Keyword.of(keyword.substring(1));
    }

    private static void send(Connection conn, String tx, Semaphore window, AtomicReference<Throwable> failed) {
        if (failed.get() != null) {
            throw new IllegalStateException("a transaction failed", failed.get());
        }
        window.acquireUninterruptibly();
        CompletableFuture<?> f = conn.transactAsync(tx);
        f.whenComplete((r, e) -> {
            if (e != null) {
                failed.compareAndSet(null, e);
            }
            window.release();
        });
    }

    private static void report(Path csv, Path gcLog, long datoms, long start) {
        double secs = (System.nanoTime() - start) / 1e9;
        long heapMb = lastHeapAfterGc(gcLog);
        System.out.printf(Locale.ROOT, "AT %,d datoms %.1f s (%,.0f datoms/s), node heap after last GC %d MB%n", datoms, secs,
                datoms / secs, heapMb);
        try {
            Files.writeString(csv, datoms + "," + heapMb + "," + String.format(Locale.ROOT, "%.1f", secs) + "\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The heap after the last collection in a {@code -Xlog:gc} file, in MB (-1 if none yet). */
    static long lastHeapAfterGc(Path gcLog) {
        long last = -1;
        try (Stream<String> lines = Files.lines(gcLog)) {
            for (String line : (Iterable<String>) lines::iterator) {
                Matcher m = GC_LINE.matcher(line);
                if (line.contains("Pause") && m.find()) {
                    last = Long.parseLong(m.group(2));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return last;
    }

    static long size(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /** A node process: {@code bin/chronon serve} with a fixed heap and a GC log. */
    record Node(Process process, int port, Path gcLog) {
        static Node start(String cp, String heap, Path dir, String name, List<String> opts) throws Exception {
            int port = freePort();
            Path gcLog = dir.resolve("gc-" + name + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-Xms" + heap, "-Xmx" + heap, "-XX:+UseG1GC",
                    "-Xlog:gc:file=" + gcLog));
            command.addAll(opts);
            command.addAll(List.of("-cp", cp, "io.chronon.node.cli.ChrononCli", "serve",
                    "--port", String.valueOf(port), "--cluster-port", String.valueOf(freePort()),
                    "--data-dir", dir.resolve("data").toString(), "--access-key", KEY));
            ProcessBuilder pb = new ProcessBuilder(command);
            pb.redirectErrorStream(true);
            pb.redirectOutput(dir.resolve("node-" + name + ".log").toFile());
            Process p = pb.start();
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the node exited with " + p.exitValue() + "; see " + dir.resolve("node-" + name + ".log"));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return new Node(p, port, gcLog);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.onSpinWait();
                TimeUnit.MILLISECONDS.sleep(50);
            }
            p.destroyForcibly();
            throw new IllegalStateException("the node was not ready within 5 minutes");
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }
    }
}
