package io.chronon.multijvm;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two runs of the network-fault harness at once (two worktrees on one machine) each get their
 * own namespaces and addresses, and neither removes the other's; what a run that was killed
 * left is removed by the next run. Before, every run used the same names ({@code nf-n1}, ...)
 * and addresses and began by deleting every {@code nf-} namespace: a second run killed the
 * first's nodes. Needs root, as {@link NetworkFaultsIT} (CI runs as root).
 */
class NetnsTopologyTest {
    @BeforeEach
    void needsRoot() {
        // root is there on every machine of this project, CI included: without it the test fails, it is not skipped
        org.junit.jupiter.api.Assertions.assertTrue(NetnsTopology.root(), "needs root to create network namespaces (run the build as root)");
    }

    static List<String> namespaces() {
        List<String> out = new ArrayList<>();
        for (String line : NetnsTopology.run(List.of("ip", "netns", "list"), true).split("\n")) {
            if (!line.isBlank()) {
                out.add(line.trim().split("\\s+")[0]);
            }
        }
        return out;
    }

    /**
     * A host of one topology answers from the root namespace over its own subnet: a connection
     * to a port nobody listens on is refused by the host (an unreachable one never answers).
     */
    static boolean reachable(NetnsTopology.Host host) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host.address(), 9), 3000);
            return true;
        } catch (java.net.ConnectException refused) {
            return refused.getMessage() != null && refused.getMessage().contains("refused");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void twoRunsAtOnceHaveTheirOwnNamesAndAddresses() {
        List<String> names = List.of("cas", "n1");
        try (NetnsTopology first = NetnsTopology.create(names, 10)) {
            try (NetnsTopology second = NetnsTopology.create(names, 10)) {
                assertNotEquals(first.run(), second.run());
                assertNotEquals(first.host("n1").namespace(), second.host("n1").namespace());
                assertNotEquals(first.host("n1").address(), second.host("n1").address());
                List<String> all = namespaces();
                for (NetnsTopology t : List.of(first, second)) {
                    for (NetnsTopology.Host h : t.hosts()) {
                        assertTrue(all.contains(h.namespace()), h.namespace() + " missing from " + all);
                        assertTrue(h.namespace().startsWith(NetnsTopology.prefix(t.run())), h.namespace());
                    }
                }
                assertTrue(reachable(first.host("n1")), "the first run's host is unreachable");
                assertTrue(reachable(second.host("n1")), "the second run's host is unreachable");
            }
            // the second run's close left the first's namespaces alone
            List<String> left = namespaces();
            for (NetnsTopology.Host h : first.hosts()) {
                assertTrue(left.contains(h.namespace()), h.namespace() + " removed by the other run: " + left);
            }
        }
    }

    /**
     * A run killed with SIGKILL (no shutdown hook) leaves its namespaces; the next run removes
     * them, and never those of a live run.
     */
    @Test
    void whatAKilledRunLeftIsRemovedByTheNext() throws Exception {
        Process crashed = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(crashed.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertTrue(line != null && line.startsWith("RUN "), "the other run did not start: " + line);
        int run = Integer.parseInt(line.substring(4).trim());
        try (NetnsTopology live = NetnsTopology.create(List.of("n1"), 10)) {
            // the other run is alive: its names stay
            assertTrue(namespaces().contains(NetnsTopology.prefix(run) + "n1"));
            crashed.destroyForcibly();
            assertTrue(crashed.waitFor(30, TimeUnit.SECONDS));
            assertTrue(namespaces().contains(NetnsTopology.prefix(run) + "n1"), "a killed run leaves its names");

            NetnsTopology.cleanUpStale();
            List<String> left = namespaces();
            assertTrue(left.stream().noneMatch(n -> n.startsWith(NetnsTopology.prefix(run))), "left: " + left);
            assertTrue(left.contains(live.host("n1").namespace()), "a live run's names were removed: " + left);
            assertTrue(NetnsTopology.namesLeft().stream().noneMatch(n -> n.startsWith(NetnsTopology.prefix(run))));
        } finally {
            crashed.destroyForcibly();
        }
    }

    /** Another run, in a process of its own: creates a topology, prints its number, waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            NetnsTopology t = NetnsTopology.create(List.of("n1"), 10);
            System.out.println("RUN " + t.run());
            System.out.flush();
            System.in.read();
            t.close();
        }
    }
}
