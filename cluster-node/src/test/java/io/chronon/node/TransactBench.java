package io.chronon.node;

import com.typesafe.config.ConfigFactory;
import datomic.Connection;
import datomic.Peer;
import datomic.Util;
import io.chronon.edn.Keyword;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.writer.Transactor;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transaction throughput and ack-to-visible delay: Chronon on the embedded file store (fsync
 * per group commit) and on the memory store, next to Datomic's in-memory peer, in one run.
 * Not a test; run it with
 * {@code mvn -pl cluster-node test-compile exec:exec@transact-bench} (see docs/embedded-store.md).
 *
 * <p>Workload (the bench module's {@code tx.1entity}): each transaction adds one new person
 * map ({@code :id}, unique identity, so an upsert check runs, plus five attributes) to a
 * database that already holds {@code preload} people. Sequential: one client submits and
 * waits. Concurrent: 16 clients each submit and wait, so up to 16 are in flight. Pipelined:
 * 16 clients each keep up to {@code bench.window} (8) transactions outstanding, submitting
 * asynchronously (Datomic: {@code transactAsync}), so up to 128 are in flight.
 * Ack-to-visible: after each acknowledgement the client asks the query peer to sync to the
 * transaction's t and times until the peer answers.
 *
 * <p>System properties: {@code bench.seq} (default 5000), {@code bench.conc.per-client}
 * (3000), {@code bench.clients} (16), {@code bench.preload} (5000), {@code bench.rounds} (4; the first warms up),
 * {@code bench.window} (8), {@code bench.request-ids} (false; true: every transaction carries a random request id), {@code bench.only} ({@code file}, {@code datomic}, {@code nofsync} or {@code memory}: run just that one).
 * The summary is the median of rounds 2..N (round 1 warms up), for Datomic the same way,
 * with the ratio Chronon / Datomic per phase. {@code -Dbench.profile=PHASE} (sequential,
 * concurrent or pipelined) with async-profiler's jar on the classpath and
 * {@code -Dbench.profile.lib=<libasyncProfiler.so>} writes a collapsed CPU profile of that
 * phase of the last round (every round with {@code -Dbench.profile.all-rounds=true}) to
 * /tmp; {@code -Dbench.profile.extra=,threads} splits it by thread.
 * {@code chronon-file-fsync} syncs every group commit to disk (survives power loss);
 * {@code chronon-file-nofsync} writes it to the OS before acknowledging (survives kill -9 of
 * the process, not of the machine), the guarantee of H2 with {@code WRITE_DELAY=0}.
 */
public final class TransactBench {
    static final String SCHEMA = "[{:db/ident :id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :last-name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :sex :db/valueType :db.type/keyword :db/cardinality :db.cardinality/one}"
            + " {:db/ident :age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
            + " {:db/ident :salary :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]";
    static final String[] NAMES = {"Ivan", "Petr", "Sergei", "Oleg", "Yuri", "Dmitry", "Fedor", "Denis"};
    static final String[] LAST = {"Ivanov", "Petrov", "Sidorov", "Kovalev", "Kuznetsov", "Voronoi"};

    static final int SEQ = Integer.getInteger("bench.seq", 5000);
    static final int PER_CLIENT = Integer.getInteger("bench.conc.per-client", 3000);
    static final int CLIENTS = Integer.getInteger("bench.clients", 16);
    static final int PRELOAD = Integer.getInteger("bench.preload", 5000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);
    static final int WINDOW = Integer.getInteger("bench.window", 8);
    static final boolean REQUEST_IDS = Boolean.getBoolean("bench.request-ids");

    /** One system under test: transact one person, and (optionally) wait until a peer sees t. */
    interface Target {
        long transact(long id) throws Exception;

        /** Submits without waiting; the future completes with t once acknowledged. */
        CompletableFuture<Long> transactAsync(long id);

        /** Nanoseconds from now until a reader sees t; negative if the system has no separate reader. */
        long visibleAfterAck(long t) throws Exception;

        void preload(int n) throws Exception;
    }

    /** CPU time of this process (all threads), nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    record Stats(String phase, double txPerSec, long[] latNanos, long[] visNanos, double cpuMicrosPerTx, int round) {
        static String ms(long[] sorted, double q) {
            if (sorted.length == 0) {
                return "-";
            }
            return String.format(Locale.ROOT, "%.2f", sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6);
        }

        String line(String system) {
            Arrays.sort(latNanos);
            Arrays.sort(visNanos);
            return String.format(Locale.ROOT, "%-22s %-12s %10.0f  cpu %6.0f us/tx   lat p50 %6s p99 %6s ms   ack->visible p50 %6s p99 %6s ms",
                    system, phase, txPerSec, cpuMicrosPerTx, ms(latNanos, 0.5), ms(latNanos, 0.99), ms(visNanos, 0.5), ms(visNanos, 0.99));
        }
    }

    static final AtomicLong IDS = new AtomicLong(1);
    /** The round being measured (0 = the first, counted as warm-up; -1 = warm-up and sync phases). */
    static volatile int round = -1;

    static Stats sequential(Target target, int n, boolean measureVisible) throws Exception {
        long[] lat = new long[n];
        long[] vis = new long[measureVisible ? n : 0];
        long cpu0 = cpuNanos();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            long t = target.transact(IDS.getAndIncrement());
            lat[i] = System.nanoTime() - t0;
            if (measureVisible) {
                vis[i] = target.visibleAfterAck(t);
            }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = measureVisible ? Double.NaN : n / secs;
        return new Stats(measureVisible ? "seq+sync" : "sequential", rate, lat, vis, (cpuNanos() - cpu0) / 1e3 / n, round);
    }

    /** What one client thread does; {@code client} is its number. */
    interface ClientLoop {
        void run(int client) throws Exception;
    }

    /** Runs {@code clients} threads started together; [seconds, CPU nanoseconds of the process] they took. */
    static double[] runClients(int clients, ClientLoop loop) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int c = 0; c < clients; c++) {
            final int client = c;
            Thread th = new Thread(() -> {
                try {
                    go.await();
                    loop.run(client);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            threads.add(th);
            th.start();
        }
        long cpu0 = cpuNanos();
        long start = System.nanoTime();
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (failure[0] != null) {
            throw new RuntimeException(failure[0]);
        }
        return new double[] {secs, cpuNanos() - cpu0};
    }

    static Stats concurrent(Target target, int clients, int perClient, boolean measureVisible) throws Exception {
        long[][] lat = new long[clients][perClient];
        long[][] vis = new long[clients][measureVisible ? perClient : 0];
        double[] took = runClients(clients, client -> {
            for (int i = 0; i < perClient; i++) {
                long t0 = System.nanoTime();
                long t = target.transact(IDS.getAndIncrement());
                lat[client][i] = System.nanoTime() - t0;
                if (measureVisible) {
                    vis[client][i] = target.visibleAfterAck(t);
                }
            }
        });
        double rate = measureVisible ? Double.NaN : clients * (double) perClient / took[0];
        return new Stats((measureVisible ? "conc+sync" : "concurrent") + clients, rate, Arrays.stream(lat).flatMapToLong(Arrays::stream).toArray(),
                Arrays.stream(vis).flatMapToLong(Arrays::stream).toArray(), took[1] / 1e3 / (clients * (double) perClient), round);
    }

    /**
     * {@code clients} submitters that each keep up to {@code window} transactions outstanding
     * (submit asynchronously, wait for the oldest when the window is full): what a loader or a
     * service with many requests in flight does. Latency is per transaction, submit to ack.
     */
    static Stats pipelined(Target target, int clients, int perClient, int window) throws Exception {
        long[][] lat = new long[clients][perClient];
        double[] took = runClients(clients, client -> {
            java.util.ArrayDeque<CompletableFuture<Long>> open = new java.util.ArrayDeque<>();
            for (int i = 0; i < perClient; i++) {
                if (open.size() == window) {
                    open.poll().get(30, TimeUnit.SECONDS);
                }
                final int at = i;
                long t0 = System.nanoTime();
                open.add(target.transactAsync(IDS.getAndIncrement()).whenComplete((t, e) -> lat[client][at] = System.nanoTime() - t0));
            }
            for (CompletableFuture<Long> f : open) {
                f.get(30, TimeUnit.SECONDS);
            }
        });
        return new Stats("pipelined" + clients + "x" + window, clients * (double) perClient / took[0],
                Arrays.stream(lat).flatMapToLong(Arrays::stream).toArray(), new long[0], took[1] / 1e3 / (clients * (double) perClient), round);
    }

    /** Medians over the rounds after the first: tx/s sequential, concurrent, pipelined; CPU us/tx concurrent, pipelined. */
    static double[] summary(List<Stats> stats) {
        return new double[] {median(stats, "sequential", true), median(stats, "concurrent", true), median(stats, "pipelined", true),
                median(stats, "concurrent", false), median(stats, "pipelined", false)};
    }

    static double median(List<Stats> stats, String phase, boolean rate) {
        double[] v = stats.stream().filter(s -> s.phase().startsWith(phase) && s.round() > 0)
                .mapToDouble(s -> rate ? s.txPerSec() : s.cpuMicrosPerTx()).sorted().toArray();
        if (v.length == 0) {
            return 0;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Local profiling hook (-Dbench.profile=PHASE, async-profiler's jar on the classpath): profiles PHASE of the last round. */
    static String profiling;

    static void profile(boolean lastRound, String phase, String system) throws Exception {
        String want = System.getProperty("bench.profile", "");
        if (want.isEmpty() || !(lastRound || Boolean.getBoolean("bench.profile.all-rounds"))) {
            return;
        }
        Class<?> ap = Class.forName("one.profiler.AsyncProfiler");
        Object prof = ap.getMethod("getInstance", String.class).invoke(null, System.getProperty("bench.profile.lib"));
        if (profiling != null) {
            ap.getMethod("execute", String.class).invoke(prof, "stop,file=/tmp/prof-" + profiling + ".collapsed,collapsed");
            profiling = null;
        }
        if (phase.equals(want)) {
            ap.getMethod("execute", String.class).invoke(prof, "start,event=" + System.getProperty("bench.profile.event", "cpu") + ",interval=1ms" + System.getProperty("bench.profile.extra", ""));
            profiling = system + "-" + phase + "-r" + round;
        }
    }

    static List<Stats> run(String system, Target target) throws Exception {
        target.preload(PRELOAD);
        // warm-up: the JIT, the dispatchers, the file
        sequential(target, Math.max(500, SEQ / 3), false);
        concurrent(target, CLIENTS, Math.max(100, PER_CLIENT / 4), false);
        List<Stats> all = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            round = r;
            boolean last = r == ROUNDS - 1;
            profile(last, "sequential", system);
            Stats s = sequential(target, SEQ, false);
            profile(last, "concurrent", system);
            Stats c = concurrent(target, CLIENTS, PER_CLIENT, false);
            profile(last, "pipelined", system);
            Stats p = pipelined(target, CLIENTS, PER_CLIENT, WINDOW);
            profile(last, "", system);
            System.out.println(s.line(system));
            System.out.println(c.line(system));
            System.out.println(p.line(system));
            all.add(s);
            all.add(c);
            all.add(p);
        }
        round = -1;
        Stats sv = sequential(target, SEQ / 2, true);
        Stats cv = concurrent(target, CLIENTS, PER_CLIENT / 2, true);
        if (sv.visNanos().length > 0 && sv.visNanos()[0] >= 0) {
            System.out.println(sv.line(system));
            System.out.println(cv.line(system));
        }
        all.add(sv);
        all.add(cv);
        return all;
    }

    // ------------------------------------------------------------------ Chronon

    static final class ChrononTarget implements Target {
        final ChrononCluster chronon;
        final String db;
        final Random random = new Random(7);

        ChrononTarget(ChrononCluster chronon, String db) {
            this.chronon = chronon;
            this.db = db;
        }

        static Map<Keyword, Object> person(long id, Random r) {
            return Map.of(Keyword.of("id"), id, Keyword.of("name"), NAMES[(int) (id % NAMES.length)],
                    Keyword.of("last-name"), LAST[(int) (id % LAST.length)], Keyword.of("sex"), Keyword.of(id % 2 == 0 ? "male" : "female"),
                    Keyword.of("age"), id % 100, Keyword.of("salary"), (id * 7919) % 100_000);
        }

        @Override
        public long transact(long id) throws Exception {
            return chronon.transact(db, List.of(person(id, random)), requestId()).toCompletableFuture().get(30, TimeUnit.SECONDS).t();
        }

        @Override
        public CompletableFuture<Long> transactAsync(long id) {
            return chronon.transact(db, List.of(person(id, random)), requestId()).toCompletableFuture().thenApply(Transactor.TxResult::t);
        }

        /** A random request id per transaction with {@code -Dbench.request-ids=true}, as the remote client sends; else none. */
        static String requestId() {
            return REQUEST_IDS ? java.util.UUID.randomUUID().toString() : null;
        }

        @Override
        public long visibleAfterAck(long t) throws Exception {
            long t0 = System.nanoTime();
            CompletionStage<QueryPeer.Synced> s = chronon.peer(db).askWithStatus(r -> new QueryPeer.Sync(t, 10_000, r), Duration.ofSeconds(15));
            s.toCompletableFuture().get(15, TimeUnit.SECONDS);
            return System.nanoTime() - t0;
        }

        @Override
        public void preload(int n) throws Exception {
            chronon.createDatabase(db).toCompletableFuture().get(30, TimeUnit.SECONDS);
            chronon.transact(db, SCHEMA).toCompletableFuture().get(30, TimeUnit.SECONDS);
            for (int start = 0; start < n; start += 1000) {
                List<Object> batch = new ArrayList<>();
                for (int i = start; i < Math.min(n, start + 1000); i++) {
                    batch.add(person(IDS.getAndIncrement(), random));
                }
                Transactor.TxResult r = chronon.transact(db, batch).toCompletableFuture().get(60, TimeUnit.SECONDS);
                chronon.sync(db, r.t()).toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
    }

    static List<Stats> runChronon(String label, String storageKind, boolean fsync, Path dataDir) throws Exception {
        ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                "chronon.storage.data-dir = \"" + dataDir.toString().replace("\\", "/") + "\"\n"
                        + "chronon.storage.default-kind = " + storageKind + "\n"
                        + "chronon.embedded.file.journal.fsync = " + (fsync ? "on" : "off") + "\n"
                        + "chronon.node.port = 0\n"
                        + "chronon.http.enabled = false\n"
                        + "pekko.loglevel = WARNING\n"
                        + "pekko.coordinated-shutdown.exit-jvm = off\n")));
        try {
            ChrononCluster chronon = node.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
            List<Stats> stats = run(label, new ChrononTarget(chronon, "bench"));
            if (Boolean.getBoolean("bench.threads")) {
                printThreadCpu();
            }
            return stats;
        } finally {
            node.close();
        }
    }

    /** CPU time by thread group so far (with -Dbench.threads=true): where a system spends its time. */
    static void printThreadCpu() {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        java.util.TreeMap<String, long[]> byGroup = new java.util.TreeMap<>();
        for (long id : mx.getAllThreadIds()) {
            var info = mx.getThreadInfo(id);
            long cpu = mx.getThreadCpuTime(id);
            long user = mx.getThreadUserTime(id);
            if (info == null || cpu <= 0) {
                continue;
            }
            String group = info.getThreadName().replaceAll("-?\\d+$", "").replaceAll("\\d+", "N");
            long[] acc = byGroup.computeIfAbsent(group, k -> new long[2]);
            acc[0] += cpu;
            acc[1] += user;
        }
        byGroup.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0])).limit(12)
                .forEach(e -> System.out.printf(Locale.ROOT, "    %-60s cpu %7.0f ms (user %7.0f)%n", e.getKey(),
                        e.getValue()[0] / 1e6, e.getValue()[1] / 1e6));
    }

    // ------------------------------------------------------------------ Datomic

    static final class DatomicTarget implements Target {
        final Connection conn;

        DatomicTarget(Connection conn) {
            this.conn = conn;
        }

        static Object kw(String name) {
            return clojure.lang.Keyword.intern(name);
        }

        static Object person(long id) {
            return Util.map(kw("id"), id, kw("name"), NAMES[(int) (id % NAMES.length)], kw("last-name"), LAST[(int) (id % LAST.length)],
                    kw("sex"), kw(id % 2 == 0 ? "male" : "female"), kw("age"), id % 100, kw("salary"), (id * 7919) % 100_000);
        }

        @Override
        public long transact(long id) throws Exception {
            Map<?, ?> report = conn.transact(Util.list(person(id))).get();
            return ((datomic.Database) report.get(Connection.DB_AFTER)).basisT();
        }

        @Override
        public CompletableFuture<Long> transactAsync(long id) {
            CompletableFuture<Long> out = new CompletableFuture<>();
            datomic.ListenableFuture<Map> f = conn.transactAsync(Util.list(person(id)));
            f.addListener(() -> {
                try {
                    out.complete(((datomic.Database) f.get().get(Connection.DB_AFTER)).basisT());
                } catch (Throwable e) {
                    out.completeExceptionally(e);
                }
            }, Runnable::run);
            return out;
        }

        @Override
        public long visibleAfterAck(long t) {
            return -1; // the peer library is its own reader: the value is visible at once
        }

        @Override
        public void preload(int n) throws Exception {
            conn.transact((List<?>) Util.readAll(new StringReader(SCHEMA)).get(0)).get();
            for (int start = 0; start < n; start += 1000) {
                List<Object> batch = new ArrayList<>();
                for (int i = start; i < Math.min(n, start + 1000); i++) {
                    batch.add(person(IDS.getAndIncrement()));
                }
                conn.transact(batch).get();
            }
        }
    }

    static List<Stats> runDatomic() throws Exception {
        String uri = "datomic:mem://transact-bench-" + System.nanoTime();
        Peer.createDatabase(uri);
        Connection conn = Peer.connect(uri);
        try {
            return run("datomic-mem-peer", new DatomicTarget(conn));
        } finally {
            conn.release();
            Peer.deleteDatabase(uri);
        }
    }

    public static void main(String[] args) throws Exception {
        Path parent = Path.of(System.getProperty("bench.dir", "target"));
        Files.createDirectories(parent);
        Path dir = Files.createTempDirectory(parent, "transact-bench");
        System.out.printf(Locale.ROOT, "TransactBench: %d sequential, %d clients x %d, preload %d, %d rounds; %d cores, %s%n",
                SEQ, CLIENTS, PER_CLIENT, PRELOAD, ROUNDS, Runtime.getRuntime().availableProcessors(), dir);
        System.out.printf("%-22s %-12s %10s%n", "system", "phase", "tx/s");
        String only = System.getProperty("bench.only", "");
        List<Stats> file = only.isEmpty() || only.equals("file") ? runChronon("chronon-file-fsync", "file", true, dir.resolve("file")) : List.of();
        List<Stats> datomic = only.isEmpty() || only.equals("datomic") ? runDatomic() : List.of();
        List<Stats> nofsync = only.isEmpty() || only.equals("nofsync")
                ? runChronon("chronon-file-nofsync", "file", false, dir.resolve("nofsync")) : List.of();
        List<Stats> mem = only.isEmpty() || only.equals("memory") ? runChronon("chronon-memory", "memory", true, dir.resolve("mem")) : List.of();
        System.out.println();
        System.out.println("Median of rounds 2.." + ROUNDS + " (round 1 warms up), tx/s: sequential / concurrent " + CLIENTS
                + " / pipelined " + CLIENTS + "x" + WINDOW + "; in brackets the same phase's median for Datomic, x = ratio;"
                + " then the median CPU per transaction (all threads of the process), concurrent / pipelined:");
        double[] reference = summary(datomic);
        for (var e : List.of(Map.entry("chronon-file-fsync", file), Map.entry("datomic-mem-peer", datomic),
                Map.entry("chronon-file-nofsync", nofsync), Map.entry("chronon-memory", mem))) {
            double[] m = summary(e.getValue());
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-22s", e.getKey()));
            for (int i = 0; i < 3; i++) {
                line.append(String.format(Locale.ROOT, " %8.0f", m[i]));
                if (reference[i] > 0 && e.getValue() != datomic) {
                    line.append(String.format(Locale.ROOT, " (%.2fx)", m[i] / reference[i]));
                } else {
                    line.append("         ");
                }
            }
            line.append(String.format(Locale.ROOT, "   cpu %5.0f / %5.0f us/tx", m[3], m[4]));
            System.out.println(line);
        }
        Peer.shutdown(true);
        System.exit(0);
    }
}
