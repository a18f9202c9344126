package io.chronon.sharding.writer;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.chronon.db.Datom;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.wire.EdnJson;
import io.chronon.sharding.wire.EdnValue;
import io.chronon.sharding.wire.Replies;
import io.chronon.sharding.writer.WriterSharedState.Retries;
import io.chronon.storage.TxLogEntry;
import io.chronon.tx.TxProcessor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.query.EventEnvelope;

import java.time.Duration;
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
 *
 * <p>This class holds the writer's protocol and creates it. Its lifecycle is one behaviour
 * per phase ({@link WriterPhases}: looking up, recovering, ready, retired) over one
 * {@link Writer} state.
 */
public final class Transactor {

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

    /** A request about the database's durable index, answered with an {@link IndexStatus}. */
    public sealed interface IndexRequest extends Request, Replies.WithStatus<IndexStatus> {
    }

    /**
     * Starts an indexing job now, whatever the novelty (Datomic's {@code requestIndex});
     * answered at once with the t the job indexes up to ({@link IndexStatus#basisT}). Fails
     * {@code incorrect} ({@code chronon.error/indexing-off}) for a storage kind without segments.
     */
    public record RequestIndex(ActorRef<StatusReply<IndexStatus>> replyTo) implements IndexRequest, CborSerializable {
    }

    /**
     * Answered once the durable index includes every transaction up to {@code t} (Datomic's
     * {@code syncIndex}): after the indexing job that covers it, which the novelty's threshold
     * or a {@link RequestIndex} starts. The caller's ask timeout bounds the wait.
     */
    public record SyncIndex(long t, ActorRef<StatusReply<IndexStatus>> replyTo) implements IndexRequest, CborSerializable {
    }

    /**
     * Garbage collection of the database's storage (Datomic's {@code gcStorage}): deletes the
     * segments that no index roots superseded at or after {@code olderThanMillis} (epoch ms),
     * nor the current ones, reach; answered once done with {@link GcDone}.
     */
    public record GcStorage(long olderThanMillis, ActorRef<StatusReply<GcDone>> replyTo)
            implements Request, Replies.WithStatus<GcDone>, CborSerializable {
    }

    /** What a {@link GcStorage} did. */
    public record GcDone(String database, int recordsKept, int recordsDeleted, long segmentsReachable, long segmentsDeleted)
            implements CborSerializable {
    }

    /** The durable index of {@code database}: its t ({@code indexBasisT}, 0: none yet) and the writer's latest t. */
    public record IndexStatus(String database, long basisT, long indexBasisT) implements CborSerializable {
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

    enum PublisherStopped implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    record Looked(DatabaseInfo info, Throwable failure) implements Command, NoSerializationVerificationNeeded {
    }

    /** The catalog asked again about a missing database ({@link io.chronon.sharding.catalog.MissingDatabase}): null error means it exists now. */
    record AskedAgain(Request request, ChrononError error) implements Command, NoSerializationVerificationNeeded {
    }

    /** What the log tells this writer. */
    record FromLog(TxLog.Reply reply) implements Command, NoSerializationVerificationNeeded {
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
    record FromSlowLog(TxLog.Reply reply) implements Command, NoSerializationVerificationNeeded,
            org.apache.pekko.dispatch.ControlMessage {
    }

    record LogStopped(long generation) implements Command, NoSerializationVerificationNeeded {
    }

    /** A durable value moved onto the roots of {@code indexed} off the writer's thread (or the failure to read them). */
    record Rebased(io.chronon.sharding.indexer.DatabaseIndexer.Indexed indexed, io.chronon.db.DbValue value, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    /** The indexer recorded new roots: the writer moves its value onto them and tells the peers. */
    record Reindexed(io.chronon.sharding.indexer.DatabaseIndexer.Indexed indexed) implements Command, NoSerializationVerificationNeeded {
    }

    record RestartLog(long generation) implements Command, NoSerializationVerificationNeeded {
    }

    enum Tick implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    enum FencedCheck implements Command, NoSerializationVerificationNeeded {
        INSTANCE
    }

    /** The request ids of the entries {@code from}..{@code to}, read from the log to fill the window. */
    record WindowRead(long from, long to, List<TxLog.RequestIdAt> ids, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

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
    record Submission(Object txData, String requestId, ActorRef<StatusReply<TxResult>> replyTo, Retries retries,
                              int attempt) {
        void answer(StatusReply<TxResult> reply) {
            replyTo.tell(reply);
            if (retries != null) {
                retries.answer(reply.isSuccess() ? StatusReply.success(reply.getValue().asDuplicate()) : reply);
            }
        }
    }

    /** A {@link Submission} waiting for this writer to be ready (stashed) or for its request-id window. */
    record Resubmit(Submission submission) implements Request, NoSerializationVerificationNeeded {
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
    record Verified(long generation, long from, List<EventEnvelope> entries, Throwable failure)
            implements Command, NoSerializationVerificationNeeded {
    }

    private Transactor() {
    }

    /** The longest a fenced writer holds its transactions back while its node's membership is unsettled. */
    static final Duration FENCED_WAIT = Duration.ofSeconds(5);

    /** How often a transaction is processed again when another writer's entries took its place in the log. */
    static final int MAX_ATTEMPTS = 5;

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

    /** The transactor of database {@code name}, reachable on its node through {@code localWriters} while it serves. */
    public static Behavior<Command> create(String name, ActorRef<ClusterSharding.ShardCommand> shard,
                                           ActorRef<Catalog.Command> catalog, ChrononSettings settings, LocalWriters localWriters) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(Math.max(16, settings.maxPending()),
                stash -> new WriterPhases.LookingUp(new Writer(ctx, timers, stash, name, shard, catalog, settings, localWriters)))));
    }
}
