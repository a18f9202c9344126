package io.chronon.sharding.writer;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.db.IndexedValue;
import io.chronon.sharding.indexer.DatabaseIndexer;
import io.chronon.storage.DurableIndexes;
import io.chronon.storage.index.IndexRestore;
import io.chronon.storage.index.TreeStorage;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.catalog.MissingDatabase;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor.AskedAgain;
import io.chronon.sharding.writer.Transactor.Command;
import io.chronon.sharding.writer.Transactor.FromLog;
import io.chronon.sharding.writer.Transactor.Reindexed;
import io.chronon.sharding.writer.Transactor.FromSlowLog;
import io.chronon.sharding.writer.Transactor.LogStopped;
import io.chronon.sharding.writer.Transactor.Looked;
import io.chronon.sharding.writer.Transactor.Pending;
import io.chronon.sharding.writer.Transactor.PublisherStopped;
import io.chronon.sharding.writer.Transactor.Request;
import io.chronon.sharding.writer.Transactor.Resubmit;
import io.chronon.sharding.writer.Transactor.Submission;
import io.chronon.sharding.writer.Transactor.Transact;
import io.chronon.sharding.writer.Transactor.TxResult;
import io.chronon.sharding.writer.Transactor.WindowRead;
import io.chronon.sharding.writer.WriterSharedState.Retries;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.TxLogEntry;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.EventEnvelope;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The state of one database's writer, whatever its phase, and what the phases
 * ({@link WriterPhases}) do with it: process a transaction into the write queue, send a write
 * to the log, answer retries by request id, fail what waits, retire, stop. Used only on the
 * writer actor's thread, except {@link #shared}, which the log's and the publisher's threads
 * see (its own threading contract).
 */
final class Writer {
    final ActorContext<Command> ctx;
    final TimerScheduler<Command> timers;
    final StashBuffer<Command> stash;
    final String name;
    final ChrononSettings settings;
    final TxOptions txOptions;
    final ActorRef<ClusterSharding.ShardCommand> shard;
    /** What the log's and the publisher's threads share with this writer (see its threading contract). */
    final WriterSharedState shared = new WriterSharedState();
    /** Tells this writer what its log says, straight into its mailbox (no adapter, so the mailbox sees the message's type). */
    final Consumer<TxLog.Reply> logReplies;
    final LocalWriters localWriters;
    /** How requests are answered once the database is missing. */
    final MissingDatabase<Command, Request> missing;

    DatabaseInfo info;
    ActorRef<Topic.Command<TxFeed>> topic;
    /** Publishes reports and answers callers, in log order, off this actor's thread. */
    ActorRef<TxPublisher.Command> publisher;
    DatabaseStorage storage;
    ActorRef<TxLog.Command> log;
    /** The indexing job of this database (null until the log first recovered, or if its storage has no segments). */
    ActorRef<DatabaseIndexer.Command> indexer;
    /** Where this database's index trees are (with {@link #indexer}). */
    TreeStorage trees;
    /** The last notice of new roots published (repeated every {@link #INDEXED_REPEAT} heartbeats while idle), or null. */
    TxFeed.Indexed lastIndexed;
    int heartbeatsSinceIndexed;
    static final int INDEXED_REPEAT = 10;
    long logGeneration;
    int logFailures;

    /** The durable end of the log, the journal write in flight and the transactions queued for the next. */
    final WriteQueue<Pending> queue;
    long lastPublishNanos;

    /** Set when a retirement waits for the write in flight. */
    ActorRef<Done> retireReplyTo;
    /** Set when a stop waits for the write in flight, or for the publisher to drain. */
    boolean stopAfterWrite;

    /** The request ids committed within the window, queued and in flight. */
    final RequestIdWindow<Retries> requestIds;
    /** Transactions with a request id that wait for the window to be read from the log. */
    final List<Submission> awaitingWindow = new ArrayList<>();
    /** A recovery whose in-flight transactions are being looked up in the log ({@code Verified}). */
    TxLog.Recovered recovered;
    /** Transactions a writer fenced by another one holds back until its node's membership settles. */
    final List<Submission> held = new ArrayList<>();
    long fencedSinceNanos;

