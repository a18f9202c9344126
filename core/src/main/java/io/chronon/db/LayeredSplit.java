package io.chronon.db;

import io.chronon.index.LayeredIndex;
import io.chronon.index.PersistentSortedSet;
import io.chronon.index.SortedIndex;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * A db value as a durable index would hold it: every index as the base an indexing job at
 * t would have built plus the novelty since, read through {@link LayeredIndex}. Exactly the
 * same datoms as the value it splits, so every read must give the same answer; what tests
 * use to run any read against layered indexes. The base of each index is held in memory, or
 * is whatever a {@link Bases} makes of it (a test's durable tree of the same datoms).
 */
final class LayeredSplit {
    /** Bases kept as the log replay built them, in memory. */
    static final Bases IN_MEMORY = (type, current, replayed) -> replayed;

    private LayeredSplit() {
    }

    /**
     * Makes the base of one index from that index as a log replay built it in memory: the
     * returned index must hold exactly the same datoms, in the order of {@code type}.
     */
    @FunctionalInterface
    interface Bases {
        /** The base of the current ({@code current}) or retracted index of {@code type}, holding the datoms of {@code replayed}. */
        SortedIndex<Datom> base(IndexType type, boolean current, SortedIndex<Datom> replayed);
    }

    /** {@link #at(DbValue, long, Bases)} with the bases in memory. */
    static DbValue at(DbValue db, long indexT) {
        return at(db, indexT, IN_MEMORY);
    }

    /**
     * {@code db} (its views kept) with indexes layered at {@code indexT}: the base holds what
     * the indexes held after the transaction at {@code indexT} (replayed from the log on the
     * bootstrap), made by {@code bases} for each of the four current and four retracted
     * indexes; the novelty holds the datoms added and removed by the transactions after it.
     * The log (in transaction order, which is no index order) is layered too, but its base
     * always stays in memory.
     */
    @SuppressWarnings("unchecked")
    static DbValue at(DbValue db, long indexT, Bases bases) {
        DbValue base = replay(db, indexT);
        SortedIndex<Datom>[] current = new SortedIndex[4];
        SortedIndex<Datom>[] retracted = new SortedIndex[4];
        for (IndexType type : IndexType.values()) {
            int i = type.ordinal();
            current[i] = layer(base.current[i], made(bases, type, true, base.current[i]), db.current[i]);
            retracted[i] = layer(base.retracted[i], made(bases, type, false, base.retracted[i]), db.retracted[i]);
        }
        return db.withIndexes(current, retracted, layer(base.log, base.log, db.log));
    }

    private static SortedIndex<Datom> made(Bases bases, IndexType type, boolean current, SortedIndex<Datom> replayed) {
        SortedIndex<Datom> made = bases.base(type, current, replayed);
        if (made.comparator() != type.comparator() || made.size() != replayed.size()) {
            throw new IllegalStateException("the base made of the " + (current ? "current " : "retracted ") + type + " index ("
                    + replayed.size() + " datoms) is " + made + " (" + made.size() + " datoms in another order or number)");
        }
        return made;
    }

    /** The unfiltered value after the transactions of {@code db}'s log up to {@code indexT}. */
    private static DbValue replay(DbValue db, long indexT) {
        DbValue base = Bootstrap.DB;
        List<Datom> tx = new ArrayList<>();
        for (Datom d : db.txRange(null, indexT + 1)) {
            if (!tx.isEmpty() && tx.get(0).tx() != d.tx()) {
                base = applyReplayed(base, tx);
                tx.clear();
            }
            tx.add(d);
        }
        return tx.isEmpty() ? base : applyReplayed(base, tx);
    }

    private static DbValue applyReplayed(DbValue base, List<Datom> tx) {
        long t = Ids.txToT(tx.get(0).tx());
        return Indexer.apply(base, t, tx, t + 1, base.nextDbCounter, base.lastTxInstant);
    }

    /**
     * {@code target} as {@code base} plus the novelty that makes up the difference, which is
     * worked out from {@code replayed} (the base's datoms as replayed, in memory): a base that
     * reads wrongly then fails the reads of the tests, not the making of the split.
     */
    private static SortedIndex<Datom> layer(SortedIndex<Datom> replayed, SortedIndex<Datom> base, SortedIndex<Datom> target) {
        Comparator<? super Datom> order = target.comparator();
        List<Datom> added = new ArrayList<>();
        List<Datom> removed = new ArrayList<>();
        Iterator<Datom> b = replayed.iterator();
        Iterator<Datom> t = target.iterator();
        Datom nb = b.hasNext() ? b.next() : null;
        Datom nt = t.hasNext() ? t.next() : null;
        while (nb != null || nt != null) {
            int c = nb == null ? 1 : nt == null ? -1 : order.compare(nb, nt);
            if (c <= 0) {
                if (c < 0) {
                    removed.add(nb);
                }
                nb = b.hasNext() ? b.next() : null;
            }
            if (c >= 0) {
                if (c > 0) {
                    added.add(nt);
                }
                nt = t.hasNext() ? t.next() : null;
            }
        }
        return LayeredIndex.of(base, PersistentSortedSet.fromSorted(order, added),
                PersistentSortedSet.fromSorted(order, removed));
    }
}
