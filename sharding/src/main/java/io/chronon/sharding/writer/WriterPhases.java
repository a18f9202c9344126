package io.chronon.sharding.writer;

import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.catalog.DatabaseLookup;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor.AskedAgain;
import io.chronon.sharding.writer.Transactor.Command;
import io.chronon.sharding.writer.Transactor.FencedCheck;
import io.chronon.sharding.writer.Transactor.FromLog;
import io.chronon.sharding.writer.Transactor.FromSlowLog;
import io.chronon.sharding.writer.Transactor.GcStorage;
import io.chronon.sharding.writer.Transactor.GetLatestT;
import io.chronon.sharding.writer.Transactor.IndexRequest;
import io.chronon.sharding.writer.Transactor.LatestT;
import io.chronon.sharding.writer.Transactor.LogStopped;
import io.chronon.sharding.writer.Transactor.Looked;
import io.chronon.sharding.writer.Transactor.Reindexed;
import io.chronon.sharding.writer.Transactor.Pending;
import io.chronon.sharding.writer.Transactor.PublisherStopped;
import io.chronon.sharding.writer.Transactor.Request;
import io.chronon.sharding.writer.Transactor.RestartLog;
import io.chronon.sharding.writer.Transactor.Resubmit;
import io.chronon.sharding.writer.Transactor.Retire;
import io.chronon.sharding.writer.Transactor.Stop;
import io.chronon.sharding.writer.Transactor.Submission;
import io.chronon.sharding.writer.Transactor.Tick;
import io.chronon.sharding.writer.Transactor.Transact;
import io.chronon.sharding.writer.Transactor.Verified;
import io.chronon.sharding.writer.Transactor.WindowRead;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.EventEnvelope;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's lifecycle, one behaviour per phase, all on one {@link Writer} state:
 * {@link LookingUp} (asks the catalog for its database; keeps requests), {@link Recovering}
 * (its log replays from storage, at start and after every failed write, and the entries of
 * a failed write are read back; keeps requests), {@link Ready} (processes transactions and
 * writes them, one journal write at a time) and {@link Retired} (its database was deleted:
 * answers everything "not found" until it is passivated). A message a phase does not list is
 * one that cannot concern it (a late answer of an earlier phase's log) and is dropped.
 */
final class WriterPhases {
    private WriterPhases() {
    }

    /** What every phase does with the messages that mean the same in all of them. */
    abstract static class Phase extends AbstractBehavior<Command> {
        final Writer w;

        Phase(Writer w) {
            super(w.ctx);
            this.w = w;
        }

        /** The phase's own handlers, then the shared ones, then everything else is dropped. */
        @Override
        public final Receive<Command> createReceive() {
            ReceiveBuilder<Command> b = newReceiveBuilder();
            handlers(b);
            return b.onMessage(Transact.class, c -> {
                        Submission s = Writer.submission(c);
                        if (s != null) {
                            submit(s);
                        }
                        return this;
                    })
                    .onMessage(Resubmit.class, m -> {
                        submit(m.submission());
                        return this;
                    })
                    .onMessage(WindowRead.class, m -> {
                        w.windowRead(m, this::submit);
                        return this;
                    })
                    .onMessage(PublisherStopped.class, m -> w.publisherStopped(this))
                    // new roots while not serving (a recovery): the index is durable, its callers are answered;
                    // the value moves at the next job
                    .onMessage(Reindexed.class, m -> {
                        m.indexed().answer().run();
                        return this;
                    })
                    .onMessage(Transactor.Rebased.class, m -> {
                        m.indexed().answer().run();
                        return this;
                    })
                    .onMessage(Stop.class, m -> onStop())
                    .onMessage(Command.class, m -> this)
                    .onSignal(PostStop.class, s -> {
                        w.unregister();
                        w.releaseTopic();
                        return this;
                    })
                    .build();
        }

        /** Adds this phase's handlers (they come first). */
        abstract void handlers(ReceiveBuilder<Command> b);

        /** Processes a transaction now, or answers it, or keeps it until this writer is ready. */
        abstract void submit(Submission s);

        /** Stop (passivation, rebalancing, the node leaving): answers what waits, then stops. */
        Behavior<Command> onStop() {
            w.failWaiting(w.stoppingError());
            return w.drainAndStop(this);
        }
    }

    /** Waits for the catalog's description of the database; keeps every request until then. */
    static final class LookingUp extends Phase {
        LookingUp(Writer w) {
            super(w);
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(Looked.class, this::onLooked)
                    .onMessage(GetLatestT.class, c -> keep(c))
                    .onMessage(IndexRequest.class, c -> keep(c))
                    .onMessage(GcStorage.class, c -> keep(c))
                    .onMessage(Retire.class, c -> keep(c));
        }

        private Behavior<Command> keep(Request c) {
            w.stashOrBusy(c);
            return this;
        }

        @Override
        void submit(Submission s) {
            w.stashOrBusy(new Resubmit(s));
        }

        private Behavior<Command> onLooked(Looked looked) {
            if (looked.failure() != null) {
                return neverServed(w, DatabaseLookup.lookupFailure(w.name, looked.failure()));
            }
            w.info = looked.info();
            try {
                w.storage = DatabaseLookup.storage(w.ctx.getSystem(), w.info);
            } catch (ChrononError e) {
                return neverServed(w, e);
            }
            w.topic = TxFeedTopics.get(w.ctx.getSystem()).acquire(w.info);
            w.publisher = w.ctx.spawn(TxPublisher.create(w.topic), "publisher");
            w.ctx.watchWith(w.publisher, PublisherStopped.INSTANCE);
            w.startLog();
            return new Recovering(w);
        }
    }

    /**
     * A writer whose database could not be looked up (deleted, or on a storage kind this node
     * lacks): answers every request with the lookup's error and asks to be passivated. A
     * "not found" is answered only after the catalog has been asked again after the request
     * arrived, since the lookup may predate the database's creation.
     */
    private static Behavior<Command> neverServed(Writer w, ChrononError error) {
        w.unregister();
        Behavior<Command> answering = Behaviors.receive(Command.class)
                .onMessage(Retire.class, c -> {
                    // this writer never served the database, but peers may be following its
                    // topic: tell them it is gone
                    DatabaseInfo retired = new DatabaseInfo(w.name, c.databaseId(), "", 0);
                    TxFeedTopics topics = TxFeedTopics.get(w.ctx.getSystem());
                    topics.acquire(retired).tell(Topic.publish(new TxFeed.Retired(w.name, c.databaseId())));
                    topics.release(retired);
                    c.replyTo().tell(Done.getInstance());
                    return Behaviors.same();
                })
                .onMessage(Request.class, c -> {
                    w.missing.answer(c, null, error);
                    return Behaviors.same();
                })
                .onMessage(AskedAgain.class, m -> {
                    w.missing.asked(m.request(), m.error());
                    return Behaviors.same();
                })
                .onMessage(Stop.class, s -> {
                    w.missing.handOn();
                    return Behaviors.stopped();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build();
        Behavior<Command> next = w.stash.unstashAll(answering);
        w.missing.passivate();
        return next;
    }

    /**
     * The log recovers (at start, or after a failed write) and, after a failed write, the
     * entries where the in-flight transactions were to go are read back; a writer fenced by
     * another while its node's membership is unsettled waits here. Keeps requests until
     * {@link Ready}; once the store has failed three times in a row, answers them
     * {@code unavailable} instead.
     */
    static final class Recovering extends Phase {
        Recovering(Writer w) {
            super(w);
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(FromLog.class, m -> onFromLog(m.reply()))
                    .onMessage(FromSlowLog.class, m -> onFromLog(m.reply()))
                    .onMessage(Verified.class, this::onVerified)
                    .onMessage(FencedCheck.class, m -> onFencedCheck())
                    .onMessage(LogStopped.class, m -> logStopped(w, m, this))
                    .onMessage(RestartLog.class, this::onRestartLog)
                    .onMessage(GetLatestT.class, c -> keep(c))
                    .onMessage(IndexRequest.class, c -> keep(c))
                    .onMessage(GcStorage.class, c -> keep(c))
                    .onMessage(Retire.class, this::onRetire);
        }

        private Behavior<Command> keep(Request c) {
            if (w.logFailures > 2 && !(c instanceof Retire)) {
                // the store keeps failing: answer now rather than let the caller wait for a recovery
                c.fail(Writer.unavailable("The transaction log of " + w.name + " cannot be written (the store is failing); retry later"));
            } else {
                w.stashOrBusy(c);
            }
            return this;
        }

        @Override
        void submit(Submission s) {
            keep(new Resubmit(s));
        }

        private Behavior<Command> onRetire(Retire c) {
            if (!w.info.id().equals(c.databaseId())) {
                c.replyTo().tell(Done.getInstance());
                return this;
            }
            w.beginRetire(c.replyTo());
            return finishRetire(w);
        }

        @Override
        Behavior<Command> onStop() {
            w.failWaiting(w.stoppingError());
            if (w.queue.writing()) {
                w.failAll(w.queue.dropInFlight(), Writer.unavailable("The transactor of " + w.name
                        + " stopped while its log was recovering; the transaction may or may not have been committed"));
            }
            return w.drainAndStop(this);
        }

        private Behavior<Command> onFromLog(TxLog.Reply reply) {
            return reply instanceof TxLog.Recovered r ? onRecovered(r) : this;
        }

        /**
         * The log has recovered. Transactions that were in flight when it failed may or may not
         * be in the log, and the log may also hold entries of another writer of this database
         * (one that ran at the same time for a while: a node that rejoined, a partition, a
         * paused node). Their sequence numbers say nothing about whose they are, so the entries
         * where they would be are read back first ({@link #onVerified}).
         */
        private Behavior<Command> onRecovered(TxLog.Recovered r) {
            long committedSeqNr = w.queue.committedSeqNr();
            if (w.queue.writing() && r.seqNr() > committedSeqNr) {
                long from = committedSeqNr + 1;
                long to = Math.min(r.seqNr(), w.queue.expectedLastSeqNr());
                long generation = w.logGeneration;
                w.recovered = r;
                w.ctx.pipeToSelf(TxLog.read(w.ctx.getSystem(), w.info, w.storage, from, to),
                        (entries, failure) -> new Verified(generation, from, entries, failure));
                return this;
            }
            return recoveryDone(r, Map.of(), false);
        }

        private Behavior<Command> onVerified(Verified v) {
            TxLog.Recovered r = w.recovered;
            if (v.generation() != w.logGeneration || r == null) {
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
                w.ctx.getLog().warn("Reading back the entries of {} from {} after a failed write failed: {}", w.name, v.from(),
                        String.valueOf(v.failure()));
            }
            return recoveryDone(r, stored, v.entries() == null);
        }

        /**
         * Ends a recovery: the in-flight transactions whose entries {@code stored} holds (by
         * sequence number, as read back from the log) are committed and acknowledged; those
         * whose place holds another writer's entry were certainly not stored and are processed
         * again; for the others the outcome is unknown (a write that timed out may still land)
         * and they fail {@code unavailable}. Then what was queued is processed again, against
         * the value read back, request ids checked again (another writer may have committed
         * them meanwhile).
         */
        private Behavior<Command> recoveryDone(TxLog.Recovered r, Map<Long, TxLogEntry> stored, boolean readFailed) {
            w.recovered = null;
            long committedSeqNr = w.queue.committedSeqNr();
            int wasInFlight = w.queue.inFlightCount();
            WriteQueue.FailedWrite<Pending> failed = w.queue.takeBackFailedWrite(stored, readFailed, r.seqNr());
            // transactions held back while this writer waited after being fenced come first
            List<Submission> again = new ArrayList<>(w.held);
            w.held.clear();
            // a stored write is published without hints: a partly stored write's hint is a value the log never reached
            List<Pending> reached = new ArrayList<>();
            for (Pending p : failed.stored()) {
                w.forget(p);
                reached.add(p.withoutHint());
            }
            for (Pending p : failed.taken()) {
                w.forget(p);
                again.add(p.again());
            }
            for (Pending p : failed.unknown()) {
                w.forget(p);
                p.fail(ChrononError.unavailable("chronon.error/write-outcome-unknown",
                        "The transaction log of " + w.name + " failed while this transaction was being written, and whether it "
                                + "was stored is not known yet; retry it with the same request id, which commits it at most once"));
            }
            if (!reached.isEmpty()) {
                w.publisher.tell(new TxPublisher.Committed(w.name, committedSeqNr + 1, reached));
            }
            int taken = failed.taken().size();
            if (taken > 0) {
                w.ctx.getLog().warn("Another writer of {} stored entries {}..{} while this one wrote them: {} transaction(s) are "
                                + "processed again", w.name, committedSeqNr + 1 + reached.size(),
                        Math.min(r.seqNr(), committedSeqNr + wasInFlight), taken);
            }
            w.queue.recovered(r.db(), r.seqNr());
            w.indexRecovered(r);
            w.requestIds.recovered(r.replayedFrom(), r.requestIds(), committedSeqNr, r.seqNr());
            w.readWindow();
            // what was queued was processed against a value that included the failed write: redo it
            for (Pending p : w.queue.dropQueued()) {
                w.forget(p);
                again.add(new Submission(p.txData(), p.requestId(), p.replyTo(), p.retries(), p.attempt()));
            }
            if (taken > 0 && !w.stopAfterWrite && !w.membershipSettled()) {
                // Fenced by another writer while this node's membership is in question (it sees members
                // unreachable, or is itself no longer up): it is most likely the stale one of the two, on
                // a node cut off, paused or being downed. It stops writing until its view settles, so that
                // the writer the cluster chose is not fenced in turn; then it reads the log again.
                w.held.addAll(again);
                w.fencedSinceNanos = System.nanoTime();
                w.ctx.getLog().warn("The writer of {} was fenced by another writer while this node's cluster membership is unsettled; "
                        + "it holds {} transaction(s) and writes again once this node is up with every member reachable (at most {} ms)",
                        w.name, w.held.size(), Transactor.FENCED_WAIT.toMillis());
                w.timers.startSingleTimer(FencedCheck.INSTANCE, Duration.ofMillis(100));
                return this;
            }
            w.logFailures = 0;
            w.lastPublishNanos = System.nanoTime();
            w.timers.startTimerWithFixedDelay(Tick.INSTANCE, w.settings.heartbeatInterval());
            w.publishHeartbeat();
            Ready ready = new Ready(w);
            if (w.stopAfterWrite) {
                // asked to stop while the write was under way: stop now, and let the next writer take these
                again.forEach(s -> s.answer(StatusReply.error(w.stoppingError())));
                return w.drainAndStop(ready);
            }
            w.localWriters.register(w.name, w.ctx.getSelf());
            again.forEach(ready::submit);
            return w.stash.unstashAll(ready);
        }

        /** A fenced writer checks whether it may write again: its view settled, or it waited {@link Transactor#FENCED_WAIT}. */
        private Behavior<Command> onFencedCheck() {
            if (w.held.isEmpty() || w.log == null || w.recovered != null) {
                return this;
            }
            if (w.membershipSettled() || System.nanoTime() - w.fencedSinceNanos >= Transactor.FENCED_WAIT.toNanos()) {
                // the other writer may have written more meanwhile: read the log again, then process what was held
                w.ctx.unwatch(w.log);
                w.ctx.stop(w.log);
                w.startLog();
            } else {
                w.timers.startSingleTimer(FencedCheck.INSTANCE, Duration.ofMillis(100));
            }
            return this;
        }

        private Behavior<Command> onRestartLog(RestartLog m) {
            if (m.generation() == w.logGeneration && w.log == null) {
                w.startLog();
            }
            return this;
        }
    }

    /**
     * The log stopped (a failed write, or a stop to rebuild after a fault): it is restarted
     * after a back-off, and the writer recovers. After three failures in a row whatever waits
     * is answered {@code unavailable} rather than left to time out.
     */
    private static Behavior<Command> logStopped(Writer w, LogStopped m, Phase current) {
        if (m.generation() != w.logGeneration) {
            return current;
        }
        w.log = null;
        w.logFailures++;
        w.timers.cancel(Tick.INSTANCE);
        long factor = 1L << Math.min(6, w.logFailures - 1);
        Duration backoff = w.settings.writerRestartBackoff().multipliedBy(factor);
        if (backoff.compareTo(Duration.ofSeconds(10)) > 0) {
            backoff = Duration.ofSeconds(10);
        }
        w.ctx.getLog().warn("The transaction log of {} stopped (failure {}); recovering it in {} ms", w.name, w.logFailures,
                backoff.toMillis());
        if (w.logFailures > 2) {
            // the store keeps failing: answer the waiting callers instead of letting them time out
            ChrononError error = Writer.unavailable("The transaction log of " + w.name + " cannot be recovered; retry later");
            w.failAll(w.queue.dropQueued(), error);
            w.stash.forEach(c -> Writer.reject(c, error));
            w.stash.clear();
            w.rejectAwaitingWindow(error);
            w.failHeld(error);
        }
        w.timers.startSingleTimer(new RestartLog(w.logGeneration), backoff);
        return current instanceof Recovering ? current : new Recovering(w);
    }

    /** Ends a retirement: the in-flight write is over (or failed), the feed hears of it, the writer asks to be passivated. */
    private static Behavior<Command> finishRetire(Writer w) {
        w.failAll(w.queue.dropInFlight(), w.retiredError());
        w.timers.cancel(Tick.INSTANCE);
        if (w.publisher != null) {
            w.publisher.tell(new TxPublisher.Feed(new TxFeed.Retired(w.name, w.info.id())));
        }
        if (w.log != null) {
            w.ctx.unwatch(w.log);
            w.ctx.stop(w.log);
            w.log = null;
        }
        w.retireReplyTo.tell(Done.getInstance());
        Behavior<Command> next = w.stash.unstashAll(new Retired(w));
        w.missing.passivate();
        return next;
    }

    /**
     * Serving: processes each transaction against the value after everything before it, one
     * journal write in flight at a time with the next group queued behind it; publishes a
     * heartbeat when idle. A retirement or a stop that arrives during a write lets the write
     * finish and be answered first.
     */
    static final class Ready extends Phase {
        Ready(Writer w) {
            super(w);
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(FromLog.class, m -> onFromLog(m.reply()))
                    .onMessage(FromSlowLog.class, m -> onFromLog(m.reply()))
                    .onMessage(LogStopped.class, m -> logStopped(w, m, this))
                    .onMessage(GetLatestT.class, c -> {
                        c.replyTo().tell(StatusReply.success(new LatestT(w.name, w.queue.committed().basisT(), w.queue.committedSeqNr())));
                        return this;
                    })
                    .onMessage(Retire.class, this::onRetire)
                    .onMessage(IndexRequest.class, c -> {
                        w.index(c);
                        return this;
                    })
                    .onMessage(GcStorage.class, c -> {
                        w.gcStorage(c);
                        return this;
                    })
                    .onMessage(Reindexed.class, m -> {
                        w.reindexed(m.indexed());
                        return this;
                    })
                    .onMessage(Transactor.Rebased.class, m -> {
                        w.rebased(m);
                        return this;
                    })
                    .onMessage(Tick.class, t -> onTick());
        }

        @Override
        void submit(Submission s) {
            if (w.retireReplyTo != null) {
                s.answer(StatusReply.error(w.retiredError()));
            } else if (w.stopAfterWrite) {
                s.answer(StatusReply.error(w.stoppingError()));
            } else if (s.requestId() != null && w.answeredAsRetry(s)) {
                return;
            } else if (s.attempt() > Transactor.MAX_ATTEMPTS) {
                s.answer(StatusReply.error(Writer.unavailable("Another writer of " + w.name + " stored its entries where this "
                        + "transaction's were to go " + Transactor.MAX_ATTEMPTS + " times (two writers overlap while the cluster "
                        + "settles); it was not committed; retry")));
            } else if (s.attempt() == 0 && w.indexingBehind()) {
                s.answer(StatusReply.error(ChrononError.busy("chronon.error/indexing-behind",
                        "Indexing of " + w.name + " has fallen behind (more than " + w.settings.memoryIndexMax()
                                + " datoms of novelty in memory); retry later")));
            } else if (s.attempt() == 0 && w.queue.size() >= w.settings.maxPending()) {
                s.answer(StatusReply.error(ChrononError.busy("chronon.error/busy",
                        "The transactor of " + w.name + " has " + w.settings.maxPending() + " transactions waiting; retry later")));
            } else {
                w.process(s);
            }
        }

        private Behavior<Command> onFromLog(TxLog.Reply reply) {
            return reply instanceof TxLog.Written written ? onWritten(written) : this;
        }

        private Behavior<Command> onWritten(TxLog.Written written) {
            if (!w.queue.writing()) {
                return this;
            }
            long expected = w.queue.expectedLastSeqNr();
            if (written.lastSeqNr() != expected) {
                // cannot happen with one writer; recover from the log to learn the truth
                w.ctx.getLog().error("The log of {} reported sequence number {} where {} was expected; recovering", w.name,
                        written.lastSeqNr(), expected);
                // the write is durable and was answered already: the recovery must not answer it again
                w.queue.dropInFlight().forEach(w::forget);
                w.ctx.stop(w.log);
                return this;
            }
            WriteQueue.Write<Pending> write = w.queue.written();
            w.indexCommitted();
            // the log has handed the write to the publisher already; from now on a retry is answered from the log
            long seq = write.firstSeqNr();
            for (Pending p : write.batch()) {
                if (p.requestId() != null) {
                    w.requestIds.committed(p.requestId(), seq);
                }
                seq++;
            }
            w.requestIds.evict(w.queue.committedSeqNr());
            w.lastPublishNanos = System.nanoTime();
            if (w.retireReplyTo != null) {
                return finishRetire(w);
            }
            if (w.stopAfterWrite) {
                return w.drainAndStop(this);
            }
            if (w.queue.hasQueued()) {
                w.flush();
            }
            return this;
        }

        private Behavior<Command> onRetire(Retire c) {
            if (!w.info.id().equals(c.databaseId())) {
                c.replyTo().tell(Done.getInstance());
                return this;
            }
            w.beginRetire(c.replyTo());
            return w.queue.writing() ? this : finishRetire(w);
        }

        private Behavior<Command> onTick() {
            if (System.nanoTime() - w.lastPublishNanos >= w.settings.heartbeatInterval().toNanos()) {
                w.publishHeartbeat();
            }
            return this;
        }

        @Override
        Behavior<Command> onStop() {
            w.failWaiting(w.stoppingError());
            if (w.queue.writing()) {
                // let the write that is under way finish and be acknowledged first
                w.stopAfterWrite = true;
                return this;
            }
            return w.drainAndStop(this);
        }
    }

    /**
     * The database was deleted: every request is answered "not found" until sharding
     * passivates this writer, unless the catalog, asked again, has the name created anew
     * (then the request goes to the next incarnation).
     */
    static final class Retired extends Phase {
        Retired(Writer w) {
            super(w);
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(Retire.class, c -> {
                        c.replyTo().tell(Done.getInstance());
                        return this;
                    })
                    .onMessage(GetLatestT.class, c -> {
                        w.missing.answer(c, w.info.id(), w.retiredError());
                        return this;
                    })
                    .onMessage(IndexRequest.class, c -> {
                        w.missing.answer(c, w.info.id(), w.retiredError());
                        return this;
                    })
                    .onMessage(GcStorage.class, c -> {
                        w.missing.answer(c, w.info.id(), w.retiredError());
                        return this;
                    })
                    .onMessage(AskedAgain.class, m -> {
                        w.missing.asked(m.request(), m.error());
                        return this;
                    })
                    .onMessage(WindowRead.class, m -> {
                        w.requestIds.readAbandoned();
                        return this;
                    })
                    .onMessage(PublisherStopped.class, m -> {
                        w.missing.handOn();
                        return Behaviors.stopped();
                    });
        }

        @Override
        void submit(Submission s) {
            w.missing.answer(new Resubmit(s), w.info.id(), w.retiredError());
        }
    }
}