    Writer(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash, String name,
           ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<Catalog.Command> catalog, ChrononSettings settings,
           LocalWriters localWriters) {
        this.localWriters = localWriters;
        this.ctx = ctx;
        this.missing = new MissingDatabase<>(ctx, shard, catalog, name, settings.defaultTimeout(), AskedAgain::new,
                this::redeliver, Request::fail);
        this.timers = timers;
        this.stash = stash;
        this.name = name;
        this.shard = shard;
        this.settings = settings;
        this.txOptions = settings.txOptions(System::currentTimeMillis);
        this.requestIds = new RequestIdWindow<>(settings.requestIdWindow());
        this.queue = new WriteQueue<>(name, settings.maxBatch());
        ActorRef<Command> self = ctx.getSelf();
        this.logReplies = reply -> self.tell(shared.writeIsSlow() ? new FromSlowLog(reply) : new FromLog(reply));
        ctx.askWithStatus(DatabaseInfo.class, catalog, settings.defaultTimeout(),
                replyTo -> new Catalog.GetDatabase(name, replyTo), Looked::new);
    }

    /** Gives back the node's topic of this database (once), when this writer stops: after its publisher, which published to it. */
    void releaseTopic() {
        if (topic != null) {
            TxFeedTopics.get(ctx.getSystem()).release(info);
            topic = null;
        }
    }

    /** From now on transactions reach this writer through Cluster Sharding only. */
    void unregister() {
        localWriters.unregister(name, ctx.getSelf());
    }

    void startLog() {
        logGeneration++;
        log = ctx.spawn(TxLog.writer(info, storage, logReplies, settings), "log-" + logGeneration);
        ctx.watchWith(log, new LogStopped(logGeneration));
    }

    /**
     * After a recovery: the indexer (started with the first) learns the roots the log recovered
     * from and the durable value; the first job of a database without roots indexes it whole.
     */
    void indexRecovered(TxLog.Recovered r) {
        if (indexer == null) {
            if (settings.memoryIndexThreshold() <= 0 || !DurableIndexes.supports(storage)) {
                return;
            }
            ActorRef<Command> self = ctx.getSelf();
            trees = DurableIndexes.get(ctx.getSystem()).treeStorage(storage, info.persistenceId());
            indexer = ctx.spawn(DatabaseIndexer.create(name, info.persistenceId(), storage, r.roots(),
                    settings.memoryIndexThreshold(), settings.indexRetryBackoff(), indexed -> self.tell(new Reindexed(indexed))), "indexer");
        } else {
            indexer.tell(new DatabaseIndexer.Recovered(r.roots()));
        }
        indexCommitted();
    }

    /** Tells the indexer the durable value (after each write). */
    void indexCommitted() {
        if (indexer != null) {
            indexer.tell(new DatabaseIndexer.Committed(queue.committed(), queue.committedSeqNr()));
        }
    }

    /** A request about the durable index: handed to the indexer, or refused where there is none. */
    void index(Transactor.IndexRequest c) {
        if (indexer == null) {
            c.fail(ChrononError.incorrect("chronon.error/indexing-off", "Database " + name + " has no durable index (its storage kind "
                    + storage.kind() + " has no segment store, or chronon.indexing.memory-index-threshold is 0)", null));
            return;
        }
        String database = name;
        java.util.function.Consumer<DatabaseIndexer.Status> answer = s -> c.replyTo().tell(
                org.apache.pekko.pattern.StatusReply.success(new Transactor.IndexStatus(database, s.basisT(), s.indexBasisT())));
        if (c instanceof Transactor.SyncIndex sync) {
            indexer.tell(new DatabaseIndexer.SyncIndex(sync.t(), answer, c::fail));
        } else {
            indexer.tell(new DatabaseIndexer.RequestIndex(answer));
        }
    }

    /** Garbage collection of this database's storage: run by the indexer between its jobs. */
    void gcStorage(Transactor.GcStorage c) {
        if (indexer == null) {
            c.fail(ChrononError.incorrect("chronon.error/indexing-off", "Database " + name + " has no durable index to collect", null));
            return;
        }
        String database = name;
        indexer.tell(new DatabaseIndexer.GcStorage(c.olderThanMillis(), r -> c.replyTo().tell(
                org.apache.pekko.pattern.StatusReply.success(new Transactor.GcDone(database, r.recordsKept(), r.recordsDeleted(),
                        r.segmentsReachable(), r.segmentsDeleted()))), c::fail));
    }

    /**
     * True when the novelty held in memory has passed {@code memory-index-max}: indexing has
     * fallen behind, and new transactions are answered busy until a job catches up.
     */
    boolean indexingBehind() {
        return indexer != null && IndexedValue.noveltyDatoms(queue.newest()) > settings.memoryIndexMax();
    }

