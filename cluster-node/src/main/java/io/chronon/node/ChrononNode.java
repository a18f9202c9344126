package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.node.http.ChrononHttpServer;
import io.chronon.node.http.HttpSettings;
import io.chronon.sharding.ChrononCluster;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import java.io.File;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Chronon server node: an actor system that joins its cluster (or forms a one-node
 * cluster alone), serves its roles (the transactors and the catalog, the query groups),
 * keeps its data in the embedded store under {@code chronon.storage.data-dir} (or the
 * storage kind configured), and serves the HTTP API ({@code chronon.http}, docs/http.md).
 *
 * <pre>
 * java -cp ... io.chronon.node.ChrononNode [--port N] [--cluster-port N] [--cluster-host ADDR]
 *      [--seed HOST:PORT]... [--roles LIST] [--data-dir DIR] [--config FILE] [--access-key KEY:SECRET]...
 *      [--storage KIND] [--cassandra HOST:PORT] [--keyspace NAME] [--new-cluster]
 * </pre>
 *
 * With no seed nodes the node forms a one-node cluster. With seed nodes ({@code --seed},
 * {@code chronon.node.seed-nodes}) it joins them; the first seed of the list forms the
 * cluster when it starts and no other seed answers. A node that joins other nodes must keep
 * its data in shared storage ({@code --storage cassandra}): it refuses to start on the
 * node-local file store (docs/operations.md). A node remembers the members of its cluster in
 * its data directory. When it has been a member of a cluster of several nodes it refuses to
 * start with a seed list naming no node but itself, and as the first seed of its list it
 * waits (up to {@code chronon.node.rejoin-seed-wait}) for another seed to accept a connection
 * and refuses to start when none does: either would form a second cluster
 * ({@link ClusterMembership}; {@code --new-cluster} overrides both).
 *
 * Configuration comes from {@code -D} system properties, then the command line's options,
 * then the {@code --config} file, then {@code chronon-node.conf} (defaults) and the modules'
 * {@code reference.conf}.
 */
