package io.chronon.sharding.feed;

import io.chronon.sharding.catalog.DatabaseInfo;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.pubsub.Topic;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One topic actor per database and node, shared by the transactor and the query peers on
 * the node, so that local subscribers get a report straight from the local topic instead
 * of waiting until topic instances have found each other through the receptionist.
 */
public final class TxFeedTopics implements Extension {
    private final ActorSystem<?> system;
    private final ConcurrentHashMap<String, ActorRef<Topic.Command<TxFeed>>> topics = new ConcurrentHashMap<>();

    private TxFeedTopics(ActorSystem<?> system) {
        this.system = system;
    }

    public static final ExtensionId<TxFeedTopics> ID = new ExtensionId<>() {
        @Override
        public TxFeedTopics createExtension(ActorSystem<?> system) {
            return new TxFeedTopics(system);
        }
    };

    public static TxFeedTopics get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /**
     * Uses {@code topic} as this node's topic for {@code topicName} (before anyone asked for
     * it). For tests that need a lossy network between writer and peers.
     */
    public void install(String topicName, ActorRef<Topic.Command<TxFeed>> topic) {
        if (topics.putIfAbsent(topicName, topic) != null) {
            throw new IllegalStateException("Topic " + topicName + " is already in use");
        }
    }

    /** The node's topic of a database, created on first use. */
    public ActorRef<Topic.Command<TxFeed>> topic(DatabaseInfo db) {
        return topics.computeIfAbsent(db.topicName(), name -> system.systemActorOf(Topic.create(TxFeed.class, name),
                "chronon-topic-" + URLEncoder.encode(name, StandardCharsets.UTF_8), Props.empty()));
    }
}
