package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.IndexedValue;

import java.util.EnumMap;
import java.util.Map;

/**
 * A db value from durable index roots and the log after them: the eight trees of an
 * {@link IndexRoots} opened as the bases of a layered value ({@link IndexedValue#over}),
 * then the transactions of the log after the roots' t applied to it as novelty
 * ({@link io.chronon.storage.TxLogEntry#applyAll}, in the package above this one, which
 * this one does not import). What a starting peer or a moved writer does instead of reading
 * or replaying the whole database: it reads the roots, the schema's datoms and then only the
 * segments its reads and the tail's lookups reach.
 */
public final class IndexRestore {
    private IndexRestore() {
    }

    /**
     * The value at {@code roots.t()}: its indexes are the trees of {@code roots} in
     * {@code storage} with no novelty. {@code log} is the log up to that t (any order), which
     * {@link DbValue#txRange} reads; it is held in memory until the log API reads the durable log.
     * Reads the eight root segments and the schema's datoms; fails (a {@link io.chronon.ChrononException}
     * naming the database and segment) if one is missing or corrupt.
     */
    public static DbValue at(TreeStorage storage, IndexRoots roots, Iterable<Datom> log) {
        Map<IndexType, IndexTree> current = new EnumMap<>(IndexType.class);
        Map<IndexType, IndexTree> history = new EnumMap<>(IndexType.class);
        for (IndexType type : IndexType.values()) {
            current.put(type, IndexTree.open(type, storage, roots.root(type, true)));
            history.put(type, IndexTree.open(type, storage, roots.root(type, false)));
        }
        return IndexedValue.over((type, isCurrent) -> (isCurrent ? current : history).get(type), log,
                roots.t(), roots.nextT(), roots.nextDbCounter(), roots.lastTxInstant());
    }
}
