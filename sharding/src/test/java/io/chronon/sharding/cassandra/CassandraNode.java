package io.chronon.sharding.cassandra;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.sharding.ChrononCluster;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A one-node Chronon cluster in the test JVM whose storage (catalog included) is the shared Cassandra. */
final class CassandraNode {
    private CassandraNode() {
    }

    /**
     * The node's configuration: {@code chronon.storage.default-kind = cassandra} on keyspace
     * {@code keyspace}, a data directory that must never be created, and {@code extra} on top.
     */
    static Config config(String keyspace, String extra) {
        // ConfigFactory.load(overrides): reference.conf's chronon.cassandra.* derive from the overrides
        return ConfigFactory.load(ConfigFactory.parseString(extra + "\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.roles = [transactor, query]\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"
                + "chronon.storage.default-kind = cassandra\n"
                + "chronon.storage.cassandra.contact-point = \"" + SharedCassandra.server().contactPoint() + "\"\n"
                + "chronon.storage.cassandra.keyspace = " + keyspace + "\n"
                + "chronon.storage.data-dir = \"target/cassandra-node-must-not-exist\"\n"));
    }

    /** A started one-node cluster running Chronon. */
    static ActorTestKit start(Config config) {
        ActorTestKit kit = ActorTestKit.create("chronon", config);
        Cluster cluster = Cluster.get(kit.system());
        TestProbe<SelfUp> up = kit.createTestProbe();
        cluster.subscriptions().tell(Subscribe.create(up.getRef(), SelfUp.class));
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        up.expectMessageClass(SelfUp.class, Duration.ofSeconds(30));
        awaitCatalog(ChrononCluster.get(kit.system()));
        return kit;
    }

    /**
     * Waits until the catalog answers: on a new keyspace its first recovery waits for the
     * keyspace and tables to be created, which can take longer than one ask on a small machine.
     */
    static void awaitCatalog(ChrononCluster chronon) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                chronon.listDatabases().toCompletableFuture().get(30, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The catalog did not answer within 120 s", e);
                }
            }
        }
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
