package io.chronon.multijvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link NetworkFaults} for as many rounds as asked: each fault ({@code a} partition from the
 * other nodes, {@code b} cut from Cassandra, {@code c} one-way partition, {@code d} SIGSTOP,
 * {@code e} SIGKILL and restart, on the node hosting the writer; {@code f} a partition of the
 * first seed long enough for it to form a cluster of its own) {@code rounds} times, in turn,
 * with Cassandra and three nodes each in its own network namespace. Prints (and writes
 * to {@code target/netns/report.txt}) acknowledged / present / lost / committed twice /
 * present but unacknowledged, per round the failover time and the stale-writer lines of the
 * nodes' logs, and the verdict of {@link ListAppendChecker} on the list-append clients'
 * history. Exits 1 if an acknowledged transaction is lost or one is committed twice, or the
 * checker finds an anomaly. Needs root.
 *
 * <pre>
 * mvn -B -o -pl multi-jvm-tests test-compile exec:exec@network-faults-bench -Dnetwork-faults.args="rounds=10"
 * </pre>
 *
 * (after installing the other modules), or on the reactor's modules with nothing installed
 * (the other modules skip exec:exec):
 *
 * <pre>
 * mvn -B -o -pl multi-jvm-tests -am test-compile org.codehaus.mojo:exec-maven-plugin:3.5.0:exec@network-faults-bench \
 *     -Dexec.skip -Dexec.executable=java -Dnetwork-faults.args="rounds=10"
 * </pre>
 *
 * Arguments: {@code rounds=N} (default 10), {@code faults=abcde} (which, in this order),
 * {@code clients=12} (of {@link NetWorkload}), {@code list-clients=6} (of {@link ListAppendWorkload}),
 * {@code partition=12} (seconds, faults a-c), {@code pause=8} (seconds, d), {@code kill-down=3} (seconds, e), {@code long-partition=30} (seconds, f), {@code restart-delay=1000}
 * (milliseconds before the supervisor starts a node that exited). Node JVM options: {@code -Dchronon.multijvm.node-jvm="..."}.
 */
public final class NetworkFaultsBench {
    private NetworkFaultsBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>(Map.of("rounds", "10", "faults", "abcdef", "clients", "12", "list-clients", "6",
                "partition", "12", "pause", "8", "kill-down", "3", "long-partition", "30", "restart-delay", "1000"));
        for (String a : args) {
            for (String kv : a.trim().split("\\s+")) {
                if (kv.contains("=")) {
                    opts.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
                }
            }
        }
        if (!NetnsTopology.root()) {
            System.err.println("NetworkFaultsBench needs root and iproute2 (ip netns)");
            System.exit(2);
        }
        int rounds = Integer.parseInt(opts.get("rounds"));
        int clients = Integer.parseInt(opts.get("clients"));
        int listClients = Integer.parseInt(opts.get("list-clients"));
        System.out.println("NetworkFaultsBench: faults " + opts.get("faults") + " x " + rounds + ", " + clients + " clients, " + listClients
                + " list-append clients; node JVM "
                + TestCluster.NODE_JVM + "; " + Runtime.getRuntime().availableProcessors() + " cores");
        NetworkFaults.Settings settings = new NetworkFaults.Settings(Duration.ofMillis((long) (Double.parseDouble(opts.get("partition")) * 1000)),
                Duration.ofMillis((long) (Double.parseDouble(opts.get("pause")) * 1000)),
                Duration.ofMillis((long) (Double.parseDouble(opts.get("kill-down")) * 1000)),
                Duration.ofMillis((long) (Double.parseDouble(opts.get("long-partition")) * 1000)),
                Duration.ofMillis(Long.parseLong(opts.get("restart-delay"))));
        NetworkFaults.Result r = NetworkFaults.run(Path.of("target", "netns").toAbsolutePath(),
                NetworkFaults.faults(opts.get("faults")), rounds, clients, listClients, settings);
        System.exit(r.total().lost() > 0 || r.total().doubled() > 0 || !r.lists().valid() ? 1 : 0);
    }
}
