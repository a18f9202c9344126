package io.chronon.sharding.peer;

import io.chronon.db.DbValue;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.catalog.MissingDatabase;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.peer.QueryPeer.AskedAgain;
import io.chronon.sharding.peer.QueryPeer.Basis;
import io.chronon.sharding.peer.QueryPeer.Command;
import io.chronon.sharding.peer.QueryPeer.CurrentDb;
import io.chronon.sharding.peer.QueryPeer.Filled;
import io.chronon.sharding.peer.QueryPeer.GetDb;
import io.chronon.sharding.peer.QueryPeer.Read;
import io.chronon.sharding.peer.QueryPeer.ReadResult;
import io.chronon.sharding.peer.QueryPeer.Request;
import io.chronon.sharding.peer.QueryPeer.RetryFill;
import io.chronon.sharding.peer.QueryPeer.WaitTimeout;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.support.Futures;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.DurableIndexes;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.index.IndexRestore;
import io.chronon.storage.index.IndexRoots;
import io.chronon.storage.index.IndexingJob;
import io.chronon.storage.index.TreeStorage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The state of one query peer (a replica of one database's value in one query group),
 * whatever its phase, and what the phases ({@link PeerPhases}) do with it: apply the feed's
 * reports in log order, fill gaps from the log, keep the waits for a basis, hand reads to
 * the query dispatcher, and answer what waits when the database is gone. Used only on the
 * peer actor's thread, with one exception: a read that names other databases goes on where
 * their values arrive ({@link #serve}), and that part reads only final fields (the name, the
 * read runner, the node key) and immutable values.
 */
final class Replica {
    final ActorContext<Command> ctx;
    final TimerScheduler<Command> timers;
    /** Requests that arrive before the value is loaded. */
    final StashBuffer<Command> stash;
    final String name;
    final String group;
    final ChrononSettings settings;
    final ActorRef<ClusterSharding.ShardCommand> shard;
    final PeerRouting routing;
    final ReadRunner reads;
    final ActorRef<Catalog.Command> catalog;
    /** How requests are answered once the database is missing. */
    final MissingDatabase<Command, Request> missing;
    /**
     * Requests about another incarnation than this peer's, waiting for the catalog to say which
     * is current ({@code Verified}); answered {@code unavailable} if the peer stops meanwhile.
     */
    final Set<Request> verifying = Collections.newSetFromMap(new IdentityHashMap<>());
    /** This node's {@code host:port}, reported with each read. */
    final String nodeKey;

    DatabaseInfo info;
    DatabaseStorage storage;
    ActorRef<Topic.Command<TxFeed>> topic;
    ActorRef<TxFeed> feedAdapter;

    /** The value, once loaded, and the sequence number of the last log entry it includes. */
    private DbValue db;
    private long seqNr;
    /** Reports that arrived ahead of the value, by sequence number. */
    private final TreeMap<Long, TxLogEntry> early = new TreeMap<>();
    /** The highest sequence number the writer is known to have. */
    private long knownSeqNr;
    /** Index roots heard before the value reached the entry they cover, and that entry; null: none. */
    private IndexRoots pendingRoots;
    private long pendingRootsSeqNr;
    /** True while the value is being moved onto new roots off the actor's thread ({@link QueryPeer.Rebased}). */
    private boolean rebasing;
    /** The incarnation whose value is being moved: a value loaded since (another incarnation) is left alone. */
    private DatabaseInfo rebasingFor;
    /** True while a chunk of the log is being read to fill a gap ({@link Filled}). */
    private boolean filling;

    private final TreeMap<Long, List<Waiter>> waitersByT = new TreeMap<>();
    private final Map<Long, Waiter> waitersById = new HashMap<>();
    private long nextWaiterId;

    /** Something waiting for the basis to reach {@code t}. */
    private record Waiter(long id, long t, long indexT, Request request, Consumer<DbValue> onReached, Runnable onTimeout) {
    }

    Replica(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash, String name, String group,
            ActorRef<ClusterSharding.ShardCommand> shard, ChrononSettings settings, PeerRouting routing, ReadRunner reads,
            ActorRef<Catalog.Command> catalog) {
        this.catalog = catalog;
        this.missing = new MissingDatabase<>(ctx, shard, catalog, name, settings.defaultTimeout(), AskedAgain::new,
                this::redeliver, Request::fail);
        this.ctx = ctx;
        this.timers = timers;
        this.stash = stash;
        this.name = name;
        this.group = group;
        this.shard = shard;
        this.nodeKey = PeerRouting.key(Cluster.get(ctx.getSystem()).selfMember().address());
        this.settings = settings;
        this.routing = routing;
        this.reads = reads;
    }

    // ------------------------------------------------------------------ following the log

    /** True when {@code c} is about the incarnation of the database this peer serves, or about whichever it serves. */
    boolean holds(Request c) {
        return c.databaseId() == null || c.databaseId().equals(info.id());
    }

    /** True when {@code r} retires the incarnation of the database this peer serves. */
    boolean retires(TxFeed.Retired r) {
        return info != null && info.id().equals(r.databaseId());
    }

    /**
     * The value loaded from storage, which includes the log up to {@code seqNr}: the reports
     * heard meanwhile that follow it are applied, and a gap behind the writer is filled.
     */
    void loaded(DbValue value, long seqNr) {
        db = value;
        this.seqNr = seqNr;
        writerHas(seqNr);
        drainEarly();
    }

    /** The writer has entry {@code seqNr} (a heartbeat, a report, its answer to a sync says so). */
    void writerHas(long seqNr) {
        knownSeqNr = Math.max(knownSeqNr, seqNr);
    }

    /** A report heard while the value loads: kept to apply after it (if the buffer has room). */
    void heardEarly(TxFeed.Committed c) {
        writerHas(c.seqNr());
        bufferEarly(c.seqNr(), c.entry());
    }

    /**
     * A report heard once the value is loaded: applied if it is the next one (with the buffered
     * ones that then follow), ignored if already applied, otherwise kept while the gap is filled
     * from the log.
     */
    void heard(TxFeed.Committed c) {
        writerHas(c.seqNr());
        if (c.seqNr() <= seqNr) {
            return;
        }
        if (c.seqNr() == seqNr + 1) {
            apply(c.entry());
            drainEarly();
        } else {
            bufferEarly(c.seqNr(), c.entry());
            requestFill();
        }
    }

    private void bufferEarly(long seq, TxLogEntry entry) {
        if (early.size() < settings.peerMaxBuffered()) {
            early.put(seq, entry);
        }
        // beyond the buffer the report is dropped: the gap fill reads it from the log
    }

    /**
     * An indexing job recorded new roots: the value moves onto them (dropping the novelty they
     * cover) once it includes the entry they cover, unless the writer's value (a hint) already
     * has. A value that cannot move (storage failing) keeps its novelty until the next roots.
     */
    void indexed(TxFeed.Indexed m) {
        if (storage == null || info == null || !DurableIndexes.supports(storage)) {
            return;
        }
        IndexRoots roots;
        try {
            roots = IndexRoots.decode(name, m.roots());
        } catch (RuntimeException e) {
            ctx.getLog().warn("Ignoring the index roots of {} at t {} heard from the writer: {}", name, m.t(), e.toString());
            return;
        }
        if (pendingRoots == null || roots.t() > pendingRoots.t()) {
            pendingRoots = roots;
            pendingRootsSeqNr = m.seqNr();
        }
        moveOntoRoots();
    }

    private void moveOntoRoots() {
        if (rebasing || pendingRoots == null || db == null || seqNr < pendingRootsSeqNr || db.basisT() < pendingRoots.t()) {
            return;
        }
        IndexRoots roots = pendingRoots;
        pendingRoots = null;
        TreeStorage trees = DurableIndexes.get(ctx.getSystem()).treeStorage(storage, info.persistenceId());
        if (IndexingJob.layeredOver(db, roots, trees)) {
            return;
        }
        // the reads of the new roots and the replay of the novelty after them happen off this
        // thread, on the value of now (as the writer's); reports keep being applied meanwhile,
        // and only those are replayed here once it is done (rebased)
        rebasing = true;
        rebasingFor = info;
        DbValue from = db;
        ActorRef<Command> self = ctx.getSelf();
        java.util.concurrent.CompletableFuture.supplyAsync(() -> IndexRestore.rebased(trees, roots, from),
                        ctx.getSystem().dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()))
                .whenComplete((value, failure) -> self.tell(new QueryPeer.Rebased(roots, value, failure)));
    }

    /**
     * The value of {@link #moveOntoRoots}, on the new roots: the reports applied since it was
     * taken are replayed onto it, and it becomes the peer's value (unless the value moved onto
     * these roots or newer ones meanwhile). A value that could not move (storage failing) keeps
     * its novelty until the next roots.
     */
    void rebased(QueryPeer.Rebased m) {
        rebasing = false;
        if (m.failure() != null) {
            ctx.getLog().warn("The peer of {} could not move onto the index at t {}: {}", name, m.roots().t(), m.failure().toString());
        } else if (db != null && info == rebasingFor && db.basisT() >= m.value().basisT() && db.indexBasisT() < m.roots().t()) {
            try {
                db = IndexRestore.caughtUp(m.value(), db);
                completeWaiters();
            } catch (RuntimeException e) {
                ctx.getLog().warn("The peer of {} could not move onto the index at t {}: {}", name, m.roots().t(), e.toString());
            }
        }
        moveOntoRoots();
    }

    private void apply(TxLogEntry entry) {
        DbValue hint = entry.dbAfterHint();
        if (hint != null && entry.hintAhead() > 0 && hint.basisT() > db.basisT()) {
            // the writer's value after the last entry of this entry's journal write, which is
            // durable as a whole: jump there; the reports in between are then already applied
            db = hint;
            seqNr += 1 + entry.hintAhead();
            knownSeqNr = Math.max(knownSeqNr, seqNr);
        } else {
            db = entry.applyTo(db);
            seqNr++;
        }
        moveOntoRoots();
        completeWaiters();
    }

    /** Applies buffered reports that now follow the value; asks for a fill if a gap remains. */
    private void drainEarly() {
        while (!early.isEmpty()) {
            Map.Entry<Long, TxLogEntry> first = early.firstEntry();
            if (first.getKey() <= seqNr) {
                early.pollFirstEntry();
            } else if (first.getKey() == seqNr + 1) {
                early.pollFirstEntry();
                apply(first.getValue());
            } else {
                break;
            }
        }
        if (knownSeqNr > seqNr) {
            requestFill();
        }
    }

    /**
     * Reads the log after the basis (one chunk at a time) when the value is behind the writer.
     * Only once the value is loaded: the running phase, and the step into it.
     */
    void requestFill() {
        if (filling || knownSeqNr <= seqNr) {
            return;
        }
        filling = true;
        CurrentEventsByPersistenceIdQuery journal = PersistenceQuery.get(ctx.getSystem())
                .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, storage.readJournalPluginId());
        long from = seqNr + 1;
        ctx.pipeToSelf(journal.currentEventsByPersistenceId(info.persistenceId(), from, from + settings.gapFillChunk() - 1)
                        .runWith(Sink.seq(), ctx.getSystem()),
                Filled::new);
    }

    /** Applies a chunk read from the log, then whatever buffered reports follow it; tries again shortly if it brought nothing. */
    void filled(Filled m) {
        filling = false;
        long before = seqNr;
        if (m.failure() != null) {
            ctx.getLog().warn("Reading the log of {} after {} failed: {}", name, seqNr, m.failure().toString());
        } else {
            for (EventEnvelope env : m.envelopes()) {
                if (env.sequenceNr() == seqNr + 1 && env.event() instanceof TxLogEntry entry) {
                    apply(entry);
                }
            }
        }
        drainEarly();
        if (seqNr == before && knownSeqNr > seqNr && !filling) {
            // nothing new was readable yet: try again shortly rather than spin
            timers.startSingleTimer(new RetryFill(), Duration.ofMillis(50));
        }
    }

    // ------------------------------------------------------------------ waits for a basis

    /** Runs {@code onReached} with the value once its basis is at least {@code t}: now, or when it gets there. */
    void whenReached(Request request, long t, long timeoutMillis, Consumer<DbValue> onReached, Runnable onTimeout) {
        whenReached(request, t, 0, timeoutMillis, onReached, onTimeout);
    }

    /** As {@link #whenReached(Request, long, long, Consumer, Runnable)}, once the value is also on roots of index t {@code indexT} or later (0: any). */
    void whenReached(Request request, long t, long indexT, long timeoutMillis, Consumer<DbValue> onReached, Runnable onTimeout) {
        if (db.basisT() >= t && indexed(indexT)) {
            onReached.accept(db);
            return;
        }
        if (timeoutMillis <= 0) {
            onTimeout.run();
            return;
        }
        Waiter w = new Waiter(nextWaiterId++, t, indexT, request, onReached, onTimeout);
        waitersById.put(w.id(), w);
        waitersByT.computeIfAbsent(t, k -> new ArrayList<>(2)).add(w);
        timers.startSingleTimer(new WaitTimeout(w.id()), Duration.ofMillis(timeoutMillis));
        // the writer may be ahead of what this peer heard: make sure it finds out
        requestFill();
    }

    /** True if the value is on roots of index t {@code indexT} or later, or {@code indexT} is 0. */
    private boolean indexed(long indexT) {
        return indexT <= 0 || db.indexBasisT() >= indexT;
    }

    private void completeWaiters() {
        if (waitersByT.isEmpty() || waitersByT.firstKey() > db.basisT()) {
            return;
        }
        Iterator<Map.Entry<Long, List<Waiter>>> it = waitersByT.headMap(db.basisT(), true).entrySet().iterator();
        while (it.hasNext()) {
            List<Waiter> waiters = it.next().getValue();
            // a waiter for an index keeps waiting for the roots (moveOntoRoots, rebased)
            waiters.removeIf(w -> {
                if (!indexed(w.indexT())) {
                    return false;
                }
                waitersById.remove(w.id());
                timers.cancel(new WaitTimeout(w.id()));
                w.onReached().accept(db);
                return true;
            });
            if (waiters.isEmpty()) {
                it.remove();
            }
        }
    }

    /** The wait {@code m} names timed out, unless it was answered meanwhile. */
    void waitTimedOut(WaitTimeout m) {
        Waiter w = waitersById.remove(m.waiterId());
        if (w != null) {
            List<Waiter> same = waitersByT.get(w.t());
            if (same != null) {
                same.remove(w);
                if (same.isEmpty()) {
                    waitersByT.remove(w.t());
                }
            }
            w.onTimeout().run();
        }
    }

    ChrononError notReached(long t, long timeoutMillis) {
        return ChrononError.unavailable("chronon.error/sync-timeout", "The query peer of " + name + " did not reach t " + t
                + " within " + timeoutMillis + " ms (its basis is " + (db == null ? "unknown" : db.basisT()) + ")");
    }

    // ------------------------------------------------------------------ reads

    /**
     * Runs read {@code c} on {@code d} (a value at its basis or later): fetches the values of
     * the other databases it names, then hands it to the query dispatcher with what is left
     * of its timeout, counted from {@code startNanos}.
     */
    void serve(Read c, Basis basis, DbValue d, long startNanos) {
        Map<String, Long> others;
        try {
            others = PeerReads.otherDatabases(name, c.op());
        } catch (RuntimeException e) {
            c.replyTo().tell(StatusReply.error(ChrononError.of(e)));
            return;
        }
        otherValues(others, remaining(c.timeoutMillis(), startNanos)).whenComplete((values, failure) -> {
            if (failure != null) {
                c.replyTo().tell(StatusReply.error(ChrononError.of(failure)));
                return;
            }
            long left = remaining(c.timeoutMillis(), startNanos);
            reads.run(() -> new ReadResult(d.basisT(),
                            PeerReads.run(name, d, PeerReads.view(d, basis), c.op(), values, left), nodeKey),
                    Duration.ofMillis(left), c.replyTo());
        });
    }

    /** The values of other databases a read names, from their peers in this peer's query group. */
    private CompletableFuture<Map<String, DbValue>> otherValues(Map<String, Long> others, long timeoutMillis) {
        Map<String, DbValue> values = new ConcurrentHashMap<>();
        // this node serves the group, so each is the replica on this node: the value is shared, not copied
        CompletableFuture<?>[] asks = others.entrySet().stream().map(e -> routing.incarnations().idFor(e.getKey())
                .thenCompose(id -> Futures.plain(routing.peer(e.getKey(), group).<CurrentDb>askWithStatus(
                        replyTo -> new GetDb(e.getValue(), timeoutMillis, replyTo, id), Duration.ofMillis(timeoutMillis + 1000)),
                        ctx.getSystem().executionContext()))
                .thenAccept(r -> values.put(e.getKey(), r.db())).toCompletableFuture()).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(asks).thenApply(v -> values);
    }

    private static long remaining(long timeoutMillis, long startNanos) {
        return Math.max(1, timeoutMillis - (System.nanoTime() - startNanos) / 1_000_000);
    }

    // ------------------------------------------------------------------ requests before loading, leaving

    /** Keeps {@code c} until the value is loaded, or answers it {@code busy} when too many wait. */
    void stashOrBusy(Request c) {
        if (stash.isFull()) {
            c.fail(ChrononError.busy("chronon.error/busy", "The query peer of " + name + " is loading and has too many waiting requests"));
        } else {
            stash.stash(c);
        }
    }

    /**
     * The first half of leaving (the database deleted, or not to be had): answers every wait
     * for a basis with {@code error}. The phases answer the stash.
     *
     * <p>It does not unsubscribe from the feed's topic: the topic watches its subscribers and
     * forgets this one when it stops. An explicit unsubscribe as well (here, and again when the
     * peer stopped) made Pekko's topic deregister twice from the node's receptionist, which
     * then threw and stopped for good, and with it the discovery of other nodes' topics for
     * every database created afterwards. Until this peer stops, the feed's messages arrive
     * and are dropped.
     */
    void leave(ChrononError error) {
        for (Waiter w : new ArrayList<>(waitersById.values())) {
            timers.cancel(new WaitTimeout(w.id()));
            // a wait for a t that will never come (the database was deleted) is answered now
            w.request().fail(error);
        }
        waitersById.clear();
        waitersByT.clear();
    }

    /** Gives back the node's topic of this database (once), when this peer stops. */
    void releaseTopic() {
        if (topic != null) {
            TxFeedTopics.get(ctx.getSystem()).release(info);
            topic = null;
        }
    }

    /** Sends {@code c} again to this entity: the shard keeps it until this incarnation has stopped (it asked to be passivated). */
    private void redeliver(Request c) {
        routing.peerAt(name, group, nodeKey).tell(c);
    }

    ChrononError deletedError() {
        return ChrononError.notFound("db.error/db-not-found", "Database " + name + " was deleted", name);
    }
}
