package io.chronon.sharding.writer;

import io.chronon.db.DbValue;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.DurableIndexes;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.index.IndexRestore;
import io.chronon.storage.index.IndexRoots;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.EventAdapter;
import org.apache.pekko.persistence.typed.EventSeq;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.javadsl.Sink;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The event-sourced log of one database: its journal holds {@link TxLogEntry}s (one per
 * committed transaction, sequence numbers 1, 2, 3, ...) and its state is the db value after
 * them ({@link LogState}). The {@link Transactor} owns one as its child and decides what to
 * append; this actor only writes and applies. Query peers run one in read-only mode to load a
 * database and stop it once loaded.
 *
 * <p>What a recovery starts from: the latest roots record of the database's durable indexes
 * (stored in the snapshot store by the indexer, {@link io.chronon.sharding.indexer.DatabaseIndexer}),
 * opened as a value over its trees ({@link IndexRestore#at}), or, for a database stored by a
 * version before the durable indexes, its last whole-value snapshot; then the entries after it.
 * This actor never snapshots ({@link #shouldSnapshot}): the indexer records roots instead, off
 * the writer's thread, at a cost in proportion to the novelty rather than to the database.
 *
 * <p>The event handler is pure: the next {@link LogState} is a function of the state and the
 * event alone ({@link Rules#next}), a new immutable value each time; the fields of this actor
 * are final, its settings and collaborators. The handler applies the entry to the value (or
 * takes the value the writer already computed for it, see {@link TxLogEntry#dbAfterHint()}).
 * The writer keeps only the value at the end of each write, so an entry whose hint lies ahead
 * ({@link TxLogEntry#hintAhead()} > 0) leaves the value as it is and the write's last entry
 * brings it up to date. The handler knows whether an entry was {@link Appended} now or
 * {@link Replayed} from the journal; an event is stored as the bare entry ({@link #eventAdapter}).
 *
 * <p>While a writer's log recovers its state also notes the request ids of the last
 * {@code request-id-window} entries it replays (those after the roots; {@link Replay},
 * persistent, O(1) per entry), which the writer gets with {@link Recovered}; the first entry
 * appended drops them. {@link #requestIds} reads those of earlier entries.
 */
public final class TxLog extends EventSourcedBehavior<TxLog.Command, TxLog.Event, TxLog.LogState> {

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
     * (after the roots; {@code seqNr + 1} when none was), {@code requestIds} the request ids of
     * the replayed entries within the writer's window, in log order, and {@code roots} the
     * durable index the recovery started from (null: none, the value is all in memory).
     */
    public record Recovered(DbValue db, long seqNr, long replayedFrom, List<RequestIdAt> requestIds, IndexRoots roots)
            implements Reply {
    }

    /** The request id of the entry at sequence number {@code seqNr}. */
    record RequestIdAt(String requestId, long seqNr) {
    }

    /** An {@link Append} is durable; {@code lastSeqNr} is the sequence number of its last entry. */
    record Written(long lastSeqNr) implements Reply {
    }

    /**
     * An entry as the event handler sees it: appended by this actor now, or replayed from the
     * journal. The journal holds the bare entry either way ({@link #eventAdapter}).
     */
    sealed interface Event {
        TxLogEntry entry();
    }

    /** An entry this actor appends. */
    record Appended(TxLogEntry entry) implements Event {
    }

    /** An entry read back from the journal by the recovery. */
    record Replayed(TxLogEntry entry) implements Event {
    }

    /**
     * The state of the log, immutable.
     *
     * @param db     the db value after the entries so far
     * @param roots  the durable index the recovery started from (null: none)
     * @param replay what the recovery replayed ({@link Replay#NONE} once an entry is appended)
     */
    record LogState(DbValue db, IndexRoots roots, Replay replay) {
    }

    /**
     * The entries the recovery replayed: how many (counted only where request ids are noted,
     * as {@link Recovered#replayedFrom} always was) and the request ids among the last
     * {@code window} of them, each with its replay count (1, 2, ...). Persistent, so that a
     * replayed entry costs O(1) whatever the window: ids go onto {@code recent}, the cells of
     * the replay counts up to {@code recentEnd}; once the count passes it, {@code recent}
     * becomes {@code older} and the list before that is dropped whole. The window's ids are
     * then always within those two lists (at most two windows of cells are kept).
     */
    record Replay(long count, IdCell recent, IdCell older, long recentEnd) {
        static final Replay NONE = new Replay(0, null, null, 0);

        /** This replay with one more entry, {@code entry}, noting its request id if it has one. */
        Replay add(TxLogEntry entry, int window) {
            long n = count + 1;
            IdCell r = recent;
            IdCell o = older;
            long end = recentEnd;
            if (n > end) {
                o = r;
                r = null;
                end += window;
            }
            if (entry.requestId() != null) {
                r = new IdCell(entry.requestId(), n, r);
            }
            return new Replay(n, r, o, end);
        }

        /**
         * The request ids of the last {@code window} entries replayed, in log order, at the
         * sequence numbers {@code offset} + their replay counts.
         */
        List<RequestIdAt> ids(int window, long offset) {
            List<RequestIdAt> ids = new ArrayList<>();
            for (IdCell list : new IdCell[] {recent, older}) {
                for (IdCell c = list; c != null && c.replayCount() > count - window; c = c.next()) {
                    ids.add(new RequestIdAt(c.requestId(), offset + c.replayCount()));
                }
            }
            Collections.reverse(ids);
            return List.copyOf(ids);
        }
    }

    /**
     * A cell of a persistent list of request ids, newest first (a class, not a record: a
     * record's equals, hashCode and toString would walk the whole list, recursively).
     */
    static final class IdCell {
        private final String requestId;
        private final long replayCount;
        private final IdCell next;

        IdCell(String requestId, long replayCount, IdCell next) {
            this.requestId = requestId;
            this.replayCount = replayCount;
            this.next = next;
        }

        String requestId() {
            return requestId;
        }

        long replayCount() {
            return replayCount;
        }

        IdCell next() {
            return next;
        }
    }

    /**
     * What the log's state follows: the request id window.
     *
     * @param requestIdWindow how many of the last replayed entries' request ids to note (0: none)
     */
    record Rules(int requestIdWindow) {

        /** The state of {@code db} as loaded (from {@code roots}, or null: a snapshot or the empty value): nothing replayed yet. */
        LogState initial(DbValue db, IndexRoots roots) {
            return new LogState(db, roots, Replay.NONE);
        }

        /** The event handler: the state after {@code event}; a replayed entry's request id is noted. */
        LogState next(LogState state, Event event) {
            TxLogEntry entry = event.entry();
            DbValue db = entry.hintAhead() > 0 ? state.db() : entry.applyTo(state.db());
            Replay replay = event instanceof Replayed && requestIdWindow > 0 ? state.replay().add(entry, requestIdWindow)
                    : event instanceof Replayed ? state.replay() : Replay.NONE;
            return new LogState(db, state.roots(), replay);
        }

        /**
         * What the recovery that ended in {@code state} tells the owner, the log's last sequence
         * number being {@code lastSeqNr}: replay counts 1..n map to the sequence numbers ending there.
         */
        Recovered recovered(LogState state, long lastSeqNr) {
            long offset = lastSeqNr - state.replay().count();
            return new Recovered(state.db(), lastSeqNr, offset + 1, state.replay().ids(requestIdWindow, offset), state.roots());
        }
    }

    /**
     * The journal form of the events: an appended entry is stored as itself (manifest "", as
     * without an adapter), and whatever the journal holds comes back as {@link Replayed}.
     */
    static final EventAdapter<Event, Object> JOURNAL_FORM = new EventAdapter<>() {
        @Override
        public Object toJournal(Event event) {
            return event.entry();
        }

        @Override
        public String manifest(Event event) {
            return "";
        }

        @Override
        public EventSeq<Event> fromJournal(Object stored, String manifest) {
            if (stored instanceof TxLogEntry entry) {
                return EventSeq.single(new Replayed(entry));
            }
            throw new IllegalStateException("Not a transaction log entry: " + stored.getClass().getName());
        }
    };

    private final ActorContext<Command> ctx;
    private final DatabaseStorage storage;
    private final java.util.function.Consumer<Reply> owner;
    private final Rules rules;
    private final SnapshotAdapter<LogState> snapshotForm;

    private TxLog(ActorContext<Command> ctx, DatabaseInfo db, DatabaseStorage storage, java.util.function.Consumer<Reply> owner,
                  Rules rules) {
        super(PersistenceId.ofUniqueId(db.persistenceId()));
        this.ctx = ctx;
        this.storage = storage;
        this.owner = owner;
        this.rules = rules;
        this.snapshotForm = snapshotForm(rules, roots -> IndexRestore.at(
                DurableIndexes.get(ctx.getSystem()).treeStorage(storage, db.persistenceId()), roots));
    }

    /**
     * What a recovery starts from, as the snapshot store holds it: an {@link IndexRoots} record,
     * opened by {@code open}, or a whole db value (stored before the durable indexes). This actor
     * never saves a snapshot, so the other direction is never used.
     */
    static SnapshotAdapter<LogState> snapshotForm(Rules rules, java.util.function.Function<IndexRoots, DbValue> open) {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(LogState state) {
                throw new IllegalStateException("the log of a database never snapshots its value; the indexer records roots");
            }

            @Override
            public LogState fromJournal(Object stored) {
                if (stored instanceof IndexRoots roots) {
                    return rules.initial(open.apply(roots), roots);
                }
                return rules.initial((DbValue) stored, null);
            }
        };
    }

    /** The writer's log of {@code db}; {@code owner} is told its replies (from this actor's thread). */
    static Behavior<Command> writer(DatabaseInfo db, DatabaseStorage storage, java.util.function.Consumer<Reply> owner,
                                    ChrononSettings settings) {
        return Behaviors.setup(ctx -> new TxLog(ctx, db, storage, owner, new Rules(settings.requestIdWindow())));
    }

    /** A loader of {@code db}: recovers, tells {@link Recovered}, and must never be sent {@link Append}. */
    public static Behavior<Command> reader(DatabaseInfo db, DatabaseStorage storage, ActorRef<Reply> owner) {
        return Behaviors.setup(ctx -> new TxLog(ctx, db, storage, owner::tell, new Rules(0)));
    }

    /** The entries of {@code db} with sequence numbers {@code from} to {@code to} (inclusive) that are in the log. */
    static CompletionStage<List<EventEnvelope>> read(ActorSystem<?> system, DatabaseInfo db, DatabaseStorage storage,
                                                     long from, long to) {
        return journal(system, storage).currentEventsByPersistenceId(db.persistenceId(), from, to).runWith(Sink.seq(), system);
    }

    /**
     * The request ids of the entries of {@code db} with sequence numbers {@code from} to
     * {@code to}, in log order: what a writer recovered from index roots reads to fill its
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
    public LogState emptyState() {
        return rules.initial(DbValue.empty(), null);
    }

    @Override
    public EventAdapter<Event, Object> eventAdapter() {
        return JOURNAL_FORM;
    }

    @Override
    public SnapshotAdapter<LogState> snapshotAdapter() {
        return snapshotForm;
    }

    @Override
    public CommandHandler<Command, Event, LogState> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Append.class, (state, append) -> Effect().persist(appended(append.entries()))
                        .thenRun(after -> {
                            // the owner first: whatever onDurable sets off reaches the owner after this
                            owner.accept(new Written(lastSequenceNumber(ctx)));
                            if (append.onDurable() != null) {
                                append.onDurable().run();
                            }
                        }))
                .build();
    }

    /** The events of one journal write. */
    private static List<Event> appended(List<TxLogEntry> entries) {
        List<Event> events = new ArrayList<>(entries.size());
        for (TxLogEntry entry : entries) {
            events.add(new Appended(entry));
        }
        return events;
    }

    @Override
    public EventHandler<LogState, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(Event.class, rules::next)
                .build();
    }

    @Override
    public SignalHandler<LogState> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), state -> owner.accept(rules.recovered(state, lastSequenceNumber(ctx))))
                .build();
    }

    /** Never: the indexer records index roots where snapshots were (see the class comment). */
    @Override
    public boolean shouldSnapshot(LogState state, Event event, long sequenceNr) {
        return false;
    }
}
