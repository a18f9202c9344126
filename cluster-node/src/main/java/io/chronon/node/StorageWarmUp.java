package io.chronon.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * Recovers an empty persistence id on the default storage kind's journal and snapshot
 * store, then stops: it starts their plugins (for Cassandra: connects the session and
 * prepares the statements) when the node comes up, so the first writer or catalog that
 * fails over to this node does not wait for that (seconds).
 */
final class StorageWarmUp extends EventSourcedBehavior<StorageWarmUp.Stop, Object, Object> {
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
