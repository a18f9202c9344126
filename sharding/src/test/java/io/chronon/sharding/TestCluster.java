package io.chronon.sharding;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.SelfUp;
import org.apache.pekko.cluster.typed.Subscribe;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** One-node clusters in the test JVM: all roles, loopback only, a free port. */
final class TestCluster {
    private TestCluster() {
    }

    static Config config(String storageKind, Path dataDir, String extra) {
        return ConfigFactory.parseString(extra + "\n"
                        + "pekko.loglevel = WARNING\n"
                        + "pekko.actor.provider = cluster\n"
                        + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                        + "pekko.remote.artery.canonical.port = 0\n"
                        + "pekko.cluster.roles = [transactor, query]\n"
                        + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                        + "pekko.cluster.downing-provider-class = \"io.chronon.sharding.support.ChrononDowningProvider\"\n"
                        + "pekko.coordinated-shutdown.exit-jvm = off\n"
                        + "chronon.storage.default-kind = " + storageKind + "\n"
                        + "chronon.storage.data-dir = \"" + (dataDir == null ? "target/unused" : dataDir.toString().replace("\\", "/")) + "\"\n")
                .withFallback(ConfigFactory.load()).resolve();
    }

    /** A started one-node cluster with Chronon running. */
    static ActorTestKit start(Config config) {
        ActorTestKit kit = ActorTestKit.create("chronon", config);
        ActorSystem<?> system = kit.system();
        Cluster cluster = Cluster.get(system);
        TestProbe<SelfUp> up = kit.createTestProbe();
        cluster.subscriptions().tell(Subscribe.create(up.getRef(), SelfUp.class));
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
        up.expectMessageClass(SelfUp.class, Duration.ofSeconds(20));
        ChrononCluster.get(system);
        return kit;
    }

    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
