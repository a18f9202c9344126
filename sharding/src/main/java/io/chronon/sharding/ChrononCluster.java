package io.chronon.sharding;

import io.chronon.sharding.catalog.AccessReplica;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.peer.PeerRouting;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.support.Futures;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.LocalWriters;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Chronon's actors in one actor system: starts Cluster Sharding for the {@link Transactor}s
 * (role {@code chronon.transactor.role}) and the {@link QueryPeer}s of each query group
 * (role {@code query} for the default group "query", {@code query-group:NAME} for group NAME;
 * each node of a group holds its own replicas, and reads prefer the one on their node), and
 * the {@link Catalog} singleton, and gives the references a Pekko application needs. A node that lacks a role gets proxies, so every node can address
 * everything. Also offers the few calls most applications want as futures: plain
 * {@code CompletableFuture}s that complete on the thread answering the ask (keep callbacks
 * short, or use the {@code ...Async} variants, which run on the actor system's dispatcher).
 *
 * <pre>{@code
 * ChrononCluster chronon = ChrononCluster.get(system);
 * chronon.createDatabase("people").toCompletableFuture().get();
 * TxResult r = chronon.transact("people", "[{:db/id \"ann\" :person/name \"Ann\"}]").toCompletableFuture().get();
 * chronon.sync("people", r.t()).toCompletableFuture().get();
 * }</pre>
 */
public final class ChrononCluster implements Extension {
    private final ActorSystem<?> system;
    private final ChrononSettings settings;
    private final ClusterSharding sharding;
    private final ActorRef<Catalog.Command> catalog;
    private final LocalWriters localWriters = new LocalWriters();
    private final PeerRouting routing;
    /** {@link #databaseInfo} calls (see {@link #catalogLookups}). */
    private final LongAdder directLookups = new LongAdder();
    private final Duration attemptTimeout;

    private ChrononCluster(ActorSystem<?> system) {
        this.system = system;
        this.settings = ChrononSettings.from(system.settings().config());
        this.sharding = ClusterSharding.get(system);
        this.catalog = ClusterSingleton.get(system).init(
                SingletonActor.of(Behaviors.supervise(Catalog.create(settings, (db, timeout) -> ClusterSharding.get(system)
                                .entityRefFor(Transactor.TYPE_KEY, db.name()).ask(r -> new Transactor.Retire(db.id(), r), timeout)))
                                        .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
                                "chronon-catalog")
                        .withSettings(ClusterSingletonSettings.create(system).withRole(settings.transactorRole())));
        sharding.init(Entity.of(Transactor.TYPE_KEY,
                        ctx -> Transactor.create(ctx.getEntityId(), ctx.getShard(), catalog, settings, localWriters))
                .withRole(settings.transactorRole())
                .withStopMessage(Transactor.Stop.INSTANCE)
                .withEntityProps(DispatcherSelector.fromConfig("chronon.transactor-dispatcher").withMailboxFromConfig("chronon.transactor-mailbox"))
                // a writer stays up while its node does: it owns the heartbeat peers rely on
                .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy()));
        this.routing = new PeerRouting(system, sharding, catalog, settings);
        // who may do what: the access catalog singleton runs on the transactor role like the catalog, so every node starts it
        AccessReplica.get(system);
        this.attemptTimeout = system.settings().config().getDuration("chronon.transact-attempt-timeout");
    }

    public static final ExtensionId<ChrononCluster> ID = new ExtensionId<>() {
        @Override
        public ChrononCluster createExtension(ActorSystem<?> system) {
            return new ChrononCluster(system);
        }
    };

    /** Chronon in {@code system}, started on first use. */
    public static ChrononCluster get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    public ChrononSettings settings() {
        return settings;
    }

    /** The catalog singleton (a proxy on every node). */
    public ActorRef<Catalog.Command> catalog() {
        return catalog;
    }

    /** The transactor of database {@code database}. */
    public EntityRef<Transactor.Command> transactor(String database) {
        return sharding.entityRefFor(Transactor.TYPE_KEY, database);
    }

    /** The query peer of {@code database} in the default query group that reads from this node go to. */
    public EntityRef<QueryPeer.Command> peer(String database) {
        return peer(database, settings.defaultQueryGroup());
    }

    /**
     * The query peer of {@code database} in query group {@code group} that reads from this node
     * go to: this node's own replica if it serves the group, else one on a node that does.
     *
     * @throws ChrononError not-found if no node serves the group, unavailable if none is reachable now
     */
    public EntityRef<QueryPeer.Command> peer(String database, String group) {
        return routing.peer(database, group);
    }

    /** The replica of {@code database} in {@code group} on the node {@code nodeKey} ({@code host:port}). */
    public EntityRef<QueryPeer.Command> peerOn(String database, String group, String nodeKey) {
        return routing.peerAt(database, group, nodeKey);
    }

    /** This node's address as {@code host:port}: the key of the peer replicas it holds. */
    public String nodeKey() {
        return routing.selfKey();
    }

    /** The query groups known here: configured ones and those some member serves. */
    public List<String> queryGroups() {
        return routing.knownGroups();
    }

    /** The databases whose writer runs on this node. */
    public java.util.Set<String> localWriterNames() {
        return localWriters.names();
    }

    // ------------------------------------------------------------------ futures for common calls

    /** See {@link Futures}: plain futures, no thread per callback. */
    private <T> CompletionStage<T> plain(CompletionStage<T> pekko) {
        return Futures.plain(pekko, system.executionContext());
    }

    private Duration timeout() {
        return settings.defaultTimeout();
    }

    /** Creates a database on the default storage kind; completes with whether it was created. */
    public CompletionStage<Catalog.CreateResult> createDatabase(String name) {
        return createDatabase(name, null);
    }

    /** Creates a database on a storage kind ({@code file}, {@code memory}, ...). */
    public CompletionStage<Catalog.CreateResult> createDatabase(String name, String storageKind) {
        return plain(AskPattern.askWithStatus(catalog,
                replyTo -> new Catalog.CreateDatabase(name, storageKind, replyTo), timeout(), system.scheduler()));
    }

    /** Deletes a database; completes with whether it existed. */
    public CompletionStage<Catalog.DeleteResult> deleteDatabase(String name) {
        return plain(AskPattern.askWithStatus(catalog,
                replyTo -> new Catalog.DeleteDatabase(name, replyTo), timeout(), system.scheduler()));
    }

    /** The databases, by name. */
    public CompletionStage<List<DatabaseInfo>> listDatabases() {
        return plain(AskPattern.<Catalog.Command, Catalog.DatabaseList>ask(catalog,
                Catalog.ListDatabases::new, timeout(), system.scheduler())).thenApply(Catalog.DatabaseList::databases);
    }

    /** The catalog's entry of a database; fails {@code not-found} if there is none. */
    public CompletionStage<DatabaseInfo> databaseInfo(String name) {
        directLookups.increment();
        return plain(AskPattern.askWithStatus(catalog, replyTo -> new Catalog.GetDatabase(name, replyTo), timeout(),
                system.scheduler()));
    }

    /**
     * The default query group's db value of {@code database} once its basis is at least
     * {@code atLeastT} (free in the same JVM; see {@link QueryPeer.GetDb}).
     */
    public CompletionStage<QueryPeer.CurrentDb> db(String database, long atLeastT, Duration timeout) {
        return db(database, atLeastT, 0, timeout);
    }

    /**
     * The default query group's value of {@code database} once its basis is at least
     * {@code atLeastT} and it is on durable roots of index t {@code indexT} or later (0: any; what
     * {@link #syncIndex} answered makes them exist).
     */
    public CompletionStage<QueryPeer.CurrentDb> db(String database, long atLeastT, long indexT, Duration timeout) {
        return routed(database, settings.defaultQueryGroup(), (peer, id) -> peer.askWithStatus(
                replyTo -> new QueryPeer.GetDb(atLeastT, timeout.toMillis(), replyTo, id, indexT), timeout.plusSeconds(1)));
    }

    /** Transacts {@code txData} (forms as data, or EDN text); fails with a {@link ChrononError}. */
    public CompletionStage<Transactor.TxResult> transact(String database, Object txData) {
        return transact(database, txData, null);
    }

    /**
     * Transacts {@code txData} with a request id (null: none): if the writer already
     * committed a transaction with this id (among its last
     * {@code chronon.transactor.request-id-window} entries, also before a restart or a
     * failover), it answers that one's result ({@link Transactor.TxResult#duplicate()}) and
     * commits nothing, so a caller that lost an answer may safely send the same
     * transaction again with the same id. Fails with a {@link ChrononError}.
     */
    public CompletionStage<Transactor.TxResult> transact(String database, Object txData, String requestId) {
        ActorRef<Transactor.Command> local = localWriters.get(database);
        if (local != null) {
            // the writer lives in this JVM: skip the shard region and the shard
            return plain(AskPattern.askWithStatus(local, replyTo -> new Transactor.Transact(txData, requestId, replyTo), timeout(),
                    system.scheduler()));
        }
        if (requestId == null) {
            return plain(transactor(database).askWithStatus(replyTo -> new Transactor.Transact(txData, null, replyTo), timeout()));
        }
        // With a request id, sending again is safe (the writer answers a repeat with the first
        // result): a message lost on its way to a writer whose node just died is sent again
        // after transact-attempt-timeout instead of waiting out the whole timeout, so a
        // transaction reaches the writer's new home as soon as there is one.
        CompletableFuture<Transactor.TxResult> result = new CompletableFuture<>();
        attempt(database, txData, requestId, System.nanoTime() + timeout().toNanos(), result);
        return result;
    }

    private void attempt(String database, Object txData, String requestId, long deadline,
                         CompletableFuture<Transactor.TxResult> result) {
        long left = deadline - System.nanoTime();
        Duration each = Duration.ofNanos(Math.max(1_000_000L, Math.min(left, attemptTimeout.toNanos())));
        plain(transactor(database).<Transactor.TxResult>askWithStatus(replyTo -> new Transactor.Transact(txData, requestId, replyTo), each))
                .whenComplete((r, e) -> {
                    if (e == null) {
                        result.complete(r);
                    } else if (isAskTimeout(e) && deadline - System.nanoTime() > 1_000_000L) {
                        attempt(database, txData, requestId, deadline, result);
                    } else {
                        result.completeExceptionally(e);
                    }
                });
    }

    private static boolean isAskTimeout(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c instanceof java.util.concurrent.TimeoutException;
    }

    /**
     * Starts an indexing job of {@code database} now (Datomic's {@code requestIndex}); completes
     * with the t it indexes up to. Fails {@code incorrect} for a database without durable index.
     */
    public CompletionStage<Transactor.IndexStatus> requestIndex(String database) {
        return plain(transactor(database).askWithStatus(Transactor.RequestIndex::new, timeout()));
    }

    /**
     * Completes once the durable index of {@code database} includes every transaction up to
     * {@code t} (Datomic's {@code syncIndex}); fails with a timeout after the default timeout.
     */
    public CompletionStage<Transactor.IndexStatus> syncIndex(String database, long t) {
        return plain(transactor(database).askWithStatus(replyTo -> new Transactor.SyncIndex(t, replyTo), timeout()));
    }

    /**
     * Garbage collection of {@code database}'s storage (Datomic's {@code gcStorage}): deletes
     * the segments of index roots superseded before {@code olderThan} (and the records of those
     * roots); values that moved onto newer roots at or after it still read theirs. Waits up to
     * ten minutes (a collection lists the database's segments and walks the kept trees).
     */
    public CompletionStage<Transactor.GcDone> gcStorage(String database, java.time.Instant olderThan) {
        return plain(transactor(database).askWithStatus(replyTo -> new Transactor.GcStorage(olderThan.toEpochMilli(), replyTo),
                Duration.ofMinutes(10)));
    }

    /** Completes once the default query group's peer has basis t or later. */
    public CompletionStage<QueryPeer.Synced> sync(String database, long t) {
        return sync(database, settings.defaultQueryGroup(), t);
    }

    /** Completes once the default query group's peer has the writer's latest t. */
    public CompletionStage<QueryPeer.Synced> sync(String database) {
        return sync(database, settings.defaultQueryGroup());
    }

    /** Completes once the peer of {@code group} that this node's reads go to has basis t or later. */
    public CompletionStage<QueryPeer.Synced> sync(String database, String group, long t) {
        return sync(database, group, t, 0);
    }

    /**
     * Completes once the peer of {@code group} that this node's reads go to has basis t or
     * later and is on durable roots of index t {@code indexT} or later (0: any): after
     * {@link #syncIndex}, Datomic's syncIndex.
     */
    public CompletionStage<QueryPeer.Synced> sync(String database, String group, long t, long indexT) {
        long ms = timeout().toMillis();
        return routed(database, group, (peer, id) -> peer.askWithStatus(replyTo -> new QueryPeer.Sync(t, ms, replyTo, id, indexT),
                timeout().plusSeconds(1)));
    }

    /** Completes once the peer of {@code group} that this node's reads go to has the writer's latest t. */
    public CompletionStage<QueryPeer.Synced> sync(String database, String group) {
        long ms = timeout().toMillis();
        return routed(database, group, (peer, id) -> peer.askWithStatus(replyTo -> new QueryPeer.SyncLatest(ms, replyTo, id),
                timeout().plusSeconds(1)));
    }

    /**
     * {@code ask} on the peer of {@code database} in {@code group}, as a plain future; a routing
     * failure fails it. The ask is given the id of the incarnation of the database that the
     * catalog has now (see {@link QueryPeer.Request#databaseId}); a database the catalog does
     * not have fails it {@code not-found}. A catalog that does not answer within
     * {@code chronon.query.incarnation-timeout} (it is moving to another node) does not stop
     * reads: the ask then names no incarnation and the peer answers from the one it holds.
     */
    private <T> CompletionStage<T> routed(String database, String group,
                                          BiFunction<EntityRef<QueryPeer.Command>, String, CompletionStage<T>> ask) {
        return routed(database, group, () -> routing.incarnations().idFor(database), ask);
    }

    /** As above, naming the incarnation {@code id} gives. */
    private <T> CompletionStage<T> routed(String database, String group, Supplier<CompletionStage<String>> id,
                                          BiFunction<EntityRef<QueryPeer.Command>, String, CompletionStage<T>> ask) {
        EntityRef<QueryPeer.Command> peer;
        try {
            peer = peer(database, group);
        } catch (ChrononError e) {
            return CompletableFuture.failedFuture(e);
        }
        return id.get().thenCompose(known -> plain(ask.apply(peer, known)));
    }

    /**
     * How many times this node has asked the catalog for a database's entry on behalf of its
     * callers ({@link #databaseInfo} and the incarnation lookups of routed requests; a peer's
     * own checks are not counted): one catalog round trip each, so a route should cost one.
     */
    public long catalogLookups() {
        return directLookups.sum() + routing.incarnations().lookupsSent();
    }

    /**
     * Runs a query on the current value of {@code database} (with the db as the first input):
     * a {@link QueryPeer.Read} of a {@link QueryPeer.QueryOp} on the latest value, without
     * limit, offset or order.
     */
    public CompletionStage<Object> q(String database, Object query, Object... args) {
        return read(database, QueryPeer.Basis.LATEST, new QueryPeer.QueryOp(query, Arrays.asList(args), -1, 0, null))
                .thenApply(QueryPeer.ReadResult::result);
    }

    /**
     * Runs a general read ({@link QueryPeer.Read}) on the default query group's peer of
     * {@code database}, with the default timeout; fails with a {@link ChrononError}.
     */
    public CompletionStage<QueryPeer.ReadResult> read(String database, QueryPeer.Basis basis, QueryPeer.ReadOp op) {
        return read(database, settings.defaultQueryGroup(), basis, op, timeout());
    }

    /**
     * Runs a general read on the default query group's peer of the incarnation {@code database}
     * that the caller got from {@link #databaseInfo} after its request came in, with the default
     * timeout: it names that incarnation without asking the catalog again (a route that needs
     * the catalog's entry anyway, to answer not-found before it starts, costs one lookup, not two).
     */
    public CompletionStage<QueryPeer.ReadResult> read(DatabaseInfo database, QueryPeer.Basis basis, QueryPeer.ReadOp op) {
        return read(database, settings.defaultQueryGroup(), basis, op, timeout());
    }

    /**
     * Runs a general read on the peer of the incarnation {@code database} in query group
     * {@code group}, stopped after {@code timeout}, without asking the catalog (see above). A
     * peer that holds another incarnation checks with the catalog itself; one that knows this
     * incarnation was deleted answers not-found.
     */
    public CompletionStage<QueryPeer.ReadResult> read(DatabaseInfo database, String group, QueryPeer.Basis basis,
                                                      QueryPeer.ReadOp op, Duration timeout) {
        long ms = timeout.toMillis();
        return routed(database.name(), group, () -> CompletableFuture.completedFuture(database.id()),
                (peer, id) -> peer.askWithStatus(replyTo -> new QueryPeer.Read(basis, op, ms, replyTo, id), timeout.plusSeconds(1)));
    }

    /** Runs a general read on the peer of {@code database} in query group {@code group}, stopped after {@code timeout}. */
    public CompletionStage<QueryPeer.ReadResult> read(String database, String group, QueryPeer.Basis basis,
                                                      QueryPeer.ReadOp op, Duration timeout) {
        long ms = timeout.toMillis();
        return routed(database, group, (peer, id) -> peer.askWithStatus(replyTo -> new QueryPeer.Read(basis, op, ms, replyTo, id),
                timeout.plusSeconds(1)));
    }
}