public final class ChrononNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final CompletableFuture<ChrononCluster> ready = new CompletableFuture<>();
    private final String generatedAccessKey;
    private volatile ChrononHttpServer http;

    private ChrononNode(Config config) {
        String name = config.getString("chronon.node.system-name");
        Optional<String> storageWarning = checkSharedStorage(config);
        // refuses a node that would form a second cluster (docs/operations.md, "Seeds when a node restarts");
        // a former member that is the first seed waits here, before its actor system starts, for another seed
        ClusterMembership.Start membership = ClusterMembership.check(config);
        ClusterMembership.awaitOtherSeed(membership);
        boolean httpEnabled = config.getBoolean("chronon.http.enabled");
        HttpSettings httpSettings = HttpSettings.from(config);
        if (httpEnabled && httpSettings.accessKeys().isEmpty()) {
            generatedAccessKey = generateAccessKey();
            httpSettings = httpSettings.withAccessKeys(List.of(generatedAccessKey));
        } else {
            generatedAccessKey = null;
        }
        HttpSettings finalHttpSettings = httpSettings;
        this.system = ActorSystem.create(Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            // the file write is small but blocking
            ctx.spawn(ClusterMembership.recorder(config, membership), "chronon-cluster-membership",
                    DispatcherSelector.blocking());
            ctx.spawnAnonymous(Behaviors.<SelfUp>setup(up -> {
                cluster.subscriptions().tell(Subscribe.create(up.getSelf(), SelfUp.class));
                return Behaviors.receiveMessage(m -> {
                    ChrononCluster chronon = ChrononCluster.get(ctx.getSystem());
                    if (cluster.selfMember().hasRole(chronon.settings().transactorRole())) {
                        // from this child's handler: the system spawns it (ctx is the guardian's, not usable here)
                        ctx.getSystem().systemActorOf(StorageWarmUp.create(config), "chronon-storage-warm-up",
                                org.apache.pekko.actor.typed.Props.empty());
                    }
                    if (!httpEnabled) {
                        ready.complete(chronon);
                    } else {
                        ChrononHttpServer.start(ctx.getSystem(), chronon, finalHttpSettings).whenComplete((server, e) -> {
                            if (e != null) {
                                ready.completeExceptionally(e);
                            } else {
                                http = server;
                                ready.complete(chronon);
                            }
                        });
                    }
                    return Behaviors.stopped();
                });
            }));
            if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }
            storageWarning.ifPresent(w -> ctx.getLog().warn(w));
            return Behaviors.empty();
        }), name, config);
        // a node downed or refused before it was up never becomes ready
        system.getWhenTerminated().whenComplete((done, e) -> ready.completeExceptionally(
                new IllegalStateException("the node stopped before it was up in its cluster (see its log)")));
    }

    /**
     * Recovers an empty persistence id on the default storage kind's journal and snapshot
     * store, then stops: it starts their plugins (for Cassandra: connects the session and
     * prepares the statements) when the node comes up, so the first writer or catalog that
     * fails over to this node does not wait for that (seconds).
     */
    private static final class StorageWarmUp extends EventSourcedBehavior<StorageWarmUp.Stop, Object, Object> {
        enum Stop { INSTANCE }

        private final ActorContext<Stop> ctx;
        private final String journal;
        private final String snapshot;

        private StorageWarmUp(ActorContext<Stop> ctx, String journal, String snapshot) {
            super(PersistenceId.ofUniqueId("chronon-storage-warm-up"));
            this.ctx = ctx;
            this.journal = journal;
            this.snapshot = snapshot;
        }

        static Behavior<Stop> create(Config config) {
            String path = "chronon.storage.kinds." + ConfigUtil.quoteString(config.getString("chronon.storage.default-kind"));
            if (!config.hasPath(path + ".journal") || !config.hasPath(path + ".snapshot")) {
                return Behaviors.setup(ctx -> Behaviors.stopped());
            }
            Config kind = config.getConfig(path);
            // a failure is only worth a line: the first real writer connects by itself
            return Behaviors.supervise(Behaviors.<Stop>setup(ctx -> new StorageWarmUp(ctx, kind.getString("journal"),
                    kind.getString("snapshot")))).onFailure(SupervisorStrategy.stop().withLoggingEnabled(false));
        }

        @Override
        public String journalPluginId() {
            return journal;
        }

        @Override
        public String snapshotPluginId() {
            return snapshot;
        }

        @Override
        public Object emptyState() {
            return Boolean.TRUE;
        }

        @Override
        public CommandHandler<Stop, Object, Object> commandHandler() {
            return newCommandHandlerBuilder().forAnyState().onAnyCommand(c -> Effect().stop());
        }

        @Override
        public EventHandler<Object, Object> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> state);
        }

        @Override
        public SignalHandler<Object> signalHandler() {
            return newSignalHandlerBuilder()
                    .onSignal(RecoveryCompleted.instance(), state -> ctx.getSelf().tell(Stop.INSTANCE))
                    .onSignal(RecoveryFailed.class, (state, failed) -> ctx.getLog().warn(
                            "Storage warm-up of {} failed (writers starting here connect by themselves): {}", journal,
                            failed.getFailure().toString()))
                    .build();
        }
    }

    /** A fresh {@code key:secret} pair: a short key name and a 256-bit random secret. */
    private static String generateAccessKey() {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[6];
        byte[] secret = new byte[32];
        random.nextBytes(key);
        random.nextBytes(secret);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "key-" + b64.encodeToString(key) + ":" + b64.encodeToString(secret);
    }

    /**
     * The full configuration of a node: {@code overrides} on top of system properties, the
     * node defaults ({@code chronon-node.conf}) and every {@code reference.conf}. The seed
     * nodes of {@code chronon.node.seed-nodes} given as {@code HOST:PORT} become Pekko
     * addresses ({@code pekko://<system-name>@HOST:PORT}) in {@code pekko.cluster.seed-nodes}.
     *
     * @throws IllegalArgumentException for a bad seed node or an unknown role
     */
    public static Config config(Config overrides) {
        Config config = ConfigFactory.defaultOverrides()
                .withFallback(overrides)
                .withFallback(ConfigFactory.parseResources(ChrononNode.class.getClassLoader(), "chronon-node.conf"))
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve();
        String systemName = config.getString("chronon.node.system-name");
        List<String> roles = config.getStringList("chronon.node.roles");
        for (String role : roles) {
            checkRole("chronon.node.roles", role);
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("chronon.node.roles: a node serves at least one of " + ROLES);
        }
        List<String> seeds = new ArrayList<>();
        for (String seed : config.getStringList("chronon.node.seed-nodes")) {
            seeds.add(seedAddress("chronon.node.seed-nodes", seed, systemName));
        }
        if (seeds.isEmpty()) {
            // pekko.cluster.seed-nodes set directly (full addresses) still counts
            return config;
        }
        return config.withValue("chronon.node.seed-nodes", ConfigValueFactory.fromIterable(seeds))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }

    /**
     * Starts a node with this configuration (see {@link #config}). With
     * {@code chronon.http.enabled = false} it serves only the actor protocol.
     *
     * @throws IllegalArgumentException when the node would join other nodes while keeping its
     *         data on node-local files (see {@link #checkSharedStorage}), or would form a second
     *         cluster (see {@link ClusterMembership#check} and {@link ClusterMembership#awaitOtherSeed};
     *         a former member that is the first seed blocks here until another seed answers)
     */
    public static ChrononNode start(Config config) {
        return new ChrononNode(config);
    }

    /** The roles a node may have (besides {@code query-group:NAME}). */
    private static final String ROLES = "transactor, query, query-group:NAME";
    private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern FULL_ADDRESS = Pattern.compile("pekko://([^@/]+)@(.+)");

    /** Checks one role: {@code transactor}, {@code query} or {@code query-group:NAME}. */
    private static void checkRole(String source, String role) {
        if (role.equals("transactor") || role.equals("query")) {
            return;
        }
        if (role.startsWith("query-group:")) {
            String group = role.substring("query-group:".length());
            if (GROUP_NAME.matcher(group).matches()) {
                return;
            }
            throw new IllegalArgumentException(source + ": bad query group name \"" + group + "\" in role " + role
                    + " (a name is lower-case letters, digits and '-', starting with a letter or digit)");
        }
        throw new IllegalArgumentException(source + ": unknown role \"" + role + "\" (roles: " + ROLES + ")");
    }

    /**
     * The Pekko address of a seed node given as {@code HOST:PORT} or as a full address
     * {@code pekko://NAME@HOST:PORT} (whose NAME must be this node's system name).
     */
    static String seedAddress(String source, String seed, String systemName) {
        String s = seed.trim();
        Matcher full = FULL_ADDRESS.matcher(s);
        if (full.matches()) {
            if (!full.group(1).equals(systemName)) {
                throw new IllegalArgumentException(source + ": seed node " + s + " names actor system " + full.group(1)
                        + ", but this node's is " + systemName + " (chronon.node.system-name)");
            }
            s = full.group(2);
        }
        return "pekko://" + systemName + "@" + hostPort(source, s);
    }

    /** Checks {@code HOST:PORT} (an IPv6 host in brackets) with a port 1-65535; answers it as given. */
    private static String hostPort(String source, String v) {
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? "" : v.substring(0, colon);
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException ignored) {
            // reported below
        }
        boolean hostOk = !host.isEmpty() && host.chars().noneMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')
                && (host.indexOf(':') < 0 || (host.startsWith("[") && host.endsWith("]")));
        if (!hostOk || port < 1 || port > 65535) {
            throw new IllegalArgumentException(source + " takes HOST:PORT (e.g. 10.0.0.1:25520), not \"" + v + "\"");
        }
        return v;
    }

    /**
     * Refuses a node that joins other nodes while the storage kind of its databases or of
     * the catalog is node-local: writers and the catalog move between nodes, so files on one
     * node's disk would fork the data. Answers a warning for the {@code memory} kind, which
     * is allowed (nothing survives anyway).
     *
     * @throws IllegalArgumentException for the {@code file} kind in a cluster of several nodes
     */
    static Optional<String> checkSharedStorage(Config config) {
        String self = ClusterMembership.selfAddress(config);
        List<String> others = config.getStringList("pekko.cluster.seed-nodes").stream().filter(s -> !s.equals(self)).toList();
        if (others.isEmpty()) {
            return Optional.empty();
        }
        String defaultKind = config.getString("chronon.storage.default-kind");
        String catalogKind = config.getString("chronon.catalog.storage-kind");
        LinkedHashSet<String> kinds = new LinkedHashSet<>(List.of(defaultKind, catalogKind.isEmpty() ? defaultKind : catalogKind));
        if (kinds.contains("file")) {
            throw new IllegalArgumentException("This node joins a cluster of several nodes (seed nodes " + String.join(", ", others)
                    + ") but keeps its data on its own disk (storage kind file: chronon.storage.default-kind = " + defaultKind
                    + (catalogKind.isEmpty() ? "" : ", chronon.catalog.storage-kind = " + catalogKind) + "). "
                    + "Writers and the catalog move between the nodes, so node-local files would fork the data: "
                    + "a cluster of several nodes needs shared storage, --storage cassandra (docs/operations.md).");
        }
        if (kinds.contains("memory")) {
            return Optional.of("Storage kind memory in a cluster of several nodes: a database loses its data whenever"
                    + " its writer moves to another node. Use --storage cassandra to keep it.");
        }
        return Optional.empty();
    }

    /** Completes when this node is up in its cluster, Chronon runs on it and its HTTP port (if enabled) is bound. */
    public CompletionStage<ChrononCluster> ready() {
        return ready;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** The port the HTTP API is bound to, once {@link #ready}; -1 when HTTP is disabled. */
    public int httpPort() {
        ChrononHttpServer server = http;
        return server == null ? -1 : server.port();
    }

    /** The HTTP server, once {@link #ready}; empty when HTTP is disabled. */
    public Optional<ChrononHttpServer> http() {
        return Optional.ofNullable(http);
    }

    /**
     * The access key generated because none was configured ({@code key:secret}), or empty.
     * It is printed once by {@link #main}; it is never logged.
     */
    public Optional<String> generatedAccessKey() {
        return Optional.ofNullable(generatedAccessKey);
    }

    /** Leaves the cluster and stops the actor system (coordinated shutdown, which also unbinds HTTP). */
    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    private static final String USAGE = String.join("\n",
            "Usage: ChrononNode [options]",
            "  --port N                HTTP port (default 8998; 0 = any free port)",
            "  --host ADDR             HTTP address to bind (default 127.0.0.1)",
            "  --cluster-port N        Pekko remoting port (default 25520; 0 = any free port)",
            "  --cluster-host ADDR     the address other nodes reach this one at (default 127.0.0.1)",
            "  --seed HOST:PORT        a seed node of the cluster; repeatable, or a comma list.",
            "                          The first seed forms the cluster, so list the same seeds in the",
            "                          same order on every node (the first lists itself too).",
            "                          Without seeds: a one-node cluster. A node that has been a member",
            "                          of a cluster with other nodes (it remembers them in",
            "                          DIR/cluster-membership) refuses to start (status 2) when its",
            "                          seeds name no node but itself: it would form a second cluster,",
            "                          two writers of the same databases. Give it the other nodes as",
            "                          seeds. As the FIRST seed of its list it waits up to 30 s",
            "                          (chronon.node.rejoin-seed-wait) for another seed to accept a",
            "                          connection, and refuses to start (status 2) if none does",
            "                          (docs/operations.md, \"Seeds when a node restarts\").",
            "  --new-cluster           start a new cluster even though this node was a member of another",
            "                          (chronon.node.allow-new-cluster = on), at once, without waiting for",
            "                          other seeds: only when every node of the old cluster is stopped",
            "                          for good. Needed once: up alone, the node forgets the old members.",
            "  --roles LIST            comma list of roles: transactor (writers and the catalog), query",
            "                          (peers of the default query group), query-group:NAME (peers of",
            "                          query group NAME). Default: transactor,query",
            "  --data-dir DIR          where the embedded store keeps its data, and the node the",
            "                          members of its cluster (default ./data)",
            "  --config FILE           a HOCON file of settings (chronon.*, pekko.*)",
            "  --access-key KEY:SECRET an accepted HTTP access key; repeatable (rotation).",
            "                          Without one, a key is generated and printed once.",
            "  --storage KIND          the storage kind of new databases (file, memory, cassandra).",
            "                          A cluster of several nodes needs cassandra.",
            "  --cassandra HOST:PORT   the Cassandra contact point (with --storage cassandra)",
            "  --keyspace NAME         the Cassandra keyspace",
            "  --no-http               serve only the actor protocol",
            "  --help                  this text");

    /**
     * The configuration the command line asks for: options become their configuration keys,
     * over the {@code --config} file.
     *
     * @throws IllegalArgumentException for an unknown option or a missing or bad value
     */
    static Config parseArgs(String[] args) {
        Config flags = ConfigFactory.empty();
        Config file = ConfigFactory.empty();
        List<String> keys = new ArrayList<>();
        List<String> seeds = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-http")) {
                flags = flags.withValue("chronon.http.enabled", ConfigValueFactory.fromAnyRef(false));
                continue;
            }
            if (a.equals("--new-cluster")) {
                flags = flags.withValue(ClusterMembership.ALLOW_NEW_CLUSTER, ConfigValueFactory.fromAnyRef(true));
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unknown argument " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--port" -> flags = flags.withValue("chronon.http.port", ConfigValueFactory.fromAnyRef(port(a, v)));
                case "--host" -> flags = flags.withValue("chronon.http.host", ConfigValueFactory.fromAnyRef(v));
                case "--cluster-port" -> flags = flags.withValue("chronon.node.port", ConfigValueFactory.fromAnyRef(port(a, v)));
                case "--cluster-host" -> {
                    if (v.isBlank() || v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')) {
                        throw new IllegalArgumentException("--cluster-host takes a host name or IP address, not \"" + v + "\"");
                    }
                    flags = flags.withValue("chronon.node.hostname", ConfigValueFactory.fromAnyRef(v));
                }
                case "--seed" -> {
                    for (String seed : v.split(",", -1)) {
                        if (!FULL_ADDRESS.matcher(seed.trim()).matches()) {
                            hostPort("--seed", seed.trim());
                        }
                        seeds.add(seed.trim());
                    }
                }
                case "--roles" -> {
                    LinkedHashSet<String> roles = new LinkedHashSet<>();
                    for (String role : v.split(",", -1)) {
                        checkRole("--roles", role.trim());
                        roles.add(role.trim());
                    }
                    flags = flags.withValue("chronon.node.roles", ConfigValueFactory.fromIterable(roles));
                }
                case "--data-dir" -> flags = flags.withValue("chronon.storage.data-dir", ConfigValueFactory.fromAnyRef(v));
                case "--config" -> {
                    File f = new File(v);
                    if (!f.isFile()) {
                        throw new IllegalArgumentException("--config: no file " + v);
                    }
                    file = ConfigFactory.parseFile(f).withFallback(file);
                }
                case "--access-key" -> {
                    int colon = v.indexOf(':');
                    if (colon <= 0 || colon == v.length() - 1) {
                        throw new IllegalArgumentException("--access-key takes KEY:SECRET");
                    }
                    keys.add(v);
                }
                case "--storage" -> flags = flags.withValue("chronon.storage.default-kind", ConfigValueFactory.fromAnyRef(v));
                case "--cassandra" -> flags = flags.withValue("chronon.storage.cassandra.contact-point", ConfigValueFactory.fromAnyRef(v));
                case "--keyspace" -> flags = flags.withValue("chronon.storage.cassandra.keyspace", ConfigValueFactory.fromAnyRef(v));
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (!keys.isEmpty()) {
            flags = flags.withValue("chronon.http.access-keys", ConfigValueFactory.fromIterable(keys));
        }
        if (!seeds.isEmpty()) {
            flags = flags.withValue("chronon.node.seed-nodes", ConfigValueFactory.fromIterable(seeds));
        }
        return flags.withFallback(file);
    }

    private static int port(String option, String v) {
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(option + " takes a port number (0-65535), not " + v);
    }

    public static void main(String[] args) throws Exception {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        Config overrides;
        try {
            overrides = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Config config;
        ChrononNode node;
        try {
            config = config(overrides);
            node = start(config);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("Chronon node not started: " + e.getMessage());
            System.exit(2);
            return;
        }
        ChrononCluster chronon;
        try {
            chronon = node.ready().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Chronon node did not come up: " + e);
            System.exit(1);
            return;
        }
        System.out.println("Chronon node up: " + Cluster.get(node.system()).selfMember().address()
                + " roles " + Cluster.get(node.system()).selfMember().getRoles()
                + " data " + new File(config.getString("chronon.storage.data-dir")).getAbsolutePath()
                + " tx-functions " + chronon.settings().txFunctions().keySet());
        if (node.http != null) {
            System.out.println("Chronon HTTP API: http://" + config.getString("chronon.http.host") + ":" + node.httpPort()
                    + "/ (access keys: " + String.join(", ", node.http.accessKeyNames()) + ")");
        }
        node.generatedAccessKey().ifPresent(k -> System.out.println(
                "Generated access key (shown once; pass --access-key to choose your own): " + k));
    }
}
