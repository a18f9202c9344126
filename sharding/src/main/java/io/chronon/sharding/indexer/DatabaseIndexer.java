package io.chronon.sharding.indexer;

import io.chronon.db.DbValue;
import io.chronon.db.IndexedValue;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.DurableIndexes;
import io.chronon.storage.index.IndexRoots;
import io.chronon.storage.index.IndexingJob;
import io.chronon.storage.index.TreeStorage;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The indexing job of one database, on its writer's node (a child of the writer): told every
 * durable value of the database ({@link Committed}), it starts a job once the value's novelty
 * ({@link IndexedValue#noveltyDatoms}) reaches {@code threshold}, or when asked
 * ({@link RequestIndex}). A job ({@link IndexingJob#run}) merges the novelty since the previous
 * roots into new trees on the indexing dispatcher, never on the writer's thread, then records
 * the roots ({@link DurableIndexes#saveRoots}, after every segment they name is stored) and
 * tells the owner ({@link Indexed}), which switches its value to them and tells the peers.
 *
 * <p>One job at a time; a value told while one runs is kept (only the newest) for the next.
 * A failed job (storage unreachable) is logged and tried again after {@code retryBackoff}; the
 * novelty stays in memory meanwhile (the writer answers busy past its maximum). A job killed
 * with its process leaves at worst segments no record names (the record is written last), which
 * garbage collection removes.
 */
public final class DatabaseIndexer {
    private DatabaseIndexer() {
    }

    /** What the indexer is told. */
    public sealed interface Command extends NoSerializationVerificationNeeded {
    }

    /** {@code db} is durable: the value after log entry {@code seqNr}. */
    public record Committed(DbValue db, long seqNr) implements Command {
    }

    /** The latest durable t and the t of the index (0: none yet). */
    public record Status(long basisT, long indexBasisT) {
    }

    /** Index now, whatever the novelty (Datomic's {@code requestIndex}); {@code answer} is told the t the job indexes up to. */
    public record RequestIndex(Consumer<Status> answer) implements Command {
    }

    /**
     * {@code answer} once the index includes {@code t} (Datomic's {@code syncIndex}), or
     * {@code refuse} if more than {@value #MAX_WAITING} callers wait already.
     */
    public record SyncIndex(long t, Consumer<Status> answer, Consumer<io.chronon.sharding.wire.ChrononError> refuse)
            implements Command {
    }

    /**
     * Garbage collection of the database's storage (Datomic's {@code gcStorage}): run between
     * jobs on the indexing dispatcher ({@link DurableIndexes#gcStorage}); {@code answer} gets the
     * result, {@code refuse} the failure.
     */
    public record GcStorage(long olderThanMillis, Consumer<DurableIndexes.GcResult> answer,
                            Consumer<io.chronon.sharding.wire.ChrononError> refuse) implements Command {
    }

    private record GcDone(GcStorage request, DurableIndexes.GcResult result, Throwable failure) implements Command {
    }

    /** At most this many {@link SyncIndex} wait at once per database (each is answered after a job). */
    public static final int MAX_WAITING = 10_000;

    /** The roots a recovery started from, if newer than those this indexer knows (a log restarted after a failure). */
    public record Recovered(IndexRoots roots) implements Command {
    }

    private record JobDone(IndexRoots roots, long seqNr, long novelty, long nanos, long segments, long bytes, Throwable failure)
            implements Command {
    }

    private enum Retry implements Command {
        INSTANCE
    }

    /**
     * A job's result: the new roots, recorded and covering the log up to entry {@code seqNr}.
     * The owner runs {@code answer} once it has moved onto them and told the peers: it answers
     * the {@link SyncIndex} callers the roots cover, so that what they do next sees the new index.
     */
    public record Indexed(IndexRoots roots, long seqNr, Runnable answer) {
    }

    /**
     * The indexer of the database with persistence id {@code persistenceId}, stored in
     * {@code storage}, whose last roots are {@code recovered} (null: none yet); {@code onIndexed}
     * is called on this actor's thread with each job's result (it must only tell actors).
     */
    public static Behavior<Command> create(String database, String persistenceId, DatabaseStorage storage, IndexRoots recovered,
                                           long threshold, Duration retryBackoff, Consumer<Indexed> onIndexed) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new State(ctx, timers, database, persistenceId, storage,
                recovered, threshold, retryBackoff, onIndexed).behavior()));
    }

    private static final class State {
        private final ActorContext<Command> ctx;
        private final TimerScheduler<Command> timers;
        private final String database;
        private final String persistenceId;
        private final DatabaseStorage storage;
        private final TreeStorage trees;
        private final long threshold;
        private final Duration retryBackoff;
        private final Consumer<Indexed> onIndexed;
        private final Executor executor;

        private IndexRoots roots;
        private DbValue latest;
        private long latestSeqNr;
        private boolean running;
        private boolean requested;
        private boolean waitingToRetry;
        /** Callers of {@link SyncIndex} waiting for a job to reach their t. */
        private final java.util.List<SyncIndex> waiting = new java.util.ArrayList<>();
        /** Garbage collections asked for, run one at a time between jobs. */
        private final java.util.ArrayDeque<GcStorage> gcs = new java.util.ArrayDeque<>();
        /** The novelty the last job merged: a value told before the owner switched to its roots still counts it. */
        private long indexedNovelty;

        State(ActorContext<Command> ctx, TimerScheduler<Command> timers, String database, String persistenceId,
              DatabaseStorage storage, IndexRoots recovered, long threshold, Duration retryBackoff, Consumer<Indexed> onIndexed) {
            this.ctx = ctx;
            this.timers = timers;
            this.database = database;
            this.persistenceId = persistenceId;
            this.storage = storage;
            this.trees = DurableIndexes.get(ctx.getSystem()).treeStorage(storage, persistenceId);
            this.roots = recovered;
            this.threshold = threshold;
            this.retryBackoff = retryBackoff;
            this.onIndexed = onIndexed;
            this.executor = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("chronon.indexing-dispatcher"));
        }

        Behavior<Command> behavior() {
            return Behaviors.receive(Command.class)
                    .onMessage(Committed.class, c -> {
                        if (c.seqNr() >= latestSeqNr) {
                            latest = c.db();
                            latestSeqNr = c.seqNr();
                        }
                        maybeStart();
                        return Behaviors.same();
                    })
                    .onMessage(RequestIndex.class, r -> {
                        requested = true;
                        maybeStart();
                        r.answer().accept(status());
                        return Behaviors.same();
                    })
                    .onMessage(SyncIndex.class, s -> {
                        if ((roots == null ? 0 : roots.t()) >= s.t()) {
                            s.answer().accept(status());
                        } else if (waiting.size() >= MAX_WAITING) {
                            s.refuse().accept(io.chronon.sharding.wire.ChrononError.busy("chronon.error/busy",
                                    MAX_WAITING + " callers wait for the index of " + database + " already; retry later"));
                        } else {
                            waiting.add(s);
                        }
                        return Behaviors.same();
                    })
                    .onMessage(Recovered.class, r -> {
                        if (r.roots() != null && (roots == null || r.roots().t() > roots.t())) {
                            roots = r.roots();
                        }
                        return Behaviors.same();
                    })
                    .onMessage(JobDone.class, this::onDone)
                    .onMessage(GcStorage.class, g -> {
                        gcs.add(g);
                        maybeStart();
                        return Behaviors.same();
                    })
                    .onMessage(GcDone.class, this::onGcDone)
                    .onMessage(Retry.class, r -> {
                        waitingToRetry = false;
                        maybeStart();
                        return Behaviors.same();
                    })
                    .build();
        }

        private void maybeStart() {
            if (!running && !gcs.isEmpty()) {
                startGc(gcs.poll());
                return;
            }
            if (running || waitingToRetry || latest == null || (roots != null && latest.basisT() <= roots.t())) {
                return;
            }
            long novelty = novelty();
            if (novelty < threshold && !requested) {
                return;
            }
            running = true;
            requested = false;
            DbValue db = latest;
            long seqNr = latestSeqNr;
            IndexRoots previous = roots;
            long start = System.nanoTime();
            long[] written = new long[2];
            CompletableFuture.supplyAsync(() -> {
                long[] before = TreeStorage.writtenOnThisThread();
                IndexRoots next = IndexingJob.run(trees, previous, db);
                long[] after = TreeStorage.writtenOnThisThread();
                written[0] = after[0] - before[0];
                written[1] = after[1] - before[1];
                try {
                    DurableIndexes.get(ctx.getSystem()).saveRoots(storage, persistenceId, seqNr, next);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return next;
            }, executor).whenComplete((next, failure) -> ctx.getSelf().tell(
                    new JobDone(next, seqNr, novelty, System.nanoTime() - start, written[0], written[1], failure)));
        }

        private Status status() {
            return new Status(latest == null ? 0 : latest.basisT(), roots == null ? 0 : roots.t());
        }

        /** The novelty of the latest value over the last roots (less what they merged, if it is still over the roots before). */
        private long novelty() {
            long novelty = IndexedValue.noveltyDatoms(latest);
            if (roots != null && !IndexingJob.layeredOver(latest, roots, trees)) {
                novelty = Math.max(0, novelty - indexedNovelty);
            }
            return novelty;
        }

        /** A collection runs where jobs run, while none does: no segment of a job in progress is ever unrecorded garbage to it. */
        private void startGc(GcStorage request) {
            running = true;
            CompletableFuture.supplyAsync(() -> {
                try {
                    return DurableIndexes.get(ctx.getSystem()).gcStorage(storage, persistenceId, request.olderThanMillis());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, executor).whenComplete((result, failure) -> ctx.getSelf().tell(new GcDone(request, result, failure)));
        }

        private Behavior<Command> onGcDone(GcDone done) {
            running = false;
            if (done.failure() != null) {
                Throwable cause = done.failure() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : done.failure();
                ctx.getLog().warn("Garbage collection of {} failed: {}", database, cause.toString());
                done.request().refuse().accept(cause instanceof io.chronon.ChrononException ce
                        ? io.chronon.sharding.wire.ChrononError.of(ce)
                        : io.chronon.sharding.wire.ChrononError.unavailable("chronon.error/storage-unavailable",
                                "Garbage collection of " + database + " failed: " + cause.getMessage()));
            } else {
                DurableIndexes.GcResult r = done.result();
                ctx.getLog().info("Garbage collection of {}: kept {} roots records ({} deleted), {} segments reachable, {} deleted",
                        database, r.recordsKept(), r.recordsDeleted(), r.segmentsReachable(), r.segmentsDeleted());
                done.request().answer().accept(r);
            }
            maybeStart();
            return Behaviors.same();
        }

        private Behavior<Command> onDone(JobDone done) {
            running = false;
            if (done.failure() != null) {
                Throwable cause = done.failure() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                        ? ce.getCause() : done.failure();
                ctx.getLog().warn("Indexing {} failed (tried again in {} ms): {}", database, retryBackoff.toMillis(), cause.toString());
                waitingToRetry = true;
                timers.startSingleTimer(Retry.INSTANCE, retryBackoff);
                return Behaviors.same();
            }
            roots = done.roots();
            indexedNovelty = done.novelty();
            ctx.getLog().info("Indexed {} to t {} (log entry {}): {} datoms of novelty in {} ms, {} segments written ({} KB encoded)",
                    database, roots.t(), done.seqNr(), done.novelty(), done.nanos() / 1_000_000, done.segments(), done.bytes() / 1024);
            Status status = status();
            List<SyncIndex> covered = new ArrayList<>();
            waiting.removeIf(s -> s.t() <= roots.t() && covered.add(s));
            onIndexed.accept(new Indexed(roots, done.seqNr(), () -> covered.forEach(s -> s.answer().accept(status))));
            maybeStart();
            return Behaviors.same();
        }
    }
}
