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
 * committed transaction, sequence numbers 1, 2, 3, ...), its state is the db value after
 * them with the counters below ({@link LogState}), and its snapshots are that db value. The
 * {@link Transactor} owns one as its child and decides what to append; this actor only
 * writes and applies. Query peers run one in read-only mode to load a database (the latest
 * snapshot plus the log after it) and stop it once loaded.
 *
 * <p>The event handler is pure: the next {@link LogState} is a function of the state and the
 * event alone ({@link Rules#next}), a new immutable value each time; the fields of this actor
 * are final, its settings and collaborators. The handler applies the entry to the value (or
 * takes the value the writer already computed for it, see {@link TxLogEntry#dbAfterHint()}).
 * The writer keeps only the value at the end of each write, so an entry whose hint lies ahead
 * ({@link TxLogEntry#hintAhead()} > 0) leaves the value as it is and the write's last entry
 * brings it up to date; Pekko snapshots only after a whole write, with that final state.
 *
 * <p>The counters live in the state too. What decides snapshots: the datoms since Pekko last
 * decided to snapshot ({@link LogState#datomsSinceSnapshot}, replayed entries included),
 * whether its next question is answered yes ({@link LogState#snapshotDue}, all that
 * {@link #shouldSnapshot} reads) and whether it already said yes in the write being applied
 * ({@link LogState#snapshotInWrite}). Pekko asks before each entry of a journal write, with the
 * state before that entry, until the first yes, and never during a replay; the handler knows
 * which case it is in from its events: {@link Appended} (appended now, the first of each write
 * marked) or {@link Replayed} (read back from the journal). So snapshots are taken exactly
 * where they were when the counter was a field that {@code shouldSnapshot} reset. An event is
 * stored as the bare entry ({@link #eventAdapter}) and a snapshot as the bare db value
 * ({@link #snapshotAdapter}): the stored forms are unchanged.
 *
 * <p>While a writer's log recovers its state also notes the request ids of the last
 * {@code request-id-window} entries it replays (those after the snapshot; {@link Replay},
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

    /**
     * An entry as the event handler sees it: appended by this actor now, or replayed from the
     * journal. The journal holds the bare entry either way ({@link #eventAdapter}).
     */
    sealed interface Event {
        TxLogEntry entry();
    }

    /**
     * An entry this actor appends; {@code firstOfWrite} for the first of its journal write
     * (from which Pekko asks {@link #shouldSnapshot} again).
     */
    record Appended(TxLogEntry entry, boolean firstOfWrite) implements Event {
    }

    /** An entry read back from the journal by the recovery. */
    record Replayed(TxLogEntry entry) implements Event {
    }

    /**
     * The state of the log, immutable.
     *
     * @param db                  the db value after the entries so far
     * @param datomsSinceSnapshot the datoms of the entries since Pekko last decided to snapshot
     *                            (or since the snapshot or empty value recovered from), replayed ones included
     * @param snapshotDue         whether the answer to Pekko's next {@link #shouldSnapshot} is yes:
     *                            {@code datomsSinceSnapshot} has reached the threshold of {@code db}
     * @param snapshotInWrite     whether Pekko already decided to snapshot after the journal write
     *                            being applied (it then asks no more until the next one)
     * @param replay              what the recovery replayed ({@link Replay#NONE} once an entry is appended)
     */
    record LogState(DbValue db, long datomsSinceSnapshot, boolean snapshotDue, boolean snapshotInWrite, Replay replay) {
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
     * What the log's state follows: the snapshot rule and the request id window.
     *
     * @param snapshotMinDatoms see {@link #snapshotDue}
     * @param snapshotGrowth    see {@link #snapshotDue}
     * @param requestIdWindow   how many of the last replayed entries' request ids to note (0: none)
     */
    record Rules(long snapshotMinDatoms, double snapshotGrowth, int requestIdWindow) {

        /** The state of {@code db} as loaded (a snapshot, or the empty value): nothing counted yet. */
        LogState initial(DbValue db) {
            return new LogState(db, 0, snapshotDue(0, db), false, Replay.NONE);
        }

        /**
         * Snapshot once the datoms written since the last snapshot reach a fraction of the
         * database ({@code snapshot-growth}), and at least {@code snapshot-min-datoms}: writing
         * a snapshot costs the whole value, so it is amortized over growth, and recovery never
         * replays more than that fraction.
         */
        boolean snapshotDue(long datomsSinceSnapshot, DbValue db) {
            return datomsSinceSnapshot >= Math.max(snapshotMinDatoms, snapshotGrowth * db.size());
        }

        /**
         * The event handler: the state after {@code event}. An appended entry first settles
         * the question Pekko asked before it, with {@code state} (unless it already said yes
         * in this write): a yes restarts the count. A replayed entry is counted (nobody asks
         * during a replay) and its request id noted.
         */
        LogState next(LogState state, Event event) {
            TxLogEntry entry = event.entry();
            DbValue db = entry.hintAhead() > 0 ? state.db() : entry.applyTo(state.db());
            long datoms;
            boolean inWrite;
            Replay replay;
            if (event instanceof Appended a) {
                boolean earlierYes = !a.firstOfWrite() && state.snapshotInWrite();
                boolean yes = !earlierYes && state.snapshotDue();
                datoms = (yes ? 0 : state.datomsSinceSnapshot()) + entry.txData().size();
                inWrite = earlierYes || yes;
                replay = Replay.NONE;
            } else {
                datoms = state.datomsSinceSnapshot() + entry.txData().size();
                inWrite = false;
                replay = requestIdWindow > 0 ? state.replay().add(entry, requestIdWindow) : state.replay();
            }
            return new LogState(db, datoms, snapshotDue(datoms, db), inWrite, replay);
        }

        /**
         * What the recovery that ended in {@code state} tells the owner, the log's last sequence
         * number being {@code lastSeqNr}: replay counts 1..n map to the sequence numbers ending there.
         */
        Recovered recovered(LogState state, long lastSeqNr) {
            long offset = lastSeqNr - state.replay().count();
            return new Recovered(state.db(), lastSeqNr, offset + 1, state.replay().ids(requestIdWindow, offset));
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
        this.snapshotForm = snapshotForm(rules);
    }

    /** The stored form of a snapshot: the bare db value; one loaded starts a state with nothing counted. */
    static SnapshotAdapter<LogState> snapshotForm(Rules rules) {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(LogState state) {
                return state.db();
            }

            @Override
            public LogState fromJournal(Object stored) {
                return rules.initial((DbValue) stored);
            }
        };
    }

    /** The writer's log of {@code db}; {@code owner} is told its replies (from this actor's thread). */
    static Behavior<Command> writer(DatabaseInfo db, DatabaseStorage storage, java.util.function.Consumer<Reply> owner,
                                    ChrononSettings settings) {
        return Behaviors.setup(ctx -> new TxLog(ctx, db, storage, owner,
                new Rules(settings.snapshotMinDatoms(), settings.snapshotGrowth(), settings.requestIdWindow())));
    }

    /** A loader of {@code db}: recovers, tells {@link Recovered}, and must never be sent {@link Append}. */
    public static Behavior<Command> reader(DatabaseInfo db, DatabaseStorage storage, ActorRef<Reply> owner) {
        return Behaviors.setup(ctx -> new TxLog(ctx, db, storage, owner::tell, new Rules(Long.MAX_VALUE, Double.MAX_VALUE, 0)));
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
    public LogState emptyState() {
        return rules.initial(DbValue.empty());
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

    /** The events of one journal write (always a list: Pekko asks {@link #shouldSnapshot} as {@link Rules#next} expects). */
    private static List<Event> appended(List<TxLogEntry> entries) {
        List<Event> events = new ArrayList<>(entries.size());
        for (TxLogEntry entry : entries) {
            events.add(new Appended(entry, events.isEmpty()));
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

    /**
     * Pekko asks before each entry of a journal write, with the state before it, until the
     * first yes (never during a replay): the state knows the answer ({@link Rules#next}).
     */
    @Override
    public boolean shouldSnapshot(LogState state, Event event, long sequenceNr) {
        return state.snapshotDue();
    }
}
