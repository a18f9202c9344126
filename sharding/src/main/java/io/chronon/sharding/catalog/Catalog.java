package io.chronon.sharding.catalog;

import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.Storages;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * The catalog of databases: create, delete, list, look up. A durable, event-sourced cluster
 * singleton (on the transactor role). Every transactor and query peer looks its database
 * up here when it starts.
 *
 * <p>Deleting a database records the deletion, retires the database's transactor (from then
 * on it refuses work), answers, and then erases the database's log from storage. A database created again under the same name gets a new id and a fresh log.
 * Databases on a storage kind that does not survive a restart ({@code memory}) are dropped
 * from the catalog when it recovers in another actor system than the one that created
 * them, like Datomic's mem databases, which live as long as their process.
 */
public final class Catalog extends EventSourcedBehavior<Catalog.Command, Catalog.Event, Catalog.State> {

    /** The catalog's messages. */
    public sealed interface Command {
    }

    /**
     * Creates a database; answers whether it was created (false: the name exists; the
     * reply still describes the existing database), like Datomic's create-database.
     *
     * @param storageKind a configured storage kind, or null/empty for the default
     */
    public record CreateDatabase(String name, String storageKind, ActorRef<StatusReply<CreateResult>> replyTo)
            implements Command, CborSerializable {
    }

    /** Deletes a database; answers whether it existed. */
    public record DeleteDatabase(String name, ActorRef<StatusReply<DeleteResult>> replyTo) implements Command, CborSerializable {
    }

    /** Lists the databases. */
    public record ListDatabases(ActorRef<DatabaseList> replyTo) implements Command, CborSerializable {
    }

    /** Looks a database up; a missing one is a {@code not-found} error. */
    public record GetDatabase(String name, ActorRef<StatusReply<DatabaseInfo>> replyTo) implements Command, CborSerializable {
    }

    /** Reply to {@link CreateDatabase}. */
    public record CreateResult(boolean created, DatabaseInfo database) implements CborSerializable {
    }

    /** Reply to {@link DeleteDatabase}. */
    public record DeleteResult(boolean deleted) implements CborSerializable {
    }

    /** Reply to {@link ListDatabases}: the databases by name. */
    public record DatabaseList(List<DatabaseInfo> databases) implements CborSerializable {
    }

    private record DropVolatile() implements Command, NoSerializationVerificationNeeded {
    }

