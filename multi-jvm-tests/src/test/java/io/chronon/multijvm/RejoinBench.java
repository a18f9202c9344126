package io.chronon.multijvm;

import io.chronon.cassandra.dev.CassandraServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link RejoinIT}'s scenarios at length (issue 13): a real Cassandra, three node processes,
 * clients retrying request ids across nodes ({@link RejoinClients}), then {@code kills} rounds
 * of SIGKILL of the writer's node with its restart 3 s later (database {@code rejoin_kill}),
 * then {@code rejoins} rounds of SIGTERM (a graceful leave) of the writer's node and of another
 * node alternately, each restarted 3 s later (database {@code rejoin_leave}). Prints for each
 * part acknowledged/present/lost/committed twice on every node and the times from each stop to
 * the first transaction acknowledged after it (median, max).
 *
 * <pre>
 * mvn -o -pl multi-jvm-tests test-compile exec:exec@rejoin-bench -Drejoin.args="kills=30 rejoins=30 clients=12"
 * </pre>
 *
 * Other settings: {@code pauses=N} adds N rounds of SIGSTOP of the writer's node for
 * {@code pause=MS} (default 8000) and SIGCONT, the node restarted once it exits (database
 * {@code rejoin_pause}, between the two parts); {@code seed=N}; {@code restart=MS} or
 * {@code restart=MIN-MAX}, the pause in milliseconds (random in the range) between a node's exit
 * and its restart (default 3000). Node JVM options: {@code -Dfailover.node-jvm="..."} with exec,
 * {@code -Dchronon.multijvm.node-jvm="..."} otherwise (see {@link TestCluster#NODE_JVM}); with
 * {@code -Dlogback.configurationFile=logback-nodes-cluster-info.xml} among them the node logs get
 * Pekko's cluster, sharding and singleton lines. Exits 1 if an acknowledged transaction is lost or doubled,
 * or anything else is wrong.
 */
public final class RejoinBench {
    private RejoinBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("kills", "30", "rejoins", "30", "clients", "12", "seed", "13",
                "restart", String.valueOf(Rejoin.RESTART_AFTER.toMillis()), "pauses", "0", "pause", "8000"));
        for (String a : args) {
            for (String kv : a.trim().split("\\s+")) {
                if (kv.contains("=")) {
                    opts.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
        }
        int kills = Integer.parseInt(opts.get("kills"));
        int rejoins = Integer.parseInt(opts.get("rejoins"));
        int clients = Integer.parseInt(opts.get("clients"));
        long seed = Long.parseLong(opts.get("seed"));
        String test = "rejoin_bench_" + System.currentTimeMillis() % 100_000;
        System.out.println("RejoinBench: " + kills + " kill rounds, " + rejoins + " graceful rejoin rounds, " + clients
                + " clients, seed " + seed + ", restart " + opts.get("restart") + " ms after exit; node JVM " + TestCluster.NODE_JVM
                + "; " + Runtime.getRuntime().availableProcessors()
                + " cores; logs in target/multi-jvm/" + test + "-node*.log");
        List<Rejoin.Result> results = new ArrayList<>();
        Path dir = Path.of("target", "rejoin-bench-cassandra-" + ProcessHandle.current().pid()).toAbsolutePath();
        long started = System.nanoTime();
        try (CassandraServer cassandra = CassandraServer.start(CassandraServer.Options.in(dir));
             TestCluster cluster = TestCluster.ofThreeWithWorkload(test, cassandra.contactPoint(), "rejoin_kill")) {
            if (kills > 0) {
                try (Rejoin rejoin = new Rejoin(cluster, "rejoin_kill", test + "_kill", seed).restartAfter(opts.get("restart"))) {
                    rejoin.startClients(clients, "rj-", new AtomicLong(), seed);
                    rejoin.killRounds(kills);
                    results.add(rejoin.finish());
                }
            }
            int pauses = Integer.parseInt(opts.get("pauses"));
            if (pauses > 0) {
                TestCluster.createDatabase(cluster.node(0), "rejoin_pause", Workload.SCHEMA);
                try (Rejoin rejoin = new Rejoin(cluster, "rejoin_pause", test + "_pause", seed + 2).restartAfter(opts.get("restart"))) {
                    rejoin.startClients(clients, "rp-", new AtomicLong(), seed + 2);
                    rejoin.pauseRounds(pauses, java.time.Duration.ofMillis(Long.parseLong(opts.get("pause"))));
                    results.add(rejoin.finish());
                }
            }
            if (rejoins > 0) {
                // created only now: during the kill rounds the writer of rejoin_kill is the only one, as in the issue
                TestCluster.createDatabase(cluster.node(0), "rejoin_leave", Workload.SCHEMA);
                try (Rejoin rejoin = new Rejoin(cluster, "rejoin_leave", test + "_leave", seed + 1).restartAfter(opts.get("restart"))) {
                    rejoin.startClients(clients, "rl-", new AtomicLong(), seed + 1);
                    rejoin.leaveRounds(rejoins);
                    results.add(rejoin.finish());
                }
            }
        }
        boolean failed = false;
        System.out.printf("%nRejoinBench done in %.0f s%n", (System.nanoTime() - started) / 1e9);
        for (Rejoin.Result r : results) {
            System.out.println(r.name() + ": acknowledged " + r.acked() + ", present " + (r.acked() - r.lost()) + ", lost " + r.lost()
                    + ", committed twice " + r.doubled() + ", unacknowledged " + r.unacked() + " (" + r.unackedPresent()
                    + " committed anyway)");
            if (!r.failovers(Rejoin.Kind.KILL).isEmpty()) {
                System.out.println("  SIGKILL of the writer's node -> first ack: " + Rejoin.medianAndMax(r.failovers(Rejoin.Kind.KILL)));
            }
            List<Long> leaveWriter = r.rounds().stream().filter(x -> x.kind == Rejoin.Kind.LEAVE && x.writer && x.failoverMillis >= 0)
                    .map(x -> x.failoverMillis).toList();
            List<Long> leaveOther = r.rounds().stream().filter(x -> x.kind == Rejoin.Kind.LEAVE && !x.writer && x.failoverMillis >= 0)
                    .map(x -> x.failoverMillis).toList();
            if (!r.failovers(Rejoin.Kind.PAUSE).isEmpty()) {
                System.out.println("  SIGSTOP of the writer's node -> first ack: " + Rejoin.medianAndMax(r.failovers(Rejoin.Kind.PAUSE)));
            }
            if (!leaveWriter.isEmpty() || !leaveOther.isEmpty()) {
                System.out.println("  SIGTERM of the writer's node -> first ack: " + Rejoin.medianAndMax(leaveWriter)
                        + "; of another node: " + Rejoin.medianAndMax(leaveOther));
            }
            System.out.println("  stale-writer failures in the node logs: " + r.stale().size() + " (target/multi-jvm/" + test
                    + "-node*.log); periods in which two nodes listed the writer: " + r.overlaps());
            r.problems().forEach(p -> System.out.println("  PROBLEM: " + p));
            failed |= !r.problems().isEmpty() || r.lost() > 0 || r.doubled() > 0 || r.checks().size() != 3;
        }
        System.exit(failed ? 1 : 0);
    }
}
