package io.chronon.node;

import ch.qos.logback.classic.Level;
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
 * refuses to start when its seeds name no other node, and as the first seed of its list waits
 * for another seed to accept a connection and refuses to start when none does;
 * {@code --new-cluster} starts it at once; a fresh node and a full-cluster restart (in either
 * order) start as before.
 */
class SeedGuardTest {
    private final List<ChrononNode> nodes = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Process> processes = new ArrayList<>();
    private ListAppender<ILoggingEvent> log;
    private Level level;

    @BeforeEach
    void captureLog() {
        log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(ChrononNode.class);
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(log);
    }

    @AfterEach
    void stopAll() {
        Logger logger = (Logger) LoggerFactory.getLogger(ChrononNode.class);
        logger.detachAppender(log);
        logger.setLevel(level);
        processes.forEach(Process::destroyForcibly);
        for (ChrononNode n : List.copyOf(nodes)) {
            try {
                n.close();
            } catch (RuntimeException ignored) {
                // already stopped
            }
        }
    }

    /** The messages ChrononNode's logger logged (INFO and up). */
    private List<String> logged() {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private List<String> warnings() {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private void clearLog() {
        synchronized (log) {
            log.list.clear();
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

    /** Two nodes that were members of one cluster, both stopped: A (the first seed) and B. */
    private record Former(Path dirA, int portA, Path dirB, int portB) {
    }

    /** Forms a cluster of two nodes in {@code tmp}/a and {@code tmp}/b ({@link #formClusterOfTwo}) and stops both. */
    private Former formerMembers(Path tmp) throws Exception {
        Former f = new Former(tmp.resolve("a"), ChrononNodeIT.freePort(), tmp.resolve("b"), ChrononNodeIT.freePort());
        List<ChrononNode> ab = formClusterOfTwo(f.dirA(), f.portA(), f.dirB(), f.portB());
        ab.get(1).close();
        ab.get(0).close();
        return f;
    }

    /**
     * Forms a cluster of two nodes, A (first seed) and B, both listing both as seeds (the
     * recommended configuration), and waits until both record it.
     */
    private List<ChrononNode> formClusterOfTwo(Path dirA, int portA, Path dirB, int portB) throws Exception {
        String seeds = seeds(portA, portB);
        ChrononNode a = start(config(dirA, portA, seeds, ""));
        ChrononNode b = start(config(dirB, portB, seeds, ""));
        ready(a, b);
        List<String> both = List.of(address(portA), address(portB)).stream().sorted().toList();
        until("both nodes record the cluster of two", 30, () -> record(dirA).map(r -> r.members().equals(both)).orElse(false)
                && record(dirB).map(r -> r.members().equals(both)).orElse(false));
        clearLog();
        return List.of(a, b);
    }

    /**
     * The issue's partition: the first seed of a list naming others, restarted while it
     * cannot reach any other seed, would form a second cluster after seed-node-timeout. It
     * waits chronon.node.rejoin-seed-wait, then refuses (exit status 2), without ever starting
     * its actor system.
     */
    @Test
    void aFormerMemberThatIsTheFirstSeedRefusesWhenNoOtherSeedAcceptsWithinTheWait(@TempDir Path tmp) throws Exception {
        Former f = formerMembers(tmp);
        Path dirA = f.dirA();
        int portA = f.portA();
        int portB = f.portB();
        List<String> both = List.of(address(portA), address(portB)).stream().sorted().toList();

        long t0 = System.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> start(config(dirA, portA, seeds(portA, portB), "chronon.node.rejoin-seed-wait = 2s")));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited >= 1900 && waited < 15_000, "waits the 2 s, then refuses: " + waited + " ms");
        String m = e.getMessage();
        assertTrue(m.startsWith("This node was a member of a cluster of 2 Chronon nodes (" + String.join(", ", both)), m);
        assertTrue(m.contains("is the FIRST seed of its list"), m);
        assertTrue(m.contains("None of the other seeds (" + address(portB) + ") accepted a TCP connection within 2 s"
                + " (chronon.node.rejoin-seed-wait)"), m);
        assertTrue(m.contains("a SECOND cluster, with a second writer of every database, which never merges with the first"), m);
        assertTrue(m.contains("Restore connectivity to the other seeds"), m);
        assertTrue(m.contains("start this node once with --new-cluster"), m);
        assertTrue(logged().stream().anyMatch(l -> l.startsWith("Cluster start: This node was a member of a cluster of 2")
                && l.contains("is the FIRST seed of its list, so it waits up to 2 s")), logged().toString());
        assertEquals(Optional.empty(), ClusterMembership.firstToAccept(List.of(address(portA)), java.time.Duration.ofMillis(500)),
                "its actor system never started");
        assertEquals(both, record(dirA).orElseThrow().members(), "the record stays");

        // the node as the operator runs it (the wait from a --config file): exit status 2 and the reason
        Path conf = tmp.resolve("wait.conf");
        Files.writeString(conf, "chronon.node.rejoin-seed-wait = 2s\n");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process refused = process(tmp, lines, "--seed", "127.0.0.1:" + portA + ",127.0.0.1:" + portB,
                "--cluster-port", String.valueOf(portA), "--no-http", "--storage", "memory", "--data-dir", dirA.toString(),
                "--config", conf.toString());
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "the node exits");
        String out = String.join("\n", lines);
        assertEquals(2, refused.exitValue(), out);
        assertTrue(out.contains("Chronon node not started: This node was a member of a cluster of 2 Chronon nodes"), out);
        assertTrue(out.contains("None of the other seeds (" + address(portB) + ") accepted a TCP connection within 2 s"), out);
        assertTrue(out.contains("start this node once with --new-cluster"), out);
        assertEquals(both, record(dirA).orElseThrow().members(), "the record stays");
    }

    /**
     * The first seed restarted while another seed runs starts as soon as that seed accepts a
     * connection: a running node (it joins its cluster again), or a listener that opens only
     * while the node waits. Then it waits up to rejoin-seed-wait, not Pekko's 5 s
     * seed-node-timeout, for an answer to its join request: a seed whose port is open but whose
     * node answers late (an overloaded or paused process; here a listener that speaks no Pekko)
     * must not make it form a cluster of its own. Under heavy load a restarted first seed did,
     * and its writers fenced the other nodes' writers of the same databases for minutes.
     */
    @Test
    void aFormerMemberThatIsTheFirstSeedStartsWhenAnotherSeedAccepts(@TempDir Path tmp) throws Exception {
        Path dirA = tmp.resolve("a");
        Path dirB = tmp.resolve("b");
        int portA = ChrononNodeIT.freePort();
        int portB = ChrononNodeIT.freePort();
        String seeds = seeds(portA, portB);
        List<ChrononNode> ab = formClusterOfTwo(dirA, portA, dirB, portB);
        ChrononNode b = ab.get(1);
        ab.get(0).close();
        until("B alone", 30, () -> upMembers(b) == 1);

        ChrononNode a = start(config(dirA, portA, seeds, "chronon.node.rejoin-seed-wait = 10s"));
        assertTrue(logged().stream().anyMatch(l -> l.startsWith("Cluster start: seed " + address(portB) + " accepted a TCP connection")),
                logged().toString());
        ready(a);
        until("A is back in B's cluster", 30, () -> upMembers(a) == 2 && upMembers(b) == 2);
        a.close();
        b.close();

        // nothing listens when it starts; a listener opens a second later: it keeps trying and starts then
        clearLog();
        CompletableFuture<ChrononNode> later = CompletableFuture.supplyAsync(
                () -> start(config(dirA, portA, seeds, "chronon.node.rejoin-seed-wait = 30s")));
        Thread.sleep(1000);
        assertFalse(later.isDone(), "it waits for another seed");
        ChrononNode started;
        try (java.net.ServerSocket listening = new java.net.ServerSocket(portB, 50, java.net.InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            started = later.get(30, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "starts soon after the listener opens");
            // the listener accepts but never answers a join request: for longer than Pekko's seed-node-timeout (5 s)
            // the node stays out of any cluster, where before it formed one of its own after 5 s
            ChrononNode node = started;
            assertThrows(java.util.concurrent.TimeoutException.class,
                    () -> node.ready().toCompletableFuture().get(9, TimeUnit.SECONDS),
                    () -> "formed a cluster of its own while a seed's port was open: " + upMembers(node) + " member(s) up");
        }
        // the seed's node runs now: the two form one cluster (B, not the first seed, only ever joins)
        ChrononNode b2 = start(config(dirB, portB, seeds, ""));
        ready(started, b2);
        until("A and B up in one cluster", 30, () -> upMembers(started) == 2 && upMembers(b2) == 2);
        assertFalse(logged().stream().anyMatch(l -> l.contains("FORMED A CLUSTER OF ITS OWN")), logged().toString());
    }

    /**
     * A first seed that had to wait for another seed and is still alone rejoin-seed-wait after
     * it came up formed a cluster of its own while its old cluster may run: logged as an error
     * an operator can act on.
     */
    @Test
    void aFirstSeedStillAloneAfterTheWaitIsReportedAsAClusterOfItsOwn(@TempDir Path tmp) throws Exception {
        Former f = formerMembers(tmp);
        Path dirA = f.dirA();
        int portA = f.portA();
        int portB = f.portB();
        ChrononNode a;
        try (java.net.ServerSocket listening = new java.net.ServerSocket(portB, 50, java.net.InetAddress.getLoopbackAddress())) {
            a = start(config(dirA, portA, seeds(portA, portB), "chronon.node.rejoin-seed-wait = 2s"));
            // no answer to its join request within the 2 s: it forms a cluster, and 2 s later nobody has joined it
            ready(a);
        }
        assertEquals(1, upMembers(a));
        until("the error", 30, () -> logged().stream().anyMatch(l -> l.startsWith("This node FORMED A CLUSTER OF ITS OWN:"
                + " it was a member of a cluster of 2 Chronon nodes") && l.contains("stop this node and start it again")));
        a.close();
    }

    /** --new-cluster: the first seed starts at once, without the wait, and forgets the old members once up alone. */
    @Test
    void aFormerMemberThatIsTheFirstSeedStartsAtOnceWithNewCluster(@TempDir Path tmp) throws Exception {
        Former f = formerMembers(tmp);
        Path dirA = f.dirA();
        int portA = f.portA();
        int portB = f.portB();
        String seeds = seeds(portA, portB);

        long t0 = System.nanoTime();
        ChrononNode a = start(config(dirA, portA, seeds, "chronon.node.rejoin-seed-wait = 60s\nchronon.node.allow-new-cluster = on"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "no wait");
        assertTrue(logged().stream().anyMatch(l -> l.contains("is the FIRST seed of its list. chronon.node.allow-new-cluster"
                + " (--new-cluster) is on, so it starts at once without waiting for another seed (" + address(portB) + ")")),
                logged().toString());
        ready(a);
        assertEquals(1, upMembers(a));
        until("the warning and the old members forgotten", 30, () -> record(dirA).isEmpty()
                && logged().stream().anyMatch(l -> l.startsWith("This node FORMED A NEW CLUSTER ALONE, as chronon.node.allow-new-cluster")));
        a.close();

        // a fresh node again: it starts at once without the flag
        clearLog();
        t0 = System.nanoTime();
        ChrononNode again = start(config(dirA, portA, seeds, ""));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "no wait");
        assertTrue(logged().stream().anyMatch(l -> l.startsWith("Cluster start: no record of other members")), logged().toString());
        ready(again);
    }

    /**
     * A full-cluster restart still forms one cluster, in either order: the other seed (not
     * the first) starts its actor system at once, so the waiting first seed finds it.
     */
    @Test
    void aFullRestartStillFormsOneCluster(@TempDir Path tmp) throws Exception {
        Former f = formerMembers(tmp);
        Path dirA = f.dirA();
        Path dirB = f.dirB();
        int portA = f.portA();
        int portB = f.portB();
        String seeds = seeds(portA, portB);

        // the first seed first: it waits until B runs
        clearLog();
        CompletableFuture<ChrononNode> a = CompletableFuture.supplyAsync(() -> start(config(dirA, portA, seeds, "")));
        until("A waits", 30, () -> logged().stream().anyMatch(l -> l.contains("is the FIRST seed of its list, so it waits up to 30 s")));
        Thread.sleep(1000);
        assertFalse(a.isDone(), "A waits for another seed");
        ChrononNode b = start(config(dirB, portB, seeds, ""));
        assertTrue(logged().stream().anyMatch(l -> l.contains("is not the first seed of its list, so it starts at once and only joins")),
                logged().toString());
        ChrononNode a2 = a.get(60, TimeUnit.SECONDS);
        ready(a2, b);
        until("both up in one cluster", 30, () -> upMembers(a2) == 2 && upMembers(b) == 2);
        assertEquals(List.of(), warnings().stream().filter(w -> !w.startsWith("Storage kind memory")).toList(),
                "no warning but the test's memory storage");
        b.close();
        a2.close();

        // the other order: B first, then A, which finds B at once
        ChrononNode b3 = start(config(dirB, portB, seeds, ""));
        Thread.sleep(1000);
        ChrononNode a3 = start(config(dirA, portA, seeds, ""));
        ready(a3, b3);
        until("both up in one cluster again", 30, () -> upMembers(a3) == 2 && upMembers(b3) == 2);
    }

    /** The probe itself: a listening port accepts, a closed one does not, within the time given. */
    @Test
    void theProbeFindsSeedsThatAcceptConnections() throws Exception {
        try (java.net.ServerSocket listening = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int closed = ChrononNodeIT.freePort();
            String open = address(listening.getLocalPort());
            assertEquals(Optional.of(open), ClusterMembership.firstToAccept(List.of(address(closed), open), java.time.Duration.ofSeconds(5)));
            long t0 = System.nanoTime();
            assertEquals(Optional.empty(), ClusterMembership.firstToAccept(List.of(address(closed), "pekko://chronon@[::1]:" + closed),
                    java.time.Duration.ofMillis(1500)));
            long took = System.nanoTime() - t0;
            assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(1400) && took < TimeUnit.SECONDS.toNanos(5),
                    "it keeps trying until the deadline, not longer: " + took / 1_000_000 + " ms");
        }
        // a port that opens while it tries
        int late = ChrononNodeIT.freePort();
        CompletableFuture<Optional<String>> found = CompletableFuture.supplyAsync(
                () -> ClusterMembership.firstToAccept(List.of(address(late)), java.time.Duration.ofSeconds(10)));
        Thread.sleep(700);
        assertFalse(found.isDone());
        try (java.net.ServerSocket listening = new java.net.ServerSocket(late, 50, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(Optional.of(address(late)), found.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void theWaitIsAtLeastASecond(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClusterMembership.check(config(dir, 0, "[]", "chronon.node.rejoin-seed-wait = 0s")));
        assertTrue(e.getMessage().startsWith("chronon.node.rejoin-seed-wait must be at least 1s"), e.getMessage());
    }
}
