package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.node.http.ChrononHttpServer;
import io.chronon.node.http.HttpSettings;
import io.chronon.sharding.ChrononCluster;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import java.io.File;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
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
 * java -cp ... io.chronon.node.ChrononNode [--port N] [--cluster-port N] [--data-dir DIR]
 *      [--config FILE] [--access-key KEY:SECRET]... [--storage KIND] [--cassandra HOST:PORT] [--keyspace NAME]
 * </pre>
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
            ctx.spawnAnonymous(Behaviors.<SelfUp>setup(up -> {
                cluster.subscriptions().tell(Subscribe.create(up.getSelf(), SelfUp.class));
                return Behaviors.receiveMessage(m -> {
                    ChrononCluster chronon = ChrononCluster.get(ctx.getSystem());
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
            if (config.getStringList("chronon.node.seed-nodes").isEmpty()) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }
            return Behaviors.empty();
        }), name, config);
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
     * node defaults ({@code chronon-node.conf}) and every {@code reference.conf}.
     */
    public static Config config(Config overrides) {
        return ConfigFactory.defaultOverrides()
                .withFallback(overrides)
                .withFallback(ConfigFactory.parseResources(ChrononNode.class.getClassLoader(), "chronon-node.conf"))
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve();
    }

    /**
     * Starts a node with this configuration (see {@link #config}). With
     * {@code chronon.http.enabled = false} it serves only the actor protocol.
     */
    public static ChrononNode start(Config config) {
        return new ChrononNode(config);
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
            "  --data-dir DIR          where the embedded store keeps its data (default ./data)",
            "  --config FILE           a HOCON file of settings (chronon.*, pekko.*)",
            "  --access-key KEY:SECRET an accepted HTTP access key; repeatable (rotation).",
            "                          Without one, a key is generated and printed once.",
            "  --storage KIND          the storage kind of new databases (file, memory, cassandra)",
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
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-http")) {
                flags = flags.withValue("chronon.http.enabled", ConfigValueFactory.fromAnyRef(false));
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
        Config config = config(overrides);
        ChrononNode node = start(config);
        ChrononCluster chronon = node.ready().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(),
                java.util.concurrent.TimeUnit.SECONDS);
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
