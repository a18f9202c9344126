package io.chronon.node;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
            return await(prefix, seconds, null);
        }

        /** The next line starting with {@code prefix}; the ids of the {@code ACK} lines before it go into {@code acked} (if not null). */
        String await(String prefix, long seconds, Set<Long> acked) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<String> skipped = new ArrayList<>();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (line == null) {
                    fail("no line starting with " + prefix + " within " + seconds + " s; other lines: "
                            + skipped.subList(Math.max(0, skipped.size() - 10), skipped.size()));
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
                if (acked != null && line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.split(" ")[1]));
                } else if (!line.startsWith("ACK ")) {
                    skipped.add(line);
                }
            }
        }

        /** The ids of every {@code ACK} line printed so far and not read yet, into {@code acked}. */
        void drainAcks(Set<Long> acked) {
            String line;
            while ((line = lines.poll()) != null) {
                if (line.startsWith("ACK ")) {
                    acked.add(Long.parseLong(line.split(" ")[1]));
                }
            }
        }

        /** The ids the node's query finds ({@code ids}). */
        Set<Long> ids() throws IOException, InterruptedException {
            send("ids");
            String ids = await("IDS", 60);
            Set<Long> present = new HashSet<>();
            for (String s : ids.substring(4).split(",")) {
                if (!s.isBlank()) {
                    present.add(Long.parseLong(s));
                }
            }
            return present;
        }

        /**
         * A thread that sends {@code tx from} to {@code tx from + count - 1} (stdin blocks while
         * the node's queue is full) until the process dies.
         */
        Thread sendPersons(int from, int count) {
            Thread sender = new Thread(() -> {
                try {
                    for (int i = from; i < from + count; i++) {
                        send("tx " + i);
                    }
                } catch (IOException e) {
                    // the process was killed: its stdin is closed
                }
            }, "kill9-sender");
            sender.start();
            return sender;
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

    /**
     * A node process; {@code options} are {@link NodeDriver}'s after fsync (nulls left out): its
     * indexing threshold in datoms ({@code default}: the default), {@code tiny-nodes}.
     */
    Node launch(Path data, String logName, String fsync, String... options) throws IOException {
        Path dir = Path.of("target", "multi-jvm");
        Files.createDirectories(dir);
        Path argfile = dir.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "@" + argfile.toAbsolutePath(), "io.chronon.node.NodeDriver", data.toAbsolutePath().toString(),
                String.valueOf(freePort()), fsync);
        for (String option : options) {
            if (option != null) {
                pb.command().add(option);
            }
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
        Thread sender = first.sendPersons(1, total);
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
        first.drainAcks(acked);
        assertTrue(acked.size() < total, "the kill came too late to interrupt anything: " + acked.size());

        Node second = launch(data, "kill9-" + mode + "-second", fsync, threshold);
        second.await("READY", 120);
        Set<Long> present = second.ids();
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

    /**
     * SIGKILL while garbage collection deletes segments. A node writing tiny index nodes (16
     * datoms, 4 children) takes {@value #JOBS} batches of people whose ids interleave with the
     * other batches', each indexed by a job of its own, so that every job rewrites leaves all over
     * the trees of the ids and names and supersedes thousands of segments in all. It then collects
     * with the cut-off now (every roots record but the newest dropped) while transactions keep
     * coming, and is killed as soon as a segment that was stored is gone. Restarted on the same
     * data, every acknowledged transaction is there and the roots record left is read in full from
     * the store; a second collection, with no job in between, still finds garbage (the kill landed
     * inside the first one's deletion), runs to the end and leaves everything readable.
     */
    @Test
    void everyRootStaysReadableWhenGarbageCollectionIsKilled() throws Exception {
        Path data = Path.of("target", "it-data", "kill9-gc-" + System.currentTimeMillis());
        // the default threshold (some 20,000 datoms at 256 MB): no job but those asked for
        Node first = launch(data, "kill9-gc-first", "on", "default", "tiny-nodes");
        first.await("READY", 120);
        Set<Long> acked = new HashSet<>();
        for (int job = 0; job < JOBS; job++) {
            Set<Long> batch = new HashSet<>();
            for (int i = 0; i < PEOPLE_PER_JOB; i++) {
                long id = 1 + job + (long) i * JOBS;
                batch.add(id);
                first.send("tx " + id);
            }
            while (!acked.containsAll(batch)) {
                acked.add(Long.parseLong(first.await("ACK", 60).split(" ")[1]));
            }
            first.send("index");
            first.await("INDEXED", 60, acked);
        }
        first.send("roots");
        String loaded = first.await("ROOTS", 60, acked);
        long segmentsBefore = segmentFiles(data);
        // in flight during the collection, far fewer datoms than the threshold (a job now would supersede the roots)
        Thread sender = first.sendPersons(1_000_000, 3_000);
        first.send("gc");
        first.await("GC-DELETING", 60, acked);
        first.process().destroyForcibly();
        first.process().waitFor(30, TimeUnit.SECONDS);
        sender.join(30_000);
        List<String> after = new ArrayList<>();
        first.lines().drainTo(after);
        after.stream().filter(l -> l.startsWith("ACK ")).forEach(l -> acked.add(Long.parseLong(l.split(" ")[1])));
        assertTrue(after.stream().noneMatch(l -> l.startsWith("GC-")), "the collection had not ended at the kill: " + after);
        long segmentsAtKill = segmentFiles(data);

        Node second = launch(data, "kill9-gc-second", "on", "default", "tiny-nodes");
        second.await("READY", 120);
        String restarted = assertEverythingThere(second, acked);
        assertEquals("1", restarted.split(" ")[1], "the first collection deleted the older roots records before any segment,"
                + " and no job ran since: " + restarted);
        second.send("gc");
        String done = second.await("GC-DONE", 120);
        String[] gc = done.split(" ");
        assertEquals("0", gc[2], "no roots record was left to delete: " + done);
        assertTrue(Long.parseLong(gc[4]) > 0, "the kill left garbage to the next collection: " + done);
        String roots = assertEverythingThere(second, acked);
        assertEquals(restarted, roots, "the same root, read in full");
        second.send("tx 100000000");
        second.await("ACK 100000000", 60);
        second.send("quit");
        assertTrue(second.process().waitFor(60, TimeUnit.SECONDS));
        System.out.println("kill -9 during gc: loaded " + loaded + "; " + acked.size() + " acknowledged; segment files "
                + segmentsBefore + " before the collection, " + segmentsAtKill + " at the kill, " + segmentFiles(data)
                + " after the next one (" + done + "); " + roots);
    }

    /** Indexing jobs before the collection (fewer than the 20 roots records the snapshot store keeps). */
    static final int JOBS = 12;
    /** People transacted (one per transaction) before each job. */
    static final int PEOPLE_PER_JOB = 250;

    /** Asserts every {@code acked} id is found and every roots record reads in full; returns the {@code ROOTS} line. */
    static String assertEverythingThere(Node node, Set<Long> acked) throws Exception {
        Set<Long> missing = new HashSet<>(acked);
        missing.removeAll(node.ids());
        assertTrue(missing.isEmpty(), "acknowledged but lost after kill -9: " + missing);
        node.send("roots");
        String roots = node.await("ROOTS", 120);
        assertFalse(roots.contains("BROKEN"), roots);
        assertEquals("0", roots.split(" ")[3], "every segment named by a recorded root is stored: " + roots);
        assertTrue(Integer.parseInt(roots.split(" ")[1]) >= 1, "a roots record is left: " + roots);
        return roots;
    }

    /**
     * The segment files of the node's file store under {@code data} (temporary files of unfinished
     * writes left out), counted by name while the node renames and deletes them.
     */
    static long segmentFiles(Path data) {
        long count = 0;
        java.io.File[] databases = data.resolve("segments").toFile().listFiles();
        for (java.io.File database : databases == null ? new java.io.File[0] : databases) {
            java.io.File[] prefixes = database.listFiles();
            for (java.io.File prefix : prefixes == null ? new java.io.File[0] : prefixes) {
                String[] names = prefix.list();
                for (String name : names == null ? new String[0] : names) {
                    count += name.contains(".tmp") ? 0 : 1;
                }
            }
        }
        return count;
    }
}
