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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a node remembers of its cluster, so that it never forms a second cluster by itself
 * (docs/operations.md, "Seeds when a node restarts").
 *
 * <p>A node that has seen another Chronon node up in its cluster keeps the members it last
 * saw in {@code <chronon.storage.data-dir>/cluster-membership} (rewritten, atomically, when
 * they change; kept when the others leave). At start, before its actor system starts:
 * <ul>
 *   <li>if that file lists other members and the seed list names no node but this one (or
 *       is empty), the node would form a new cluster of its own at once while the others may
 *       still run theirs: it refuses to start ({@link #check});</li>
 *   <li>if the file lists other members and this node is the first seed of a list naming
 *       others (the one node Pekko lets form a new cluster when no other seed answers within
 *       {@code pekko.cluster.seed-node-timeout}), it waits up to
 *       {@code chronon.node.rejoin-seed-wait} for another seed to accept a TCP connection, and
 *       refuses to start when none does ({@link #awaitOtherSeed}): cut off from the others by
 *       a partition, it would form a second cluster that never merges with theirs. In a
 *       full-cluster restart the other seeds, which only ever join, open their ports at once,
 *       so the first seed finds one and starts. Once started, it also waits up to
 *       {@code rejoin-seed-wait} (not Pekko's 5 s) for an answer to its join request
 *       ({@link #systemConfig}): an open port under heavy load may answer late;</li>
 *   <li>{@code chronon.node.allow-new-cluster} ({@code --new-cluster}) starts such a node at
 *       once; if it is then up alone it forgets the old members.</li>
 * </ul>
 * Every other node (no record of other members, or not the first seed) starts at once.
 */
final class ClusterMembership {
    static final String FILE_NAME = "cluster-membership";
    static final String ALLOW_NEW_CLUSTER = "chronon.node.allow-new-cluster";
    static final String REJOIN_SEED_WAIT = "chronon.node.rejoin-seed-wait";
    static final String SEED_NODE_TIMEOUT = "pekko.cluster.seed-node-timeout";
    /** How often each other seed is tried while a first seed waits. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(250);

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

    /**
     * What the start-up check found, for the node that starts. {@code newCluster}: it was a
     * member and starts as {@code chronon.node.allow-new-cluster} asks, so it forgets the old
     * members if it is then up alone.
     */
    record Start(Path file, Optional<Record> previous, String self, List<String> otherSeeds, boolean firstSeed,
                 boolean newCluster, Duration seedWait) {
        /** True when the node was a member of a cluster with other Chronon nodes. */
        boolean wasMember() {
            return previous.map(r -> !r.others().isEmpty()).orElse(false);
        }

        /**
         * True when the node must wait for another seed before it starts: it was a member, is
         * the first seed of a list naming others (Pekko would let it form a cluster alone) and
         * was not told to start a new cluster.
         */
        boolean mustWaitForSeed() {
            return wasMember() && firstSeed && !otherSeeds.isEmpty() && !newCluster;
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
                + "# While it lists other nodes, the node refuses to start with a seed list naming no other node, and\n"
                + "# as the first seed of its list it waits for another seed and refuses to start when none answers:\n"
                + "# either would form a second cluster (docs/operations.md, \"Seeds when a node restarts\").\n"
                + ConfigFactory.parseMap(m).root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                        .setComments(false).setJson(false));
        Path dir = file.toAbsolutePath().getParent();
        io.chronon.storage.file.OwnerOnly.createDirectories(dir);
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        io.chronon.storage.file.OwnerOnly.writeString(tmp, text);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The start-up check (see the class comment); logs which case applies.
     *
     * @throws IllegalArgumentException when the node was a member of a cluster of several
     *         Chronon nodes, its seed list names none of them but itself, and
     *         {@code chronon.node.allow-new-cluster} is off; or for a bad
     *         {@code chronon.node.rejoin-seed-wait}
     */
    static Start check(Config config) {
        String self = selfAddress(config);
        List<String> seeds = config.getStringList("pekko.cluster.seed-nodes");
        List<String> otherSeeds = seeds.stream().filter(s -> !s.equals(self)).distinct().toList();
        boolean firstSeed = !seeds.isEmpty() && seeds.get(0).equals(self);
        boolean allowNew = config.getBoolean(ALLOW_NEW_CLUSTER);
        Duration seedWait = config.getDuration(REJOIN_SEED_WAIT);
        if (seedWait.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(REJOIN_SEED_WAIT + " must be at least 1s, not " + text(seedWait)
                    + " (to start a new cluster without waiting, use --new-cluster)");
        }
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
        boolean wasMember = previous.map(r -> !r.others().isEmpty()).orElse(false);
        // only a node that may form a cluster alone starts a new one (a later seed only ever joins)
        boolean newCluster = wasMember && allowNew && (otherSeeds.isEmpty() || firstSeed);
        Start start = new Start(file, previous, self, otherSeeds, firstSeed, newCluster, seedWait);
        if (!wasMember) {
            LOG.info("Cluster start: no record of other members ({}), so this node starts at once; {}.",
                    file.toAbsolutePath(), seeds.isEmpty() || otherSeeds.isEmpty() ? "it forms a one-node cluster"
                            : firstSeed ? "as the first seed it forms the cluster if no other seed answers"
                            : "it joins its cluster through the seeds");
            return start;
        }
        Record was = previous.orElseThrow();
        String member = "This node was a member of a cluster of " + was.members().size() + " Chronon nodes ("
                + String.join(", ", was.members()) + "; last seen " + was.updated() + ", recorded in "
                + file.toAbsolutePath() + ")";
        if (!otherSeeds.isEmpty() && !firstSeed) {
            LOG.info("Cluster start: {} and is not the first seed of its list, so it starts at once and only joins"
                    + " (through {}): it never forms a cluster alone.", member, String.join(", ", otherSeeds));
            return start;
        }
        if (!otherSeeds.isEmpty() && !allowNew) {
            LOG.info("Cluster start: {} and is the FIRST seed of its list, so it waits up to {} ({}) for another seed"
                            + " ({}) to accept a TCP connection before it starts, and refuses to start if none does.",
                    member, text(seedWait), REJOIN_SEED_WAIT, String.join(", ", otherSeeds));
            return start;
        }
        if (!otherSeeds.isEmpty()) {
            LOG.warn("{} and is the FIRST seed of its list. chronon.node.allow-new-cluster (--new-cluster) is on, so it"
                    + " starts at once without waiting for another seed ({}): if none answers within"
                    + " pekko.cluster.seed-node-timeout, it forms a NEW cluster and forgets the old members. If any node of"
                    + " the old cluster still runs, there will be two clusters, each with its own writer of the same"
                    + " databases.", member, String.join(", ", otherSeeds));
            return start;
        }
        String what = member + ", but its seed list names no other node ("
                + (seeds.isEmpty() ? "no seeds" : "seeds " + String.join(", ", seeds)) + ")";
        if (allowNew) {
            LOG.warn("{}. Starting a NEW cluster with it, as chronon.node.allow-new-cluster (--new-cluster) asks:"
                    + " if any node of the old cluster still runs, there will be two clusters, each with its own writer"
                    + " of the same databases. This node forgets the old members once it is up.", what);
            return start;
        }
        throw new IllegalArgumentException(what + ". Started like this it would form a new cluster of its own at once,"
                + " even while the others run theirs: two clusters, each with a writer of the same databases, and healthy"
                + " nodes downed when the two meet. List the other nodes as seeds, the same list in the same order on"
                + " every node (e.g. --seed " + seedList(was.members()) + "), so that this node joins them. If you really"
                + " mean to start a new cluster with this node (every other node of the old cluster is stopped for good),"
                + " start it once with --new-cluster (chronon.node.allow-new-cluster = on). See docs/operations.md,"
                + " \"Seeds when a node restarts\".");
    }

    /**
     * For a node that {@linkplain Start#mustWaitForSeed must wait}: blocks until another seed
     * accepts a TCP connection, or refuses when none does within {@code start.seedWait()}.
     * Answers at once for every other node.
     *
     * @throws IllegalArgumentException when no other seed accepted a connection in time
     */
    static void awaitOtherSeed(Start start) {
        if (!start.mustWaitForSeed()) {
            return;
        }
        long t0 = System.nanoTime();
        Optional<String> accepted = firstToAccept(start.otherSeeds(), start.seedWait());
        if (accepted.isPresent()) {
            LOG.info("Cluster start: seed {} accepted a TCP connection after {} ms; starting, and waiting up to {}"
                            + " for the other seeds to answer whether they are in a cluster (only when all say they are"
                            + " not, or none answers in that time, does this node form the cluster).", accepted.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), text(start.seedWait()));
            return;
        }
        Record was = start.previous().orElseThrow();
        throw new IllegalArgumentException("This node was a member of a cluster of " + was.members().size()
                + " Chronon nodes (" + String.join(", ", was.members()) + "; last seen " + was.updated() + ", recorded in "
                + start.file().toAbsolutePath() + ") and is the FIRST seed of its list, the one node that forms a new"
                + " cluster when no other seed answers. None of the other seeds (" + String.join(", ", start.otherSeeds())
                + ") accepted a TCP connection within " + text(start.seedWait()) + " (" + REJOIN_SEED_WAIT + "). Started"
                + " now, it would form a cluster of its own: if the others run but cannot be reached (a network"
                + " partition, a firewall, a wrong address), that is a SECOND cluster, with a second writer of every"
                + " database, which never merges with the first. Restore connectivity to the other seeds (a supervisor"
                + " that restarts this node retries), or start them if they are stopped: this node starts as soon as one"
                + " of them runs. If the other nodes are gone for good, start this node once with --new-cluster"
                + " (chronon.node.allow-new-cluster = on). See docs/operations.md, \"Seeds when a node restarts\".");
    }

    /**
     * The configuration the actor system starts with. For a node that {@linkplain
     * Start#mustWaitForSeed must wait}, Pekko's {@code seed-node-timeout} is raised to
     * {@code chronon.node.rejoin-seed-wait}: as the first seed, Pekko forms a new cluster when
     * no other seed answers its join request within that timeout (5 s by default), and the
     * TCP accept this node waited for says only that another seed's port is open, not that its
     * node answers in time. Under heavy load (or with a seed paused) an answer can take longer
     * than 5 s, and the restarted first seed formed a second cluster. A full-cluster restart is
     * not slowed by the longer timeout: seeds that are not members yet answer at once that they
     * are not, and the first seed forms the cluster as soon as every other seed has said so.
     * Every other node starts with {@code config} unchanged.
     */
    static Config systemConfig(Config config, Start start) {
        if (!start.mustWaitForSeed()) {
            return config;
        }
        Duration pekko = config.getDuration(SEED_NODE_TIMEOUT);
        if (pekko.compareTo(start.seedWait()) >= 0) {
            return config;
        }
        return config.withValue(SEED_NODE_TIMEOUT, ConfigValueFactory.fromAnyRef(start.seedWait().toMillis() + "ms"));
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
     * Tries TCP connections to every one of {@code seeds} (Pekko addresses) at once, each
     * again every {@link #PROBE_INTERVAL}, until one accepts or {@code within} has passed.
     * Answers the first seed that accepted, or empty. Blocks the caller.
     */
    static Optional<String> firstToAccept(List<String> seeds, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        CompletableFuture<String> accepted = new CompletableFuture<>();
        List<Thread> probes = new ArrayList<>();
        for (String seed : seeds) {
            Thread t = new Thread(() -> {
                while (!accepted.isDone()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        return;
                    }
                    if (connects(seed, (int) Math.min(left, 1000))) {
                        accepted.complete(seed);
                        return;
                    }
                    left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    try {
                        Thread.sleep(Math.max(1, Math.min(PROBE_INTERVAL.toMillis(), left)));
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "chronon-seed-probe");
            t.setDaemon(true);
            probes.add(t);
            t.start();
        }
        try {
            return Optional.of(accepted.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (TimeoutException e) {
            return Optional.ofNullable(accepted.getNow(null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.ofNullable(accepted.getNow(null));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            accepted.cancel(false);
            probes.forEach(Thread::interrupt);
        }
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
     * {@code start.newCluster()}, the old record is forgotten (deleted) when this node is
     * first up alone. A node that {@linkplain Start#mustWaitForSeed had to wait} for another
     * seed and is still up alone {@code rejoin-seed-wait} after it came up formed a cluster of
     * its own while its old cluster may run: that is logged as an error.
     */
    static Behavior<Object> recorder(Config config, Start start) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            org.apache.pekko.cluster.Cluster cluster = org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(ctx.getSystem()));
            cluster.subscribe(Adapter.toClassic(ctx.getSelf()), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class);
            Recorder recorder = new Recorder(config, start, cluster.selfAddress().toString());
            return Behaviors.receive(Object.class)
                    .onMessage(ClusterEvent.MemberEvent.class, event -> {
                        if (recorder.memberEvent(event)) {
                            timers.startSingleTimer(ALONE_CHECK, start.seedWait());
                        }
                        return Behaviors.same();
                    })
                    .onMessageEquals(ALONE_CHECK, () -> {
                        recorder.checkAlone();
                        return Behaviors.same();
                    })
                    .build();
        }));
    }

    private static final String ALONE_CHECK = "alone-check";

    /** The state of {@link #recorder}. */
    private static final class Recorder {
        private final Start start;
        private final String systemName;
        private final List<String> seeds;
        private final String self;
        private final Map<String, Member> up = new LinkedHashMap<>();
        private Record written;
        private boolean selfWasUp;

        Recorder(Config config, Start start, String self) {
            this.start = start;
            this.systemName = config.getString("chronon.node.system-name");
            this.seeds = config.getStringList("pekko.cluster.seed-nodes");
            this.self = self;
            this.written = start.previous().orElse(null);
        }

        /** Records the change; true when this node has just come up alone after waiting for another seed. */
        boolean memberEvent(ClusterEvent.MemberEvent event) {
            Member m = event.member();
            if (m.status() == MemberStatus.up() && isChrononNode(m)) {
                up.put(m.address().toString(), m);
            } else {
                up.remove(m.address().toString());
            }
            if (!up.containsKey(self)) {
                return false;
            }
            TreeSet<String> members = new TreeSet<>(up.keySet());
            boolean firstUpAlone = false;
            if (!selfWasUp) {
                selfWasUp = true;
                if (members.size() == 1 && start.newCluster()) {
                    forgetOldMembers();
                }
                firstUpAlone = members.size() == 1 && start.mustWaitForSeed();
            }
            if (members.size() >= 2) {
                Record now = new Record(systemName, self, seeds, List.copyOf(members), Instant.now().toString());
                if (!now.sameAs(written)) {
                    try {
                        write(start.file(), now);
                        written = now;
                    } catch (IOException e) {
                        LOG.warn("Could not record the cluster's members in {}: {}", start.file().toAbsolutePath(),
                                e.toString());
                    }
                }
            }
            return firstUpAlone;
        }

        private void forgetOldMembers() {
            List<String> old = start.previous().orElseThrow().members();
            try {
                Files.deleteIfExists(start.file());
                written = null;
                LOG.warn("This node FORMED A NEW CLUSTER ALONE, as chronon.node.allow-new-cluster (--new-cluster) asked,"
                        + " and forgot the members of its old cluster ({}). If any of them still runs, there are now two"
                        + " clusters: stop this node (docs/operations.md, \"Seeds when a node restarts\").",
                        String.join(", ", old));
            } catch (IOException e) {
                LOG.warn("Could not delete {}: {}", start.file().toAbsolutePath(), e.toString());
            }
        }

        /**
         * A first seed that formed the cluster is joined by the other seeds at once in a full
         * restart; still alone after the wait, it formed a cluster of its own.
         */
        void checkAlone() {
            if (up.size() != 1 || !up.containsKey(self)) {
                return;
            }
            List<String> old = start.previous().orElseThrow().members();
            LOG.error("This node FORMED A CLUSTER OF ITS OWN: it was a member of a cluster of {} Chronon nodes ({}), and"
                    + " {} after it came up as the first seed no other node has joined it. If those nodes run (their"
                    + " seeds did not answer this node's join request within {}, {}), there are now two clusters, each"
                    + " with a writer of the same databases (the journal's fence keeps their logs from forking): stop"
                    + " this node and start it again so that it joins them (docs/operations.md, \"Seeds when a node"
                    + " restarts\").", old.size(), String.join(", ", old), text(start.seedWait()), text(start.seedWait()),
                    REJOIN_SEED_WAIT);
        }
    }
}
