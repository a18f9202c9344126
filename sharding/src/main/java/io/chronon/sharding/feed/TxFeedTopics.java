package io.chronon.sharding.feed;

import io.chronon.sharding.catalog.DatabaseInfo;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One topic actor per database and node, shared by the transactor and the query peers on
 * the node, so that local subscribers get a report straight from the local topic instead
 * of waiting until topic instances have found each other through the receptionist.
 *
 * <p>A topic lives while some actor of the node uses it: each user {@link #acquire acquires}
 * it and {@link #release releases} it when it stops; when the last one has, the topic actor
 * is stopped. So the topic of a deleted database goes once its writer and peers have stopped
 * (and that of a database whose peer was passivated, on a node without its writer); a
 * database created again under the same name is a new incarnation with a topic of its own
 * ({@link DatabaseInfo#topicName()}). The topic is not unsubscribed from: it forgets a
 * subscriber when that stops, and deregisters from the receptionist once it has none (an
 * explicit unsubscribe as well made Pekko's topic deregister twice, which stopped the
 * receptionist; see {@code Replica.leave}).
 */
public final class TxFeedTopics implements Extension {
    /** A topic of this node and the number of actors using it. */
    private record Held(ActorRef<Object> actor, ActorRef<Topic.Command<TxFeed>> topic, int users) {
    }

    /** Tells a topic actor made here to stop; never leaves the node. */
    private enum StopTopic implements NoSerializationVerificationNeeded {
        INSTANCE
    }

    private final ActorSystem<?> system;
    private final ConcurrentHashMap<String, Held> topics = new ConcurrentHashMap<>();
    /** Numbers the topic actors: a topic made again for a name may start before the last one of that name has stopped. */
    private final AtomicLong made = new AtomicLong();

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
     * it), for as long as the node runs. For tests that need a lossy network between writer
     * and peers.
     */
    public void install(String topicName, ActorRef<Topic.Command<TxFeed>> topic) {
        if (topics.putIfAbsent(topicName, new Held(null, topic, 1)) != null) {
            throw new IllegalStateException("Topic " + topicName + " is already in use");
        }
    }

    /**
     * The node's topic of a database, made on first use; the caller (a writer, a peer, an
     * application's subscriber) must {@link #release} it once, when it no longer publishes
     * to it or follows it.
     */
    public ActorRef<Topic.Command<TxFeed>> acquire(DatabaseInfo db) {
        return topics.compute(db.topicName(), (name, held) -> held == null ? make(name)
                : new Held(held.actor(), held.topic(), held.users() + 1)).topic();
    }

    /**
     * Gives back a topic {@link #acquire acquired} before: the last user to release it stops
     * it (after everything sent to it so far).
     */
    public void release(DatabaseInfo db) {
        topics.computeIfPresent(db.topicName(), (name, held) -> {
            if (held.actor() == null) {
                return held; // installed by a test: kept
            }
            if (held.users() > 1) {
                return new Held(held.actor(), held.topic(), held.users() - 1);
            }
            held.actor().tell(StopTopic.INSTANCE);
            return null;
        });
    }

    /** The number of topics this node holds now (one per database in use here). */
    public int size() {
        return topics.size();
    }

    @SuppressWarnings("unchecked")
    private Held make(String name) {
        // the topic's own messages pass through; StopTopic stops it
        Behavior<Object> topic = Behaviors.intercept(Stoppable::new, (Behavior<Object>) (Behavior<?>) Topic.create(TxFeed.class, name));
        ActorRef<Object> actor = system.systemActorOf(topic,
                "chronon-topic-" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "-" + made.incrementAndGet(), Props.empty());
        return new Held(actor, actor.narrow(), 1);
    }

    private static final class Stoppable extends BehaviorInterceptor<Object, Object> {
        Stoppable() {
            super(Object.class);
        }

        @Override
        public Behavior<Object> aroundReceive(TypedActorContext<Object> ctx, Object msg, ReceiveTarget<Object> target) {
            return msg == StopTopic.INSTANCE ? Behaviors.stopped() : target.apply(ctx, msg);
        }
    }
}
