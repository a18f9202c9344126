package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.sharding.ChrononCluster;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Chronon server node: an actor system that joins its cluster (or forms a one-node
 * cluster alone), serves its roles (the transactors and the catalog, the query groups) and
 * keeps its data in the embedded store under {@code chronon.storage.data-dir}.
 *
 * <pre>
 * java -cp ... io.chronon.node.ChrononNode [--config node.conf]
 * </pre>
 *
 * Configuration comes from {@code -D} system properties, then the {@code --config} file,
 * then {@code chronon-node.conf} (defaults) and the modules' {@code reference.conf}.
 */
public final class ChrononNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final CompletableFuture<ChrononCluster> ready = new CompletableFuture<>();

    private ChrononNode(Config config) {
        String name = config.getString("chronon.node.system-name");
        this.system = ActorSystem.create(Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            ctx.spawnAnonymous(Behaviors.<SelfUp>setup(up -> {
                cluster.subscriptions().tell(Subscribe.create(up.getSelf(), SelfUp.class));
                return Behaviors.receiveMessage(m -> {
                    ready.complete(ChrononCluster.get(ctx.getSystem()));
                    return Behaviors.stopped();
                });
            }));
            if (config.getStringList("chronon.node.seed-nodes").isEmpty()) {
                cluster.manager().tell(Join.create(cluster.selfMember().address()));
            }
            return Behaviors.empty();
        }), name, config);
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

    /** Starts a node with this configuration (see {@link #config}). */
    public static ChrononNode start(Config config) {
        return new ChrononNode(config);
    }

    /** Completes when this node is up in its cluster and Chronon runs on it. */
    public CompletionStage<ChrononCluster> ready() {
        return ready;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** Leaves the cluster and stops the actor system (coordinated shutdown). */
    @Override
    public void close() {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    public static void main(String[] args) throws Exception {
        Config overrides = ConfigFactory.empty();
        for (int i = 0; i < args.length; i++) {
            if ("--config".equals(args[i]) && i + 1 < args.length) {
                overrides = ConfigFactory.parseFile(new File(args[++i])).withFallback(overrides);
            } else {
                System.err.println("Usage: ChrononNode [--config node.conf]");
                System.exit(2);
            }
        }
        Config config = config(overrides);
        ChrononNode node = start(config);
        ChrononCluster chronon = node.ready().toCompletableFuture().get(Duration.ofMinutes(2).toSeconds(),
                java.util.concurrent.TimeUnit.SECONDS);
        System.out.println("Chronon node up: " + Cluster.get(node.system()).selfMember().address()
                + " roles " + Cluster.get(node.system()).selfMember().getRoles()
                + " data " + new File(config.getString("chronon.storage.data-dir")).getAbsolutePath()
                + " tx-functions " + chronon.settings().txFunctions().keySet());
    }
}
