package io.chronon.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real node process on the embedded file store, killed with SIGKILL while transactions
 * are in flight, then started again on the same data directory: every transaction it had
 * acknowledged is there.
 */
class ChrononNodeIT {
    private final List<Process> started = new ArrayList<>();

    /** A node process and the lines it printed. */
    record Node(Process process, BlockingQueue<String> lines, Writer stdin) {
        String await(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = deadline - System.nanoTime();
                String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("no line starting with " + prefix + " within " + seconds + " s");
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        void send(String command) throws IOException {
            stdin.write(command + "\n");
            stdin.flush();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Node launch(Path data, String logName, String fsync) throws IOException {
        return launch(data, logName, fsync, null);
    }

    /** A node process; {@code indexThreshold} (null: the default) is its indexing threshold in datoms. */
    Node launch(Path data, String logName, String fsync, String indexThreshold) throws IOException {
        Path dir = Path.of("target", "multi-jvm");
        Files.createDirectories(dir);
        Path argfile = dir.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "@" + argfile.toAbsolutePath(), "io.chronon.node.NodeDriver", data.toAbsolutePath().toString(),
                String.valueOf(freePort()), fsync);
        if (indexThreshold != null) {
            pb.command().add(indexThreshold);
        }
        pb.redirectError(dir.resolve(logName + ".log").toFile());
        Process p = pb.start();
        started.add(p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        readLines(p, lines);
        return new Node(p, lines, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8));
    }

    /** Puts every line {@code p} prints into {@code lines}, from a daemon thread, until it ends. */
    static void readLines(Process p, BlockingQueue<String> lines) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process died
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    @AfterEach
    void killAll() {
        started.forEach(Process::destroyForcibly);
    }

    /**
     * fsync on: the default, durable against power loss too; off: written to the OS before the
     * acknowledgement; indexing: fsync on with an indexing job every 100 datoms, so that the kill
     * lands while one writes segments or records roots (and after restart every roots record is
     * read and every segment its trees name is in the store).
     */
    @ParameterizedTest(name = "fsync {0}")
    @ValueSource(strings = {"on", "off", "indexing"})
    void everyAcknowledgedTransactionSurvivesKill9(String mode) throws Exception {
        String fsync = mode.equals("off") ? "off" : "on";
        String threshold = mode.equals("indexing") ? "100" : null;
        Path data = Path.of("target", "it-data", "kill9-" + mode + "-" + System.currentTimeMillis());
        Node first = launch(data, "kill9-" + mode + "-first", fsync, threshold);
        first.await("READY", 120);
        // far more than the node can take before the kill: a sender keeps the node's queue
        // full (stdin blocks when it is) until the process dies
        int total = 50_000;
        Thread sender = new Thread(() -> {
            try {
                for (int i = 1; i <= total; i++) {
                    first.send("tx " + i);
                }
            } catch (IOException e) {
                // the process was killed: its stdin is closed
            }
        }, "kill9-sender");
        sender.start();
        Set<Long> acked = new HashSet<>();
        // with indexing, long enough for several jobs (the first, in a cold JVM, takes a second or more)
        while (acked.size() < (threshold == null ? 500 : 3000)) {
            String line = first.await("ACK", 60);
            acked.add(Long.parseLong(line.split(" ")[1]));
        }
        // SIGKILL while the rest are queued or being written
        first.process().destroyForcibly();
        first.process().waitFor(30, TimeUnit.SECONDS);
        sender.join(30_000);
        String line;
        while ((line = first.lines().poll()) != null) {
            if (line.startsWith("ACK")) {
                acked.add(Long.parseLong(line.split(" ")[1]));
            }
        }
        assertTrue(acked.size() < total, "the kill came too late to interrupt anything: " + acked.size());

        Node second = launch(data, "kill9-" + mode + "-second", fsync, threshold);
        second.await("READY", 120);
        second.send("ids");
        String ids = second.await("IDS", 60);
        Set<Long> present = new HashSet<>();
        for (String s : ids.substring(4).split(",")) {
            if (!s.isBlank()) {
                present.add(Long.parseLong(s));
            }
        }
        Set<Long> missing = new HashSet<>(acked);
        missing.removeAll(present);
        assertTrue(missing.isEmpty(), "acknowledged but lost after kill -9: " + missing);
        if (threshold != null) {
            second.send("roots");
            String roots = second.await("ROOTS", 60);
            assertFalse(roots.contains("BROKEN"), roots);
            String[] f = roots.split(" ");
            assertTrue(Integer.parseInt(f[1]) >= 1 && Long.parseLong(f[2]) > 0, "roots were recorded before the kill: " + roots);
            assertEquals("0", f[3], "every segment named by a recorded root is stored: " + roots);
            System.out.println("kill -9 during indexing: " + roots);
        }
        // the restarted node takes writes again
        second.send("tx 100000");
        second.await("ACK 100000", 60);
        second.send("quit");
        assertTrue(second.process().waitFor(60, TimeUnit.SECONDS));
 System.out.println("kill -9 test, " + mode + ": " + acked.size() + " acknowledged before the kill, " + present.size() + " present after restart");
    }
}
