package io.chronon.multijvm;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A cluster of real node processes on 127.0.0.1 over one Cassandra, for the multi-JVM tests
 * and {@link FailoverBench}: every node lists every node as a seed, uses its own keyspace
 * ({@code --keyspace}) and the access key {@link #ACCESS_KEY}. Cluster ports are free ports
 * in ascending order, so the first node holds the lowest address (the survivor of a tie in
 * the split brain resolver). Logs go to {@code target/multi-jvm/<test>-<node>.log}.
 *
 * <p>{@link #close()} kills every process it started; a JVM shutdown hook does too, so no node
 * outlives the test run even when a test fails.
 */
final class TestCluster implements AutoCloseable {
    static final String ACCESS_KEY = "test:secret";
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    /**
     * JVM options of a node: small heap, serial GC and C1 only, so three nodes and Cassandra
     * share two cores (override with {@code -Dchronon.multijvm.node-jvm="..."}).
     */
    static final List<String> NODE_JVM = List.of((System.getProperty("chronon.multijvm.node-jvm", "").isBlank()
            ? "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1" : System.getProperty("chronon.multijvm.node-jvm")).trim().split("\\s+"));

    private final String test;
    private final List<NodeProcess> nodes;
    /** How the nodes were started, for {@link #joiner}. */
    private final String seeds;
    private final String contactPoint;
    private final NodeHttp http = new NodeHttp(ACCESS_KEY);
    private final Thread killer;

    private TestCluster(String test, List<NodeProcess> nodes, String seeds, String contactPoint) {
        this.test = test;
        this.nodes = new java.util.concurrent.CopyOnWriteArrayList<>(nodes);
        this.seeds = seeds;
        this.contactPoint = contactPoint;
        this.killer = new Thread(() -> this.nodes.forEach(NodeProcess::destroy), "kill-nodes-" + test);
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts one node per entry of {@code roles} (each a {@code --roles} value) and waits until
     * every node sees all of them up.
     *
     * @param test         names the logs and the keyspace ({@code [a-z0-9_]})
     * @param contactPoint Cassandra's {@code host:port}
     */
    static TestCluster start(String test, String contactPoint, List<String> roles) {
        return start(test, contactPoint, roles, List.of());
    }

    /** {@link #start(String, String, List)} with {@code extraArgs} on every node's command line (e.g. its TLS options). */
    static TestCluster start(String test, String contactPoint, List<String> roles, List<String> extraArgs) {
        TestCluster cluster = create(test, contactPoint, roles, extraArgs);
        try {
            long started = System.nanoTime();
            cluster.nodes.forEach(NodeProcess::start);
            for (NodeProcess n : cluster.nodes) {
                n.awaitHttp(START_TIMEOUT);
            }
            cluster.awaitUp(cluster.nodes, START_TIMEOUT);
            System.out.printf("%s: %d nodes up in %.1f s%n", test, roles.size(), (System.nanoTime() - started) / 1e9);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Three nodes with the roles {@code transactor,query} each, and database {@code db} with
     * {@link Workload#SCHEMA} created through the first.
     */
    static TestCluster ofThreeWithWorkload(String test, String contactPoint, String db) {
        String roles = "transactor,query";
        TestCluster cluster = start(test, contactPoint, List.of(roles, roles, roles));
        try {
            createDatabase(cluster.node(0), db, Workload.SCHEMA);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private static TestCluster create(String test, String contactPoint, List<String> roles, List<String> extraArgs) {
        int[] ports = new int[roles.size()];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = freePort();
        }
        Arrays.sort(ports);
        String seeds = Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        List<NodeProcess> nodes = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            nodes.add(node(test, "node" + (i + 1), ports[i], seeds, roles.get(i), contactPoint, extraArgs));
        }
        return new TestCluster(test, nodes, seeds, contactPoint);
    }

    private static NodeProcess node(String test, String name, int port, String seeds, String roles, String contactPoint,
                                    List<String> extraArgs) {
        Path dir = Path.of("target", "multi-jvm").toAbsolutePath();
        List<String> jvm = new ArrayList<>(NODE_JVM);
        jvm.add("@" + nodeClasspath(dir));
        List<String> args = new ArrayList<>(List.of("--cluster-port", String.valueOf(port), "--seed", seeds,
                "--roles", roles, "--storage", "cassandra", "--cassandra", contactPoint,
                "--keyspace", test, "--port", "0", "--access-key", ACCESS_KEY,
                "--data-dir", dir.resolve(test + "-" + name + "-data").toString()));
        args.addAll(extraArgs);
        return new NodeProcess(name, port, NodeProcess.command(jvm, args), dir.resolve(test + "-" + name + ".log"));
    }

    /**
     * A new node ({@code roles} query only, not started) that joins this cluster through its
     * seeds, with {@code extraArgs} on its command line; killed with the cluster. It becomes one
     * of {@link #nodes} once it is started.
     */
    NodeProcess joiner(String name, List<String> extraArgs) {
        NodeProcess n = node(test, name, freePort(), seeds, "query", contactPoint, extraArgs);
        nodes.add(n);
        return n;
    }

    private static Path classpathArgs;

    /**
     * A file of JVM arguments giving the nodes this JVM's classpath, with Chronon's own jars
     * copied once per run to {@code target/multi-jvm/lib}: another build installing new
     * snapshots into the local repository while the nodes run must not change their classes.
     */
    private static synchronized Path nodeClasspath(Path dir) {
        if (classpathArgs != null) {
            return classpathArgs;
        }
        try {
            Path lib = Files.createDirectories(dir.resolve("lib"));
            List<String> entries = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path p = Path.of(entry);
                String file = p.getFileName() == null ? "" : p.getFileName().toString();
                if (file.startsWith("chronon-") && file.endsWith(".jar") && Files.isRegularFile(p)) {
                    Path copy = lib.resolve(file);
                    Files.copy(p, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    entries.add(copy.toString());
                } else {
                    entries.add(entry);
                }
            }
            Path args = dir.resolve("classpath.args");
            Files.writeString(args, "-cp \"" + String.join(java.io.File.pathSeparator, entries).replace("\\", "/") + "\"");
            classpathArgs = args;
            return args;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<NodeProcess> nodes() {
        return nodes;
    }

    NodeProcess node(int i) {
        return nodes.get(i);
    }

    NodeHttp http() {
        return http;
    }

    /** Waits until every node of {@code expected} sees exactly those nodes as members, all up and reachable. */
    void awaitUp(List<NodeProcess> expected, Duration timeout) {
        List<String> want = expected.stream().map(NodeProcess::address).sorted().toList();
        for (NodeProcess viewer : expected) {
            Poll.until(viewer + " sees " + want + " up", timeout,
                    () -> http.cluster(viewer.httpPort()).filter(v -> v.upAndReachable().equals(want)
                            && v.members().size() == want.size()).isPresent());
        }
    }

    /** The running nodes. */
    List<NodeProcess> live() {
        return nodes.stream().filter(NodeProcess::isAlive).toList();
    }

    /**
     * The node whose {@code GET /cluster} lists {@code db} among its writers, asked of the
     * {@code among} nodes; waits until exactly one does.
     */
    NodeProcess writerOf(String db, List<NodeProcess> among, Duration timeout) {
        return Poll.until("one node of " + among + " hosts the writer of " + db, timeout, () -> {
            List<NodeProcess> hosts = new ArrayList<>();
            for (NodeProcess n : among) {
                http.cluster(n.httpPort()).filter(v -> v.writers().contains(db)).ifPresent(v -> hosts.add(n));
            }
            return hosts.size() == 1 ? Optional.of(hosts.get(0)) : Optional.empty();
        });
    }

    /** Starts a node that ended again (same cluster port) and waits until all running nodes see each other up. */
    void restart(NodeProcess node) {
        node.start();
        node.awaitHttp(START_TIMEOUT);
        awaitUp(live(), START_TIMEOUT);
    }

    /** The Java client's URI of database {@code db} on {@code node}. */
    static String uri(NodeProcess node, String db) {
        return "chronon://" + ACCESS_KEY + "@127.0.0.1:" + node.httpPort() + "/" + db;
    }

    /** A connection of the Java client to {@code db} through {@code node}. */
    static Connection connect(NodeProcess node, String db) {
        return Chronon.connect(uri(node, db));
    }

    /**
     * Creates {@code db} through {@code node} (on Cassandra, the nodes' storage) and transacts
     * {@code schema}; waits while the catalog of a fresh keyspace is still starting.
     */
    static void createDatabase(NodeProcess node, String db, String schema) {
        Poll.until("database " + db + " created through " + node, START_TIMEOUT, () -> {
            Chronon.createDatabase(uri(node, db));
            return Optional.of(true);
        });
        try (Connection c = connect(node, db)) {
            c.transact(schema);
        }
    }

    /** Kills every node process; for {@code @AfterAll}. */
    @Override
    public void close() {
        nodes.forEach(NodeProcess::destroy);
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // the JVM is exiting: the hook runs anyway
        }
    }

    @Override
    public String toString() {
        return test + nodes;
    }
}
