package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.IndexedValue;
import io.chronon.index.LayeredIndex;
import io.chronon.index.SortedIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * One indexing job of one database, as a pure function: the roots of the previous job and a
 * later db value give the roots of the trees as of that value's basis, by merging into the
 * previous trees only the novelty between the two t's. Untouched subtrees are shared, so a
 * job writes O(novelty &middot; depth) segments whatever the size of the database
 * ({@link IndexTree#merge}); no actor, no schedule (that is the indexing actor's job).
 *
 * <p>Where the novelty comes from: if the value is already layered over exactly the previous
 * trees (a peer or writer restored from those roots, {@link IndexRestore}), its novelty is
 * merged as it is. Otherwise the transactions after the previous t are read from the value's
 * log ({@link DbValue#txRange}, standing in for the durable log) and applied to a value
 * opened on the previous trees, whose novelty is then merged. Both give the novelty by the
 * same {@link io.chronon.db.Indexer} that builds every value, so the job can never index
 * differently from how the database reads; diffing whole indexes would cost the database.
 */
public final class IndexingJob {
    private IndexingJob() {
    }

    /** The roots of a new database: trees of the bootstrap value ({@link DbValue#empty()}), written now. */
    public static IndexRoots bootstrap(TreeStorage storage) {
        DbValue db = DbValue.empty();
        List<IndexRoot> current = new ArrayList<>();
        List<IndexRoot> history = new ArrayList<>();
        for (IndexType type : IndexType.values()) {
            current.add(IndexTree.build(type, storage, IndexedValue.index(db, type, true).iterator()).root());
            history.add(IndexTree.build(type, storage, IndexedValue.index(db, type, false).iterator()).root());
        }
        IndexRoot log = IndexTree.build(TreeOrder.LOG, storage, IndexedValue.log(db).iterator()).root();
        return new IndexRoots(db.basisT(), db.nextT(), db.nextDbCounter(), db.lastTxInstant(), current, history, log);
    }

    /**
     * The roots of {@code db} (views ignored), written into {@code storage} by merging into the
     * trees of {@code previous} (null: a new database, {@link #bootstrap}) the datoms added
     * and removed since {@code previous.t()}. Returns {@code previous} itself when {@code db}
     * is at that t; fails if {@code db} is older.
     */
    public static IndexRoots run(TreeStorage storage, IndexRoots previous, DbValue db) {
        IndexRoots from = previous == null ? bootstrap(storage) : previous;
        DbValue target = db.unfiltered();
        if (target.basisT() < from.t()) {
            throw new IllegalArgumentException("a db value at t " + target.basisT() + " is older than the index at t " + from.t());
        }
        if (target.basisT() == from.t()) {
            return from;
        }
        DbValue layered = layeredOver(target, from, storage) ? target : replayed(storage, from, target);
        List<IndexRoot> current = new ArrayList<>();
        List<IndexRoot> history = new ArrayList<>();
        for (IndexType type : IndexType.values()) {
            current.add(merged(IndexedValue.index(layered, type, true)));
            history.add(merged(IndexedValue.index(layered, type, false)));
        }
        IndexRoot log = merged(IndexedValue.log(layered));
        return new IndexRoots(target.basisT(), target.nextT(), target.nextDbCounter(), target.lastTxInstant(), current, history, log);
    }

    /** True if every index and the log of {@code db} are novelty over the very trees {@code roots} names in {@code storage}. */
    public static boolean layeredOver(DbValue db, IndexRoots roots, TreeStorage storage) {
        for (IndexType type : IndexType.values()) {
            for (boolean current : new boolean[] {true, false}) {
                if (!over(IndexedValue.index(db, type, current), roots.root(type, current), storage)) {
                    return false;
                }
            }
        }
        return over(IndexedValue.log(db), roots.log(), storage);
    }

    private static boolean over(SortedIndex<Datom> index, IndexRoot root, TreeStorage storage) {
        return index instanceof LayeredIndex<Datom> l && l.base() instanceof IndexTree tree
                && tree.root().equals(root) && tree.storage().equals(storage);
    }

    /** The value opened on the trees of {@code from} with the transactions of {@code db}'s log after {@code from.t()} applied. */
    private static DbValue replayed(TreeStorage storage, IndexRoots from, DbValue db) {
        return IndexRestore.rebased(storage, from, db);
    }

    private static IndexRoot merged(SortedIndex<Datom> index) {
        LayeredIndex<Datom> layered = (LayeredIndex<Datom>) index;
        return ((IndexTree) layered.base()).merge(layered.added(), layered.removed()).root();
    }
}
