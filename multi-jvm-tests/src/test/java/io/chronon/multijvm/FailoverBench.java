package io.chronon.multijvm;

import io.chronon.cassandra.dev.CassandraServer;
import io.chronon.bench.PeopleGenerator;
import io.chronon.client.Connection;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How long a database cannot take transactions when the node hosting its writer dies, and
 * whether anything acknowledged is lost: a real Cassandra and three node processes on
 * 127.0.0.1, clients transacting at a steady concurrency through the two nodes that do not
 * host the writer, then kill -9 of the writer's node, again and again (the killed node is
 * started again after each round). Prints per kill the time from the kill to the first
 * acknowledged transaction submitted after it, and the throughput in the window before the
 * kill and the window after the recovery; then the median and maximum, and the check of
 * every acknowledged transaction against the database.
 *
 * <pre>
 * mvn -o -pl multi-jvm-tests test-compile exec:exec@failover-bench -Dfailover.args="kills=5 clients=16 window=20"
 * </pre>
 *
 * {@code persons=N} first loads N people of the bench's generator (six datoms each: 5,000,000 is
 * issue 15's people-5m, 30 million datoms) and indexes them, so the writers that take over open
 * a large database.
 *
 * Node JVM options: {@code -Dchronon.multijvm.node-jvm="..."} (see {@link TestCluster#NODE_JVM}).
 * Not a test: it asserts nothing about speed; it exits 1 if an acknowledged transaction is
 * lost or doubled.
 */
public final class FailoverBench {
    private FailoverBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("kills", "5", "clients", "16", "window", "20", "persons", "0"));
        for (String a : args) {
            for (String kv : a.trim().split("\\s+")) {
                if (kv.contains("=")) {
                    opts.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
        }
        int kills = Integer.parseInt(opts.get("kills"));
        int clients = Integer.parseInt(opts.get("clients"));
        Duration window = Duration.ofSeconds(Long.parseLong(opts.get("window")));
        long persons = Long.parseLong(opts.get("persons"));
        String db = "bench";
        boolean failed;
        Path dir = Path.of("target", "failover-bench-cassandra-" + ProcessHandle.current().pid()).toAbsolutePath();
        System.out.println("FailoverBench: " + kills + " kills, " + clients + " clients, windows of " + window.toSeconds()
                + " s; node JVM " + TestCluster.NODE_JVM + "; " + Runtime.getRuntime().availableProcessors() + " cores");
        try (CassandraServer cassandra = CassandraServer.start(CassandraServer.Options.in(dir))) {
            long startedAt = System.nanoTime();
            try (TestCluster cluster = TestCluster.ofThreeWithWorkload("failover_bench_" + System.currentTimeMillis() % 100_000,
                    cassandra.contactPoint(), db)) {
                System.out.printf("cluster of 3 up and %s created in %.1f s; logs in target/multi-jvm%n", db,
                        (System.nanoTime() - startedAt) / 1e9);
                if (persons > 0) {
                    preload(cluster, db, persons);
                }
                AtomicLong ids = new AtomicLong();
                List<Workload.Attempt> attempts = new ArrayList<>();
                List<Long> failovers = new ArrayList<>();
                List<Long> writerBack = new ArrayList<>();
                List<String> problems = new ArrayList<>();
                for (int kill = 1; kill <= kills; kill++) {
                    NodeProcess writer = cluster.writerOf(db, cluster.nodes(), Duration.ofSeconds(60));
                    List<NodeProcess> through = cluster.nodes().stream().filter(n -> n != writer).toList();
                    try (Workload workload = new Workload(db, through, clients, ids).start()) {
                        Failover round = Failover.run(cluster, db, writer, workload, 1, window, 1, window, Duration.ofSeconds(180));
                        workload.stop();
                        attempts.addAll(workload.attempts());
                        double before = workload.ackedBetween(round.killNanos() - window.toNanos(), round.killNanos())
                                / (double) window.toSeconds();
                        double after = workload.ackedBetween(round.recoveredNanos(), round.recoveredNanos() + window.toNanos())
                                / (double) window.toSeconds();
                        failovers.add(round.failoverMillis());
                        problems.addAll(round.problems());
                        writerBack.add(round.writerBackMillis());
                        System.out.printf("kill %d of %s: first transaction %d ms after the kill (new writer answering a sync"
                                        + " after %d ms); %.0f tx/s in the %d s before, %.0f tx/s in the %d s after; unacknowledged %s%n",
                                kill, writer.name(), round.failoverMillis(), round.writerBackMillis(), before, window.toSeconds(),
                                after, window.toSeconds(), workload.errorSummary());
                    }
                    long restartAt = System.nanoTime();
                    cluster.restart(writer);
                    System.out.printf("  %s restarted and up in %.1f s%n", writer.name(), (System.nanoTime() - restartAt) / 1e9);
                }
                WorkloadCheck check;
                try (Connection c = TestCluster.connect(cluster.node(0), db)) {
                    check = WorkloadCheck.of(c, attempts);
                }
                System.out.println("failover (kill -> first transaction): " + medianAndMax(failovers));
                System.out.println("kill -> new writer answers a sync: " + medianAndMax(writerBack));
                System.out.println("check: " + check.summary());
                System.out.println("acknowledged lost: " + check.lost());
                problems.addAll(check.problems());
                problems.forEach(p -> System.out.println("PROBLEM: " + p));
                failed = !problems.isEmpty();
            }
        }
        System.exit(failed ? 1 : 0);
    }

    /**
     * Makes the database large before the kills: {@code persons} people of the bench's generator
     * (six datoms each) in transactions of 2,000, four in flight, through one node; then an
     * indexing job over all of it, so the writer that takes over opens durable roots covering
     * the whole database.
     */
    private static void preload(TestCluster cluster, String db, long persons) throws Exception {
        long start = System.nanoTime();
        Semaphore window = new Semaphore(4);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        try (Connection conn = TestCluster.connect(cluster.node(0), db)) {
            conn.transact(PeopleGenerator.schemaEdn(false));
            List<PeopleGenerator.Person> pending = new ArrayList<>(2_000);
            long[] datoms = {0, 1_000_000};
            PeopleGenerator.forEachPerson(persons, p -> {
                pending.add(p);
                if (pending.size() == 2_000 || p.id() == persons) {
                    if (failed.get() != null) {
                        throw new IllegalStateException("a preload transaction failed", failed.get());
                    }
                    String tx = "[" + PeopleGenerator.personsEdn(pending) + "]";
                    datoms[0] += pending.size() * 6L + 1;
                    pending.clear();
                    window.acquireUninterruptibly();
                    conn.transactAsync(tx).whenComplete((r, e) -> {
                        if (e != null) {
                            failed.compareAndSet(null, e);
                        }
                        window.release();
                    });
                    if (datoms[0] >= datoms[1]) {
                        datoms[1] += 1_000_000;
                        System.out.printf(Locale.ROOT, "  preloaded %,d datoms in %.0f s%n", datoms[0], (System.nanoTime() - start) / 1e9);
                    }
                }
            });
            window.acquireUninterruptibly(4);
            if (failed.get() != null) {
                throw new IllegalStateException("a preload transaction failed", failed.get());
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long upTo = conn.requestIndex();
            long indexT = -1;
            for (int attempt = 0; indexT < 0; attempt++) {
                try {
                    indexT = conn.syncIndex(upTo).get(30, TimeUnit.MINUTES).indexBasisT();
                } catch (ExecutionException e) {
                    if (attempt >= 30) {
                        throw e;
                    }
                }
            }
            System.out.printf(Locale.ROOT, "preloaded %,d datoms (%,d persons) in %.0f s: %,.0f datoms/s; indexed to t %d %.0f s later%n",
                    datoms[0], persons, secs, datoms[0] / secs, indexT, (System.nanoTime() - start) / 1e9 - secs);
        }
    }

    private static String medianAndMax(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return "median " + median + " ms, max " + sorted.get(sorted.size() - 1) + " ms, all " + millis;
    }
}
