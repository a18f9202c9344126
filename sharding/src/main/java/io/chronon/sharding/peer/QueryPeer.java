package io.chronon.sharding.peer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.catalog.DatabaseLookup;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.support.Futures;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.wire.EdnJson;
import io.chronon.sharding.wire.EdnValue;
import io.chronon.sharding.wire.Replies;
import io.chronon.sharding.writer.Transactor;
import io.chronon.sharding.writer.TxLog;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
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
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A query peer: holds the latest db value of one database and answers reads and syncs
 * against it. A Cluster Sharding entity keyed by database name and node
 * ({@code <database>@<host:port>}), one entity type per query group ({@link #typeKey}): each
 * node with the group's role holds its own replica, placed on that node (see
 * {@code PeerRouting.peer} for how reads find one).
 *
 * <p>It loads the database from storage (the latest snapshot plus the log after it), then
 * follows the database's {@link TxFeed} topic. Transactions apply strictly in log order:
 * a report that arrives early waits in a buffer, a duplicate is ignored, and a gap (a lost
 * report, or a heartbeat ahead of the value) is filled by reading the log from the peer's
 * basis with Pekko persistence query.
 *
 * <p>Reads run on the {@code chronon.query-dispatcher}, never on this actor's thread, each
 * with a timeout that stops it. {@link Read} is the one read message (a {@link Basis} and a
 * {@link ReadOp}: query, pull, datoms, index range, log, info): HTTP, the remote client and
 * {@code ChrononCluster} all use it. {@link Sync} is a wait registered here and completed
 * when the basis reaches its t, by the normal flow of reports; nothing polls.
 */
public final class QueryPeer extends AbstractBehavior<QueryPeer.Command> {

    /** The entity type of the peers of query group {@code group} (also their cluster role). */
    public static EntityTypeKey<Command> typeKey(String group) {
        return EntityTypeKey.create(Command.class, "chronon-peer-" + group);
    }

    /** The peer's messages. */
    public sealed interface Command {
    }

    /**
     * The messages callers send: each carries the address of its answer, so the peer refuses
     * any of them (loading with too many waiting, its database gone) with {@link #fail}.
     */
    public sealed interface Request extends Command, Replies {
    }

    /**
     * Answers {@link Synced} once this peer's basis is at least {@code t} (at once if it
     * already is); {@code unavailable} if that does not happen within the timeout.
     */
    public record Sync(long t, long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo)
            implements Request, Replies.WithStatus<Synced>, CborSerializable {
    }

    /** Asks the transactor for its latest durable t, then is {@link Sync} for that t. */
    public record SyncLatest(long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo)
            implements Request, Replies.WithStatus<Synced>, CborSerializable {
    }

    /**
     * Answers the db value itself (once its basis is at least {@code atLeastT}). Free in the
     * same JVM; across the network the whole value travels in its snapshot form.
     */
    public record GetDb(long atLeastT, long timeoutMillis, ActorRef<StatusReply<CurrentDb>> replyTo)
            implements Request, Replies.WithStatus<CurrentDb>, CborSerializable {
    }

    /**
     * Which value a {@link Read} reads: the peer's value once its basis is at least
     * {@code atLeastT} (0: the current one, no wait), with the transactions of {@code with}
     * applied in order (each a list of tx-data, as {@code DbValue.with}; nothing is written),
     * then filtered: {@code asOf} and {@code since} (a t, a tx id or a {@code java.util.Date};
     * null for none) and {@code history}.
     */
    public record Basis(long atLeastT, @EdnValue Object asOf, @EdnValue Object since, boolean history,
                        @EdnValue List<Object> with) implements CborSerializable {
        /** The current value, unfiltered. */
        public static final Basis LATEST = new Basis(0, null, null, false, null);

        /** The value at basis {@code t} or later, unfiltered (read-your-writes). */
        public static Basis atLeast(long t) {
            return new Basis(t, null, null, false, null);
        }
    }

    /** What a {@link Read} does with its value: one of the records below. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes({
            @JsonSubTypes.Type(value = QueryOp.class, name = "q"),
            @JsonSubTypes.Type(value = PullOp.class, name = "pull"),
            @JsonSubTypes.Type(value = PullManyOp.class, name = "pull-many"),
            @JsonSubTypes.Type(value = DatomsOp.class, name = "datoms"),
            @JsonSubTypes.Type(value = IndexRangeOp.class, name = "index-range"),
            @JsonSubTypes.Type(value = LogOp.class, name = "log"),
            @JsonSubTypes.Type(value = InfoOp.class, name = "info")})
    public sealed interface ReadOp extends CborSerializable {
    }

    /**
     * A Datalog query (EDN text or data); the value is the first input, {@code args} follow.
     * An arg {@code #chronon/db {:name "other" :as-of 4 :basis-t 9}} (a {@code Tagged}) is the
     * value of that database (this one's own value if the name is this database's), filtered
     * by {@code :as-of}/{@code :since}/{@code :history}. {@code limit} negative for none;
     * {@code orderBy} null, or the query's {@code :order-by} (e.g. {@code [[?age :desc] ?e]}).
     * Result: what Datalog returns.
     */
    public record QueryOp(@EdnValue Object query, @EdnValue List<Object> args, int limit, int offset,
                          @EdnValue Object orderBy) implements ReadOp {
    }

    /** Pull of one entity (an id, an ident or a lookup ref). Result: the map, or null. */
    public record PullOp(@EdnValue Object selector, @EdnValue Object eid) implements ReadOp {
    }

    /** Pull of many entities, in order. Result: a list of maps (null for an entity with nothing). */
    public record PullManyOp(@EdnValue Object selector, @EdnValue Object eids) implements ReadOp {
    }

    /**
     * The datoms of {@code index} ({@code eavt}, {@code aevt}, {@code avet}, {@code vaet}) whose
     * leading components equal {@code components}. Result: {@code [e a v tx added]} vectors,
     * after skipping {@code offset}, at most {@code limit} (negative: all).
     */
    public record DatomsOp(String index, @EdnValue List<Object> components, int limit, int offset) implements ReadOp {
    }

    /** The AVET datoms of {@code attr} with {@code start <= v < end} (null: open); rows as {@link DatomsOp}. */
    public record IndexRangeOp(@EdnValue Object attr, @EdnValue Object start, @EdnValue Object end, int limit, int offset)
            implements ReadOp {
    }

    /**
     * The log (Datomic's tx-range) of the transactions with {@code fromT <= t < toT} (null:
     * open), at most {@code limit} transactions (negative: all). Result: one map
     * {@code {:t t :tx tx :data [[e a v tx added] ...]}} per transaction, in t order. The
     * basis's filters do not apply to the log (as in Datomic); its {@code atLeastT} does.
     */
    public record LogOp(Long fromT, Long toT, int limit) implements ReadOp {
    }

    /**
     * About the value: {@code {:db/name "a" :basis-t 12}}, plus {@code :as-of}, {@code :since}
     * and {@code :history} when the basis filters it.
     */
    public record InfoOp() implements ReadOp {
    }

    /**
     * The general read: runs {@code op} on the value {@code basis} describes, off the actor's
     * thread, stopped after {@code timeoutMillis} (which also bounds the wait for the basis).
     * Every read goes through it: HTTP, the remote client and {@code ChrononCluster}.
     */
    public record Read(Basis basis, ReadOp op, long timeoutMillis, ActorRef<StatusReply<ReadResult>> replyTo)
            implements Request, Replies.WithStatus<ReadResult>, CborSerializable {
    }

    /**
     * Reply to {@link Read}: the basis t of the peer's value that was read (before any
     * {@code with}), and the result, shaped by the operation.
     */
    public record ReadResult(long basisT, @EdnValue Object result, String servedBy) implements CborSerializable {
    }

    /** Reply to {@link Sync} and {@link SyncLatest}: the peer's basis t, at least the one asked for. */
    public record Synced(String database, long basisT) implements CborSerializable {
    }

    /** Reply to {@link GetDb}. */
    public record CurrentDb(long basisT, @JsonSerialize(using = EdnJson.DbSerializer.class)
                            @JsonDeserialize(using = EdnJson.DbDeserializer.class) DbValue db)
            implements CborSerializable {
    }

    /** The stop message given to Cluster Sharding for passivation. */
    enum Stop implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    private record Looked(DatabaseInfo info, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    private record FromLoader(TxLog.Reply reply) implements Command, NoSerializationVerificationNeeded {
    }

    private record LoaderStopped() implements Command, NoSerializationVerificationNeeded {
    }

    private record Feed(TxFeed message) implements Command, NoSerializationVerificationNeeded {
    }

    private record Filled(List<EventEnvelope> envelopes, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    private record RetryFill() implements Command, NoSerializationVerificationNeeded {
    }

    private record WaitTimeout(long waiterId) implements Command, NoSerializationVerificationNeeded {
    }

    private record LatestKnown(SyncLatest request, long startNanos, Transactor.LatestT latest, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    private enum Phase { LOOKING_UP, LOADING, RUNNING, GONE }

    /** Something waiting for the basis to reach {@code t}. */
    private record Waiter(long id, long t, Request request, Consumer<DbValue> onReached, Runnable onTimeout) {
    }

    private final ActorContext<Command> ctx;
    private final TimerScheduler<Command> timers;
    private final StashBuffer<Command> stash;
    private final String name;
    private final String group;
    private final ChrononSettings settings;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final ReadRunner reads;
    /** This node's {@code host:port}, reported with each read. */
    private final String nodeKey;

    private Phase phase = Phase.LOOKING_UP;
    private DatabaseInfo info;
    private DatabaseStorage storage;
    private ActorRef<Topic.Command<TxFeed>> topic;
    private ActorRef<TxFeed> feedAdapter;
    private ActorRef<TxLog.Command> loader;

    private DbValue db;
    private long seqNr;
    /** Reports that arrived ahead of the value, by sequence number. */
    private final TreeMap<Long, TxLogEntry> early = new TreeMap<>();
    /** The highest sequence number the writer is known to have. */
    private long knownSeqNr;
    private boolean filling;

    private final TreeMap<Long, List<Waiter>> waitersByT = new TreeMap<>();
    private final Map<Long, Waiter> waitersById = new HashMap<>();
    private long nextWaiterId;
    private final PeerRouting routing;

    private QueryPeer(ActorContext<Command> ctx, TimerScheduler<Command> timers, StashBuffer<Command> stash, String name,
                      String group, ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<Catalog.Command> catalog, ChrononSettings settings,
                      PeerRouting routing, ReadRunner reads) {
        super(ctx);
        this.ctx = ctx;
        this.timers = timers;
        this.stash = stash;
        this.name = name;
        this.group = group;
        this.shard = shard;
        this.nodeKey = PeerRouting.key(org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem()).selfMember().address());
        this.settings = settings;
        this.routing = routing;
        this.reads = reads;
        ctx.askWithStatus(DatabaseInfo.class, catalog, settings.defaultTimeout(),
                replyTo -> new Catalog.GetDatabase(name, replyTo), Looked::new);
    }

    /** The peer of database {@code name} in query group {@code group}. */
    static Behavior<Command> create(String name, String group, ActorRef<ClusterSharding.ShardCommand> shard,
                                    ActorRef<Catalog.Command> catalog, ChrononSettings settings, PeerRouting routing) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000,
                stash -> new QueryPeer(ctx, timers, stash, name, group, shard, catalog, settings, routing, new ReadRunner(ctx.getSystem())))));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Sync.class, this::onSync)
                .onMessage(SyncLatest.class, this::onSyncLatest)
                .onMessage(GetDb.class, this::onGetDb)
                .onMessage(Read.class, this::onRead)
                .onMessage(Looked.class, this::onLooked)
                .onMessage(FromLoader.class, this::onLoaded)
                .onMessage(LoaderStopped.class, m -> onLoaderStopped())
                .onMessage(Feed.class, this::onFeed)
                .onMessage(Filled.class, this::onFilled)
                .onMessage(RetryFill.class, m -> {
                    requestFill();
                    return this;
                })
                .onMessage(WaitTimeout.class, this::onWaitTimeout)
                .onMessage(LatestKnown.class, this::onLatestKnown)
                .onMessage(Stop.class, m -> Behaviors.stopped())
                .build();
    }

    // ------------------------------------------------------------------ loading

    private Behavior<Command> onLooked(Looked looked) {
        if (looked.failure() != null) {
            return gone(DatabaseLookup.lookupFailure(name, looked.failure()));
        }
        info = looked.info();
        try {
            storage = DatabaseLookup.storage(ctx.getSystem(), info);
        } catch (ChrononError e) {
            return gone(e);
        }
        // subscribe first, so nothing published while loading is missed
        feedAdapter = ctx.messageAdapter(TxFeed.class, Feed::new);
        topic = TxFeedTopics.get(ctx.getSystem()).topic(info);
        topic.tell(Topic.subscribe(feedAdapter));
        loader = ctx.spawn(TxLog.reader(info, storage, ctx.messageAdapter(TxLog.Reply.class, FromLoader::new)), "loader");
        ctx.watchWith(loader, new LoaderStopped());
        phase = Phase.LOADING;
        return this;
    }

    private Behavior<Command> onLoaded(FromLoader m) {
        if (!(m.reply() instanceof TxLog.Recovered r) || phase != Phase.LOADING) {
            return this;
        }
        ctx.unwatch(loader);
        ctx.stop(loader);
        loader = null;
        db = r.db();
        seqNr = r.seqNr();
        knownSeqNr = Math.max(knownSeqNr, seqNr);
        phase = Phase.RUNNING;
        drainEarly();
        return stash.unstashAll(this);
    }

    private Behavior<Command> onLoaderStopped() {
        if (phase != Phase.LOADING) {
            return this;
        }
        return gone(ChrononError.unavailable("chronon.error/storage-unavailable", "Cannot load database " + name + " from storage"));
    }

    /** Answers everything waiting with {@code error} and passivates; the next message starts a fresh peer. */
    private Behavior<Command> gone(ChrononError error) {
        phase = Phase.GONE;
        if (topic != null) {
            topic.tell(Topic.unsubscribe(feedAdapter));
        }
        for (Waiter w : new ArrayList<>(waitersById.values())) {
            timers.cancel(new WaitTimeout(w.id()));
            // a wait for a t that will never come (the database was deleted) is answered now
            w.request().fail(error);
        }
        waitersById.clear();
        waitersByT.clear();
        stash.forEach(c -> reject(c, error));
        stash.clear();
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        return Behaviors.receive(Command.class)
                .onMessage(Stop.class, s -> Behaviors.stopped())
                .onMessage(Request.class, c -> {
                    c.fail(error);
                    return Behaviors.same();
                })
                .onAnyMessage(c -> Behaviors.same())
                .build();
    }

    // ------------------------------------------------------------------ following the log

    private Behavior<Command> onFeed(Feed m) {
        TxFeed f = m.message();
        if (f instanceof TxFeed.Committed c) {
            knownSeqNr = Math.max(knownSeqNr, c.seqNr());
            if (phase != Phase.RUNNING) {
                bufferEarly(c.seqNr(), c.entry());
                return this;
            }
            if (c.seqNr() <= seqNr) {
                return this;
            }
            if (c.seqNr() == seqNr + 1) {
                apply(c.entry());
                drainEarly();
            } else {
                bufferEarly(c.seqNr(), c.entry());
                requestFill();
            }
        } else if (f instanceof TxFeed.Heartbeat h) {
            knownSeqNr = Math.max(knownSeqNr, h.seqNr());
            if (phase == Phase.RUNNING && knownSeqNr > seqNr) {
                requestFill();
            }
        } else if (f instanceof TxFeed.Retired r) {
            if (info != null && info.id().equals(r.databaseId())) {
                return gone(ChrononError.notFound("db.error/db-not-found", "Database " + name + " was deleted", name));
            }
        }
        return this;
    }

    private void bufferEarly(long seq, TxLogEntry entry) {
        if (early.size() < settings.peerMaxBuffered()) {
            early.put(seq, entry);
        }
        // beyond the buffer the report is dropped: the gap fill reads it from the log
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

    /** Reads the log after the basis (one chunk at a time) when the value is behind the writer. */
    private void requestFill() {
        if (filling || phase != Phase.RUNNING || knownSeqNr <= seqNr) {
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

    private Behavior<Command> onFilled(Filled m) {
        filling = false;
        if (phase != Phase.RUNNING) {
            return this;
        }
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
        return this;
    }

    // ------------------------------------------------------------------ sync and reads

    private Behavior<Command> onSync(Sync c) {
        if (phase != Phase.RUNNING) {
            return stashOrBusy(c);
        }
        whenReached(c, c.t(), c.timeoutMillis(), d -> c.replyTo().tell(StatusReply.success(new Synced(name, d.basisT()))),
                () -> c.replyTo().tell(StatusReply.error(notReached(c.t(), c.timeoutMillis()))));
        return this;
    }

    private Behavior<Command> onSyncLatest(SyncLatest c) {
        if (phase != Phase.RUNNING) {
            return stashOrBusy(c);
        }
        long start = System.nanoTime();
        var transactor = ClusterSharding.get(ctx.getSystem()).entityRefFor(Transactor.TYPE_KEY, name);
        ctx.askWithStatus(Transactor.LatestT.class, transactor, Duration.ofMillis(Math.max(1, c.timeoutMillis())),
                Transactor.GetLatestT::new, (latest, failure) -> new LatestKnown(c, start, latest, failure));
        return this;
    }

    private Behavior<Command> onLatestKnown(LatestKnown m) {
        SyncLatest c = m.request();
        if (m.failure() != null) {
            ChrononError e = ChrononError.of(m.failure());
            c.replyTo().tell(StatusReply.error(e.category() == ErrorCategory.NOT_FOUND ? e
                    : ChrononError.unavailable("chronon.error/sync-unavailable",
                    "Cannot learn the latest t of " + name + " from its transactor: " + e.getMessage())));
            return this;
        }
        knownSeqNr = Math.max(knownSeqNr, m.latest().seqNr());
        long left = c.timeoutMillis() - (System.nanoTime() - m.startNanos()) / 1_000_000;
        long t = m.latest().t();
        whenReached(c, t, Math.max(0, left), d -> c.replyTo().tell(StatusReply.success(new Synced(name, d.basisT()))),
                () -> c.replyTo().tell(StatusReply.error(notReached(t, c.timeoutMillis()))));
        requestFill();
        return this;
    }

    private Behavior<Command> onRead(Read c) {
        if (phase != Phase.RUNNING) {
            return stashOrBusy(c);
        }
        long start = System.nanoTime();
        Basis basis = c.basis() == null ? Basis.LATEST : c.basis();
        whenReached(c, basis.atLeastT(), c.timeoutMillis(), d -> {
            Map<String, Long> others;
            try {
                others = PeerReads.otherDatabases(name, c.op());
            } catch (RuntimeException e) {
                c.replyTo().tell(StatusReply.error(ChrononError.of(e)));
                return;
            }
            otherValues(others, remaining(c.timeoutMillis(), start)).whenComplete((values, failure) -> {
                if (failure != null) {
                    c.replyTo().tell(StatusReply.error(ChrononError.of(failure)));
                    return;
                }
                long left = remaining(c.timeoutMillis(), start);
                reads.run(() -> new ReadResult(d.basisT(),
                                PeerReads.run(name, d, PeerReads.view(d, basis), c.op(), values, left), nodeKey),
                        Duration.ofMillis(left), c.replyTo());
            });
        }, () -> c.replyTo().tell(StatusReply.error(notReached(basis.atLeastT(), c.timeoutMillis()))));
        return this;
    }

    /** The values of other databases a read names, from their peers in this peer's query group. */
    private CompletableFuture<Map<String, DbValue>> otherValues(Map<String, Long> others, long timeoutMillis) {
        Map<String, DbValue> values = new ConcurrentHashMap<>();
        CompletableFuture<?>[] asks = others.entrySet().stream().map(e -> {
            try {
                // this node serves the group, so this is the replica on this node: the value is shared, not copied
                return Futures.plain(routing.peer(e.getKey(), group)
                                .<CurrentDb>askWithStatus(replyTo -> new GetDb(e.getValue(), timeoutMillis, replyTo),
                                        Duration.ofMillis(timeoutMillis + 1000)), ctx.getSystem().executionContext())
                        .thenAccept(r -> values.put(e.getKey(), r.db()));
            } catch (ChrononError error) {
                return CompletableFuture.failedFuture(error);
            }
        }).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(asks).thenApply(v -> values);
    }

    private Behavior<Command> onGetDb(GetDb c) {
        if (phase != Phase.RUNNING) {
            return stashOrBusy(c);
        }
        whenReached(c, c.atLeastT(), c.timeoutMillis(), d -> c.replyTo().tell(StatusReply.success(new CurrentDb(d.basisT(), d))),
                () -> c.replyTo().tell(StatusReply.error(notReached(c.atLeastT(), c.timeoutMillis()))));
        return this;
    }

    private static long remaining(long timeoutMillis, long startNanos) {
        return Math.max(1, timeoutMillis - (System.nanoTime() - startNanos) / 1_000_000);
    }

    /** Runs {@code onReached} with the value once its basis is at least {@code t}: now, or when it gets there. */
    private void whenReached(Request request, long t, long timeoutMillis, Consumer<DbValue> onReached, Runnable onTimeout) {
        if (db.basisT() >= t) {
            onReached.accept(db);
            return;
        }
        if (timeoutMillis <= 0) {
            onTimeout.run();
            return;
        }
        Waiter w = new Waiter(nextWaiterId++, t, request, onReached, onTimeout);
        waitersById.put(w.id(), w);
        waitersByT.computeIfAbsent(t, k -> new ArrayList<>(2)).add(w);
        timers.startSingleTimer(new WaitTimeout(w.id()), Duration.ofMillis(timeoutMillis));
        // the writer may be ahead of what this peer heard: make sure it finds out
        requestFill();
    }

    private void completeWaiters() {
        if (waitersByT.isEmpty() || waitersByT.firstKey() > db.basisT()) {
            return;
        }
        Iterator<Map.Entry<Long, List<Waiter>>> it = waitersByT.headMap(db.basisT(), true).entrySet().iterator();
        while (it.hasNext()) {
            for (Waiter w : it.next().getValue()) {
                waitersById.remove(w.id());
                timers.cancel(new WaitTimeout(w.id()));
                w.onReached().accept(db);
            }
            it.remove();
        }
    }

    private Behavior<Command> onWaitTimeout(WaitTimeout m) {
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
        return this;
    }

    private ChrononError notReached(long t, long timeoutMillis) {
        return ChrononError.unavailable("chronon.error/sync-timeout", "The query peer of " + name + " did not reach t " + t
                + " within " + timeoutMillis + " ms (its basis is " + (db == null ? "unknown" : db.basisT()) + ")");
    }

    private Behavior<Command> stashOrBusy(Request c) {
        if (stash.isFull()) {
            c.fail(ChrononError.busy("chronon.error/busy", "The query peer of " + name + " is loading and has too many waiting requests"));
        } else {
            stash.stash(c);
        }
        return this;
    }

    /** Answers {@code c} with {@code error} if it is a request; anything else has no one to answer. */
    private static void reject(Command c, ChrononError error) {
        if (c instanceof Request r) {
            r.fail(error);
        }
    }
}
