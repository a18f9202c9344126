package io.chronon.storage.cassandra;

import com.typesafe.config.ConfigFactory;
import io.chronon.cassandra.dev.SharedCassandra;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Actor systems that stand for separate nodes on the shared Cassandra: each has its own
 * {@link CassandraConnection} (its own driver session), as two machines would.
 */
final class CassandraNodes {
    private CassandraNodes() {
    }

    /** A local actor system on {@code keyspace} of the shared Cassandra, with {@code extra} settings on top. */
    static ExtendedActorSystem start(String name, String keyspace, String extra) {
        return (ExtendedActorSystem) ActorSystem.create(name, ConfigFactory.load(ConfigFactory.parseString(extra + "\n"
                + "pekko.actor.provider = local\n"
                + "pekko.loglevel = WARNING\n"
                + "chronon.storage.cassandra.contact-point = \"" + SharedCassandra.server().contactPoint() + "\"\n"
                + "chronon.storage.cassandra.keyspace = " + keyspace + "\n")));
    }

    static void stop(ActorSystem system) throws Exception {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    static final Duration TIMEOUT = Duration.ofSeconds(60);
}
