package io.chronon.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A connection to one database, in process or on a server: the same calls either way.
 *
 * <p><b>Read your writes.</b> A connection remembers the highest t it has seen (its own
 * transactions and every answer it got) and its reads are answered at that basis or later,
 * so a {@link #db()} taken after {@link #transact} always includes the transaction. To
 * see another connection's write, pass its t to {@link #sync(long)}.
 *
 * <p>Thread-safe. {@link #close()} releases what the connection holds (the tx-report
 * streams); an in-process node keeps running for other connections until the JVM exits.
 */
public interface Connection extends AutoCloseable {

    /** The name of the database. */
    String name();

    /**
     * Transacts {@code txData} (a list of list and map forms as in Datomic, or the same as
     * EDN text) and waits until it is durable.
     *
     * <p>On a server connection the transaction gets a random request id, and when the
     * server cannot be reached, is busy or does not answer in time, the connection sends it
     * again with the same id (pausing 50 ms, doubling up to 1 s) until it gets an answer or
     * {@code chronon.client.transact-retry-ms} (a system property, default 30000) have
     * passed: the database's writer remembers recent request ids, so the transaction
     * commits once however many times it was sent.
     *
     * @throws io.chronon.ChrononException the category tells why (incorrect, conflict,
     *         not-found for a rejected transaction, never retried; busy or unavailable
     *         once retrying gave up); a rejected transaction changes nothing
     */
    TxReport transact(Object txData);

    /**
     * {@link #transact} with the caller's request id (1 to 200 characters, unique to this
     * transaction; null: the connection's own choice). Sending the same transaction again
     * with the same id, also from another connection or process and after a server restart,
     * commits it at most once: a repeat is answered with the first commit's report, as long
     * as the id is among the database's last {@code chronon.transactor.request-id-window}
     * transactions (default 10,000).
     */
    TxReport transact(Object txData, String requestId);

    /** {@link #transact} without waiting: the future fails with the {@link io.chronon.ChrononException}. */
    CompletableFuture<TxReport> transactAsync(Object txData);

    /** {@link #transact(Object, String)} without waiting. */
    CompletableFuture<TxReport> transactAsync(Object txData, String requestId);

    /** The latest database value this connection knows of (at least the highest t it has seen). */
    Db db();

    /**
     * A future of a database value that includes every transaction committed before this
     * call, on any connection (Datomic's {@code sync}).
     */
    CompletableFuture<Db> sync();

    /** A future of a database value whose basis is at least {@code t} (Datomic's {@code sync(t)}). */
    CompletableFuture<Db> sync(long t);

    /**
     * A future of a database value whose basis is at least {@code t}, completed once every
     * transaction up to {@code t} is in the database's durable index (Datomic's
     * {@code syncIndex}). It waits for the writer's indexing jobs, which run as the novelty
     * grows ({@code chronon.indexing.memory-index-threshold}) or when {@link #requestIndex()}
     * asks; it fails with a timeout after the default timeout. The value's own
     * {@link Db#indexBasisT()} reaches {@code t} once its peer has moved onto the new index,
     * a moment later.
     */
    CompletableFuture<Db> syncIndex(long t);

    /**
     * Asks the writer to index now, whatever the novelty (Datomic's {@code requestIndex});
     * returns the t the job will index up to (the writer's latest t). Follow with
     * {@link #syncIndex(long)} to wait for it.
     */
    long requestIndex();

    /**
     * Garbage collection of the database's storage (Datomic's {@code gcStorage}): deletes the
     * index segments that only index roots superseded before {@code olderThan} reach. A db value
     * that moved onto newer roots at or after {@code olderThan} keeps reading its old ones; pick
     * a cut-off older than your longest-lived db value (an hour is plenty for reads that time out
     * in seconds). Returns the number of segments deleted.
     */
    long gcStorage(java.util.Date olderThan);

    /**
     * The transactions with {@code fromT <= t < toT} from the database's log, in order (a
     * null bound is open): Datomic's {@code tx-range}.
     */
    List<LogEntry> txRange(Long fromT, Long toT);

    /**
     * A live stream of the transactions committed after the highest t this connection has
     * seen, each exactly once and in order, for as long as the subscriber stays subscribed
     * or the connection is open.
     */
    Flow.Publisher<TxReport> txReports();

    /**
     * A live stream of every transaction with t at least {@code fromT}, first those already in
     * the log, then new ones as they commit: each exactly once, in order, without gaps.
     */
    Flow.Publisher<TxReport> txReports(long fromT);

    /** The highest t this connection has seen. */
    long knownT();

    /** Closes the connection's tx-report streams. */
    @Override
    void close();
}
