package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node remembers of its cluster, so that it never forms a second cluster by itself
 * (docs/operations.md, "Seeds when a node restarts").
 *
 * <p>A node that has seen another Chronon node up in its cluster keeps the members it last
 * saw in {@code <chronon.storage.data-dir>/cluster-membership} (rewritten, atomically, when
 * they change; kept when the others leave). At start:
 * <ul>
 *   <li>if that file lists other members and the seed list names no node but this one (or
 *       is empty), the node would form a new cluster of its own while the others may still
 *       run theirs: it refuses to start, unless {@code chronon.node.allow-new-cluster} is on
 *       ({@code --new-cluster}), which also makes it forget the old members once it is up;</li>
 *   <li>if the file lists other members and this node is the first seed of a list naming
 *       others (Pekko lets the first seed form a new cluster when no other seed answers within
 *       {@code pekko.cluster.seed-node-timeout}), it tries TCP connections to the other seeds
 *       and warns loudly when none accepts one, and again if it then forms a cluster alone.</li>
 * </ul>
 */
final class ClusterMembership {
    static final String FILE_NAME = "cluster-membership";
    static final String ALLOW_NEW_CLUSTER = "chronon.node.allow-new-cluster";

    private static final Logger LOG = LoggerFactory.getLogger(ChrononNode.class);
    private static final Pattern ADDRESS = Pattern.compile("pekko://[^@/]+@(.+):(\\d+)");

    private ClusterMembership() {
    }

    /** The contents of the membership file: the members are the Chronon nodes it saw up (itself included). */
    record Record(String systemName, String self, List<String> seedNodes, List<String> members, String updated) {
        /** The members other than the one that wrote the record. */
        List<String> others() {
            return members.stream().filter(m -> !m.equals(self)).toList();
        }

        boolean sameAs(Record o) {
            return o != null && systemName.equals(o.systemName) && self.equals(o.self) && seedNodes.equals(o.seedNodes)
                    && members.equals(o.members);
        }
    }

    /** What the start-up check found, for the node that starts. */
    record Start(Path file, Optional<Record> previous, String self, List<String> otherSeeds, boolean firstSeed,
                 boolean newCluster, Duration probeWithin) {
        /** True when the node was a member of a cluster with other Chronon nodes. */
        boolean wasMember() {
            return previous.map(r -> !r.others().isEmpty()).orElse(false);
        }

        /** True when Pekko may let this node form a new cluster while the other seeds do not answer. */
        boolean mayFormAlone() {
            return wasMember() && firstSeed && !otherSeeds.isEmpty();
        }
    }

    /** The Pekko address this node binds, as seeds are written ({@code pekko://NAME@HOST:PORT}). */
    static String selfAddress(Config config) {
        return "pekko://" + config.getString("chronon.node.system-name") + "@"
                + config.getString("pekko.remote.artery.canonical.hostname") + ":"
                + config.getInt("pekko.remote.artery.canonical.port");
    }

    static Path file(Config config) {
        return Path.of(config.getString("chronon.storage.data-dir")).resolve(FILE_NAME);
    }