    /**
     * The indexer recorded {@code indexed}: the newest value moves onto its roots (dropping the
     * novelty they cover; the transactions since are replayed from the value's own log) and the
     * peers are told, after the reports of the entries it covers.
     */
    void reindexed(DatabaseIndexer.Indexed indexed) {
        // the replay of what was committed while the job ran (and the reads of the new roots)
        // happens off this thread, on the durable value; only what came after it is replayed here
        DbValue durable = queue.committed();
        TreeStorage on = trees;
        java.util.concurrent.Executor blocking = ctx.getSystem().dispatchers()
                .lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking());
        ActorRef<Command> self = ctx.getSelf();
        java.util.concurrent.CompletableFuture.supplyAsync(() -> IndexRestore.rebased(on, indexed.roots(), durable), blocking)
                .whenComplete((value, failure) -> self.tell(new Transactor.Rebased(indexed, value, failure)));
    }

    /** The durable value of a {@link #reindexed} notice, moved onto its roots: the newest value catches up from it. */
    void rebased(Transactor.Rebased m) {
        DatabaseIndexer.Indexed indexed = m.indexed();
        if (m.failure() != null || queue.newest().basisT() < m.value().basisT()) {
            // the roots cannot be read back (storage failing): keep the novelty; the next job tries again
            ctx.getLog().warn("The writer of {} could not move onto the index at t {}: {}", name, indexed.roots().t(),
                    String.valueOf(m.failure()));
            indexed.answer().run(); // the index itself is durable
            return;
        }
        long start = System.nanoTime();
        queue.rebase(db -> IndexRestore.caughtUp(m.value(), db));
        ctx.getLog().debug("The writer of {} moved onto the index at t {} ({} us on its thread)", name, indexed.roots().t(),
                (System.nanoTime() - start) / 1000);
        lastIndexed = new TxFeed.Indexed(name, indexed.seqNr(), indexed.roots().t(), indexed.roots().encode());
        heartbeatsSinceIndexed = 0;
        if (publisher != null) {
            publisher.tell(new TxPublisher.Feed(lastIndexed));
        }
        // after the notice: a caller that goes on reads from peers told of the new roots first
        indexed.answer().run();
    }

    /** True when this node is up and sees every member reachable: a writer fenced here is not on a cut-off node. */
    boolean membershipSettled() {
        org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem());
        return cluster.selfMember().status() == org.apache.pekko.cluster.MemberStatus.up()
                && cluster.state().getUnreachable().isEmpty();
    }

    /** Answers the transactions a fenced writer holds back with {@code error}. */
    void failHeld(ChrononError error) {
        for (Submission s : held) {
            s.answer(StatusReply.error(error));
        }
        held.clear();
    }

    // ------------------------------------------------------------------ transactions

    /** A caller's transaction, or null after answering one whose request id is malformed. */
    static Submission submission(Transactor.Transact c) {
        String requestId = c.requestId();
        if (requestId != null && (requestId.isEmpty() || requestId.length() > Transactor.MAX_REQUEST_ID_LENGTH)) {
            c.replyTo().tell(StatusReply.error(ChrononError.incorrect("chronon.error/invalid-request-id",
                    "A request id is 1 to " + Transactor.MAX_REQUEST_ID_LENGTH + " characters, not " + requestId.length(), null)));
            return null;
        }
        return new Submission(c.txData(), requestId, c.replyTo(), requestId == null ? null : new Retries(), 0);
    }

    /** Processes the transaction of {@code s} into the queue, and starts a write if none is under way. */
    void process(Submission s) {
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
            failRejected(s, e instanceof RuntimeException r ? ChrononError.of(r) : new ChrononError(ErrorCategory.FAULT,
                    Keyword.of("chronon.error/transaction-failed"),
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
    void flush() {
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

    // ------------------------------------------------------------------ request ids

    /**
     * Answers {@code s} if its request id was seen: committed (from the log), queued or in
     * flight (with the first one's answer), or not known yet because the window is still
     * being read (then it waits). False: a new id, to be processed.
     */
    boolean answeredAsRetry(Submission s) {
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
    void readWindow() {
        RequestIdWindow.Read read = requestIds.nextRead(queue.committedSeqNr());
        if (read != null) {
            ctx.pipeToSelf(TxLog.requestIds(ctx.getSystem(), info, storage, read.from(), read.to()),
                    (ids, failure) -> new WindowRead(read.from(), read.to(), ids, failure));
        }
    }

    /**
     * Takes in request ids read from the log; once the window is complete, the transactions
     * waiting for it are submitted again (to {@code resubmit}: the phase's own submit).
     */
    void windowRead(WindowRead m, Consumer<Submission> resubmit) {
        if (m.failure() != null) {
            requestIds.readAbandoned();
            ctx.getLog().warn("Reading the recent request ids of {} from its log failed: {}", name, m.failure().toString());
            rejectAwaitingWindow(unavailable("The transactor of " + name + " cannot read its recent request ids from the log; retry later"));
            return;
        }
        requestIds.read(m.from(), m.to(), m.ids(), queue.committedSeqNr());
        if (!requestIds.complete(queue.committedSeqNr())) {
            readWindow(); // the log grew past a snapshot meanwhile? read what is still missing
            return;
        }
        List<Submission> waiting = List.copyOf(awaitingWindow);
        awaitingWindow.clear();
        waiting.forEach(resubmit);
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
    void forget(Pending p) {
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

    void rejectAwaitingWindow(ChrononError error) {
        for (Submission s : awaitingWindow) {
            s.answer(StatusReply.error(error));
        }
        awaitingWindow.clear();
    }

    // ------------------------------------------------------------------ the publisher, heartbeats, stopping

    /**
     * The publisher stopped: at the end of a drain this writer stops; otherwise (it only tells;
     * if it ever fails) a new one takes over: what it held is lost, and the callers concerned
     * time out while peers fill their gaps from the log.
     */
    Behavior<Command> publisherStopped(Behavior<Command> current) {
        if (stopAfterWrite) {
            return Behaviors.stopped();
        }
        ctx.getLog().error("The publisher of {} stopped unexpectedly; starting a new one", name);
        publisher = ctx.spawnAnonymous(TxPublisher.create(topic));
        ctx.watchWith(publisher, PublisherStopped.INSTANCE);
        return current;
    }

    /** Stops once the publisher has answered every committed transaction; until then {@code current} goes on. */
    Behavior<Command> drainAndStop(Behavior<Command> current) {
        unregister();
        stopAfterWrite = true;
        if (publisher == null) {
            return Behaviors.stopped();
        }
        publisher.tell(TxPublisher.Drain.INSTANCE);
        return current; // PublisherStopped ends it
    }

    void publishHeartbeat() {
        publisher.tell(new TxPublisher.Feed(new TxFeed.Heartbeat(name, queue.committedSeqNr(), queue.committed().basisT())));
        if (lastIndexed != null && ++heartbeatsSinceIndexed % INDEXED_REPEAT == 0) {
            // the feed is at most once: a peer that missed the notice moves onto the roots now
            publisher.tell(new TxPublisher.Feed(lastIndexed));
        }
        lastPublishNanos = System.nanoTime();
    }

    /** What every phase does first on Stop: answer everything that waits and is not being written. */
    void failWaiting(ChrononError stopping) {
        unregister();
        missing.handOn();
        failAll(queue.dropQueued(), stopping);
        stash.forEach(c -> reject(c, stopping));
        stash.clear();
        rejectAwaitingWindow(stopping);
        failHeld(stopping);
    }

    /**
     * The first half of a retirement, in any phase that has a log: no new work, everything that
     * waits is answered "deleted". The in-flight write, if any, is finished by the phase.
     */
    void beginRetire(ActorRef<Done> replyTo) {
        retireReplyTo = replyTo;
        unregister();
        rejectAwaitingWindow(retiredError());
        failHeld(retiredError());
        failAll(queue.dropQueued(), retiredError());
    }

    // ------------------------------------------------------------------ helpers

    void stashOrBusy(Request c) {
        if (stash.isFull()) {
            c.fail(ChrononError.busy("chronon.error/busy", "The transactor of " + name + " is starting and has too many waiting requests"));
        } else {
            stash.stash(c);
        }
    }

    /** Answers {@code c} with {@code error} if it is a request; anything else has no one to answer. */
    static void reject(Command c, ChrononError error) {
        if (c instanceof Request r) {
            r.fail(error);
        }
    }

    void failAll(List<Pending> pending, ChrononError error) {
        for (Pending p : pending) {
            forget(p);
            p.fail(error);
        }
    }

    /**
     * Sends {@code c} again through Cluster Sharding: this writer has asked to be passivated,
     * so the shard keeps it until this incarnation has stopped and hands it to the next.
     */
    private void redeliver(Request c) {
        EntityRef<Command> next = ClusterSharding.get(ctx.getSystem()).entityRefFor(Transactor.TYPE_KEY, name);
        if (c instanceof Resubmit r) {
            Submission s = r.submission();
            next.tell(new Transact(s.txData(), s.requestId(), s.replyTo()));
            if (s.retries() != null) {
                for (ActorRef<StatusReply<TxResult>> caller : s.retries().takeWaiting()) {
                    next.tell(new Transact(s.txData(), s.requestId(), caller));
                }
            }
        } else {
            next.tell(c);
        }
    }

    ChrononError retiredError() {
        return ChrononError.notFound("db.error/db-not-found", "Database " + name + " was deleted", name);
    }

    static ChrononError unavailable(String message) {
        return ChrononError.unavailable("chronon.error/unavailable", message);
    }

    ChrononError stoppingError() {
        return unavailable("The transactor of " + name + " is stopping; retry");
    }
}
