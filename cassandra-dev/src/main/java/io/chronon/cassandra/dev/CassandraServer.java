package io.chronon.cassandra.dev;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Apache Cassandra 5.0 server (Maven Central's {@code org.apache.cassandra:cassandra-all}
 * jars) in its own JVM on 127.0.0.1 (or another address of this machine, {@link Options#withHost}),
 * for tests, benchmarks and development.
 *
 * <p>{@link #start(Options)} writes a {@code cassandra.yaml} into the data directory, launches
 * the server and returns once it answers the CQL handshake on {@link #port()}. {@link #stop()}
 * ends it by its process id (SIGTERM, then SIGKILL if it lingers); {@link #start()} starts it
 * again on the same data directory and ports. The server also stops when the JVM that started
 * it exits, even by {@code kill -9}: it watches its parent process.
 *
 * <p>Cassandra's jars are never on the caller's classpath: this module resolves them at build
 * time into a resource ({@code cassandra.classpath}) and the server JVM alone uses them.
 *
 * <pre>{@code
 * try (CassandraServer cassandra = CassandraServer.start(CassandraServer.Options.in(dir))) {
 *     String contactPoint = cassandra.contactPoint();   // "127.0.0.1:<port>"
 * }
 * }</pre>
 */
public final class CassandraServer implements AutoCloseable {
    private static final String CLASSPATH_RESOURCE = "cassandra.classpath";

    /**
     * How to run a server.
     *
     * @param dataDir     where its data, commit log, yaml and log file live (created if missing)
     * @param nativePort  the CQL port; 0 picks a free one
     * @param heap        the heap size, e.g. {@code 512m}
     * @param foreground  true: the server's output goes to this process's stdout/stderr;
     *                    false: to {@code <dataDir>/cassandra.log}
     * @param startTimeout how long {@link #start} waits for the CQL port
     * @param syncedCommitLog true ({@code commitlog_sync: batch}): a write is acknowledged once
     *                     its commit log is on disk, so no acknowledged write is lost when the
     *                     server is killed; false ({@code periodic}, Cassandra's default): the
     *                     commit log is synced every 10 s, and a kill loses what came since
     * @param host        the address the server binds: CQL (native transport, {@code rpc_address}),
     *                     the storage port ({@code listen_address}) and its seed; an address of this
     *                     machine (or of the network namespace the server runs in). JMX stays on
     *                     loopback whatever it is (Cassandra binds JMX to loopback or to every
     *                     interface, and JMX has no authentication here): run nodetool on the same host
     */
    public record Options(Path dataDir, int nativePort, String heap, boolean foreground, Duration startTimeout,
                          boolean syncedCommitLog, String host) {
        /** A server in {@code dataDir} on 127.0.0.1, a free port, 512 MB heap, synced commit log, logging to a file. */
        public static Options in(Path dataDir) {
            return new Options(dataDir, 0, "512m", false, Duration.ofMinutes(3), true, "127.0.0.1");
        }

        /** Binds CQL and the storage port to {@code address} (an IP address of this machine) instead of 127.0.0.1. */
        public Options withHost(String address) {
            return new Options(dataDir, nativePort, heap, foreground, startTimeout, syncedCommitLog, address);
        }

        public Options withNativePort(int port) {
            return new Options(dataDir, port, heap, foreground, startTimeout, syncedCommitLog, host);
        }

        public Options withHeap(String heapSize) {
            return new Options(dataDir, nativePort, heapSize, foreground, startTimeout, syncedCommitLog, host);
        }

        public Options inForeground() {
            return new Options(dataDir, nativePort, heap, true, startTimeout, syncedCommitLog, host);
        }

        /** Cassandra's default commit log: synced every 10 s (faster; a kill loses the writes since the last sync). */
        public Options withPeriodicCommitLog() {
            return new Options(dataDir, nativePort, heap, foreground, startTimeout, false, host);
        }
    }

    private final Options options;
    private final Path dataDir;
    private final int nativePort;
    private final int storagePort;
    private final int jmxPort;
    private Process process;
    private Thread exitHook;

    private CassandraServer(Options options, int nativePort, int storagePort, int jmxPort) {
        this.options = options;
        this.dataDir = options.dataDir().toAbsolutePath();
        this.nativePort = nativePort;
        this.storagePort = storagePort;
        this.jmxPort = jmxPort;
    }

    /** Starts a server and waits until it accepts CQL connections. */
    public static CassandraServer start(Options options) throws IOException {
        InetAddress address = bindAddress(options.host());
        int port = options.nativePort() == 0 ? freePort(address) : options.nativePort();
        CassandraServer server = new CassandraServer(options, port, freePort(address), freePort(InetAddress.getLoopbackAddress()));
        server.start();
        return server;
    }

    /**
     * Starts this server (again, after {@link #stop()}) on the same data directory and ports,
     * and waits until it accepts CQL connections.
     *
     * @throws IllegalStateException if it is running
     */
    public synchronized void start() throws IOException {
        if (isRunning()) {
            throw new IllegalStateException("Cassandra is already running (pid " + process.pid() + ")");
        }
        Files.createDirectories(dataDir);
        Path yaml = dataDir.resolve("cassandra.yaml");
        Files.writeString(yaml, yaml());
        Path logback = dataDir.resolve("logback.xml");
        Files.writeString(logback, LOGBACK);
        Path argFile = dataDir.resolve("jvm.args");
        Files.writeString(argFile, "-cp\n" + quote(serverClasspath()) + "\n");

        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms" + options.heap());
        cmd.add("-Xmx" + options.heap());
        cmd.addAll(JVM_FLAGS);
        cmd.add("-Dcassandra.config=" + yaml.toUri());
        cmd.add("-Dcassandra-foreground=yes");
        cmd.add("-Dcassandra.storagedir=" + dataDir);
        cmd.add("-Dcassandra.logdir=" + dataDir.resolve("logs"));
        cmd.add("-Dcassandra.jmx.local.port=" + jmxPort);
        cmd.add("-Dcassandra.skip_wait_for_gossip_to_settle=0");
        cmd.add("-Dlogback.configurationFile=" + logback);
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("@" + argFile);
        cmd.add(CassandraMain.class.getName());
        cmd.add(Long.toString(ProcessHandle.current().pid()));

        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dataDir.toFile()).redirectErrorStream(true);
        if (options.foreground()) {
            pb.inheritIO();
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        }
        process = pb.start();
        exitHook = new Thread(this::stopQuietly, "cassandra-dev-stop-" + process.pid());
        Runtime.getRuntime().addShutdownHook(exitHook);
        try {
            awaitCql(options.startTimeout());
        } catch (IOException | RuntimeException e) {
            stopQuietly();
            throw e;
        }
    }

    /** "host:port" (e.g. "127.0.0.1:9042"), the value of {@code chronon.storage.cassandra.contact-point}. */
    public String contactPoint() {
        return (options.host().contains(":") ? "[" + options.host() + "]" : options.host()) + ":" + nativePort;
    }

    /** The address CQL and the storage port are bound to ({@link Options#host}). */
    public String host() {
        return options.host();
    }

    /** The CQL (native transport) port. */
    public int port() {
        return nativePort;
    }

    /** The JMX port (local only), for {@code nodetool -p}. */
    public int jmxPort() {
        return jmxPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The server's output when not in the foreground. */
    public Path logFile() {
        return dataDir.resolve("cassandra.log");
    }

    /** The server's process id; -1 when it is not running. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Waits until the server process ends (a foreground server run by a user); returns its exit code. */
    public int waitFor() throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        return p == null ? 0 : p.waitFor();
    }

    /**
     * Stops the server by its process id: SIGTERM (Cassandra flushes and exits), then SIGKILL
     * if it has not ended within a minute. Returns once it has ended.
     */
    public synchronized void stop() {
        end(false);
    }

    /** Kills the server at once (SIGKILL), like a crash; its commit log is replayed on the next start. */
    public synchronized void kill() {
        end(true);
    }

    private void end(boolean forcibly) {
        if (process == null) {
            return;
        }
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> children = handle.descendants().toList();
        if (forcibly) {
            handle.destroyForcibly();
        } else {
            handle.destroy();
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                handle.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            handle.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: nothing to remove
            }
        }
        exitHook = null;
        process = null;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException ignored) {
            // best effort on the way out
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Runs Cassandra's {@code nodetool} (its own class, on the same jars and JVM flags) with
     * {@code args}, e.g. {@code -h 127.0.0.1 -p <jmx port> snapshot -t mybackup chronon}, its
     * output on this process's; returns its exit code.
     */
    public static int nodetool(List<String> args) throws IOException, InterruptedException {
        Path argFile = Files.createTempFile("nodetool", ".args");
        Path logback = Files.createTempFile("nodetool", ".xml");
        try {
            Files.writeString(argFile, "-cp\n" + quote(serverClasspath()) + "\n");
            Files.writeString(logback, "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                    + "<target>System.err</target><encoder><pattern>%msg%n</pattern></encoder></appender>"
                    + "<root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx256m");
            cmd.add("-Dlogback.configurationFile=" + logback);
            cmd.addAll(JVM_FLAGS);
            cmd.add("@" + argFile);
            cmd.add("org.apache.cassandra.tools.NodeTool");
            cmd.addAll(args);
            return new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } finally {
            Files.deleteIfExists(argFile);
            Files.deleteIfExists(logback);
        }
    }

    // ------------------------------------------------------------------ readiness

    /**
     * Waits until the server answers a CQL {@code OPTIONS} request with {@code SUPPORTED}: the
     * native transport is the last thing Cassandra starts, so this means ready for clients.
     */
    private void awaitCql(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("Cassandra exited with code " + process.exitValue() + " while starting; "
                        + (options.foreground() ? "see its output above" : "last lines of " + logFile() + ":\n" + tail(logFile(), 30)));
            }
            if (answersCql()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Cassandra did not accept CQL on " + contactPoint() + " within " + timeout.toSeconds() + " s"
                        + (options.foreground() ? "" : "; last lines of " + logFile() + ":\n" + tail(logFile(), 30)));
            }
            try {
                // wait on the process itself, so an early exit is noticed at once
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while waiting for Cassandra", e);
            }
        }
    }

    private boolean answersCql() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(options.host()), nativePort), 1000);
            s.setSoTimeout(5000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            // protocol v4 frame header: version, flags, stream id, opcode OPTIONS (5), body length 0
            out.write(new byte[]{0x04, 0x00, 0x00, 0x01, 0x05, 0, 0, 0, 0});
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] header = new byte[9];
            in.readFully(header);
            return (header[0] & 0xff) == 0x84 && header[4] == 0x06; // response v4, SUPPORTED
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path file, int lines) {
        Deque<String> last = new ArrayDeque<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                last.addLast(line);
                if (last.size() > lines) {
                    last.removeFirst();
                }
            }
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
        return String.join("\n", last);
    }

    // ------------------------------------------------------------------ launch details

    /** Cassandra's jars (resolved at build time) plus this module's classes, for {@link CassandraMain}. */
    static String serverClasspath() {
        String jars;
        try (InputStream in = CassandraServer.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + CLASSPATH_RESOURCE
                        + ": build the cassandra-dev module with Maven (it lists Cassandra's jars at build time)");
            }
            jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String jar : jars.split(java.io.File.pathSeparator)) {
            if (!Files.exists(Path.of(jar))) {
                throw new IllegalStateException("Cassandra jar " + jar + " is missing: rebuild the cassandra-dev module (mvn install)");
            }
        }
        try {
            Path own = Path.of(CassandraServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return own + java.io.File.pathSeparator + jars;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static int freePort(InetAddress address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return s.getLocalPort();
        }
    }

    /**
     * {@code host} as an address this process can bind.
     *
     * @throws IOException naming the address when it is unknown or no interface has it
     */
    private static InetAddress bindAddress(String host) throws IOException {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IOException("Cannot bind Cassandra to " + host + ": unknown host", e);
        }
        try (ServerSocket s = new ServerSocket(0, 1, address)) {
            return address;
        } catch (IOException e) {
            throw new IOException("Cannot bind Cassandra to " + host + " (" + e.getMessage()
                    + "): it must be an address of this machine (or of the network namespace it runs in)", e);
        }
    }

    private String yaml() {
        String d = dataDir.toString();
        return String.join("\n",
                "cluster_name: chronon-dev",
                "num_tokens: 16",
                "allocate_tokens_for_local_replication_factor: 1",
                "partitioner: org.apache.cassandra.dht.Murmur3Partitioner",
                "data_file_directories:",
                "  - " + d + "/data",
                "commitlog_directory: " + d + "/commitlog",
                "saved_caches_directory: " + d + "/saved_caches",
                "hints_directory: " + d + "/hints",
                "cdc_raw_directory: " + d + "/cdc_raw",
                // batch: a write is acknowledged once its commit log is synced to disk (concurrent writes share a sync).
                // periodic (Cassandra's default, sync every 10 s): a write acknowledged since the last sync is lost when
                // the process is killed, as commit log replay stops at the last sync marker, memory-mapped or not.
                options.syncedCommitLog() ? "commitlog_sync: batch" : "commitlog_sync: periodic\ncommitlog_sync_period: 10000ms",
                "seed_provider:",
                "  - class_name: org.apache.cassandra.locator.SimpleSeedProvider",
                "    parameters:",
                "      - seeds: \"" + options.host() + ":" + storagePort + "\"",
                "listen_address: " + options.host(),
                "rpc_address: " + options.host(),
                "start_native_transport: true",
                "native_transport_port: " + nativePort,
                "storage_port: " + storagePort,
                "endpoint_snitch: SimpleSnitch",
                "authenticator: AllowAllAuthenticator",
                "authorizer: AllowAllAuthorizer",
                // small machine: fewer background threads
                "concurrent_compactors: 1",
                "concurrent_reads: 8",
                "concurrent_writes: 16",
                "concurrent_counter_writes: 4",
                // Chronon's journal writes are conditional (lightweight transactions): Paxos v2 needs
                // two round trips where v1 needs four (the default for clusters upgraded from 4.0)
                "paxos_variant: v2",
                "")
                ;
    }

    private static final String LOGBACK = """
            <configuration>
              <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n</pattern></encoder>
              </appender>
              <logger name="org.apache.cassandra" level="INFO"/>
              <root level="WARN"><appender-ref ref="STDOUT"/></root>
            </configuration>
            """;

    /** What Cassandra 5.0 needs on Java 17 (its own jvm17-server.options), plus a quiet, small-machine setup. */
    private static final List<String> JVM_FLAGS = List.of(
            "-XX:+UseG1GC",
            "-XX:+HeapDumpOnOutOfMemoryError",
            "-Xss256k",
            "-Djdk.attach.allowAttachSelf=true",
            "-Dio.netty.tryReflectionSetAccessible=true",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-exports", "java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports", "java.rmi/sun.rmi.server=ALL-UNNAMED",
            "--add-exports", "java.sql/java.sql=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.loader=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.ref=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.reflect=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.math=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.module=ALL-UNNAMED",
            "--add-opens", "java.base/jdk.internal.util.jar=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-opens", "java.base/java.io=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.concurrent.atomic=ALL-UNNAMED");
}
