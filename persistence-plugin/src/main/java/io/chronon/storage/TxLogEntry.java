package io.chronon.storage;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One committed transaction as it is stored in the log: the event of a database's writer.
 * Applying it to the db value at the previous entry with {@link #applyTo} gives the next db
 * value, without re-validating anything. The persistence sequence number of the entry
 * counts entries (1, 2, 3, ...); {@link #t} is the transaction's own t, which is not dense.
 *
 * <p>The writer that created the entry also attaches a db value as a hint
 * ({@link #dbAfterHint}); it is never serialized. Whoever receives the entry in the same
 * JVM and is exactly one entry behind may take that value instead of applying the datoms
 * again, which is how a writer and the peers on its node share one copy of each value.
 * The writer keeps only the value after the last entry of each journal write, so the
 * other entries of a write carry that one, {@link #hintAhead} entries further on: a reader
 * may jump there at once (the whole write is durable), and nobody applies those entries.
 *
 * <p>A transaction sent with a client's request id keeps it here ({@link #requestId}), with
 * the tempids it resolved ({@link #tempids}), so that a writer, also one that recovered
 * from the log on another node, answers a retry with the original result. Entries without
 * a request id carry no tempids and are stored exactly as before request ids existed.
 */
public final class TxLogEntry {
    private final long t;
    private final long txInstant;
    private final long nextT;
    private final long nextDbCounter;
    private final List<Datom> txData;
    private final String requestId;
    private final Map<String, Long> tempids;
    private final transient DbValue dbAfterHint;
    private final transient int hintAhead;

    public TxLogEntry(long t, long txInstant, long nextT, long nextDbCounter, List<Datom> txData) {
        this(t, txInstant, nextT, nextDbCounter, txData, null, Map.of(), null, 0);
    }

    /**
     * An entry of a transaction sent with request id {@code requestId} (null: none), whose
     * tempids resolved as {@code tempids}.
     */
    public TxLogEntry(long t, long txInstant, long nextT, long nextDbCounter, List<Datom> txData, String requestId,
                      Map<String, Long> tempids) {
        this(t, txInstant, nextT, nextDbCounter, txData, requestId, tempids, null, 0);
    }

    private TxLogEntry(long t, long txInstant, long nextT, long nextDbCounter, List<Datom> txData, String requestId,
                       Map<String, Long> tempids, DbValue dbAfterHint, int hintAhead) {
        if (hintAhead < 0 || (dbAfterHint != null && hintAhead == 0 && dbAfterHint.basisT() != t)) {
            throw new IllegalArgumentException("a hint " + hintAhead + " entries ahead at t " + (dbAfterHint == null ? "-" : dbAfterHint.basisT())
                    + " for the entry of t " + t);
        }
        if (dbAfterHint != null && dbAfterHint.inEditingRun()) {
            throw new IllegalArgumentException("a db value of an editing run cannot leave the writer; seal it first");
        }
        this.t = t;
        this.txInstant = txInstant;
        this.nextT = nextT;
        this.nextDbCounter = nextDbCounter;
        this.txData = List.copyOf(Objects.requireNonNull(txData, "txData"));
        this.requestId = requestId;
        this.tempids = Map.copyOf(Objects.requireNonNull(tempids, "tempids"));
        this.dbAfterHint = dbAfterHint;
        this.hintAhead = dbAfterHint == null ? 0 : hintAhead;
    }

    /** The entry of a transaction the writer has just processed into {@code dbAfter}, with it as the hint. */
    public static TxLogEntry of(DbValue dbAfter, List<Datom> txData) {
        return new TxLogEntry(dbAfter.basisT(), dbAfter.lastTxInstant(), dbAfter.nextT(), dbAfter.nextDbCounter(),
                txData, null, Map.of(), dbAfter, 0);
    }

    /** The entry of a transaction the writer has just processed into {@code dbAfter}, without a hint. */
    public static TxLogEntry withoutHint(DbValue dbAfter, List<Datom> txData) {
        return withoutHint(dbAfter, txData, null, Map.of());
    }

    /**
     * The entry of a transaction sent with {@code requestId} that the writer has just
     * processed into {@code dbAfter}, without a hint; it keeps {@code tempids} only when
     * there is a request id (they are what a retry is answered with).
     */
    public static TxLogEntry withoutHint(DbValue dbAfter, List<Datom> txData, String requestId, Map<String, Long> tempids) {
        return new TxLogEntry(dbAfter.basisT(), dbAfter.lastTxInstant(), dbAfter.nextT(), dbAfter.nextDbCounter(),
                txData, requestId, requestId == null ? Map.of() : tempids, null, 0);
    }

    /**
     * This entry with {@code value} as its hint: the db value after this entry
     * ({@code ahead} 0) or after the entry {@code ahead} places further on in the same
     * journal write.
     */
    public TxLogEntry withHint(DbValue value, int ahead) {
        return new TxLogEntry(t, txInstant, nextT, nextDbCounter, txData, requestId, tempids, value, ahead);
    }

    /**
     * How many entries after this one the hint is the value of: 0 when it is this entry's own
     * value after, more when it is the value after a later entry of the same journal write.
     */
    public int hintAhead() {
        return hintAhead;
    }

    /** The transaction's t. */
    public long t() {
        return t;
    }

    /** The transaction's {@code :db/txInstant} in epoch milliseconds. */
    public long txInstant() {
        return txInstant;
    }

    /** The database's next t after this transaction. */
    public long nextT() {
        return nextT;
    }

    /** The database's next {@code :db.part/db} counter after this transaction. */
    public long nextDbCounter() {
        return nextDbCounter;
    }

    /** The datoms the transaction asserted and retracted, its own included. */
    public List<Datom> txData() {
        return txData;
    }

    /** The request id the transaction was sent with, or null. */
    public String requestId() {
        return requestId;
    }

    /** How the transaction's tempids resolved, kept for a transaction with a {@link #requestId} (else empty). */
    public Map<String, Long> tempids() {
        return tempids;
    }

    /** The db value after this entry (or {@link #hintAhead} entries later), if the writer in this JVM attached it; else null. */
    public DbValue dbAfterHint() {
        return dbAfterHint;
    }

    /**
     * The db value after this entry, given the db value after the previous entry: the hint
     * when it follows from {@code before}, else {@code before} with the datoms applied.
     */
    public DbValue applyTo(DbValue before) {
        if (dbAfterHint != null && hintAhead == 0 && before.basisT() < t) {
            return dbAfterHint;
        }
        return before.applyTransaction(t, txData, nextT, nextDbCounter, txInstant);
    }

    /**
     * {@code db} with the entries of {@code tail} after its basis applied in t order, each as
     * stored (without its db value hint, so a value layered over durable index trees stays
     * layered and only its novelty grows). Entries at or before {@code db}'s basis are skipped,
     * so a tail may start early (e.g. the log tail after index roots); fails on an entry that
     * goes back in t after the first one applied.
     */
    public static DbValue applyAll(DbValue db, List<TxLogEntry> tail) {
        long start = db.basisT();
        for (TxLogEntry entry : tail) {
            if (entry.t <= db.basisT()) {
                if (entry.t > start) {
                    throw new IllegalArgumentException("log entries not in t order: " + entry.t + " after " + db.basisT());
                }
                continue;
            }
            db = entry.withoutHint().applyTo(db);
        }
        return db;
    }

    /** This entry without its db value hint, as it reads back from storage. */
    public TxLogEntry withoutHint() {
        return dbAfterHint == null ? this : new TxLogEntry(t, txInstant, nextT, nextDbCounter, txData, requestId, tempids, null, 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TxLogEntry e && e.t == t && e.txInstant == txInstant && e.nextT == nextT
                && e.nextDbCounter == nextDbCounter && e.txData.equals(txData) && Objects.equals(e.requestId, requestId)
                && e.tempids.equals(tempids);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(t) * 31 + txData.hashCode();
    }

    @Override
    public String toString() {
        return "TxLogEntry{t=" + t + ", txInstant=" + txInstant + ", nextT=" + nextT + ", nextDbCounter=" + nextDbCounter
                + ", datoms=" + txData.size() + (requestId == null ? "" : ", requestId=" + requestId) + "}";
    }
}
