package io.chronon.sharding.peer;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.chronon.db.DbValue;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.wire.EdnJson;
import io.chronon.sharding.wire.EdnValue;
import io.chronon.sharding.wire.Replies;
import io.chronon.sharding.writer.Transactor;
import io.chronon.sharding.writer.TxLog;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.EventEnvelope;

import java.util.List;

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
 *
 * <p>This class holds the peer's protocol and creates it. Its lifecycle is one behaviour per
 * phase ({@link PeerPhases}: looking up, loading, running, gone) over one {@link Replica}
 * state.
 */
public final class QueryPeer {

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
     *
     * <p>Each also names the incarnation of the database it is about ({@link #databaseId}):
     * a peer holding another incarnation never answers it from that one. It asks the catalog
     * which incarnation is current: if its own, it answers; if not (its database was deleted,
     * and it has not heard yet), it leaves and the request goes to the peer's next incarnation,
     * which loads the current database, or is answered "not found".
     */
    public sealed interface Request extends Command, Replies {
        /**
         * The id ({@link DatabaseInfo#id()}) of the incarnation of the database the caller
         * resolved its name to in the catalog, after the request was made; null for whichever
         * incarnation the peer holds (the caller takes the risk of a deleted one).
         */
        String databaseId();
    }

    /**
     * Answers {@link Synced} once this peer's basis is at least {@code t} (at once if it
     * already is) and, if {@code indexT > 0}, its value is on durable roots of index t
     * {@code indexT} or later (Datomic's syncIndex: the writer has said those roots exist);
     * {@code unavailable} if that does not happen within the timeout.
     */
    public record Sync(long t, long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo, String databaseId, long indexT)
            implements Request, Replies.WithStatus<Synced>, CborSerializable {
        /** A sync of whichever incarnation the peer holds. */
        public Sync(long t, long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo) {
            this(t, timeoutMillis, replyTo, null, 0);
        }

        /** A sync of incarnation {@code databaseId} (null: whichever the peer holds), whatever its index. */
        public Sync(long t, long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo, String databaseId) {
            this(t, timeoutMillis, replyTo, databaseId, 0);
        }
    }

    /** Asks the transactor for its latest durable t, then is {@link Sync} for that t. */
    public record SyncLatest(long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo, String databaseId)
            implements Request, Replies.WithStatus<Synced>, CborSerializable {
        /** A sync of whichever incarnation the peer holds. */
        public SyncLatest(long timeoutMillis, ActorRef<StatusReply<Synced>> replyTo) {
            this(timeoutMillis, replyTo, null);
        }
    }

    /**
     * Answers the db value itself (once its basis is at least {@code atLeastT}). Free in the
     * same JVM; across the network the whole value travels in its snapshot form.
     */
    public record GetDb(long atLeastT, long timeoutMillis, ActorRef<StatusReply<CurrentDb>> replyTo, String databaseId,
                        long indexT)
            implements Request, Replies.WithStatus<CurrentDb>, CborSerializable {
        /** The value of whichever incarnation the peer holds. */
        public GetDb(long atLeastT, long timeoutMillis, ActorRef<StatusReply<CurrentDb>> replyTo) {
            this(atLeastT, timeoutMillis, replyTo, null, 0);
        }

        /** The value of incarnation {@code databaseId} (null: whichever the peer holds), whatever its index (see {@link Sync#indexT}). */
        public GetDb(long atLeastT, long timeoutMillis, ActorRef<StatusReply<CurrentDb>> replyTo, String databaseId) {
            this(atLeastT, timeoutMillis, replyTo, databaseId, 0);
        }
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
            @JsonSubTypes.Type(value = AttributeOp.class, name = "attribute"),
            @JsonSubTypes.Type(value = EntidAtOp.class, name = "entid-at"),
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
     *
     * <p>The answer holds at most {@code chronon.read.max-result-rows} datoms, beyond its first
     * transaction (which is given whole, whatever its size): past that a read with
     * {@code partial} false fails {@code chronon.error/result-too-large}; with {@code partial}
     * true it ends early, after a whole transaction, and the caller reads on from the t after
     * its last one (the tx-report stream does).
     */
    public record LogOp(Long fromT, Long toT, int limit, boolean partial) implements ReadOp {
        /** A log read that fails rather than end early. */
        public LogOp(Long fromT, Long toT, int limit) {
            this(fromT, toT, limit, false);
        }
    }

    /** Datomic's {@code attribute}: the attribute an ident, id or lookup ref names, as {@code Attribute.toMap}, or null. */
    public record AttributeOp(@EdnValue Object attr) implements ReadOp {
    }

    /** Datomic's {@code entidAt}: an entity id in {@code partition} at {@code point} (a t, tx id or instant). Result: a long. */
    public record EntidAtOp(@EdnValue Object partition, @EdnValue Object point) implements ReadOp {
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
    public record Read(Basis basis, ReadOp op, long timeoutMillis, ActorRef<StatusReply<ReadResult>> replyTo,
                       String databaseId) implements Request, Replies.WithStatus<ReadResult>, CborSerializable {
        /** A read of whichever incarnation the peer holds. */
        public Read(Basis basis, ReadOp op, long timeoutMillis, ActorRef<StatusReply<ReadResult>> replyTo) {
            this(basis, op, timeoutMillis, replyTo, null);
        }
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

    /** The stop message given to Cluster Sharding for passivation; what waits is answered {@code unavailable}. */
    public enum Stop implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    /** The catalog's description of the database, or why it has none. */
    record Looked(DatabaseInfo info, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    /** The catalog asked again about a missing database ({@link io.chronon.sharding.catalog.MissingDatabase}): null error means it exists now. */
    record AskedAgain(Request request, ChrononError error) implements Command, NoSerializationVerificationNeeded {
    }

    /** What the loader (the log read from storage) tells this peer. */
    record FromLoader(TxLog.Reply reply) implements Command, NoSerializationVerificationNeeded {
    }

    record LoaderStopped() implements Command, NoSerializationVerificationNeeded {
    }

    /**
     * The catalog's answer about the incarnation of a request that names another one than
     * this peer's: {@code current} is the catalog's entry (null with a failure).
     */
    record Verified(Request request, DatabaseInfo current, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    /** A message of the database's feed: a report, a heartbeat or the database's retirement. */
    record Feed(TxFeed message) implements Command, NoSerializationVerificationNeeded {
    }

    /** The entries read from the log to fill a gap (null with a failure). */
    record Filled(List<EventEnvelope> envelopes, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    record RetryFill() implements Command, NoSerializationVerificationNeeded {
    }

    /** The peer's value moved onto {@code roots} off its thread (or the failure to): see {@code Replica.rebased}. */
    record Rebased(io.chronon.storage.index.IndexRoots roots, io.chronon.db.DbValue value, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    record WaitTimeout(long waiterId) implements Command, NoSerializationVerificationNeeded {
    }

    /** The transactor's answer to the ask of a {@link SyncLatest}. */
    record LatestKnown(SyncLatest request, long startNanos, Transactor.LatestT latest, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    private QueryPeer() {
    }

    /** The peer of database {@code name} in query group {@code group}. */
    static Behavior<Command> create(String name, String group, ActorRef<ClusterSharding.ShardCommand> shard,
                                    ActorRef<Catalog.Command> catalog, ChrononSettings settings, PeerRouting routing) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(10_000,
                stash -> new PeerPhases.LookingUp(new Replica(ctx, timers, stash, name, group, shard, settings, routing,
                        new ReadRunner(ctx.getSystem(), name), catalog)))));
    }
}
