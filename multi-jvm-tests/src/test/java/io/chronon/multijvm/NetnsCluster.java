package io.chronon.multijvm;

import io.chronon.cassandra.dev.CassandraServer;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cassandra and three Chronon nodes as real processes, each in its own network namespace of a
 * {@link NetnsTopology} (R: the run's number, so runs at once do not clash): Cassandra through
 * {@code CassandraDev --host 10.213.R.10} (the class {@code bin/cassandra-dev} runs), node
 * {@code nK} as {@code ip netns exec nfR-nK java ... io.chronon.node.ChrononNode --host
 * 10.213.R.1K --cluster-host 10.213.R.1K ...} with every
 * node as a seed, HTTP on port {@link #HTTP_PORT} and Pekko on {@link #CLUSTER_PORT} of its own
 * address. The test process reaches them from the root namespace.
 *
 * <p>A supervisor thread starts again, after a delay ({@link #RESTART_DELAY} by default), every node process that
 * ended without the harness asking for it (a node the split-brain resolver downed exits with
 * status 255, as docs/operations.md says; an operator's systemd would start it again), unless
 * the node is {@link #hold held}. Everything goes to {@code target/netns}: one log per process,
 * appended to across restarts.
 */
final class NetnsCluster implements AutoCloseable {
    static final String ACCESS_KEY = "test:secret";
    static final int HTTP_PORT = 8998;
    static final int CLUSTER_PORT = 25520;
    static final int CQL_PORT = 9042;
    static final Duration RESTART_DELAY = Duration.ofSeconds(1);
    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    /** One node: its host in the topology and its process. */
    record Node(NetnsTopology.Host host, NodeProcess process, Path log) {
        String name() {
            return host.name();
        }

        /** Its cluster address as {@code GET /cluster} writes it. */
        String clusterAddress() {
            return host.address() + ":" + CLUSTER_PORT;
        }

        @Override
        public String toString() {
            return host.toString();
        }
    }

    private final Path dir;
    private final NetnsTopology topology;
    private final List<Node> nodes;
    private final Process cassandra;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final String authorization = "Basic " + Base64.getEncoder().encodeToString(ACCESS_KEY.getBytes(StandardCharsets.UTF_8));
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
    private final long startedNanos = System.nanoTime();
    private final Thread supervisor;
    private final Duration restartDelay;
    private volatile boolean closed;

    private NetnsCluster(Path dir, NetnsTopology topology, List<Node> nodes, Process cassandra, Duration restartDelay) {
        this.dir = dir;
        this.restartDelay = restartDelay;
        this.topology = topology;
        this.nodes = List.copyOf(nodes);
        this.cassandra = cassandra;
        this.supervisor = new Thread(this::supervise, "netns-supervisor");
        this.supervisor.setDaemon(true);
    }

    /**
     * Cleans up what an earlier run left ({@code target/netns}; the namespaces and processes of
     * runs that crashed, see {@link NetnsTopology}), creates the topology, starts Cassandra in
     * {@code nfR-cas} and three nodes, waits until they serve
     * HTTP, starts the supervisor (which starts a node that exited again after
     * {@code restartDelay}) and waits until all three see each other up.
     */
    static NetnsCluster start(Path dir, Duration restartDelay) throws IOException {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("node-logback.xml"), NODE_LOGBACK);
        NetnsTopology topology = NetnsTopology.create(List.of("cas", "n1", "n2", "n3"), 10);
        Process cassandra = null;
        try {
            long t0 = System.nanoTime();
            cassandra = startCassandra(dir, topology.host("cas"));
            String contactPoint = topology.host("cas").address() + ":" + CQL_PORT;
            System.out.printf("netns: Cassandra on %s in %.1f s%n", contactPoint, (System.nanoTime() - t0) / 1e9);
            List<String> jvm = new ArrayList<>(TestCluster.NODE_JVM);
            jvm.add("-Dlogback.configurationFile=" + dir.resolve("node-logback.xml"));
            jvm.add("-Dpekko.loglevel=DEBUG");
            jvm.add("@" + nodeClasspath(dir));
            List<NetnsTopology.Host> hosts = List.of(topology.host("n1"), topology.host("n2"), topology.host("n3"));
            String seeds = hosts.stream().map(h -> h.address() + ":" + CLUSTER_PORT).collect(Collectors.joining(","));
            List<Node> nodes = new ArrayList<>();
            for (NetnsTopology.Host h : hosts) {
                List<String> args = List.of("--host", h.address(), "--port", String.valueOf(HTTP_PORT),
                        "--cluster-host", h.address(), "--cluster-port", String.valueOf(CLUSTER_PORT), "--seed", seeds,
                        "--roles", "transactor,query", "--storage", "cassandra", "--cassandra", contactPoint,
                        "--keyspace", "netns", "--access-key", ACCESS_KEY,
                        // plain HTTP and remoting on the namespaces' own private network, made for the test
                        "--http-trusted-network", "--cluster-trusted-network",
                        "--data-dir", dir.resolve(h.name() + "-data").toString());
                List<String> cmd = new ArrayList<>(NetnsTopology.exec(h));
                cmd.addAll(NodeProcess.command(jvm, args));
                Path log = dir.resolve(h.name() + ".log");
                nodes.add(new Node(h, new NodeProcess(h.name(), CLUSTER_PORT, cmd, log), log));
            }
            NetnsCluster cluster = new NetnsCluster(dir, topology, nodes, cassandra, restartDelay);
            try {
                long t1 = System.nanoTime();
                nodes.forEach(n -> n.process().start());
                for (Node n : nodes) {
                    n.process().awaitHttp(START_TIMEOUT);
                }
                // a node downed while the cluster forms (its failure detector is quick, and the machine may be
                // loaded) exits: the supervisor starts it again, as it does later
                cluster.supervisor.start();
                cluster.awaitHealthy(START_TIMEOUT, false);
                System.out.printf("netns: %s up in %.1f s; logs in %s%n", nodes, (System.nanoTime() - t1) / 1e9, dir);
                return cluster;
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            }
        } catch (RuntimeException | Error | IOException e) {
            if (cassandra != null) {
                cassandra.destroyForcibly();
            }
            topology.close();
            throw e;
        }
    }

    /** {@code CassandraDev --host} (bin/cassandra-dev's class) in {@code host}'s namespace; returns once it accepts CQL. */
    private static Process startCassandra(Path dir, NetnsTopology.Host host) throws IOException {
        String classes;
        try {
            classes = Path.of(CassandraServer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> cmd = new ArrayList<>(NetnsTopology.exec(host));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp", classes,
                "io.chronon.cassandra.dev.CassandraDev", "--host", host.address(), "--port", String.valueOf(CQL_PORT),
                "--data-dir", dir.resolve("cassandra").toString(), "--heap", "512m"));
        Path log = dir.resolve("cassandra.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            String out = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (out.contains("cassandra-dev: Cassandra accepts CQL on " + host.address())) {
                return p;
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("Cassandra did not start in " + host + ":\n" + NodeProcess.tail(out));
            }
            Poll.pause();
        }
    }

    private static Path nodeClasspath(Path dir) throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib"));
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            String file = p.getFileName() == null ? "" : p.getFileName().toString();
            if (file.startsWith("chronon-") && file.endsWith(".jar") && Files.isRegularFile(p)) {
                // a copy: another build installing snapshots while the nodes run must not change their classes
                Path copy = lib.resolve(file);
                Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                entries.add(copy.toString());
            } else {
                entries.add(Path.of(entry).toAbsolutePath().toString());
            }
        }
        Path args = dir.resolve("classpath.args");
        Files.writeString(args, "-cp \"" + String.join(java.io.File.pathSeparator, entries).replace("\\", "/") + "\"");
        return args;
    }

    List<Node> nodes() {
        return nodes;
    }

    Node node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }

    NetnsTopology topology() {
        return topology;
    }

    Path dir() {
        return dir;
    }

    /** Milliseconds since the cluster started, for event lines. */
    long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Notes an event (printed and kept for the report). */
    void event(String what) {
        String line = String.format("[%7.1f s] %s", elapsedMillis() / 1e3, what);
        events.add(line);
        System.out.println("netns: " + line);
    }

    /** Events noted since the index {@code from} (see {@link #eventCount}). */
    List<String> eventsSince(int from) {
        List<String> all = new ArrayList<>(events);
        return all.subList(Math.min(from, all.size()), all.size());
    }

    int eventCount() {
        return events.size();
    }

    // ------------------------------------------------------------------ the supervisor

    /** The supervisor leaves {@code node} alone (the harness kills and starts it itself) until {@link #release}. */
    void hold(Node node) {
        held.add(node.name());
    }

    void release(Node node) {
        held.remove(node.name());
    }

    private void supervise() {
        Map<String, Long> deadSince = new ConcurrentHashMap<>();
        while (!closed) {
            for (Node n : nodes) {
                if (held.contains(n.name()) || n.process().isAlive()) {
                    deadSince.remove(n.name());
                    continue;
                }
                long since = deadSince.computeIfAbsent(n.name(), k -> System.nanoTime());
                if (System.nanoTime() - since >= restartDelay.toNanos()) {
                    synchronized (this) {
                        if (!closed && !held.contains(n.name()) && !n.process().isAlive()) {
                            event("supervisor: " + n.name() + " exited (" + lastLine(n) + "); starting it again");
                            n.process().start();
                        }
                    }
                    deadSince.remove(n.name());
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String lastLine(Node n) {
        String[] lines = n.process().outputSinceStart().strip().split("\n");
        String last = lines[lines.length - 1];
        return last.length() > 160 ? last.substring(0, 160) + "..." : last;
    }

    /** SIGKILL of {@code node}; the supervisor does not start it again while it is held. */
    synchronized void kill(Node node) {
        node.process().kill();
    }

    /** Starts {@code node} again (it must have ended). */
    synchronized void startAgain(Node node) {
        node.process().start();
    }

    // ------------------------------------------------------------------ health

    /** What {@code GET /cluster} of a node answers; empty if it does not answer 200 within 3 s. */
    Optional<NodeHttp.ClusterView> view(Node node) {
        try {
            HttpResponse<String> r = send(node, HttpRequest.newBuilder(uri(node, "/cluster")).GET(), Duration.ofSeconds(3));
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            Map<?, ?> m = (Map<?, ?>) EdnReader.read(r.body());
            List<NodeHttp.Member> members = new ArrayList<>();
            for (Object o : (List<?>) m.get(Keyword.of("members"))) {
                Map<?, ?> mm = (Map<?, ?>) o;
                members.add(new NodeHttp.Member((String) mm.get(Keyword.of("address")), ((Keyword) mm.get(Keyword.of("status"))).name(),
                        strings(mm.get(Keyword.of("roles"))), Boolean.TRUE.equals(mm.get(Keyword.of("reachable")))));
            }
            return Optional.of(new NodeHttp.ClusterView((String) m.get(Keyword.of("self")), strings(m.get(Keyword.of("roles"))),
                    members, strings(m.get(Keyword.of("writers")))));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** True if every node runs and sees all three up and reachable. */
    boolean healthy() {
        List<String> want = nodes.stream().map(Node::clusterAddress).sorted().toList();
        for (Node n : nodes) {
            if (!n.process().isAlive()) {
                return false;
            }
            Optional<NodeHttp.ClusterView> v = view(n);
            if (v.isEmpty() || !v.get().upAndReachable().equals(want) || v.get().members().size() != want.size()) {
                return false;
            }
        }
        return true;
    }

    /** How long a node may run as a cluster of its own before {@link #awaitHealthy} kills it. */
    static final Duration ISLAND_GRACE = Duration.ofSeconds(20);

    /**
     * Waits until {@link #healthy}. With {@code unstick}: a node that has run as a cluster of
     * its own (an island: it and a larger group of nodes do not see each other) for
     * {@link #ISLAND_GRACE} is killed, for the supervisor to start it again, as an operator
     * would once the alarms ring; noted as an event.
     *
     * @throws AssertionError when {@code timeout} passes first
     */
    void awaitHealthy(Duration timeout, boolean unstick) {
        long start = System.nanoTime();
        Map<String, Long> islandSince = new HashMap<>();
        while (!healthy()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new AssertionError("The cluster is not healthy within " + timeout.toSeconds() + " s: " + describe());
            }
            if (unstick) {
                List<Node> islands = islands();
                islandSince.keySet().retainAll(islands.stream().map(Node::name).toList());
                for (Node n : islands) {
                    long since = islandSince.computeIfAbsent(n.name(), k -> System.nanoTime());
                    if (System.nanoTime() - since > ISLAND_GRACE.toNanos()) {
                        event("harness: " + n.name() + " has run as a cluster of its own for " + ISLAND_GRACE.toSeconds() + " s ("
                                + describe() + "); killing it for the supervisor to start it again");
                        n.process().destroy();
                        islandSince.remove(n.name());
                    }
                }
            }
            Poll.pause();
        }
    }

    /** Nodes that answer and form a cluster apart from a larger one: they and its nodes do not see each other. */
    List<Node> islands() {
        Map<Node, List<String>> up = new java.util.LinkedHashMap<>();
        for (Node n : nodes) {
            if (n.process().isAlive()) {
                view(n).ifPresent(v -> up.put(n, v.upAndReachable()));
            }
        }
        List<Node> out = new ArrayList<>();
        for (Map.Entry<Node, List<String>> x : up.entrySet()) {
            for (Map.Entry<Node, List<String>> y : up.entrySet()) {
                if (x.getKey() != y.getKey() && !x.getValue().contains(y.getKey().clusterAddress())
                        && !y.getValue().contains(x.getKey().clusterAddress()) && y.getValue().size() > x.getValue().size()) {
                    out.add(x.getKey());
                    break;
                }
            }
        }
        return out;
    }

    /** Each node's view, for messages. */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) {
            b.append(n.name()).append(n.process().isAlive() ? "" : " (not running)").append(": ");
            b.append(view(n).map(v -> v.members().stream().map(m -> m.address().replace(":" + CLUSTER_PORT, "") + " " + m.status()
                    + (m.reachable() ? "" : " unreachable")).toList() + " writers " + v.writers()).orElse("no answer"));
            b.append("; ");
        }
        return b.toString();
    }

    /** The node whose {@code GET /cluster} lists {@code db} among its writers; waits until exactly one does. */
    Node writerOf(String db, Duration timeout) {
        return Poll.until("exactly one node hosts the writer of " + db, timeout, () -> {
            List<Node> hosts = new ArrayList<>();
            for (Node n : nodes) {
                view(n).filter(v -> v.writers().contains(db)).ifPresent(v -> hosts.add(n));
            }
            return hosts.size() == 1 ? Optional.of(hosts.get(0)) : Optional.empty();
        });
    }

    // ------------------------------------------------------------------ HTTP

    URI uri(Node node, String path) {
        return URI.create("http://" + node.host().address() + ":" + HTTP_PORT + path);
    }

    /** Sends a request to {@code node} with the access key; IOException and interruption as unchecked. */
    HttpResponse<String> send(Node node, HttpRequest.Builder request, Duration timeout) {
        try {
            return http.send(request.timeout(timeout).header("Authorization", authorization).header("Accept", "application/edn").build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** POSTs an EDN body to {@code path} on {@code node}. */
    HttpResponse<String> post(Node node, String path, String edn, Duration timeout) {
        return send(node, HttpRequest.newBuilder(uri(node, path)).header("Content-Type", "application/edn")
                .POST(HttpRequest.BodyPublishers.ofString(edn, StandardCharsets.UTF_8)), timeout);
    }

    /** Creates {@code db} through the first node and transacts {@code schema}, retrying while the catalog starts. */
    void createDatabase(String db, String schema) {
        Node n = nodes.get(0);
        Poll.until("database " + db + " created", START_TIMEOUT, () -> {
            int s = send(n, HttpRequest.newBuilder(uri(n, "/dbs/" + db)).PUT(HttpRequest.BodyPublishers.noBody()), Duration.ofSeconds(10))
                    .statusCode();
            return s == 201 || s == 409 ? Optional.of(s) : Optional.empty();
        });
        Poll.until("schema of " + db + " transacted", START_TIMEOUT, () -> {
            HttpResponse<String> r = post(n, "/dbs/" + db + "/transact", "{:tx-data " + schema + " :request-id \"nf-schema\"}",
                    Duration.ofSeconds(10));
            return r.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (Object o : (Iterable<?>) list) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ logs

    /** The current size of each node's log, to cut the logs into rounds. */
    Map<String, Long> logOffsets() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (Node n : nodes) {
            try {
                out.put(n.name(), Files.exists(n.log()) ? Files.size(n.log()) : 0L);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The lines each node logged between two {@link #logOffsets}, each prefixed with the node's name. */
    List<String> logLines(Map<String, Long> from, Map<String, Long> to) {
        List<String> out = new ArrayList<>();
        for (Node n : nodes) {
            long a = from.getOrDefault(n.name(), 0L);
            long b = to.getOrDefault(n.name(), a);
            if (b <= a) {
                continue;
            }
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(n.log().toFile(), "r")) {
                byte[] bytes = new byte[(int) (b - a)];
                f.seek(a);
                f.readFully(bytes);
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    out.add(n.name() + " " + line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ end

    /** Stops the supervisor, kills the nodes and Cassandra, removes the namespaces. */
    @Override
    public synchronized void close() {
        closed = true;
        supervisor.interrupt();
        nodes.forEach(n -> n.process().destroy());
        cassandra.destroyForcibly();
        topology.close();
        try {
            Files.writeString(dir.resolve("events.log"), String.join("\n", events) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            // best effort
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The nodes' logging: Chronon at INFO, Pekko's cluster (membership, the split-brain
     * resolver's decisions, downing) and remoting (quarantine) at INFO, the shard coordinator
     * and shard regions at DEBUG (where shards are allocated and started), the rest of Pekko at WARN.
     */
    private static final String NODE_LOGBACK = """
            <configuration>
              <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
              </appender>
              <logger name="org.apache.pekko" level="WARN"/>
              <logger name="org.apache.pekko.cluster" level="INFO"/>
              <logger name="org.apache.pekko.remote" level="INFO"/>
              <logger name="org.apache.pekko.cluster.sharding" level="INFO"/>
              <logger name="org.apache.pekko.cluster.sharding.ShardCoordinator" level="DEBUG"/>
              <logger name="org.apache.pekko.cluster.sharding.DDataShardCoordinator" level="DEBUG"/>
              <logger name="org.apache.pekko.cluster.sharding.PersistentShardCoordinator" level="DEBUG"/>
              <logger name="org.apache.pekko.cluster.sharding.ShardRegion" level="DEBUG"/>
              <root level="INFO"><appender-ref ref="STDOUT"/></root>
            </configuration>
            """;
}