    private record Retired(DatabaseInfo db, ActorRef<StatusReply<DeleteResult>> replyTo, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    private record Erased(DatabaseInfo db, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    /** The catalog's events. */
    public sealed interface Event extends CborSerializable {
    }

    /** @param incarnation the actor system that created it, for databases on a storage kind that is not durable */
    public record DatabaseCreated(DatabaseInfo database, String incarnation) implements Event {
    }

    public record DatabaseDeleted(String name, String id) implements Event {
    }

    /** The databases by name, and which actor system created each one. */
    public record State(Map<String, DatabaseInfo> databases, Map<String, String> incarnations) {
        State with(DatabaseInfo db, String incarnation) {
            TreeMap<String, DatabaseInfo> m = new TreeMap<>(databases);
            m.put(db.name(), db);
            TreeMap<String, String> i = new TreeMap<>(incarnations);
            i.put(db.name(), incarnation == null ? "" : incarnation);
            return new State(Collections.unmodifiableMap(m), Collections.unmodifiableMap(i));
        }

        State without(String name) {
            TreeMap<String, DatabaseInfo> m = new TreeMap<>(databases);
            m.remove(name);
            TreeMap<String, String> i = new TreeMap<>(incarnations);
            i.remove(name);
            return new State(Collections.unmodifiableMap(m), Collections.unmodifiableMap(i));
        }
    }

    /** A random id of one actor system: mem databases created by an earlier one are gone. */
    private record Incarnation(String id) implements Extension {
    }

    private static final ExtensionId<Incarnation> INCARNATION =
            new ExtensionId<>() {
                @Override
                public Incarnation createExtension(ActorSystem<?> system) {
                    return new Incarnation(UUID.randomUUID().toString());
                }
            };

    private static String incarnation(ActorSystem<?> system) {
        return INCARNATION.apply(system).id();
    }

    public static final String PERSISTENCE_ID = "chronon-catalog";

    private final ActorContext<Command> ctx;
    private final Storages storages;
    private final DatabaseStorage ownStorage;
    private final ChrononSettings settings;
    private final WriterRetirement writers;

    /** Stops a deleted database's writer; completes once it refuses work. */
    @FunctionalInterface
    public interface WriterRetirement {
        CompletionStage<Done> retire(DatabaseInfo db, Duration timeout);
    }

    private Catalog(ActorContext<Command> ctx, ChrononSettings settings, WriterRetirement writers) {
        super(PersistenceId.ofUniqueId(PERSISTENCE_ID));
        this.ctx = ctx;
        this.settings = settings;
        this.writers = writers;
        this.storages = Storages.get(ctx.getSystem());
        this.ownStorage = storages.kind(settings.catalogStorageKind());
    }

    /** The catalog; {@code writers} retires the writer of a database it deletes. */
    public static Behavior<Command> create(ChrononSettings settings, WriterRetirement writers) {
        return Behaviors.setup(ctx -> new Catalog(ctx, settings, writers));
    }

    @Override
    public String journalPluginId() {
        return ownStorage.journalPluginId();
    }

    @Override
    public String snapshotPluginId() {
        return ownStorage.snapshotPluginId();
    }

    @Override
    public State emptyState() {
        return new State(Map.of(), Map.of());
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(CreateDatabase.class, this::onCreate)
                .onCommand(DeleteDatabase.class, this::onDelete)
                .onCommand(ListDatabases.class, (state, c) -> {
                    c.replyTo().tell(new DatabaseList(state.databases().values().stream().filter(db -> !lost(state, db)).toList()));
                    return Effect().none();
                })
                .onCommand(GetDatabase.class, (state, c) -> {
                    DatabaseInfo db = live(state, c.name());
                    c.replyTo().tell(db != null ? StatusReply.success(db)
                            : StatusReply.error(ChrononError.notFound("db.error/db-not-found", "No database named " + c.name(), c.name())));
                    return Effect().none();
                })
                .onCommand(DropVolatile.class, this::onDropVolatile)
                .onCommand(Retired.class, (state, c) -> {
                    if (c.failure() != null) {
                        ctx.getLog().warn("Could not stop the transactor of deleted database {} ({}): {}", c.db().name(),
                                c.db().id(), c.failure().toString());
                    }
                    c.replyTo().tell(StatusReply.success(new DeleteResult(true)));
                    ctx.pipeToSelf(storages.kind(c.db().storageKind()).deleteData(c.db().persistenceId()),
                            (ok, failure) -> new Erased(c.db(), failure));
                    return Effect().none();
                })
                .onCommand(Erased.class, (state, c) -> {
                    if (c.failure() != null) {
                        ctx.getLog().warn("Could not erase the data of deleted database {} ({}): {}", c.db().name(),
                                c.db().id(), c.failure().toString());
                    }
                    return Effect().none();
                })
                .build();
    }

    private Effect<Event, State> onCreate(State state, CreateDatabase c) {
        if (!DatabaseInfo.isValidName(c.name())) {
            c.replyTo().tell(StatusReply.error(ChrononError.incorrect("db.error/invalid-db-name",
                    "A database name is 1 to 128 letters, digits, '.', '_' or '-', starting with a letter or digit: " + c.name(), c.name())));
            return Effect().none();
        }
        DatabaseInfo existing = state.databases().get(c.name());
        if (existing != null && !lost(state, existing)) {
            c.replyTo().tell(StatusReply.success(new CreateResult(false, existing)));
            return Effect().none();
        }
        DatabaseStorage kind;
        try {
            kind = storages.kind(c.storageKind());
        } catch (IllegalArgumentException e) {
            c.replyTo().tell(StatusReply.error(ChrononError.incorrect("db.error/invalid-storage-kind", e.getMessage(), c.storageKind())));
            return Effect().none();
        }
        DatabaseInfo db = new DatabaseInfo(c.name(), UUID.randomUUID().toString().substring(0, 13).replace("-", ""),
                kind.kind(), System.currentTimeMillis());
        List<Event> events = new ArrayList<>();
        if (existing != null) {
            events.add(new DatabaseDeleted(existing.name(), existing.id()));
        }
        events.add(new DatabaseCreated(db, incarnation(ctx.getSystem())));
        return Effect().persist(events)
                .thenRun(s -> c.replyTo().tell(StatusReply.success(new CreateResult(true, db))));
    }

    private Effect<Event, State> onDelete(State state, DeleteDatabase c) {
        DatabaseInfo db = live(state, c.name());
        if (db == null) {
            c.replyTo().tell(StatusReply.success(new DeleteResult(false)));
            return Effect().none();
        }
        return Effect().persist(new DatabaseDeleted(db.name(), db.id()))
                .thenRun(s -> retire(db, c.replyTo()));
    }

    /** Stops the deleted database's writer, then answers the caller and erases the data. */
    private void retire(DatabaseInfo db, ActorRef<StatusReply<DeleteResult>> replyTo) {
        ctx.pipeToSelf(writers.retire(db, settings.defaultTimeout()),
                (ok, failure) -> new Retired(db, replyTo, failure));
    }

    /**
     * True for a database whose data cannot exist any more: its storage kind is not
     * configured, or it is not durable and was created by an earlier actor system.
     */
    private boolean lost(State state, DatabaseInfo db) {
        if (!storages.kindNames().contains(db.storageKind())) {
            return true;
        }
        return !storages.kind(db.storageKind()).durable()
                && !incarnation(ctx.getSystem()).equals(state.incarnations().get(db.name()));
    }

    private DatabaseInfo live(State state, String name) {
        DatabaseInfo db = state.databases().get(name);
        return db == null || lost(state, db) ? null : db;
    }

    private Effect<Event, State> onDropVolatile(State state, DropVolatile c) {
        List<Event> drops = new ArrayList<>();
        for (DatabaseInfo db : state.databases().values()) {
            if (lost(state, db)) {
                drops.add(new DatabaseDeleted(db.name(), db.id()));
            }
        }
        return drops.isEmpty() ? Effect().none() : Effect().persist(drops);
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(DatabaseCreated.class, (state, e) -> state.with(e.database(), e.incarnation()))
                .onEvent(DatabaseDeleted.class, (state, e) -> state.without(e.name()))
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> {
                    if (ownStorage.durable()) {
                        ctx.getSelf().tell(new DropVolatile());
                    }
                })
                .build();
    }
}
