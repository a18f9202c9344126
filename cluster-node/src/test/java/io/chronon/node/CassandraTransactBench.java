package io.chronon.node;

import com.typesafe.config.ConfigFactory;
import io.chronon.cassandra.dev.CassandraServer;
import io.chronon.sharding.ChrononCluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Transactions per second and latency of one-entity transactions through the transactor with
 * Cassandra as the storage: sequential, then 16 and 64 concurrent submitters (each waits for
 * its acknowledgement before sending the next), so the gain of group commit shows. Same
 * workload as {@link TransactBench} (one person with a unique {@code :id}, five attributes,
 * on a database preloaded with 5,000 people).
 *
 * <p>Run: {@code mvn -B -DskipTests install} once, then
 * {@code mvn -pl cluster-node test-compile exec:exec@cassandra-transact-bench}. It starts its
 * own Cassandra (cassandra-dev harness, 1 GB heap, commit log synced before each
 * acknowledgement; {@code -Dbench.periodic-commitlog=true} for Cassandra's default, synced every
 * 10 s) on the same machine, or uses {@code -Dbench.cassandra=HOST:PORT}.
 * Options: {@code -Dbench.seq} (2000), {@code -Dbench.conc.per-client} (1000),
 * {@code -Dbench.rounds} and {@code -Dbench.preload} (as in TransactBench), {@code -Dbench.wide=64}.
 */
public final class CassandraTransactBench {
    private CassandraTransactBench() {
    }

    static final int WIDE = Integer.getInteger("bench.wide", 64);
    /** Smaller than TransactBench's defaults: Cassandra is slower, and the whole value stays in the node's heap. */
    static final int SEQ = Integer.getInteger("bench.seq", 2000);
    static final int PER_CLIENT = Integer.getInteger("bench.conc.per-client", 1000);

    public static void main(String[] args) throws Exception {
        String external = System.getProperty("bench.cassandra", "");
        CassandraServer cassandra = null;
        String contactPoint = external;
        if (external.isEmpty()) {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "cassandra-bench");
            long t0 = System.nanoTime();
            CassandraServer.Options options = CassandraServer.Options.in(dir).withHeap("1g");
            if (Boolean.getBoolean("bench.periodic-commitlog")) {
                options = options.withPeriodicCommitLog();
            }
            cassandra = CassandraServer.start(options);
            contactPoint = cassandra.contactPoint();
            System.out.printf(Locale.ROOT, "Cassandra up on %s in %.1f s (pid %d, %s, commit log %s)%n", contactPoint,
                    (System.nanoTime() - t0) / 1e9, cassandra.pid(), dir, options.syncedCommitLog() ? "synced (batch)" : "periodic");
        }
        String keyspace = "chronon_bench_" + UUID.randomUUID().toString().substring(0, 8);
        System.out.printf(Locale.ROOT, "CassandraTransactBench: %d sequential, 16 and %d clients x %d, preload %d, %d rounds; %d cores; keyspace %s%n",
                SEQ, WIDE, PER_CLIENT, TransactBench.PRELOAD, TransactBench.ROUNDS,
                Runtime.getRuntime().availableProcessors(), keyspace);
        ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                "chronon.storage.default-kind = cassandra\n"
                        + "chronon.storage.cassandra.contact-point = \"" + contactPoint + "\"\n"
                        + "chronon.storage.cassandra.keyspace = " + keyspace + "\n"
                        + "chronon.node.port = 0\n"
                        + "chronon.http.enabled = false\n"
                        + "chronon.default-timeout = 60s\n"
                        + "pekko.loglevel = WARNING\n"
                        + "pekko.coordinated-shutdown.exit-jvm = off\n")));
        List<TransactBench.Stats> all = new ArrayList<>();
        try {
            ChrononCluster chronon = node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
            TransactBench.ChrononTarget target = new TransactBench.ChrononTarget(chronon, "bench");
            target.preload(TransactBench.PRELOAD);
            // warm-up: the JIT on both sides, the driver's connections, Cassandra's memtables
            TransactBench.sequential(target, 500, false);
            TransactBench.concurrent(target, 16, 100, false);
            TransactBench.concurrent(target, WIDE, 50, false);
            String system = "chronon-cassandra";
            for (int round = 0; round < TransactBench.ROUNDS; round++) {
                for (TransactBench.Stats s : List.of(
                        TransactBench.sequential(target, SEQ, false),
                        TransactBench.concurrent(target, 16, PER_CLIENT, false),
                        TransactBench.concurrent(target, WIDE, PER_CLIENT, false))) {
                    System.out.println(s.line(system));
                    all.add(s);
                }
            }
            TransactBench.Stats visible = TransactBench.concurrent(target, 16, PER_CLIENT / 4, true);
            System.out.println(visible.line(system));
        } finally {
            node.close();
            if (cassandra != null) {
                cassandra.stop();
            }
        }
        System.out.println();
        System.out.println("Best round, tx/s, and p50 / p99 latency of that round (ms):");
        for (String phase : List.of("sequential", "concurrent16", "concurrent" + WIDE)) {
            all.stream().filter(s -> s.phase().equals(phase))
                    .max((a, b) -> Double.compare(a.txPerSec(), b.txPerSec()))
                    .ifPresent(s -> System.out.printf(Locale.ROOT, "  %-14s %8.0f tx/s   p50 %s  p99 %s   cpu %5.0f us/tx (this JVM)%n",
                            phase, s.txPerSec(), TransactBench.Stats.ms(s.latNanos(), 0.5), TransactBench.Stats.ms(s.latNanos(), 0.99),
                            s.cpuMicrosPerTx()));
        }
        System.exit(0);
    }
}
