package io.chronon.multijvm;

import io.chronon.cassandra.dev.CassandraServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 16, no false deaths under load: the failover timings (1 s acceptable heartbeat pause)
 * must not down healthy nodes when the host is saturated. A real Cassandra and three node
 * processes under {@link RejoinClients}' load (as {@link RejoinBench}), while another process
 * keeps every core busy ({@code burners} spinning threads, default one per core, at the nodes'
 * priority), for {@code minutes}; {@code kills} times, evenly spread, the writer's node is
 * killed (SIGKILL) and started again 3 s later ({@link Rejoin#killRounds}). At the end it counts,
 * from the nodes' logs (Pekko's cluster INFO lines), the nodes marked unreachable and the nodes
 * downed, each either explained by a kill (the killed node, between its kill and its return)
 * or not: a healthy node marked unreachable is a false suspicion, a healthy node downed a false
 * death. It prints the failover time of each kill (SIGKILL to the first acknowledged
 * transaction submitted after it), acknowledged/present/lost/committed twice on every node,
 * and exits 1 if a healthy node was downed or a transaction lost or doubled.
 *
 * <pre>
 * mvn -o -pl multi-jvm-tests -am test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec@saturated-soak-bench \
 *     -Dexec.skip -Dexec.executable=java -Dsoak.args="minutes=10 kills=10"
 * </pre>
 *
 * Goals (issue 16): no healthy node downed, failover median under 5 s over at least 10 kills.
 * Other settings: {@code clients=N} (12), {@code burners=N} (cores), {@code seed=N}. Node logs
 * in {@code target/multi-jvm/<run>-node*.log}; the nodes log Pekko's cluster lines
 * ({@code logback-nodes-cluster-info.xml}) unless {@code -Dchronon.multijvm.node-jvm} says otherwise.
 */
public final class SaturatedSoakBench {
    private static final Pattern UNREACHABLE = Pattern.compile(
            "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Marking node as UNREACHABLE \\[Member\\([^\\]]*?pekko://[^@]+@([\\d.]+:\\d+)");
    private static final Pattern DOWNED = Pattern.compile(
            "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*Marking (?:unreachable )?node \\[[^\\]]*?pekko://[^@]+@([\\d.]+:\\d+)[^\\]]*\\] as \\[Down\\]");

    private SaturatedSoakBench() {
    }

    /** One cluster event read from a node's log: who logged it, when (epoch ms), about which address. */
    record Seen(String observer, long at, String subject, String line) {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("minutes", "10", "kills", "10", "clients", "12", "seed", "17",
                "burners", String.valueOf(Runtime.getRuntime().availableProcessors())));
        for (String a : args) {
            for (String kv : a.trim().split("\\s+")) {
                if (kv.contains("=")) {
                    opts.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
        }
        if (System.getProperty("chronon.multijvm.node-jvm", "").isBlank()) {
            // before TestCluster reads it: the nodes log Pekko's cluster INFO lines, which this bench counts
            System.setProperty("chronon.multijvm.node-jvm",
                    "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlogback.configurationFile=logback-nodes-cluster-info.xml");
        }
        double minutes = Double.parseDouble(opts.get("minutes"));
        int kills = Integer.parseInt(opts.get("kills"));
        int clients = Integer.parseInt(opts.get("clients"));
        int burners = Integer.parseInt(opts.get("burners"));
        long seed = Long.parseLong(opts.get("seed"));
        String test = "soak_bench_" + System.currentTimeMillis() % 100_000;
        System.out.println("SaturatedSoakBench: " + minutes + " min with " + burners + " busy threads in another process, "
                + kills + " kills of the writer's node, " + clients + " clients, seed " + seed + "; node JVM "
                + TestCluster.NODE_JVM + "; " + Runtime.getRuntime().availableProcessors() + " cores; logs in target/multi-jvm/"
                + test + "-node*.log");
        Path dir = Path.of("target", "soak-bench-cassandra-" + ProcessHandle.current().pid()).toAbsolutePath();
        Rejoin.Result result;
        List<Seen> unreachable = new ArrayList<>();
        List<Seen> downed = new ArrayList<>();
        long soakStart;
        long soakEnd;
        try (CassandraServer cassandra = CassandraServer.start(CassandraServer.Options.in(dir));
             TestCluster cluster = TestCluster.ofThreeWithWorkload(test, cassandra.contactPoint(), "soak")) {
            try (Rejoin rejoin = new Rejoin(cluster, "soak", test + "_soak", seed)) {
                rejoin.startClients(clients, "sk-", new AtomicLong(), seed);
                Process burner = startBurner(burners);
                soakStart = System.currentTimeMillis();
                long start = System.nanoTime();
                long length = (long) (minutes * 60_000_000_000L);
                try {
                    for (int k = 1; k <= kills; k++) {
                        waitUntil(start + length * k / (kills + 1));
                        rejoin.killRounds(1);
                    }
                    waitUntil(start + length);
                } finally {
                    burner.destroyForcibly();
                    soakEnd = System.currentTimeMillis();
                }
                System.out.printf("%nsoak of %.1f min ended; the busy process stopped; checking%n", (soakEnd - soakStart) / 60_000.0);
                result = rejoin.finish();
            }
            for (NodeProcess n : cluster.nodes()) {
                read(n, soakStart, soakEnd, unreachable, downed);
            }
        }
        List<Rejoin.Round> rounds = result.rounds();
        List<Seen> falseUnreachable = unreachable.stream().filter(s -> !explained(s, rounds)).toList();
        List<Seen> falseDowns = downed.stream().filter(s -> !explained(s, rounds)).toList();
        System.out.println();
        System.out.println("SaturatedSoakBench: " + (soakEnd - soakStart) / 1000 + " s saturated, " + rounds.size() + " kills");
        System.out.println("  marked unreachable (observer lines): " + unreachable.size() + ", of a healthy node: " + falseUnreachable.size());
        System.out.println("  marked down (lines): " + downed.size() + ", a healthy node: " + falseDowns.size());
        falseUnreachable.forEach(s -> System.out.println("  false suspicion: " + s.observer() + ": " + s.line()));
        falseDowns.forEach(s -> System.out.println("  FALSE DOWN: " + s.observer() + ": " + s.line()));
        System.out.println("  SIGKILL of the writer's node -> first ack: " + Rejoin.medianAndMax(result.failovers(Rejoin.Kind.KILL))
                + " " + result.failovers(Rejoin.Kind.KILL));
        System.out.println("  acknowledged " + result.acked() + ", present " + (result.acked() - result.lost()) + ", lost " + result.lost()
                + ", committed twice " + result.doubled());
        result.problems().forEach(p -> System.out.println("  PROBLEM: " + p));
        boolean failed = !falseDowns.isEmpty() || result.lost() > 0 || result.doubled() > 0 || !result.problems().isEmpty()
                || result.checks().size() != 3;
        System.exit(failed ? 1 : 0);
    }

    /** A kill explains an event about the killed node from its kill until 30 s after it was up again. */
    private static boolean explained(Seen s, List<Rejoin.Round> rounds) {
        for (Rejoin.Round r : rounds) {
            long until = (r.upMillis > 0 ? r.upMillis : Long.MAX_VALUE - 30_000) + 30_000;
            if (r.node.address().equals(s.subject()) && s.at() >= r.stopMillis - 1000 && s.at() <= until) {
                return true;
            }
        }
        return false;
    }

    /** The unreachable and down lines of {@code node}'s log between {@code from} and {@code to} (epoch ms). */
    private static void read(NodeProcess node, long from, long to, List<Seen> unreachable, List<Seen> downed) throws IOException {
        for (String line : Files.readAllLines(node.log(), StandardCharsets.UTF_8)) {
            for (Pattern p : List.of(UNREACHABLE, DOWNED)) {
                Matcher m = p.matcher(line);
                if (m.find()) {
                    long at = epochMillis(m.group(1), from);
                    if (at >= from - 1000 && at <= to + 60_000) {
                        (p == UNREACHABLE ? unreachable : downed).add(new Seen(node.name(), at, m.group(2), line));
                    }
                }
            }
        }
    }

    /** A log line's time of day as epoch ms: on the day of {@code near}, or the next day if that is closer. */
    private static long epochMillis(String clock, long near) {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate day = LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(near), zone).toLocalDate();
        long same = LocalDateTime.of(day, LocalTime.parse(clock)).atZone(zone).toInstant().toEpochMilli();
        long next = LocalDateTime.of(day.plusDays(1), LocalTime.parse(clock)).atZone(zone).toInstant().toEpochMilli();
        return Math.abs(next - near) < Math.abs(same - near) ? next : same;
    }

    private static void waitUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
        }
    }

    /** Another JVM with {@code threads} spinning threads; killed with this one too. */
    private static Process startBurner(int threads) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx32m", "-cp", System.getProperty("java.class.path"), Burner.class.getName(), String.valueOf(threads))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Keeps {@code args[0]} threads busy until it is killed (or after 2 hours, whatever happens). */
    public static final class Burner {
        public static void main(String[] args) {
            int n = Integer.parseInt(args[0]);
            long end = System.nanoTime() + TimeUnit.HOURS.toNanos(2);
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    long x = 1;
                    while (System.nanoTime() < end) {
                        for (int k = 0; k < 1_000_000; k++) {
                            x = x * 6364136223846793005L + 1442695040888963407L;
                        }
                        if (x == 42) {
                            System.out.println(x);
                        }
                    }
                }, "burn-" + i);
                t.start();
            }
        }
    }
}
