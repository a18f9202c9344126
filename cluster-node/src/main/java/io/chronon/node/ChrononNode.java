package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.chronon.node.config.NodeConfiguration;
import io.chronon.node.config.NodeOptions;
import io.chronon.node.config.UsageErrors;
import io.chronon.node.http.ChrononHttpServer;
import io.chronon.node.http.HttpSettings;
import io.chronon.node.tls.ClusterTls;
import io.chronon.node.tls.ServerTls;
import io.chronon.sharding.ChrononCluster;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;
import picocli.CommandLine;

import java.io.File;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Chronon server node: an actor system that joins its cluster (or forms a one-node
 * cluster alone), serves its roles (the transactors and the catalog, the query groups),
 * keeps its data in the embedded store under {@code chronon.storage.data-dir} (or the
 * storage kind configured), and serves the HTTP API ({@code chronon.http}, docs/http.md).
 *
 * <pre>
 * java -cp ... io.chronon.node.ChrononNode [--port N] [--host ADDR] [--cluster-port N] [--cluster-host ADDR]
 *      [--seed HOST:PORT]... [--roles LIST] [--data-dir DIR] [--config FILE] [--access-key KEY:SECRET]...
 *      [--storage KIND] [--cassandra HOST:PORT] [--keyspace NAME] [--new-cluster] [--no-http] [--help]
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
 * Configuration comes from {@code -D} system properties, then the command line's options
 * ({@link NodeOptions}), then the {@code --config} file, then {@code chronon-node.conf}
 * (defaults) and the modules' {@code reference.conf} ({@link NodeConfiguration}).
 */
