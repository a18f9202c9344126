package io.chronon.sharding.writer;

import io.chronon.db.DbValue;
import io.chronon.storage.TxLogEntry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The writer's transactions between processing and durability, and the group commit that
 * writes them: the durable end of the log (its value and sequence number), the one journal
 * write in flight, and the transactions processed since, queued for the next write.
 *
 * <p><b>Editing runs:</b> each transaction is processed against the value after everything
 * accepted before it ({@link #base}). The transactions processed since the last seal form
 * an editing run ({@link DbValue#editingRun}): they share and edit their index nodes
 * instead of copying them per transaction. A run is sealed when its transactions go to the
 * log, or when it reaches {@code maxBatch}; sealing attaches the run's newest value to each
 * of its entries as the hint (see {@link TxLogEntry#hintAhead()}), so only sealed values
 * leave the writer.
 *
 * <p><b>Group commit:</b> at most one write is in flight. {@link #nextWrite} takes the
 * queued transactions into it, whole runs and at most {@code maxBatch}, each entry with its
 * own sequence number after the durable end; {@link #written} makes the write's last value
 * the durable one.
 *
 * <p><b>When a write fails</b> the writer takes back the write in flight, sorted by what the
 * log holds where its entries were to go ({@link #takeBackFailedWrite}), and the queued
 * transactions ({@link #dropQueued}), which were processed against a value that included the
 * failed write and are processed again once the log has {@link #recovered}.
 *
 * <p>One writer's, used on its thread only.
 *
 * @param <P> a processed transaction (the writer's, which also carries its callers)
 */
final class WriteQueue<P extends WriteQueue.Queued<P>> {

    /** What the queue needs of a processed transaction. */
    interface Queued<P> {
        /** Its log entry, with the run's value as hint once sealed. */
        TxLogEntry entry();

        /** True when its entry's hint is its own value after: it ends a sealed run. */
        boolean runEnd();

        /** The same transaction with the entry {@code hinted}, ending a run or not. */
        P sealedAs(TxLogEntry hinted, boolean runEnd);
    }

    /** A journal write: transactions whose entries get sequence numbers {@code firstSeqNr}, {@code firstSeqNr + 1}, ... */
    record Write<P>(long firstSeqNr, List<P> batch) {
    }

    /**
     * The write that was in flight when the log failed, its transactions in log order by what
     * the log holds where their entries were to go: {@code stored} ones (their own entries:
     * committed), then either {@code taken} ones (another writer's entries: not committed, and
     * never will be) or {@code unknown} ones (nothing there, or it could not be read: a write
     * that timed out may still land).
     */
    record FailedWrite<P>(List<P> stored, List<P> taken, List<P> unknown) {
    }

    private final String database;
    private final int maxBatch;
    private DbValue committed;
    private long committedSeqNr;
    /** The value after everything accepted so far: the newest value of the editing run between writes. */
    private DbValue speculative;
    /** How many transactions at the tail of {@link #queued} belong to the unsealed run. */
    private int runLength;
    private final List<P> inFlight = new ArrayList<>();
    private List<P> queued = new ArrayList<>();

    /**
     * The queue of {@code database}'s writer, writing at most {@code maxBatch} transactions
     * at a time; empty until the log has {@link #recovered}.
     */
    WriteQueue(String database, int maxBatch) {
        this.database = database;
        this.maxBatch = maxBatch;
    }

    /** The log recovered to {@code db}, the value after entry {@code seqNr}; nothing is queued or in flight. */
    void recovered(DbValue db, long seqNr) {
        committed = db;
        committedSeqNr = seqNr;
        speculative = db;
        runLength = 0;
    }

    /** The value after the last durable entry. */
    DbValue committed() {
        return committed;
    }

    /** The sequence number of the last durable entry. */
    long committedSeqNr() {
        return committedSeqNr;
    }

    /** The value the next transaction is processed against: the newest of the editing run, which it may edit. */
    DbValue base() {
        return speculative.inEditingRun() ? speculative : speculative.editingRun();
    }

    /**
     * Queues {@code tx}, processed against {@link #base} into {@code after}; the run is
     * sealed once it is {@code maxBatch} long. A transaction rejected in processing is
     * simply not added: the run is as it was.
     */
    void add(P tx, DbValue after) {
        speculative = after;
        queued.add(tx);
        runLength++;
        if (runLength >= maxBatch) {
            sealRun();
        }
    }

    /** The value after everything accepted so far (sealed or not): what the novelty of the writer is measured on. */
    DbValue newest() {
        return speculative;
    }

    /**
     * Moves the newest value onto new durable index roots ({@code onto}: the same datoms, less
     * novelty), sealing the editing run first; the durable value too when nothing is queued or
     * in flight. Values already attached to queued or in-flight transactions stay as they are
     * (the same data); the transactions processed from now on build on the moved value.
     */
    void rebase(java.util.function.UnaryOperator<DbValue> onto) {
        sealRun();
        DbValue moved = onto.apply(speculative);
        if (inFlight.isEmpty() && queued.isEmpty()) {
            committed = moved;
        }
        speculative = moved;
    }

    /** How many transactions wait: in flight and queued. */
    int size() {
        return inFlight.size() + queued.size();
    }

    /** True while a journal write is in flight. */
    boolean writing() {
        return !inFlight.isEmpty();
    }

    /** True when transactions wait for the next write. */
    boolean hasQueued() {
        return !queued.isEmpty();
    }

    /** How many transactions the write in flight holds. */
    int inFlightCount() {
        return inFlight.size();
    }

    /**
     * Starts the next journal write (none may be in flight, and some must be queued): seals the
     * run and takes the queued transactions into it, whole runs, at most {@code maxBatch}.
     */
    Write<P> nextWrite() {
        sealRun();
        int n = Math.min(queued.size(), maxBatch);
        while (n > 0 && !queued.get(n - 1).runEnd()) {
            n--; // runs are at most max-batch long and the queue starts with one, so n stays > 0
        }
        inFlight.addAll(queued.subList(0, n));
        queued.subList(0, n).clear();
        return new Write<>(committedSeqNr + 1, List.copyOf(inFlight));
    }

    /** The sequence number the log should report for the write in flight once it is durable. */
    long expectedLastSeqNr() {
        return committedSeqNr + inFlight.size();
    }

    /**
     * The write in flight is durable: its last value becomes the committed one.
     *
     * @throws IllegalStateException if the write did not end with a sealed value (a bug)
     */
    Write<P> written() {
        Write<P> write = new Write<>(committedSeqNr + 1, List.copyOf(inFlight));
        TxLogEntry last = inFlight.get(inFlight.size() - 1).entry();
        DbValue after = last.dbAfterHint();
        if (after == null || last.hintAhead() != 0 || after.basisT() != last.t()) {
            throw new IllegalStateException("a journal write of " + database + " did not end with a sealed value: " + last);
        }
        committed = after;
        committedSeqNr += inFlight.size();
        inFlight.clear();
        return write;
    }

    /**
     * Takes back the write in flight after the log failed under it and recovered to
     * {@code recoveredSeqNr}, sorted by {@code readBack}: the entries read back from the log
     * where the write's were to go, by sequence number ({@code readFailed}: they could not be
     * read). The durable end stays where it was until the log has {@link #recovered}.
     */
    FailedWrite<P> takeBackFailedWrite(Map<Long, TxLogEntry> readBack, boolean readFailed, long recoveredSeqNr) {
        List<P> stored = new ArrayList<>();
        List<P> taken = new ArrayList<>();
        List<P> unknown = new ArrayList<>();
        long seq = committedSeqNr;
        Outcome outcome = Outcome.STORED;
        for (P p : dropInFlight()) {
            seq++;
            // the batches of one write go to the store one after the other, each all or nothing, and
            // the next only after the one before was stored: once an entry is not found stored, the
            // later entries of the write share its outcome
            if (outcome == Outcome.STORED) {
                outcome = readFailed ? Outcome.UNKNOWN : Outcome.of(p.entry(), readBack.get(seq), seq <= recoveredSeqNr);
            }
            switch (outcome) {
                case STORED -> stored.add(p);
                case TAKEN -> taken.add(p);
                case UNKNOWN -> unknown.add(p);
            }
        }
        return new FailedWrite<>(stored, taken, unknown);
    }

    /** What became of an in-flight transaction's entry when the log failed under it. */
    private enum Outcome {
        /** It is in the log at its place. */
        STORED,
        /** Another entry is in its place: it was not stored, and never will be. */
        TAKEN,
        /** Its place is empty, or could not be read: a write that timed out may still land. */
        UNKNOWN;

        static Outcome of(TxLogEntry mine, TxLogEntry there, boolean placeTaken) {
            if (there != null && there.equals(mine)) {
                return STORED;
            }
            if (there == null || !placeTaken) {
                return UNKNOWN;
            }
            // another writer's transaction differs at least in its txInstant or its datoms; an entry
            // alike in all but equality (a value that reads back unlike itself) is not taken for another's
            boolean alike = there.t() == mine.t() && there.txInstant() == mine.txInstant() && there.nextT() == mine.nextT()
                    && there.txData().size() == mine.txData().size() && Objects.equals(there.requestId(), mine.requestId());
            return alike ? UNKNOWN : TAKEN;
        }
    }

    /** Takes back the write in flight, which the log did not confirm; the durable end stays where it was. */
    List<P> dropInFlight() {
        List<P> dropped = List.copyOf(inFlight);
        inFlight.clear();
        return dropped;
    }

    /** Takes back the queued transactions, in order; the next one starts a new run. */
    List<P> dropQueued() {
        List<P> dropped = queued;
        queued = new ArrayList<>();
        runLength = 0;
        return dropped;
    }

    /**
     * Ends the editing run: its newest value becomes an ordinary immutable one, attached to
     * each of the run's transactions as its hint (the value after the run's last one).
     */
    private void sealRun() {
        if (runLength == 0) {
            return;
        }
        speculative = speculative.sealed();
        int first = queued.size() - runLength;
        for (int i = 0; i < runLength; i++) {
            P p = queued.get(first + i);
            int ahead = runLength - 1 - i;
            queued.set(first + i, p.sealedAs(p.entry().withHint(speculative, ahead), ahead == 0));
        }
        runLength = 0;
    }
}
