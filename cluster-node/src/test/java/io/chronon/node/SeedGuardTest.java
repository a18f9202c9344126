package io.chronon.node;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A node that has been a member of a cluster of several nodes never forms a second cluster by
 * itself (issue 13): with real nodes on 127.0.0.1 (actor systems in this JVM, and node
 * processes for the exit status), it remembers its cluster's members in its data directory,
 * refuses to start when its seeds name no other node, starts with {@code --new-cluster}, and
 * warns as the first seed of its list when no other seed answers; a fresh node and a
 * full-cluster restart start as before.
 */
class SeedGuardTest {
    private final List<ChrononNode> nodes = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private ListAppender<ILoggingEvent> log;

    @BeforeEach
    void captureWarnings() {
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(ChrononNode.class)).addAppender(log);
    }

    @AfterEach
    void stopAll() {
        ((Logger) LoggerFactory.getLogger(ChrononNode.class)).detachAppender(log);
        processes.forEach(Process::destroyForcibly);
        for (ChrononNode n : nodes) {
            try {
                n.close();
            } catch (RuntimeException ignored) {
                // already stopped
            }
        }
    }

    private List<String> warnings() {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private static String seeds(int... ports) {
        return java.util.Arrays.stream(ports).mapToObj(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", ", "[", "]"));
    }

    /** The configuration of an in-process node on 127.0.0.1:port, memory storage (a cluster of several needs shared storage). */
    private static Config config(Path dir, int port, String seeds, String extra) {
        return ChrononNode.config(ConfigFactory.parseString(extra + "\n"
                + "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                + "chronon.storage.default-kind = memory\n"
                + "chronon.node.port = " + port + "\n"
                + "chronon.node.seed-nodes = " + seeds + "\n"
                + "chronon.http.enabled = false\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"));
    }

    private ChrononNode start(Config config) {
        ChrononNode node = ChrononNode.start(config);
        nodes.add(node);
        return node;
    }

    private static void ready(ChrononNode... nodes) throws Exception {
        for (ChrononNode n : nodes) {
            n.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
        }
    }

    private static void until(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + seconds + " s: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static Optional<ClusterMembership.Record> record(Path dir) {
        return ClusterMembership.read(dir.resolve(ClusterMembership.FILE_NAME));
    }

    private static long upMembers(ChrononNode n) {
        long count = 0;
        for (org.apache.pekko.cluster.Member m : Cluster.get(n.system()).state().getMembers()) {
            if (m.status() == org.apache.pekko.cluster.MemberStatus.up()) {
                count++;
            }
        }
        return count;
    }

    private static String address(int port) {
        return "pekko://chronon@127.0.0.1:" + port;
    }

    /** Starts {@code ChrononNode} as a process with these options; its output goes to {@code lines}. */
    private Process process(Path dir, BlockingQueue<String> lines, String... args) throws IOException {
        Path argfile = dir.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "@" + argfile.toAbsolutePath(),
                "io.chronon.node.ChrononNode"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        ChrononNodeIT.readLines(p, lines);
        return p;
    }

    /**
     * The issue's one-seed configuration: node A lists only itself, B lists A. A restarted
     * with only itself as seed (or none) would form a cluster of its own while B runs.
     */
    @Test
    void aFormerMemberWhoseSeedsNameOnlyItselfRefusesToStartUnlessToldToFormANewCluster(@TempDir Path tmp) throws Exception {
        Path dirA = tmp.resolve("a");
        Path dirB = tmp.resolve("b");
        int portA = ChrononNodeIT.freePort();
        ChrononNode a = start(config(dirA, portA, seeds(portA), ""));
        ready(a);
        assertTrue(record(dirA).isEmpty(), "alone, nothing to remember");
        ChrononNode b = start(config(dirB, 0, seeds(portA), ""));
        ready(b);
        String addressB = Cluster.get(b.system()).selfMember().address().toString();
        List<String> both = List.of(address(portA), addressB).stream().sorted().toList();
        until("both nodes record the cluster of two", 30, () -> record(dirA).map(r -> r.members().equals(both)).orElse(false)
                && record(dirB).map(r -> r.members().equals(both)).orElse(false));
        ClusterMembership.Record recorded = record(dirA).orElseThrow();
        assertEquals("chronon", recorded.systemName());
        assertEquals(address(portA), recorded.self());
        assertEquals(List.of(address(portA)), recorded.seedNodes());

        // A stops (B runs on): its record stays
        a.close();
        assertEquals(both, record(dirA).orElseThrow().members(), "a cluster that shrinks keeps the record");
        for (String seedList : List.of(seeds(portA), "[]")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> start(config(dirA, portA, seedList, "")), seedList);
            String m = e.getMessage();
            assertTrue(m.startsWith("This node was a member of a cluster of 2 Chronon nodes (" + String.join(", ", both)), m);
            assertTrue(m.contains(seedList.equals("[]") ? "its seed list names no other node (no seeds)"
                    : "its seed list names no other node (seeds " + address(portA) + ")"), m);
            assertTrue(m.contains("two clusters, each with a writer of the same databases"), m);
            assertTrue(m.contains("List the other nodes as seeds"), m);
            assertTrue(m.contains("--new-cluster (chronon.node.allow-new-cluster = on)"), m);
        }
        // a list naming B is fine: A joins B's cluster again
        ChrononNode again = start(config(dirA, portA, seeds(portA, Integer.parseInt(addressB.replaceAll(".*:", ""))), ""));
        ready(again);
        until("A is back in B's cluster", 30, () -> upMembers(b) == 2);
        again.close();
        b.close();

        // the node as the operator runs it: exit status 2 and the reason
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process refused = process(tmp, lines, "--seed", "127.0.0.1:" + portA, "--cluster-port", String.valueOf(portA),
                "--no-http", "--storage", "memory", "--data-dir", dirA.toString());
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "the node exits");
        String out = String.join("\n", lines);
        assertEquals(2, refused.exitValue(), out);
        assertTrue(out.contains("Chronon node not started: This node was a member of a cluster of 2 Chronon nodes"), out);
        assertTrue(out.contains("If you really mean to start a new cluster with this node"), out);
        assertTrue(record(dirA).isPresent(), "the record stays");

        // --new-cluster: it starts, and forgets the old members once up
        BlockingQueue<String> newLines = new LinkedBlockingQueue<>();
        Process fresh = process(tmp, newLines, "--seed", "127.0.0.1:" + portA, "--cluster-port", String.valueOf(portA),
                "--no-http", "--storage", "memory", "--data-dir", dirA.toString(), "--new-cluster");
        List<String> seen = new ArrayList<>();
        while (seen.stream().noneMatch(l -> l.startsWith("Chronon node up: " + address(portA)))) {
            String line = newLines.poll(120, TimeUnit.SECONDS);
            assertNotNull(line, () -> "the node is up: " + String.join("\n", seen));
            seen.add(line);
        }
        assertTrue(seen.stream().anyMatch(l -> l.contains("Starting a NEW cluster with it")), String.join("\n", seen));
        until("the old members are forgotten", 30, () -> record(dirA).isEmpty());
        fresh.destroy();
        assertTrue(fresh.waitFor(60, TimeUnit.SECONDS));

        // now it is a fresh node again
        ready(start(config(dirA, portA, seeds(portA), "")));
    }

    @Test
    void aFreshNodeWithOnlyItselfAsSeedStartsAsBefore(@TempDir Path dir) throws Exception {
        int port = ChrononNodeIT.freePort();
        ChrononNode node = start(config(dir, port, seeds(port), ""));
        ready(node);
        assertEquals(1, upMembers(node));
        assertTrue(record(dir).isEmpty(), "a node alone records nothing");
        assertTrue(warnings().stream().noneMatch(w -> w.contains("member of a cluster")), warnings().toString());
        // with the override too: nothing to forget
        node.close();
        ready(start(config(dir, port, "[]", "chronon.node.allow-new-cluster = on")));
        assertFalse(Files.exists(dir.resolve(ClusterMembership.FILE_NAME)));
    }

    /**
     * Both nodes list both as seeds (the recommended configuration). A full-cluster restart
     * forms the cluster as before, without a warning; the first seed restarted alone while the
     * other is down warns, then forms a cluster alone (Pekko's behaviour: right for a full
     * restart, a second cluster if the other were running out of reach).
     */
    @Test
    void theFirstSeedWarnsWhenNoOtherSeedAnswersAndAFullRestartStillForms(@TempDir Path tmp) throws Exception {
        Path dirA = tmp.resolve("a");
        Path dirB = tmp.resolve("b");
        int portA = ChrononNodeIT.freePort();
        int portB = ChrononNodeIT.freePort();
        String seeds = seeds(portA, portB);
        List<String> both = List.of(address(portA), address(portB)).stream().sorted().toList();
        ChrononNode a = start(config(dirA, portA, seeds, ""));
        ChrononNode b = start(config(dirB, portB, seeds, ""));
        ready(a, b);
        until("both nodes record the cluster of two", 30, () -> record(dirA).map(r -> r.members().equals(both)).orElse(false)
                && record(dirB).map(r -> r.members().equals(both)).orElse(false));
        b.close();
        a.close();

        // a full-cluster restart: both start together, the first seed forms, the other joins
        synchronized (log) {
            log.list.clear();
        }
        ChrononNode a2 = start(config(dirA, portA, seeds, ""));
        ChrononNode b2 = start(config(dirB, portB, seeds, ""));
        ready(a2, b2);
        until("both up in one cluster", 30, () -> upMembers(a2) == 2 && upMembers(b2) == 2);
        Thread.sleep(1000);
        assertTrue(warnings().stream().noneMatch(w -> w.contains("FIRST seed") || w.contains("ALONE")), warnings().toString());
        b2.close();
        a2.close();

        // the first seed alone (B is stopped): it warns, names B, then forms a cluster by itself
        ChrononNode alone = start(config(dirA, portA, seeds, ""));
        until("the warning", 30, () -> warnings().stream().anyMatch(w -> w.contains("is the FIRST seed of its list")));
        String warning = warnings().stream().filter(w -> w.contains("is the FIRST seed of its list")).findFirst().orElseThrow();
        assertTrue(warning.contains("None of the other seeds (" + address(portB) + ") accepted a TCP connection"), warning);
        assertTrue(warning.contains("it forms a SECOND cluster"), warning);
        ready(alone);
        until("the second warning", 30, () -> warnings().stream().anyMatch(w -> w.contains("FORMED A NEW CLUSTER ALONE")));
        assertEquals(both, record(dirA).orElseThrow().members(), "still remembers the cluster of two");
    }

    /** The probe itself: a listening port accepts, a closed one does not, within the time given. */
    @Test
    void theProbeFindsSeedsThatAcceptConnections() throws Exception {
        try (java.net.ServerSocket listening = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int closed = ChrononNodeIT.freePort();
            String open = address(listening.getLocalPort());
            CompletableFuture<List<String>> found = ClusterMembership.probe(List.of(address(closed), open), java.time.Duration.ofSeconds(5));
            assertEquals(List.of(open), found.get(10, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            assertEquals(List.of(), ClusterMembership.probe(List.of(address(closed), "pekko://chronon@[::1]:" + closed),
                    java.time.Duration.ofMillis(1500)).get(10, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(1400), "it keeps trying until the deadline");
        }
    }
}
