package io.chronon.node;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.JoinSeedNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node as a real process ({@code java io.chronon.node.ChrononNode ...}): the exit status
 * and message of a start it refuses, and the exit of a node its cluster downed.
 */
class ChrononNodeProcessTest {
    private final List<Process> started = new ArrayList<>();
    private ActorTestKit member;

    @AfterEach
    void stopAll() {
        started.forEach(Process::destroyForcibly);
        if (member != null) {
            member.shutdownTestKit();
        }
    }

    /** Starts {@code ChrononNode} with these options; its stdout and stderr are read into {@code lines}. */
    private Process node(Path dir, BlockingQueue<String> lines, String... args) throws IOException {
        Path argfile = dir.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "@" + argfile.toAbsolutePath(),
                "io.chronon.node.ChrononNode"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        ChrononNodeIT.readLines(p, lines);
        return p;
    }

    private static String output(BlockingQueue<String> lines) {
        return String.join("\n", lines);
    }

    @Test
    void aNodeJoiningOthersOnTheFileStoreRefusesToStart(@TempDir Path dir) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = node(dir, lines, "--seed", "127.0.0.1:25520,127.0.0.1:25521", "--cluster-port", "0", "--port", "0",
                "--data-dir", dir.resolve("data").toString());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the node exits");
        assertEquals(2, p.exitValue(), output(lines));
        String out = output(lines);
        assertTrue(out.contains("Chronon node not started: This node joins a cluster of several nodes (seed nodes "
                + "pekko://chronon@127.0.0.1:25520, pekko://chronon@127.0.0.1:25521)"), out);
        assertTrue(out.contains("a cluster of several nodes needs shared storage, --storage cassandra"), out);
        assertTrue(Files.notExists(dir.resolve("data")), "nothing was written");
    }

    @Test
    void aBadOptionIsAUsageError(@TempDir Path dir) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = node(dir, lines, "--roles", "transactor,writer");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the node exits");
        assertEquals(2, p.exitValue(), output(lines));
        assertTrue(output(lines).contains("--roles: unknown role \"writer\" (roles: transactor, query, query-group:NAME)"), output(lines));
        assertTrue(output(lines).contains("Usage: ChrononNode [options]"), output(lines));
    }

    /** A node the cluster downs (here by another member; else by the split-brain resolver) exits non-zero. */
    @Test
    void aDownedNodeExitsItsJvm(@TempDir Path dir) throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = node(dir, lines, "--cluster-port", "0", "--no-http", "--data-dir", dir.resolve("data").toString());
        Pattern up = Pattern.compile("Chronon node up: (pekko://chronon@127\\.0\\.0\\.1:\\d+) roles .*");
        Address address = null;
        List<String> seen = new ArrayList<>();
        while (address == null) {
            String line = lines.poll(120, TimeUnit.SECONDS);
            assertNotNull(line, () -> "the node is up: " + String.join("\n", seen));
            seen.add(line);
            Matcher m = up.matcher(line);
            if (m.matches()) {
                address = AddressFromURIString.parse(m.group(1));
            }
        }
        // a plain Pekko member (no Chronon roles) joins the node, then downs it; joining needs
        // the node's downing provider and number of shards (Pekko checks them)
        member = ActorTestKit.create("chronon", ConfigFactory.parseString("""
                pekko.actor.provider = cluster
                pekko.cluster.downing-provider-class = "io.chronon.sharding.support.ChrononDowningProvider"
                pekko.cluster.sharding.number-of-shards = 100
                pekko.remote.artery.canonical.hostname = 127.0.0.1
                pekko.remote.artery.canonical.port = 0
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.loglevel = WARNING
                """).withFallback(ConfigFactory.load()));
        CountDownLatch joined = new CountDownLatch(1);
        org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(member.system())).registerOnMemberUp(joined::countDown);
        Cluster cluster = Cluster.get(member.system());
        cluster.manager().tell(new JoinSeedNodes(List.of(address)));
        assertTrue(joined.await(60, TimeUnit.SECONDS), () -> "the member joined the node: " + output(lines));
        cluster.manager().tell(new Down(address));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the downed node exits");
        assertEquals(255, p.exitValue(), "exit status -1: a supervisor sees a failure and restarts the node");
    }
}
