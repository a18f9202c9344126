package io.chronon.sharding.writer;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.catalog.DatabaseLookup;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.wire.EdnJson;
import io.chronon.sharding.wire.EdnValue;
import io.chronon.sharding.wire.Replies;
import io.chronon.sharding.writer.WriterSharedState.Retries;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.TxLogEntry;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.EventEnvelope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one writer of a database: a Cluster Sharding entity keyed by database name on the
 * transactor role, so there is exactly one per database in the cluster.
 *
 * <p>It validates and expands each transaction ({@link TxProcessor}) against the db value
 * as it will be after everything accepted before it, appends it to the database's
 * event-sourced {@link TxLog} (its child), and only once that write is durable publishes
 * the report on the database's {@link TxFeed} topic and acknowledges the transaction.
 * <b>Group commit:</b> transactions that arrive while a write is in flight are processed in
 * order against the evolving value and written together in the next single journal write,
 * each as its own entry with its own t ({@link WriteQueue}). <b>Back-pressure:</b> at most
 * {@code chronon.transactor.max-pending} transactions wait (in flight or queued); beyond
 * that a transaction is answered {@code busy} at once. <b>A failed write</b> stops the log;
 * the transactor recovers it from storage and reads back the entries where the in-flight
 * transactions were to go: those found there are acknowledged; those whose place holds
 * another writer's entry (two writers overlap for a moment when the cluster moves a writer
 * while its old node still runs: the conditional writes of the Cassandra journal fence
 * them) were not committed and are processed again; those whose place is empty fail
 * {@code unavailable} (outcome unknown). The queued ones are processed again against the
 * recovered value. A writer fenced while its node's membership is unsettled holds its
 * transactions back until it settles (at most {@link #FENCED_WAIT}), so that the writer the
 * cluster chose goes on undisturbed. <b>An acknowledgement always means the transaction's
 * entry is in the log.</b>
 *
 * <p>Once a write is durable the writer hands its transactions to a child, the publisher
 * ({@link TxPublisher}), which publishes their reports and answers their callers in log
 * order while the writer starts the next write and goes on processing. What the writer
 * shares with the threads of its log and publisher is in {@link WriterSharedState}. It
 * runs on its own dispatcher ({@code chronon.transactor-dispatcher}), and callers on its
 * node reach it directly ({@link LocalWriters}) rather than through the shard region.
 *
 * <p><b>Request ids:</b> a transaction may carry a client's request id, which goes into its
 * log entry with its tempids. The writer remembers the ids of the last
 * {@code chronon.transactor.request-id-window} entries and answers a transaction whose id
 * is among them with the original result (read back from the log, marked duplicate)
 * instead of committing it again; one whose id is still queued or in flight gets the same
 * answer as the first. A rejected transaction leaves no entry, so its retry runs again.
 * After a recovery the window is rebuilt from the log: the entries replayed after the
 * snapshot give their ids, earlier ones are read in the background; meanwhile only
 * transactions with a request id wait. The rules are {@link RequestIdWindow}'s.
 *
 * <p>Transaction functions run here: {@code :db/cas}, {@code :db/retractEntity} and the
 * classes registered in {@code chronon.tx-functions}; a client can only name them.
 */
public final class Transactor extends AbstractBehavior<Transactor.Command> {

    public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "chronon-transactor");

    /** The transactor's messages. */
    public sealed interface Command {
    }

    /**
     * The messages callers send: each carries the address of its answer, so the writer refuses
     * any of them (starting with too many waiting, its log failing, its database gone, stopping)
     * with {@link #fail}.
     */
    public sealed interface Request extends Command, Replies {
    }

    /**
     * Transacts {@code txData}: a list of transaction forms (list or map forms, as in
     * Datomic), or the same as an EDN string. Answered with {@link TxResult} once durable,
     * or an error: {@code incorrect}/{@code conflict}/{@code not-found} for a rejected
     * transaction, {@code busy} when the queue is full, {@code unavailable} when the log
     * cannot be written.
     *
     * <p>{@code requestId} (null: none; at most {@value #MAX_REQUEST_ID_LENGTH} characters)
     * makes a retry safe: a transaction whose request id the writer has already committed
     * (within its window) is answered with that commit's result instead of committing
     * again.
     */
    public record Transact(@EdnValue Object txData, String requestId, ActorRef<StatusReply<TxResult>> replyTo)
            implements Request, Replies.WithStatus<TxResult>, CborSerializable {
        /** A transaction without a request id. */
        public Transact(Object txData, ActorRef<StatusReply<TxResult>> replyTo) {
            this(txData, null, replyTo);
        }
    }

    /** The longest request id a transaction may carry. */
    public static final int MAX_REQUEST_ID_LENGTH = 200;

    /** Asks for the latest durable t (what {@code sync()} waits for). */
    public record GetLatestT(ActorRef<StatusReply<LatestT>> replyTo)
            implements Request, Replies.WithStatus<LatestT>, CborSerializable {
    }

    /**
     * Sent by the catalog after a database is deleted: the writer of incarnation
     * {@code databaseId} finishes its in-flight write, refuses everything else, publishes
     * {@link TxFeed.Retired} and stops. Answered when it no longer writes.
     */
    public record Retire(String databaseId, ActorRef<Done> replyTo) implements Request, CborSerializable {
        /**
         * Does nothing: {@code Done} cannot carry an error, so a refused retirement goes
         * unanswered and the catalog's ask times out (it logs that and goes on).
         */
        @Override
        public void fail(ChrononError error) {
        }
    }

    /**
     * A committed transaction.
     *
     * @param t           the transaction's t
     * @param basisBefore the basis t of the database before it
     * @param seqNr       its sequence number in the database's log
     * @param tempids     the entity id each tempid resolved to
     * @param txData      the datoms it asserted and retracted
     * @param duplicate   true when this answers a retry: the transaction was committed
     *                    before, under the same request id, and not again
     */
    public record TxResult(String database, long t, long basisBefore, long seqNr, Map<String, Long> tempids,
                           @JsonSerialize(using = EdnJson.DatomsSerializer.class)
                           @JsonDeserialize(using = EdnJson.DatomsDeserializer.class) List<Datom> txData,
                           boolean duplicate)
            implements CborSerializable {
        /** A result answering the transaction that committed it. */
        public TxResult(String database, long t, long basisBefore, long seqNr, Map<String, Long> tempids, List<Datom> txData) {
            this(database, t, basisBefore, seqNr, tempids, txData, false);
        }

        TxResult asDuplicate() {
            return new TxResult(database, t, basisBefore, seqNr, tempids, txData, true);
        }
    }

    /** The latest durable transaction of a database. */
    public record LatestT(String database, long t, long seqNr) implements CborSerializable {
    }

    /** The stop message given to Cluster Sharding for passivation. */
    public enum Stop implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    private enum PublisherStopped implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    private record Looked(DatabaseInfo info, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    /** What the log tells this writer. */
    private record FromLog(TxLog.Reply reply) implements Command, NoSerializationVerificationNeeded {
    }

    /**
     * What the log tells this writer after a slow journal write (an fsync, a Cassandra round
     * trip; see {@link WriterSharedState#SLOW_WRITE_NANOS}): a control message, which the
     * writer's control-aware mailbox ({@code chronon.transactor-mailbox}) hands over before
     * the transactions waiting there, so the next write starts at once and its latency
     * overlaps the processing of what arrived meanwhile. After a fast write (memory, no
     * fsync) the reply waits its turn: the transactions ahead of it are processed first and
     * go out together in the next write, which keeps groups large when writes cost little.
     */
    private record FromSlowLog(TxLog.Reply reply) implements Command, NoSerializationVerificationNeeded,
            org.apache.pekko.dispatch.ControlMessage {
    }

    private record LogStopped(long generation) implements Command, NoSerializationVerificationNeeded {
    }

    private record RestartLog(long generation) implements Command, NoSerializationVerificationNeeded {
    }

    private enum Tick implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    private enum FencedCheck implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    /** The request ids of the entries {@code from}..{@code to}, read from the log to fill the window. */
    private record WindowRead(long from, long to, List<TxLog.RequestIdAt> ids, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    private enum Phase { LOOKING_UP, RECOVERING, READY, RETIRED }

    /**
     * A processed transaction waiting for its write. {@code runEnd}: its value ends an
     * editing run (sealed); a journal write always ends at one, so that every hint it
     * carries is a value that the write makes durable. {@code retries}: the callers of the
     * same request id that arrive while it waits (null without a request id; see
     * {@link Retries}).
     */
    record Pending(Object txData, ActorRef<StatusReply<TxResult>> replyTo, TxLogEntry entry,
                   Map<String, Long> tempids, long basisBefore, boolean runEnd, Retries retries, int attempt)
            implements WriteQueue.Queued<Pending> {
        @Override
        public Pending sealedAs(TxLogEntry hinted, boolean end) {
            return new Pending(txData, replyTo, hinted, tempids, basisBefore, end, retries, attempt);
        }

        /** This transaction as a durable entry read back from the log: without the db value hint. */
        Pending withoutHint() {
            return new Pending(txData, replyTo, entry.withoutHint(), tempids, basisBefore, runEnd, retries, attempt);
        }

        /** The transaction, to be processed again against another value (its entry was not stored). */
        Submission again() {
            return new Submission(txData, requestId(), replyTo, retries, attempt + 1);
        }

        String requestId() {
            return entry.requestId();
        }

        void fail(ChrononError error) {
            replyTo.tell(StatusReply.error(error));
            if (retries != null) {
                retries.answer(StatusReply.error(error));
            }
        }
    }

    /**
     * A transaction to process: one a caller sent ({@code attempt} 0), or one processed before
     * whose entry did not reach the log and that is processed again against the value read
     * back from it ({@code attempt} counts those times). {@code retries}: the callers of the
     * same request id joined to it (null without a request id).
     */
    private record Submission(Object txData, String requestId, ActorRef<StatusReply<TxResult>> replyTo, Retries retries,
                              int attempt) {
        void answer(StatusReply<TxResult> reply) {
            replyTo.tell(reply);
            if (retries != null) {
                retries.answer(reply.isSuccess() ? StatusReply.success(reply.getValue().asDuplicate()) : reply);
            }
        }
    }

    /** A {@link Submission} waiting for this writer to be ready (stashed) or for its request-id window. */
    private record Resubmit(Submission submission) implements Request, NoSerializationVerificationNeeded {
        /** Answers the transaction's caller, and those of its request id joined to it. */
        @Override
        public void fail(ChrononError error) {
            submission.answer(StatusReply.error(error));
        }
    }

    /**
     * The entries {@code from}.. of the log as read back after a recovery, to learn which of
     * the transactions that were in flight when the log failed are in it (null with a failure).
     */
    private record Verified(long generation, long from, List<EventEnvelope> entries, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final StashBuffer<Command> stash;
    private final String name;
    private final ChrononSettings settings;
    private final TxOptions txOptions;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    /** What the log's and the publisher's threads share with this writer (see its threading contract). */
    private final WriterSharedState shared = new WriterSharedState();
    /** Tells this writer what its log says, straight into its mailbox (no adapter, so the mailbox sees the message's type). */
    private final java.util.function.Consumer<TxLog.Reply> logReplies;
    private final LocalWriters localWriters;

    private Phase phase = Phase.LOOKING_UP;
    private DatabaseInfo info;
    private ActorRef<Topic.Command<TxFeed>> topic;
    /** Publishes reports and answers callers, in log order, off this actor's thread. */
    private ActorRef<TxPublisher.Command> publisher;
    private DatabaseStorage storage;
    private ActorRef<TxLog.Command> log;
    private long logGeneration;
    private int logFailures;

    /** The durable end of the log, the journal write in flight and the transactions queued for the next. */
    private final WriteQueue<Pending> queue;
    private long lastPublishNanos;

    private ActorRef<Done> retireReplyTo;
    private boolean stopAfterWrite;

    /** The request ids committed within the window, queued and in flight. */
    private final RequestIdWindow<Retries> requestIds;
    /** Transactions with a request id that wait for the window to be read from the log. */
    private final List<Submission> awaitingWindow = new ArrayList<>();
    /** A recovery whose in-flight transactions are being looked up in the log ({@link Verified}). */
    private TxLog.Recovered recovered;
    /** Transactions a writer fenced by another one holds back until its node's membership settles. */
    private final List<Submission> held = new ArrayList<>();
    private long fencedSinceNanos;

    private Transactor(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash, String name,
                       ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<Catalog.Command> catalog, ChrononSettings settings,
                       LocalWriters localWriters) {
        super(ctx);
        this.localWriters = localWriters;
        this.ctx = ctx;
        this.timers = timers;
        this.stash = stash;
        this.name = name;
        this.shard = shard;
        this.settings = settings;
        this.txOptions = new TxOptions(System::currentTimeMillis, settings.txFunctions());
        this.requestIds = new RequestIdWindow<>(settings.requestIdWindow());
        this.queue = new WriteQueue<>(name, settings.maxBatch());
        ActorRef<Command> self = ctx.getSelf();
        this.logReplies = reply -> self.tell(shared.writeIsSlow() ? new FromSlowLog(reply) : new FromLog(reply));
        ctx.askWithStatus(DatabaseInfo.class, catalog, settings.defaultTimeout(),
                replyTo -> new Catalog.GetDatabase(name, replyTo), Looked::new);
    }

    /**
     * The transactor of database {@code name}.
     *
     * @param shard   the shard hosting the entity, for passivation (sharding's entity context)
     * @param catalog the catalog singleton (a proxy)
     */
    public static Behavior<Command> create(String name, ActorRef<ClusterSharding.ShardCommand> shard,
                                           ActorRef<Catalog.Command> catalog, ChrononSettings settings) {
        return create(name, shard, catalog, settings, new LocalWriters());
    }

    public static Behavior<Command> create(String name, ActorRef<ClusterSharding.ShardCommand> shard,
                                    ActorRef<Catalog.Command> catalog, ChrononSettings settings, LocalWriters localWriters) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(Math.max(16, settings.maxPending()),
                stash -> new Transactor(ctx, timers, stash, name, shard, catalog, settings, localWriters))));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Transact.class, this::onTransact)
                .onMessage(Resubmit.class, m -> {
                    submit(m.submission());
                    return this;
                })
                .onMessage(Verified.class, this::onVerified)
                .onMessage(GetLatestT.class, this::onGetLatestT)
                .onMessage(Retire.class, this::onRetire)
                .onMessage(Looked.class, this::onLooked)
                .onMessage(FromLog.class, m -> onFromLog(m.reply()))
                .onMessage(FromSlowLog.class, m -> onFromLog(m.reply()))
                .onMessage(LogStopped.class, this::onLogStopped)
                .onMessage(RestartLog.class, this::onRestartLog)
                .onMessage(WindowRead.class, this::onWindowRead)
                .onMessage(Tick.class, t -> onTick())
                .onMessage(FencedCheck.class, t -> onFencedCheck())
                .onMessage(Stop.class, s -> onStop())
                .onMessage(PublisherStopped.class, s -> onPublisherStopped())
                .onSignal(PostStop.class, s -> {
                    unregister();
                    return this;
                })
                .build();
    }

    /** From now on transactions reach this writer through Cluster Sharding only. */
    private void unregister() {
        localWriters.unregister(name, ctx.getSelf());
    }

    // ------------------------------------------------------------------ start and recovery

    private Behavior<Command> onLooked(Looked looked) {
        if (looked.failure() != null) {
            return failStashedAndPassivate(DatabaseLookup.lookupFailure(name, looked.failure()));
        }
        info = looked.info();
        try {
            storage = DatabaseLookup.storage(ctx.getSystem(), info);
        } catch (ChrononError e) {
            return failStashedAndPassivate(e);
        }
        topic = TxFeedTopics.get(ctx.getSystem()).topic(info);
        publisher = ctx.spawn(TxPublisher.create(topic), "publisher");
        ctx.watchWith(publisher, PublisherStopped.INSTANCE);
        phase = Phase.RECOVERING;
        startLog();
        return this;
    }

    private Behavior<Command> failStashedAndPassivate(ChrononError error) {
        phase = Phase.RETIRED;
        unregister();
        Behavior<Command> answering = Behaviors.receive(Command.class)
                .onMessage(Retire.class, c -> {
                    // this writer never served the database, but peers may be following its
                    // topic: tell them it is gone
                    TxFeedTopics.get(ctx.getSystem()).topic(new DatabaseInfo(name, c.databaseId(), "", 0))
                            .tell(Topic.publish(new TxFeed.Retired(name, c.databaseId())));
                    c.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .onMessage(Request.class, c -> {
                    c.fail(error);
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onAnyMessage(m -> Behaviors.same())
                .build();
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        return stash.unstashAll(answering);
    }

    private void startLog() {
        logGeneration++;
        log = ctx.spawn(TxLog.writer(info, storage, logReplies, settings), "log-" + logGeneration);
        ctx.watchWith(log, new LogStopped(logGeneration));
    }

    private Behavior<Command> onFromLog(TxLog.Reply reply) {
        if (reply instanceof TxLog.Recovered r) {
            return onRecovered(r);
        }
        if (reply instanceof TxLog.Written w) {
            return onWritten(w);
        }
        return this;
    }

    /**
     * The log has recovered (at start, or after a failed write). Transactions that were in
     * flight when it failed may or may not be in the log, and the log may also hold entries of
     * another writer of this database (one that ran at the same time for a while: a node that
     * rejoined, a partition, a paused node). Their sequence numbers say nothing about whose
     * they are, so the entries where they would be are read back first ({@link #onVerified}).
     */
    private Behavior<Command> onRecovered(TxLog.Recovered r) {
        if (phase != Phase.RECOVERING) {
            return this;
        }
        long committedSeqNr = queue.committedSeqNr();
        if (queue.writing() && r.seqNr() > committedSeqNr) {
            long from = committedSeqNr + 1;
            long to = Math.min(r.seqNr(), queue.expectedLastSeqNr());
            long generation = logGeneration;
            recovered = r;
            ctx.pipeToSelf(TxLog.read(ctx.getSystem(), info, storage, from, to),
                    (entries, failure) -> new Verified(generation, from, entries, failure));
            return this;
        }
        return recoveryDone(r, Map.of(), false);
    }

    private Behavior<Command> onVerified(Verified v) {
        TxLog.Recovered r = recovered;
        if (v.generation() != logGeneration || phase != Phase.RECOVERING || r == null) {
            return this; // the log failed again meanwhile: its next recovery reads again
        }
        Map<Long, TxLogEntry> stored = new HashMap<>();
        if (v.entries() != null) {
            for (EventEnvelope env : v.entries()) {
                if (env.event() instanceof TxLogEntry e) {
                    stored.put(env.sequenceNr(), e);
                }
            }
        } else {
            ctx.getLog().warn("Reading back the entries of {} from {} after a failed write failed: {}", name, v.from(),
                    String.valueOf(v.failure()));
        }
        return recoveryDone(r, stored, v.entries() == null);
    }

    /**
     * Ends a recovery: the in-flight transactions whose entries {@code stored} holds (by
     * sequence number, as read back from the log) are committed and acknowledged; those whose
     * place holds another writer's entry were certainly not stored and are processed again;
     * for the others the outcome is unknown (a write that timed out may still land) and they
     * fail {@code unavailable}. Then what was queued is processed again, against the value read
     * back, request ids checked again (another writer may have committed them meanwhile).
     */
    private Behavior<Command> recoveryDone(TxLog.Recovered r, Map<Long, TxLogEntry> stored, boolean readFailed) {
        recovered = null;
        long committedSeqNr = queue.committedSeqNr();
        int wasInFlight = queue.inFlightCount();
        WriteQueue.FailedWrite<Pending> failed = queue.takeBackFailedWrite(stored, readFailed, r.seqNr());
        // transactions held back while this writer waited after being fenced come first
        List<Submission> again = new ArrayList<>(held);
        held.clear();
        // a stored write is published without hints: a partly stored write's hint is a value the log never reached
        List<Pending> reached = new ArrayList<>();
        for (Pending p : failed.stored()) {
            forget(p);
            reached.add(p.withoutHint());
        }
        for (Pending p : failed.taken()) {
            forget(p);
            again.add(p.again());
        }
        for (Pending p : failed.unknown()) {
            forget(p);
            p.fail(ChrononError.unavailable("chronon.error/write-outcome-unknown",
                    "The transaction log of " + name + " failed while this transaction was being written, and whether it "
                            + "was stored is not known yet; retry it with the same request id, which commits it at most once"));
        }
        if (!reached.isEmpty()) {
            publisher.tell(new TxPublisher.Committed(name, committedSeqNr + 1, reached));
        }
        int taken = failed.taken().size();
        if (taken > 0) {
            ctx.getLog().warn("Another writer of {} stored entries {}..{} while this one wrote them: {} transaction(s) are "
                            + "processed again", name, committedSeqNr + 1 + reached.size(),
                    Math.min(r.seqNr(), committedSeqNr + wasInFlight), taken);
        }
        queue.recovered(r.db(), r.seqNr());
        requestIds.recovered(r.replayedFrom(), r.requestIds(), committedSeqNr, r.seqNr());
        readWindow();
        // what was queued was processed against a value that included the failed write: redo it
        for (Pending p : queue.dropQueued()) {
            forget(p);
            again.add(new Submission(p.txData(), p.requestId(), p.replyTo(), p.retries(), p.attempt()));
        }
        if (taken > 0 && !stopAfterWrite && !membershipSettled()) {
            // Fenced by another writer while this node's membership is in question (it sees members
            // unreachable, or is itself no longer up): it is most likely the stale one of the two, on
            // a node cut off, paused or being downed. It stops writing until its view settles, so that
            // the writer the cluster chose is not fenced in turn; then it reads the log again.
            held.addAll(again);
            fencedSinceNanos = System.nanoTime();
            ctx.getLog().warn("The writer of {} was fenced by another writer while this node's cluster membership is unsettled; it "
                    + "holds {} transaction(s) and writes again once this node is up with every member reachable (at most {} ms)",
                    name, held.size(), FENCED_WAIT.toMillis());
            timers.startSingleTimer(FencedCheck.INSTANCE, Duration.ofMillis(100));
            return this;
        }
        phase = Phase.READY;
        logFailures = 0;
        lastPublishNanos = System.nanoTime();
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.heartbeatInterval());
        publishHeartbeat();
        if (stopAfterWrite) {
            // asked to stop while the write was under way: stop now, and let the next writer take these
            ChrononError stopping = unavailable("The transactor of " + name + " is stopping; retry");
            again.forEach(s -> s.answer(StatusReply.error(stopping)));
            return drainAndStop();
        }
        localWriters.register(name, ctx.getSelf());
        for (Submission s : again) {
            submit(s);
        }
        return stash.unstashAll(this);
    }

    /** The longest a fenced writer holds its transactions back while its node's membership is unsettled. */
    static final Duration FENCED_WAIT = Duration.ofSeconds(5);

    /** True when this node is up and sees every member reachable: a writer fenced here is not on a cut-off node. */
    private boolean membershipSettled() {
        org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem());
        return cluster.selfMember().status() == org.apache.pekko.cluster.MemberStatus.up()
                && cluster.state().getUnreachable().isEmpty();
    }

    /** A fenced writer checks whether it may write again: its view settled, or it waited {@link #FENCED_WAIT}. */
    private Behavior<Command> onFencedCheck() {
        if (phase != Phase.RECOVERING || held.isEmpty() || log == null || recovered != null) {
            return this;
        }
        if (membershipSettled() || System.nanoTime() - fencedSinceNanos >= FENCED_WAIT.toNanos()) {
            // the other writer may have written more meanwhile: read the log again, then process what was held
            ctx.unwatch(log);
            ctx.stop(log);
            startLog();
        } else {
            timers.startSingleTimer(FencedCheck.INSTANCE, Duration.ofMillis(100));
        }
        return this;
    }

    /** Answers the transactions a fenced writer holds back with {@code error}. */
    private void failHeld(ChrononError error) {
        for (Submission s : held) {
            s.answer(StatusReply.error(error));
        }
        held.clear();
    }

    private Behavior<Command> onLogStopped(LogStopped m) {
        if (m.generation() != logGeneration || phase == Phase.RETIRED) {
            return this;
        }
        log = null;
        logFailures++;
        phase = Phase.RECOVERING;
        timers.cancel(Tick.INSTANCE);
        long factor = 1L << Math.min(6, logFailures - 1);
        Duration backoff = settings.writerRestartBackoff().multipliedBy(factor);
        if (backoff.compareTo(Duration.ofSeconds(10)) > 0) {
            backoff = Duration.ofSeconds(10);
        }
        ctx.getLog().warn("The transaction log of {} stopped (failure {}); recovering it in {} ms", name, logFailures,
                backoff.toMillis());
        if (logFailures > 2) {
            // the store keeps failing: answer the waiting callers instead of letting them time out
            ChrononError error = unavailable("The transaction log of " + name + " cannot be recovered; retry later");
            failAll(queue.dropQueued(), error);
            stash.forEach(c -> reject(c, error));
            stash.clear();
            rejectAwaitingWindow(error);
            failHeld(error);
        }
        timers.startSingleTimer(new RestartLog(logGeneration), backoff);
        return this;
    }

    private Behavior<Command> onRestartLog(RestartLog m) {
        if (m.generation() == logGeneration && log == null && phase == Phase.RECOVERING) {
            startLog();
        }
        return this;
    }

    // ------------------------------------------------------------------ transactions

    private Behavior<Command> onTransact(Transact c) {
        String requestId = c.requestId();
        if (requestId != null && (requestId.isEmpty() || requestId.length() > MAX_REQUEST_ID_LENGTH)) {
            c.replyTo().tell(StatusReply.error(ChrononError.incorrect("chronon.error/invalid-request-id",
                    "A request id is 1 to " + MAX_REQUEST_ID_LENGTH + " characters, not " + requestId.length(), null)));
            return this;
        }
        submit(new Submission(c.txData(), requestId, c.replyTo(), requestId == null ? null : new Retries(), 0));
        return this;
    }

    /** How often a transaction is processed again when another writer's entries took its place in the log. */
    static final int MAX_ATTEMPTS = 5;

    /** Processes a transaction now, or answers it, or keeps it until this writer is ready. */
    private void submit(Submission s) {
        switch (phase) {
            case READY:
                if (retireReplyTo != null) {
                    s.answer(StatusReply.error(retiredError()));
                } else if (stopAfterWrite) {
                    s.answer(StatusReply.error(unavailable("The transactor of " + name + " is stopping; retry")));
                } else if (s.requestId() != null && answeredAsRetry(s)) {
                    return;
                } else if (s.attempt() > MAX_ATTEMPTS) {
                    s.answer(StatusReply.error(unavailable("Another writer of " + name + " stored its entries where this "
                            + "transaction's were to go " + MAX_ATTEMPTS + " times (two writers overlap while the cluster "
                            + "settles); it was not committed; retry")));
                } else if (s.attempt() == 0 && queue.size() >= settings.maxPending()) {
                    s.answer(StatusReply.error(ChrononError.busy("chronon.error/busy",
                            "The transactor of " + name + " has " + settings.maxPending() + " transactions waiting; retry later")));
                } else {
                    process(s);
                }
                return;
            case RETIRED:
                s.answer(StatusReply.error(retiredError()));
                return;
            default:
                stashOrBusy(new Resubmit(s));
        }
    }

    /** Processes the transaction of {@code s} into the queue. */
    private void process(Submission s) {
        String requestId = s.requestId();
        TxOutcome report;
        DbValue base = queue.base();
        try {
            report = TxProcessor.transact(base, txForms(s.txData()), txOptions);
        } catch (ChrononException e) {
            // rejected before any index was touched: the run is as it was; the id is not remembered
            failRejected(s, ChrononError.of(e));
            return;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // an Error too: left to Pekko it is fatal to the JVM, and the caller's retry would then
            // take the next node down with the same transaction. The stack has unwound and what the
            // transaction built is garbage, so rejecting it and recovering is the better bet.
            ctx.getLog().error("Transaction processing failed unexpectedly in " + name + "; recovering from the log", e);
            failRejected(s, e instanceof RuntimeException r ? ChrononError.of(r) : new ChrononError(io.chronon.ErrorCategory.FAULT,
                    io.chronon.edn.Keyword.of("chronon.error/transaction-failed"),
                    "The transaction could not be processed (" + e.getClass().getSimpleName() + "); it was not committed",
                    null));
            // it may have failed half-way through editing the run's indexes: rebuild from the
            // log, then redo the queued transactions (as after a failed write)
            if (log != null) {
                ctx.stop(log);
            }
            return;
        }
        queue.add(new Pending(s.txData(), s.replyTo(), TxLogEntry.withoutHint(report.dbAfter(), report.txData(), requestId,
                report.tempids()), report.tempids(), report.dbBefore().basisT(), false, s.retries(), s.attempt()), report.dbAfter());
        if (requestId != null) {
            requestIds.queued(requestId, s.retries());
        }
        if (!queue.writing()) {
            flush();
        }
    }

    private static List<?> txForms(Object txData) {
        Object data = txData instanceof String text ? EdnReader.read(text) : txData;
        if (data instanceof List<?> forms) {
            return forms;
        }
        throw ChrononException.incorrect("db.error/invalid-tx-data",
                "Transaction data must be a list of forms, not " + (data == null ? "nil" : data.getClass().getSimpleName()), data);
    }

    /** Sends the next group of queued transactions to the log as one write: whole runs, at most max-batch. */
    private void flush() {
        WriteQueue.Write<Pending> write = queue.nextWrite();
        List<TxLogEntry> entries = new ArrayList<>(write.batch().size());
        for (Pending p : write.batch()) {
            entries.add(p.entry());
        }
        shared.writeStarted();
        // one write in flight: its first entry follows the last durable one. Once it is durable
        // the log tells this writer and then hands the write to the publisher itself (no detour
        // through this writer's mailbox): anything a caller does after its answer reaches this
        // writer's mailbox after the log's answer, so this writer has counted the write
        // committed by then (sync() includes it, and it no longer counts as pending)
        TxPublisher.Committed committed = new TxPublisher.Committed(name, write.firstSeqNr(), write.batch());
        log.tell(new TxLog.Append(entries, WriterSharedState.whenDurable(publisher, committed)));
    }

    private Behavior<Command> onWritten(TxLog.Written w) {
        if (phase != Phase.READY || !queue.writing()) {
            return this;
        }
        long expected = queue.expectedLastSeqNr();
        if (w.lastSeqNr() != expected) {
            // cannot happen with one writer; recover from the log to learn the truth
            ctx.getLog().error("The log of {} reported sequence number {} where {} was expected; recovering", name,
                    w.lastSeqNr(), expected);
            // the write is durable and was answered already: the recovery must not answer it again
            queue.dropInFlight().forEach(this::forget);
            ctx.stop(log);
            return this;
        }
        WriteQueue.Write<Pending> written = queue.written();
        // the log has handed the write to the publisher already; from now on a retry is answered from the log
        long seq = written.firstSeqNr();
        for (Pending p : written.batch()) {
            if (p.requestId() != null) {
                requestIds.committed(p.requestId(), seq);
            }
            seq++;
        }
        requestIds.evict(queue.committedSeqNr());
        lastPublishNanos = System.nanoTime();
        if (retireReplyTo != null) {
            return finishRetire();
        }
        if (stopAfterWrite) {
            return drainAndStop();
        }
        if (queue.hasQueued()) {
            flush();
        }
        return this;
    }

    private Behavior<Command> onPublisherStopped() {
        if (stopAfterWrite || phase == Phase.RETIRED) {
            return Behaviors.stopped();
        }
        // it only tells; if it ever fails, a new one takes over (what it held is lost, and the
        // callers concerned time out: peers fill their gaps from the log)
        ctx.getLog().error("The publisher of {} stopped unexpectedly; starting a new one", name);
        publisher = ctx.spawnAnonymous(TxPublisher.create(topic));
        ctx.watchWith(publisher, PublisherStopped.INSTANCE);
        return this;
    }

    /** Stops once the publisher has answered every committed transaction. */
    private Behavior<Command> drainAndStop() {
        unregister();
        stopAfterWrite = true;
        if (publisher == null) {
            return Behaviors.stopped();
        }
        publisher.tell(TxPublisher.Drain.INSTANCE);
        return this; // PublisherStopped ends it
    }

    // ------------------------------------------------------------------ request ids

    /**
     * Answers {@code s} if its request id was seen: committed (from the log), queued or in
     * flight (with the first one's answer), or not known yet because the window is still
     * being read (then it waits). False: a new id, to be processed.
     */
    private boolean answeredAsRetry(Submission s) {
        RequestIdWindow.Seen<Retries> seen = requestIds.check(s.requestId(), s.retries(), queue.committedSeqNr());
        if (seen instanceof RequestIdWindow.Unread) {
            if (awaitingWindow.size() >= settings.maxPending()) {
                s.answer(StatusReply.error(ChrononError.busy("chronon.error/busy",
                        "The transactor of " + name + " is still reading its recent request ids; retry later")));
            } else {
                awaitingWindow.add(s);
                readWindow();
            }
            return true;
        }
        if (seen instanceof RequestIdWindow.Committed<Retries> c) {
            answerFromLog(c.seqNr(), s);
            return true;
        }
        if (seen instanceof RequestIdWindow.Waiting<Retries> w) {
            w.waiting().add(s.replyTo());
            if (s.retries() != null) {
                s.retries().forwardTo(w.waiting());
            }
            return true;
        }
        return false;
    }

    /** Reads the request ids of the window's entries before those known, unless complete or already reading. */
    private void readWindow() {
        RequestIdWindow.Read read = requestIds.nextRead(queue.committedSeqNr());
        if (read != null) {
            ctx.pipeToSelf(TxLog.requestIds(ctx.getSystem(), info, storage, read.from(), read.to()),
                    (ids, failure) -> new WindowRead(read.from(), read.to(), ids, failure));
        }
    }

    private Behavior<Command> onWindowRead(WindowRead m) {
        if (phase == Phase.RETIRED) {
            requestIds.readAbandoned();
            return this;
        }
        if (m.failure() != null) {
            requestIds.readAbandoned();
            ctx.getLog().warn("Reading the recent request ids of {} from its log failed: {}", name, m.failure().toString());
            rejectAwaitingWindow(unavailable("The transactor of " + name + " cannot read its recent request ids from the log; retry later"));
            return this;
        }
        requestIds.read(m.from(), m.to(), m.ids(), queue.committedSeqNr());
        if (!requestIds.complete(queue.committedSeqNr())) {
            readWindow(); // the log grew past a snapshot meanwhile? read what is still missing
            return this;
        }
        List<Submission> waiting = List.copyOf(awaitingWindow);
        awaitingWindow.clear();
        for (Submission s : waiting) {
            submit(s);
        }
        return this;
    }

    /** Answers a retry of the committed entry {@code seqNr} with its result, read back from the log. */
    private void answerFromLog(long seqNr, Submission s) {
        String database = name;
        TxLog.read(ctx.getSystem(), info, storage, Math.max(1, seqNr - 1), seqNr).whenComplete((envelopes, failure) -> {
            TxLogEntry entry = null;
            long basisBefore = DbValue.empty().basisT();
            if (envelopes != null) {
                for (EventEnvelope env : envelopes) {
                    if (env.sequenceNr() == seqNr && env.event() instanceof TxLogEntry e) {
                        entry = e;
                    } else if (env.sequenceNr() == seqNr - 1 && env.event() instanceof TxLogEntry e) {
                        basisBefore = e.t();
                    }
                }
            }
            if (entry == null) {
                s.answer(StatusReply.error(unavailable("The transaction with this request id was committed as entry " + seqNr
                        + " of " + database + ", which cannot be read now" + (failure == null ? "" : " (" + failure + ")") + "; retry")));
            } else {
                s.answer(StatusReply.success(new TxResult(database, entry.t(), basisBefore, seqNr, entry.tempids(),
                        entry.txData(), true)));
            }
        });
    }

    /** The transaction of {@code p} is no longer waiting: a retry of its id is not joined to it. */
    private void forget(Pending p) {
        if (p.requestId() != null) {
            requestIds.notWaiting(p.requestId());
        }
    }

    private void failRejected(Submission s, ChrononError error) {
        if (s.requestId() != null) {
            requestIds.notWaiting(s.requestId());
        }
        s.answer(StatusReply.error(error));
    }

    private void rejectAwaitingWindow(ChrononError error) {
        for (Submission s : awaitingWindow) {
            s.answer(StatusReply.error(error));
        }
        awaitingWindow.clear();
    }

    // ------------------------------------------------------------------ other requests

    private Behavior<Command> onGetLatestT(GetLatestT c) {
        switch (phase) {
            case READY:
                c.replyTo().tell(StatusReply.success(new LatestT(name, queue.committed().basisT(), queue.committedSeqNr())));
                return this;
            case RETIRED:
                c.replyTo().tell(StatusReply.error(retiredError()));
                return this;
            default:
                stashOrBusy(c);
                return this;
        }
    }

    private Behavior<Command> onRetire(Retire c) {
        if (phase == Phase.LOOKING_UP) {
            stashOrBusy(c);
            return this;
        }
        if (info == null || !info.id().equals(c.databaseId()) || phase == Phase.RETIRED) {
            c.replyTo().tell(Done.getInstance());
            return this;
        }
        retireReplyTo = c.replyTo();
        unregister();
        rejectAwaitingWindow(retiredError());
        failHeld(retiredError());
        failAll(queue.dropQueued(), retiredError());
        if (phase == Phase.RECOVERING || !queue.writing()) {
            return finishRetire();
        }
        return this;
    }

    private Behavior<Command> finishRetire() {
        failAll(queue.dropInFlight(), retiredError());
        phase = Phase.RETIRED;
        timers.cancel(Tick.INSTANCE);
        if (publisher != null) {
            publisher.tell(new TxPublisher.Feed(new TxFeed.Retired(name, info.id())));
        }
        if (log != null) {
            ctx.unwatch(log);
            ctx.stop(log);
            log = null;
        }
        retireReplyTo.tell(Done.getInstance());
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        return stash.unstashAll(this);
    }

    private Behavior<Command> onTick() {
        if (phase == Phase.READY && System.nanoTime() - lastPublishNanos >= settings.heartbeatInterval().toNanos()) {
            publishHeartbeat();
        }
        return this;
    }

    private void publishHeartbeat() {
        publisher.tell(new TxPublisher.Feed(new TxFeed.Heartbeat(name, queue.committedSeqNr(), queue.committed().basisT())));
        lastPublishNanos = System.nanoTime();
    }

    private Behavior<Command> onStop() {
        unregister();
        ChrononError stopping = unavailable("The transactor of " + name + " is stopping; retry");
        failAll(queue.dropQueued(), stopping);
        stash.forEach(c -> reject(c, stopping));
        stash.clear();
        rejectAwaitingWindow(stopping);
        failHeld(stopping);
        if (queue.writing() && phase == Phase.READY) {
            // let the write that is under way finish and be acknowledged first
            stopAfterWrite = true;
            return this;
        }
        if (queue.writing()) {
            failAll(queue.dropInFlight(), unavailable("The transactor of " + name
                    + " stopped while its log was recovering; the transaction may or may not have been committed"));
        }
        return drainAndStop();
    }

    // ------------------------------------------------------------------ helpers

    private void stashOrBusy(Request c) {
        if (phase == Phase.RECOVERING && logFailures > 2 && !(c instanceof Retire)) {
            // the store keeps failing: answer now rather than let the caller wait for a recovery
            c.fail(unavailable("The transaction log of " + name + " cannot be written (the store is failing); retry later"));
        } else if (stash.isFull()) {
            c.fail(ChrononError.busy("chronon.error/busy", "The transactor of " + name + " is starting and has too many waiting requests"));
        } else {
            stash.stash(c);
        }
    }

    /** Answers {@code c} with {@code error} if it is a request; anything else has no one to answer. */
    private static void reject(Command c, ChrononError error) {
        if (c instanceof Request r) {
            r.fail(error);
        }
    }

    private void failAll(List<Pending> pending, ChrononError error) {
        for (Pending p : pending) {
            forget(p);
            p.fail(error);
        }
    }

    private ChrononError retiredError() {
        return ChrononError.notFound("db.error/db-not-found", "Database " + name + " was deleted", name);
    }

    private static ChrononError unavailable(String message) {
        return ChrononError.unavailable("chronon.error/unavailable", message);
    }
}
