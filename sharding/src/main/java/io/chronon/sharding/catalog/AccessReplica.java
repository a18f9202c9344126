package io.chronon.sharding.catalog;

import io.chronon.sharding.access.AccessChange;
import io.chronon.sharding.access.AccessModel;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.support.Futures;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This node's copy of the {@link AccessModel}, which every request is checked against
 * without leaving the node. Starts the {@link AccessCatalog} singleton (a proxy on nodes
 * without the transactor role), takes each model the catalog publishes after a change, and
 * asks for the model every {@code chronon.access.refresh-interval} for a publication it
 * missed; it keeps the newest version it has seen. Changes go to the catalog, and the
 * answer's model is taken here at once, so the node that made a change sees it right away.
 */
public final class AccessReplica implements Extension {
    private record Refresh() implements NoSerializationVerificationNeeded {
    }

    /** The catalog did not answer a refresh: the next one will ask again. */
    private record Missed() implements NoSerializationVerificationNeeded {
    }

    private final ActorSystem<?> system;
    private final ActorRef<AccessCatalog.Command> catalog;
    private final AtomicReference<AccessModel> model = new AtomicReference<>();
    private final Duration timeout;

    private AccessReplica(ActorSystem<?> system) {
        this.system = system;
        ChrononSettings settings = ChrononSettings.from(system.settings().config());
        this.timeout = settings.defaultTimeout();
        this.catalog = ClusterSingleton.get(system).init(
                SingletonActor.of(Behaviors.supervise(AccessCatalog.create(settings))
                                        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                                "chronon-access")
                        .withSettings(ClusterSingletonSettings.create(system).withRole(settings.transactorRole())));
        Duration every = system.settings().config().getDuration("chronon.access.refresh-interval");
        system.systemActorOf(follower(every), "chronon-access-replica", Props.empty());
    }

    public static final ExtensionId<AccessReplica> ID = new ExtensionId<>() {
        @Override
        public AccessReplica createExtension(ActorSystem<?> system) {
            return new AccessReplica(system);
        }
    };

    /** The replica of {@code system}, started on first use. */
    public static AccessReplica get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The newest model this node has, or null before it has heard from the access catalog. */
    public AccessModel model() {
        return model.get();
    }

    /** Makes {@code change} in the access catalog; completes with the model it made (already this node's), or the refusal. */
    public CompletionStage<AccessModel> change(AccessChange change) {
        return Futures.plain(AskPattern.askWithStatus(catalog, (ActorRef<org.apache.pekko.pattern.StatusReply<AccessModel>> r)
                        -> new AccessCatalog.Change(change, r), timeout, system.scheduler()), system.executionContext())
                .thenApply(m -> {
                    offer(m);
                    return m;
                });
    }

    /** Keeps {@code m} if it is newer than what this node has. */
    void offer(AccessModel m) {
        model.accumulateAndGet(m, (old, fresh) -> old == null || fresh.version() > old.version() ? fresh : old);
    }

    private Behavior<Object> follower(Duration every) {
        return Behaviors.setup(ctx -> {
            ActorRef<Topic.Command<AccessModel>> topic = ctx.spawn(Topic.create(AccessModel.class, AccessCatalog.TOPIC), "topic");
            topic.tell(Topic.subscribe(ctx.getSelf().<AccessModel>narrow()));
            return Behaviors.withTimers(timers -> {
                timers.startTimerWithFixedDelay(new Refresh(), Duration.ZERO, every);
                return Behaviors.receive(Object.class)
                        .onMessage(AccessModel.class, m -> {
                            offer(m);
                            return Behaviors.same();
                        })
                        .onMessage(Refresh.class, r -> {
                            ctx.ask(AccessModel.class, catalog, every, AccessCatalog.GetModel::new,
                                    (m, failure) -> m != null ? m : new Missed());
                            return Behaviors.same();
                        })
                        .build();
            });
        });
    }
}
