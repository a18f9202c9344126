package io.chronon.sharding.writer;

import io.chronon.db.DbValue;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.javadsl.Sink;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The event-sourced log of one database: its events are {@link TxLogEntry}s (one per
 * committed transaction, sequence numbers 1, 2, 3, ...), its state the db value after
 * them, and its snapshots that db value. The {@link Transactor} owns one as its child and
 * decides what to append; this actor only writes and applies. Query peers run one in
 * read-only mode to load a database (the latest snapshot plus the log after it) and stop
 * it once loaded.
 *
 * <p>The event handler is pure: it applies the entry to the value (or takes the value the
 * writer already computed for it, see {@link TxLogEntry#dbAfterHint()}). The writer keeps
 * only the value at the end of each write, so an entry whose hint lies ahead
 * ({@link TxLogEntry#hintAhead()} > 0) leaves the state as it is and the write's last entry
 * brings it up to date; Pekko snapshots only after a whole write, with that final state.
 *
 * <p>While a writer's log recovers it also notes the request ids of the last
 * {@code request-id-window} entries it replays (those after the snapshot), and hands them
 * to the writer with {@link Recovered}; {@link #requestIds} reads those of earlier entries.
 */
public final class TxLog extends EventSourcedBehavior<TxLog.Command, TxLogEntry, DbValue> {

    /** What the owner may ask. */
    public sealed interface Command extends NoSerializationVerificationNeeded {
    }

    /**
     * Appends entries in one journal write; once it is durable, answers {@link Written} and
     * then runs {@code onDurable} (null: nothing; it must only tell actors: the writer hands
     * the write to its publisher this way, without a detour through itself).
     */
    record Append(List<TxLogEntry> entries, Runnable onDurable) implements Command {
    }

    /** What this actor tells its owner. */
    public sealed interface Reply extends NoSerializationVerificationNeeded {
    }

    /**
     * Recovery finished: the db value and the sequence number of its last entry.
     * {@code replayedFrom} is the sequence number of the first entry replayed from the log
     * (after the snapshot; {@code seqNr + 1} when none was), and {@code requestIds} the
     * request ids of the replayed entries within the writer's window, in log order.
     */
    public record Recovered(DbValue db, long seqNr, long replayedFrom, List<RequestIdAt> requestIds) implements Reply {
    }

    /** The request id of the entry at sequence number {@code seqNr}. */
    record RequestIdAt(String requestId, long seqNr) {
    }

    /** An {@link Append} is durable; {@code lastSeqNr} is the sequence number of its last entry. */
    record Written(long lastSeqNr) implements Reply {
    }

    private final ActorContext<Command> ctx;
    private final DatabaseStorage storage;
    private final java.util.function.Consumer<Reply> owner;
    private final long snapshotMinDatoms;
    private final double snapshotGrowth;
    /** Datoms applied since the last snapshot (replayed ones included); only decides when to snapshot. */
    private long datomsSinceSnapshot;
    /** How many of the last replayed entries' request ids to note (0: none). */
    private final int requestIdWindow;
    private boolean recovering = true;
    /** Entries replayed so far, and the request ids among the last {@link #requestIdWindow} of them (by replay count). */
    private long replayed;
    private final ArrayDeque<RequestIdAt> replayedIds = new ArrayDeque<>();

    private TxLog(ActorContext<Command> ctx, DatabaseInfo db, DatabaseStorage storage, java.util.function.Consumer<Reply> owner,
                  long snapshotMinDatoms, double snapshotGrowth, int requestIdWindow) {
        super(PersistenceId.ofUniqueId(db.persistenceId()));
        this.ctx = ctx;
        this.storage = storage;
        this.owner = owner;
        this.snapshotMinDatoms = snapshotMinDatoms;
        this.snapshotGrowth = snapshotGrowth;
        this.requestIdWindow = requestIdWindow;
    }

    /** The writer's log of {@code db}; {@code owner} is told its replies (from this actor's thread). */
    static Behavior<Command> writer(DatabaseInfo db, DatabaseStorage storage, java.util.function.Consumer<Reply> owner,
                                    ChrononSettings settings) {
        return Behaviors.setup(ctx -> new TxLog(ctx, db, storage, owner, settings.snapshotMinDatoms(), settings.snapshotGrowth(),
                settings.requestIdWindow()));
    }

    /** A loader of {@code db}: recovers, tells {@link Recovered}, and must never be sent {@link Append}. */
    public static Behavior<Command> reader(DatabaseInfo db, DatabaseStorage storage, ActorRef<Reply> owner) {
        return Behaviors.setup(ctx -> new TxLog(ctx, db, storage, owner::tell, Long.MAX_VALUE, Double.MAX_VALUE, 0));
    }

    /** The entries of {@code db} with sequence numbers {@code from} to {@code to} (inclusive) that are in the log. */
    static CompletionStage<List<EventEnvelope>> read(ActorSystem<?> system, DatabaseInfo db, DatabaseStorage storage,
                                                     long from, long to) {
        return journal(system, storage).currentEventsByPersistenceId(db.persistenceId(), from, to).runWith(Sink.seq(), system);
    }

    /**
     * The request ids of the entries of {@code db} with sequence numbers {@code from} to
     * {@code to}, in log order: what a writer recovered from a snapshot reads to fill its
     * window. Only the ids are kept, not the entries.
     */
    static CompletionStage<List<RequestIdAt>> requestIds(ActorSystem<?> system, DatabaseInfo db, DatabaseStorage storage,
                                                         long from, long to) {
        return journal(system, storage).currentEventsByPersistenceId(db.persistenceId(), from, to)
                .filter(env -> env.event() instanceof TxLogEntry e && e.requestId() != null)
                .map(env -> new RequestIdAt(((TxLogEntry) env.event()).requestId(), env.sequenceNr()))
                .runWith(Sink.seq(), system);
    }

    private static CurrentEventsByPersistenceIdQuery journal(ActorSystem<?> system, DatabaseStorage storage) {
        return PersistenceQuery.get(system).getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, storage.readJournalPluginId());
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
    public DbValue emptyState() {
        return DbValue.empty();
    }

    @Override
    public CommandHandler<Command, TxLogEntry, DbValue> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Append.class, (db, append) -> Effect().persist(append.entries())
                        .thenRun(after -> {
                            // the owner first: whatever onDurable sets off reaches the owner after this
                            owner.accept(new Written(lastSequenceNumber(ctx)));
                            if (append.onDurable() != null) {
                                append.onDurable().run();
                            }
                        }))
                .build();
    }

    @Override
    public EventHandler<DbValue, TxLogEntry> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(TxLogEntry.class, (db, entry) -> {
                    datomsSinceSnapshot += entry.txData().size();
                    if (recovering && requestIdWindow > 0) {
                        noteReplayed(entry);
                    }
                    return entry.hintAhead() > 0 ? db : entry.applyTo(db);
                })
                .build();
    }

    @Override
    public SignalHandler<DbValue> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), db -> {
                    recovering = false;
                    // replay counts 1..replayed map to sequence numbers ending at the last one
                    long last = lastSequenceNumber(ctx);
                    long offset = last - replayed;
                    List<RequestIdAt> ids = new ArrayList<>(replayedIds.size());
                    for (RequestIdAt id : replayedIds) {
                        ids.add(new RequestIdAt(id.requestId(), offset + id.seqNr()));
                    }
                    replayedIds.clear();
                    owner.accept(new Recovered(db, last, offset + 1, List.copyOf(ids)));
                })
                .build();
    }

    private void noteReplayed(TxLogEntry entry) {
        replayed++;
        if (entry.requestId() != null) {
            replayedIds.addLast(new RequestIdAt(entry.requestId(), replayed));
        }
        while (!replayedIds.isEmpty() && replayedIds.peekFirst().seqNr() <= replayed - requestIdWindow) {
            replayedIds.pollFirst();
        }
    }

    /**
     * Snapshot once the datoms written since the last snapshot reach a fraction of the
     * database ({@code snapshot-growth}), and at least {@code snapshot-min-datoms}: writing
     * a snapshot costs the whole value, so it is amortized over growth, and recovery never
     * replays more than that fraction.
     */
    @Override
    public boolean shouldSnapshot(DbValue db, TxLogEntry entry, long sequenceNr) {
        double threshold = Math.max(snapshotMinDatoms, snapshotGrowth * db.size());
        if (datomsSinceSnapshot >= threshold) {
            datomsSinceSnapshot = 0;
            return true;
        }
        return false;
    }
}