public final class ChrononNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final CompletableFuture<ChrononCluster> ready = new CompletableFuture<>();
    /** The built-in administrator's generated password if this node created it (first start of the cluster). */
    private final CompletableFuture<Optional<String>> adminPassword = new CompletableFuture<>();
    private volatile ChrononHttpServer http;
    /** Milliseconds since the JVM started at each step of the start (see {@link #startupSummary}). */
    private final long checkedAt;
    private final long systemAt;
    private volatile long upAt;
    private volatile long readyAt;

    private ChrononNode(Config config) {
        String name = config.getString("chronon.node.system-name");
        Optional<String> storageWarning = checkSharedStorage(config);
        // refuses a node that would form a second cluster (docs/operations.md, "Seeds when a node restarts");
        // a former member that is the first seed waits here, before its actor system starts, for another seed
        ClusterMembership.Start membership = ClusterMembership.check(config);
        ClusterMembership.awaitOtherSeed(membership);
        boolean httpEnabled = config.getBoolean("chronon.http.enabled");
        HttpSettings finalHttpSettings = HttpSettings.from(config);
        // before the actor system: a certificate that does not load, or plain HTTP off loopback, refuses the start
        Optional<ServerTls> httpTls = httpEnabled ? ServerTls.from(config) : Optional.empty();
        // remoting over mutual TLS, or refused off loopback; the stores' password only in the actor system's config
        Config systemConfig = ClusterTls.systemConfig(ClusterMembership.systemConfig(config, membership));
        checkedAt = sinceJvmStart();
        this.system = ActorSystem.create(Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            // the file write is small but blocking
            ctx.spawn(ClusterMembership.recorder(config, membership), "chronon-cluster-membership",
                    DispatcherSelector.blocking());
            ctx.spawnAnonymous(Behaviors.<SelfUp>setup(up -> {
                cluster.subscriptions().tell(Subscribe.create(up.getSelf(), SelfUp.class));
                return Behaviors.receiveMessage(m -> {
                    upAt = sinceJvmStart();
                    ChrononCluster chronon = ChrononCluster.get(ctx.getSystem());
                    if (cluster.selfMember().hasRole(chronon.settings().transactorRole())) {
                        // from this child's handler: the system spawns it (ctx is the guardian's, not usable here)
                        ctx.getSystem().systemActorOf(StorageWarmUp.create(config), "chronon-storage-warm-up",
                                Props.empty());
                    }
                    if (!httpEnabled) {
                        readyAt = sinceJvmStart();
                        ready.complete(chronon);
                    } else {
                        ChrononHttpServer.start(ctx.getSystem(), chronon, finalHttpSettings, httpTls).whenComplete((server, e) -> {
                            if (e != null) {
                                ready.completeExceptionally(e);
                            } else {
                                http = server;
                                readyAt = sinceJvmStart();
                                ready.complete(chronon);
                                AdminBootstrap.run(ctx.getSystem(), java.nio.file.Path.of(config.getString("chronon.storage.data-dir")))
                                        .whenComplete((password, failure) -> {
                                            if (failure != null) {
                                                adminPassword.completeExceptionally(failure);
                                            } else {
                                                adminPassword.complete(password);
                                            }
                                        });
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
        }), name, systemConfig);
        systemAt = sinceJvmStart();
        // a node downed or refused before it was up never becomes ready
        system.getWhenTerminated().whenComplete((done, e) -> ready.completeExceptionally(
                new IllegalStateException("the node stopped before it was up in its cluster (see its log)")));
    }

    /**
     * The full configuration of a node: {@code overrides} on top of system properties, the
     * node defaults ({@code chronon-node.conf}) and every {@code reference.conf}, with the seed
     * nodes as Pekko addresses ({@link NodeConfiguration#layered}).
     *
     * @throws IllegalArgumentException for a bad seed node or an unknown role
     */
    public static Config config(Config overrides) {
        return NodeConfiguration.layered(overrides);
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

    private static long sinceJvmStart() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /**
     * Where the start's time went, once {@link #ready}: from the JVM's start to the checks done
     * (class loading, configuration, the cluster-membership checks and any wait for another
     * seed), to the actor system created, to this node up in its cluster, to the HTTP port bound.
     */
    public String startupSummary() {
        return String.format(java.util.Locale.ROOT,
                "up %.2f s after the JVM started: JVM, configuration and checks %.2f s, actor system %.2f s, "
                        + "joining the cluster %.2f s, Chronon and HTTP %.2f s",
                readyAt / 1000.0, checkedAt / 1000.0, (systemAt - checkedAt) / 1000.0, (upAt - systemAt) / 1000.0,
                (readyAt - upAt) / 1000.0);
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
     * Completes with the built-in administrator's generated password when this node created
     * the administrator (the cluster's first start; also in {@code DATA-DIR/admin-password},
     * readable by its owner only), empty when it existed already. {@link #serve} prints it
     * once; it is never logged.
     */
    public CompletionStage<Optional<String>> adminPassword() {
        return adminPassword;
    }

    /** Leaves the cluster and stops the actor system (coordinated shutdown, which also unbinds HTTP). */
    @Override
    public void close() {
        system.terminate();
        try {
            // bounded: a remoting stream that never completes must not hold the caller for ever
            system.getWhenTerminated().toCompletableFuture().get(CLOSE_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(ChrononNode.class).warn(
                    "The node's actor system did not terminate within {} s; giving up waiting", CLOSE_TIMEOUT_SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("The node's actor system failed to terminate", e.getCause());
        }
    }

    private static final long CLOSE_TIMEOUT_SECONDS = 60;

    /**
     * The configuration the command line asks for: options become their configuration keys,
     * over the {@code --config} file ({@link NodeOptions#parse}, here beside {@link #config}
     * for the tests of both).
     *
     * @throws IllegalArgumentException for an unknown option or a missing or bad value
     */
    static Config parseArgs(String[] args) {
        return NodeOptions.parse(args);
    }

    /** Starts a node with the command line's options; the JVM exits with status 2 for a usage error or a refused start, 1 if the node does not come up. */
    public static void main(String[] args) {
        NodeOptions options = new NodeOptions();
        int status = NodeOptions.commandLine(options).setCommandName("ChrononNode")
                .setParameterExceptionHandler((e, given) -> UsageErrors.report(e, ""))
                .setExecutionStrategy(parsed -> {
                    Integer help = CommandLine.executeHelpRequest(parsed);
                    return help != null ? help : serve(options);
                })
                .execute(args);
        // a node that came up runs on in its actor system's threads
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Starts a node with these options and prints where it serves (and, at the cluster's
     * first start, the built-in administrator's password); answers the exit status: 0 when it is up (it runs on), 2 when it refuses
     * to start (the reason printed), 1 when it does not come up within two minutes.
     */
    public static int serve(NodeOptions options) {
        Config config;
        ChrononNode node;
        try {
            config = config(options.overrides());
            node = start(config);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("Chronon node not started: " + e.getMessage());
            return 2;
        }
        ChrononCluster chronon;
        try {
            chronon = node.ready().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(),
                    java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("Chronon node did not come up: " + e);
            return 1;
        }
        System.out.println("Chronon node up: " + Cluster.get(node.system()).selfMember().address()
                + " roles " + Cluster.get(node.system()).selfMember().getRoles()
                + " data " + new File(config.getString("chronon.storage.data-dir")).getAbsolutePath()
                + " tx-functions " + chronon.settings().txFunctions().keySet()
                + " tx-predicates " + new java.util.TreeSet<>(predicateNames(chronon.settings())));
        if (node.http != null) {
            System.out.println("Chronon HTTP API: " + (node.http.secure() ? "https" : "http") + "://"
                    + config.getString("chronon.http.host") + ":" + node.httpPort() + "/"
                    + (node.http.accessKeyNames().isEmpty() ? ""
                            : " (development access keys: " + String.join(", ", node.http.accessKeyNames()) + ")"));
        }
        System.out.println("Chronon node " + node.startupSummary());
        // the administrator is created once per cluster, by the first node to ask; its password is shown here once
        node.adminPassword().thenAccept(p -> p.ifPresent(password -> System.out.println(
                "Built-in administrator created: user " + io.chronon.sharding.access.AccessModel.ADMIN + ", password " + password
                        + " (shown once; also in " + new File(config.getString("chronon.storage.data-dir"), AdminBootstrap.FILE)
                        .getAbsolutePath() + ", readable by its owner only)")));
        return 0;
    }

    /** The registered predicates' names, of both kinds, for the start-up line. */
    private static java.util.Set<String> predicateNames(io.chronon.sharding.support.ChrononSettings settings) {
        java.util.Set<String> names = new java.util.HashSet<>();
        settings.attrPredicates().keySet().forEach(n -> names.add(n.toString()));
        settings.entityPredicates().keySet().forEach(n -> names.add(n.toString()));
        return names;
    }
}
