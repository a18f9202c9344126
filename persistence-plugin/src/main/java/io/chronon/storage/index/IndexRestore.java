package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.IndexedValue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A db value from durable index roots and the log after them: the nine trees of an
 * {@link IndexRoots} opened as the bases of a layered value ({@link IndexedValue#over}),
 * then the transactions of the log after the roots' t applied to it as novelty
 * ({@link io.chronon.storage.TxLogEntry#applyAll}, in the package above this one, which
 * this one does not import; or {@link #rebased}, from a value that holds them). What a starting peer or a moved writer does instead of reading
 * or replaying the whole database: it reads the roots, the schema's datoms and then only the
 * segments its reads and the tail's lookups reach.
 */
public final class IndexRestore {
    private IndexRestore() {
    }

    /**
     * The value at {@code roots.t()}: its indexes and its log are the trees of {@code roots} in
     * {@code storage} with no novelty. Reads the nine root segments and the schema's datoms;
     * fails (a {@link io.chronon.ChrononException} naming the database and segment) if one is
     * missing or corrupt.
     */
    public static DbValue at(TreeStorage storage, IndexRoots roots) {
        Map<IndexType, IndexTree> current = new EnumMap<>(IndexType.class);
        Map<IndexType, IndexTree> history = new EnumMap<>(IndexType.class);
        for (IndexType type : IndexType.values()) {
            current.put(type, IndexTree.open(type, storage, roots.root(type, true)));
            history.put(type, IndexTree.open(type, storage, roots.root(type, false)));
        }
        IndexTree log = IndexTree.open(TreeOrder.LOG, storage, roots.log());
        return IndexedValue.over((type, isCurrent) -> (isCurrent ? current : history).get(type), log,
                roots.t(), roots.nextT(), roots.nextDbCounter(), roots.lastTxInstant());
    }

    /**
     * {@code db} (unfiltered, at or after {@code roots.t()}) on the trees of {@code roots}: the
     * value at the roots' t ({@link #at}) with the transactions of {@code db}'s log after that t
     * applied as novelty. The same datoms and counters as {@code db}, held in memory only beyond
     * the roots: what a writer or peer switches to once an indexing job has written them, so the
     * novelty the trees now cover is dropped. Costs the transactions after the roots' t.
     */
    public static DbValue rebased(TreeStorage storage, IndexRoots roots, DbValue db) {
        DbValue target = db.unfiltered();
        if (target.basisT() < roots.t()) {
            throw new IllegalArgumentException("a db value at t " + target.basisT() + " is older than the index at t " + roots.t());
        }
        return caughtUp(at(storage, roots), target);
    }

    /**
     * {@code value} with the transactions of {@code db}'s log after its basis applied as novelty,
     * ending with {@code db}'s counters: the same datoms as {@code db} on {@code value}'s bases.
     * {@code value} must be {@code db} at an earlier t (or the same) on other bases: what a writer
     * that moved an older value onto new roots off its thread does to catch up with its newest.
     */
    public static DbValue caughtUp(DbValue value, DbValue db) {
        DbValue target = db.unfiltered();
        if (target.basisT() < value.basisT()) {
            throw new IllegalArgumentException("a db value at t " + target.basisT() + " is older than the value at t " + value.basisT());
        }
        List<Datom> tx = new ArrayList<>();
        for (Datom d : target.txRange(value.basisT() + 1, target.basisT() + 1)) {
            if (!tx.isEmpty() && tx.get(0).tx() != d.tx()) {
                value = apply(value, tx, target);
                tx.clear();
            }
            tx.add(d);
        }
        if (tx.isEmpty()) {
            return value; // at the same t: the same counters
        }
        // the last transaction sets db's own counters (ids and t's may have been skipped)
        long t = tx.get(0).t();
        return value.applyTransaction(t, List.copyOf(tx), target.nextT(), target.nextDbCounter(), target.lastTxInstant());
    }

    /** A transaction before the last: only its datoms matter, the last one sets the counters. */
    static DbValue apply(DbValue value, List<Datom> tx, DbValue db) {
        long t = tx.get(0).t();
        return value.applyTransaction(t, List.copyOf(tx), t + 1, db.nextDbCounter(), db.lastTxInstant());
    }
}