    /** The record in {@code file}, if there is one. @throws IllegalArgumentException when it cannot be read */
    static Optional<Record> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            Config c = ConfigFactory.parseString(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(new Record(c.getString("system-name"), c.getString("self"), c.getStringList("seed-nodes"),
                    c.getStringList("members"), c.hasPath("updated") ? c.getString("updated") : "?"));
        } catch (IOException | ConfigException e) {
            throw new IllegalArgumentException("This node cannot read " + file.toAbsolutePath() + " (" + e.getMessage()
                    + "), where it keeps the members of the cluster it was last in. Delete the file if this node"
                    + " joins its cluster through other seeds, or start it with --new-cluster (docs/operations.md).");
        }
    }

    /** Writes {@code record} to {@code file} through a temporary file renamed over it (no fsync). */
    static void write(Path file, Record record) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("system-name", record.systemName());
        m.put("self", record.self());
        m.put("seed-nodes", record.seedNodes());
        m.put("members", record.members());
        m.put("updated", record.updated());
        String text = "# Written by this Chronon node: the Chronon nodes it last saw up in its cluster (itself included).\n"
                + "# While it lists other nodes, the node refuses to start with a seed list naming no other node,\n"
                + "# which would form a second cluster (docs/operations.md, \"Seeds when a node restarts\").\n"
                + ConfigFactory.parseMap(m).root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                        .setComments(false).setJson(false));
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The start-up check (see the class comment).
     *
     * @throws IllegalArgumentException when the node was a member of a cluster of several
     *         Chronon nodes, its seed list names none of them but itself, and
     *         {@code chronon.node.allow-new-cluster} is off
     */
    static Start check(Config config) {
        String self = selfAddress(config);
        List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
        List<String> otherSeeds = seeds.stream().filter(s -> !s.equals(self)).distinct().toList();
        boolean firstSeed = !seeds.isEmpty() && seeds.get(0).equals(self);
        boolean allowNew = config.getBoolean(ALLOW_NEW_CLUSTER);
        Path file = file(config);
        Optional<Record> previous;
        try {
            previous = read(file);
        } catch (IllegalArgumentException e) {
            if (!otherSeeds.isEmpty() || allowNew) {
                LOG.warn("{} It is rewritten once this node sees its cluster.", e.getMessage());
                previous = Optional.empty();
            } else {
                throw e;
            }
        }
        Duration probeWithin = config.getDuration("pekko.cluster.seed-node-timeout");
        Start start = new Start(file, previous, self, otherSeeds, firstSeed, false, probeWithin);
        if (!start.wasMember() || !otherSeeds.isEmpty()) {
            return start;
        }
        Record was = previous.orElseThrow();
        String what = "This node was a member of a cluster of " + was.members().size() + " Chronon nodes ("
                + String.join(", ", was.members()) + "; last seen " + was.updated() + ", recorded in "
                + file.toAbsolutePath() + "), but its seed list names no other node ("
                + (seeds.isEmpty() ? "no seeds" : "seeds " + String.join(", ", seeds)) + ")";
        if (allowNew) {
            LOG.warn("{}. Starting a NEW cluster with it, as chronon.node.allow-new-cluster (--new-cluster) asks:"
                    + " if any node of the old cluster still runs, there will be two clusters, each with its own writer"
                    + " of the same databases. This node forgets the old members once it is up.", what);
            return new Start(file, previous, self, otherSeeds, firstSeed, true, probeWithin);
        }
        throw new IllegalArgumentException(what + ". Started like this it would form a new cluster of its own at once,"
                + " even while the others run theirs: two clusters, each with a writer of the same databases, and healthy"
                + " nodes downed when the two meet. List the other nodes as seeds, the same list in the same order on"
                + " every node (e.g. --seed " + seedList(was.members()) + "), so that this node joins them. If you really"
                + " mean to start a new cluster with this node (every other node of the old cluster is stopped for good),"
                + " start it once with --new-cluster (chronon.node.allow-new-cluster = on). See docs/operations.md,"
                + " \"Seeds when a node restarts\".");
    }

    /** {@code HOST:PORT,...} of these addresses. */
    private static String seedList(List<String> addresses) {
        List<String> out = new ArrayList<>();
        for (String a : addresses) {
            Matcher m = ADDRESS.matcher(a);
            out.add(m.matches() ? m.group(1) + ":" + m.group(2) : a);
        }
        return String.join(",", out);
    }

    /**
     * Tries TCP connections to {@code seeds} (Pekko addresses) until one accepts or
     * {@code within} has passed; completes with the seeds that accepted (empty: none did). Runs
     * on a thread of its own.
     */
    static CompletableFuture<List<String>> probe(List<String> seeds, Duration within) {
        CompletableFuture<List<String>> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + within.toNanos();
            List<String> accepted = new ArrayList<>();
            while (accepted.isEmpty()) {
                for (String seed : seeds) {
                    long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                    if (left > 0 && connects(seed, (int) Math.min(left, 1000))) {
                        accepted.add(seed);
                    }
                }
                if (!accepted.isEmpty() || System.nanoTime() - deadline >= 0) {
                    break;
                }
                try {
                    Thread.sleep(Math.min(250, Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis())));
                } catch (InterruptedException e) {
                    break;
                }
            }
            result.complete(List.copyOf(accepted));
        }, "chronon-seed-probe");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static boolean connects(String seed, int timeoutMillis) {
        Matcher m = ADDRESS.matcher(seed);
        if (!m.matches()) {
            return false;
        }
        String host = m.group(1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, Integer.parseInt(m.group(2))), timeoutMillis);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Starts the probe of a node that may form a cluster alone (see {@link Start#mayFormAlone});
     * logs the warning when no other seed accepts a connection. Answers the probe, or null.
     */
    static CompletableFuture<List<String>> warnIfFormingAlone(Start start) {
        if (!start.mayFormAlone()) {
            return null;
        }
        Record was = start.previous().orElseThrow();
        CompletableFuture<List<String>> probe = probe(start.otherSeeds(), start.probeWithin());
        probe.thenAccept(accepted -> {
            if (accepted.isEmpty()) {
                LOG.warn("This node was a member of a cluster of {} Chronon nodes ({}; recorded in {}) and is the FIRST seed"
                                + " of its list, so it forms a new cluster when no other seed answers within"
                                + " pekko.cluster.seed-node-timeout ({}). None of the other seeds ({}) accepted a TCP"
                                + " connection within {}. If they are all stopped (a full-cluster restart), that is right:"
                                + " the others join this node when they start. If they are RUNNING but this node cannot reach"
                                + " them (a network partition, a firewall, a wrong address), it forms a SECOND cluster: two"
                                + " writers of the same databases, and healthy nodes downed when the clusters meet. Then stop"
                                + " this node now and fix its network or its seeds (docs/operations.md, \"Seeds when a node"
                                + " restarts\").",
                        was.members().size(), String.join(", ", was.members()), start.file().toAbsolutePath(),
                        text(start.probeWithin()), String.join(", ", start.otherSeeds()), text(start.probeWithin()));
            }
        });
        return probe;
    }

    /** {@code 5 s}, {@code 500 ms}. */
    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** True for a member that is a Chronon node (not a Pekko application joined with no Chronon role). */
    static boolean isChrononNode(Member m) {
        return m.getRoles().stream().anyMatch(r -> r.equals("transactor") || r.equals("query") || r.startsWith("query-group:"));
    }

    /**
     * Keeps the membership file up to date: whenever this node is up and sees at least one
     * other Chronon node up, the set of Chronon nodes up (itself included) is written if it
     * changed. A cluster that shrinks to this node alone keeps the last record. With
     * {@code start.newCluster()}, the old record is forgotten (deleted) once this node is up
     * alone.
     */
    static Behavior<ClusterEvent.MemberEvent> recorder(Config config, Start start, CompletableFuture<List<String>> probe) {
        return Behaviors.setup(ctx -> {
            org.apache.pekko.cluster.Cluster cluster = org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(ctx.getSystem()));
            cluster.subscribe(Adapter.toClassic(ctx.getSelf()), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class);
            String systemName = config.getString("chronon.node.system-name");
            List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
            Map<String, Member> up = new LinkedHashMap<>();
            Record[] written = {start.previous().orElse(null)};
            boolean[] selfWasUp = {false};
            return Behaviors.receive(ClusterEvent.MemberEvent.class)
                    .onAnyMessage(event -> {
                        Member m = event.member();
                        if (m.status() == MemberStatus.up() && isChrononNode(m)) {
                            up.put(m.address().toString(), m);
                        } else {
                            up.remove(m.address().toString());
                        }
                        String self = cluster.selfAddress().toString();
                        if (!up.containsKey(self)) {
                            return Behaviors.same();
                        }
                        TreeSet<String> members = new TreeSet<>(up.keySet());
                        if (!selfWasUp[0]) {
                            selfWasUp[0] = true;
                            if (members.size() == 1 && start.newCluster()) {
                                try {
                                    Files.deleteIfExists(start.file());
                                    written[0] = null;
                                    LOG.warn("This node formed a new cluster (--new-cluster): it forgot the members"
                                            + " of its old cluster ({})", String.join(", ", start.previous().orElseThrow().members()));
                                } catch (IOException e) {
                                    LOG.warn("Could not delete {}: {}", start.file().toAbsolutePath(), e.toString());
                                }
                            } else if (members.size() == 1 && probe != null) {
                                probe.thenAccept(accepted -> {
                                    if (accepted.isEmpty()) {
                                        LOG.warn("This node FORMED A NEW CLUSTER ALONE: it was a member of a cluster of {} Chronon"
                                                        + " nodes ({}) and none of the other seeds ({}) answered. If any of them"
                                                        + " is running, there are now two clusters: stop this node"
                                                        + " (docs/operations.md, \"Seeds when a node restarts\").",
                                                start.previous().orElseThrow().members().size(),
                                                String.join(", ", start.previous().orElseThrow().members()),
                                                String.join(", ", start.otherSeeds()));
                                    }
                                });
                            }
                        }
                        if (members.size() < 2) {
                            return Behaviors.same();
                        }
                        Record now = new Record(systemName, self, seeds, List.copyOf(members), Instant.now().toString());
                        if (!now.sameAs(written[0])) {
                            try {
                                write(start.file(), now);
                                written[0] = now;
                            } catch (IOException e) {
                                LOG.warn("Could not record the cluster's members in {}: {}",
                                        start.file().toAbsolutePath(), e.toString());
                            }
                        }
                        return Behaviors.same();
                    })
                    .build();
        });
    }
}
