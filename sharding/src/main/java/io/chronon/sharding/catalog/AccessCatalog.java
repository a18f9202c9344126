package io.chronon.sharding.catalog;

import io.chronon.ChrononException;
import io.chronon.sharding.access.AccessChange;
import io.chronon.sharding.access.AccessModel;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.Storages;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;

/**
 * The durable record of who may do what ({@link AccessModel}): a cluster singleton on the
 * transactor role, event-sourced like the {@link Catalog} and stored in the catalog's storage
 * kind. Each event is one checked {@link AccessChange}. After every change it publishes the
 * whole model on the {@link #TOPIC} topic, where each node's {@link AccessReplica} picks it up
 * (and asks now and then, for a publication it missed).
 */
public final class AccessCatalog
        extends org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior<AccessCatalog.Command, AccessChange, AccessModel> {
    public static final String PERSISTENCE_ID = "chronon-access";
    /** The topic the model is published on after each change. */
    public static final String TOPIC = "chronon-access-model";

    /** The access catalog's messages. */
    public sealed interface Command {
    }

    /** Makes a change; answers the model with it made, or the error refusing it. */
    public record Change(AccessChange change, ActorRef<StatusReply<AccessModel>> replyTo) implements Command, CborSerializable {
    }

    /** Answers the current model. */
    public record GetModel(ActorRef<AccessModel> replyTo) implements Command, CborSerializable {
    }

    private final DatabaseStorage storage;
    private final ActorRef<Topic.Command<AccessModel>> topic;

    private AccessCatalog(ActorContext<Command> ctx, ChrononSettings settings) {
        super(PersistenceId.ofUniqueId(PERSISTENCE_ID));
        this.storage = Storages.get(ctx.getSystem()).kind(settings.catalogStorageKind());
        this.topic = ctx.spawn(Topic.create(AccessModel.class, TOPIC), "topic");
    }

    public static Behavior<Command> create(ChrononSettings settings) {
        return Behaviors.setup(ctx -> new AccessCatalog(ctx, settings));
    }

    @Override
    public String journalPluginId() {
        return storage.journalPluginId();
    }

    @Override
    public String snapshotPluginId() {
        return storage.snapshotPluginId();
    }

    @Override
    public AccessModel emptyState() {
        return AccessModel.initial();
    }

    @Override
    public CommandHandler<Command, AccessChange, AccessModel> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Change.class, this::onChange)
                .onCommand(GetModel.class, (model, c) -> {
                    c.replyTo().tell(model);
                    return Effect().none();
                })
                .build();
    }

    private Effect<AccessChange, AccessModel> onChange(AccessModel model, Change c) {
        try {
            c.change().check(model);
        } catch (ChrononException refused) {
            c.replyTo().tell(StatusReply.error(ChrononError.of(refused)));
            return Effect().none();
        }
        return Effect().persist(c.change()).thenRun(m -> {
            topic.tell(Topic.publish(m));
            c.replyTo().tell(StatusReply.success(m));
        });
    }

    @Override
    public EventHandler<AccessModel, AccessChange> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onAnyEvent((model, change) -> change.apply(model));
    }
}
