package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.IndexedValue;

import java.util.Comparator;

/**
 * The order of the datoms of a durable tree: one of the four covering indexes
 * ({@link IndexType}), or the log (by transaction, then entity, attribute, value: the order in
 * which {@code txRange} reads). A node records its tree's order (the ordinal, so the four index
 * orders keep the codes they had before the log was a tree) and is refused when read as a node
 * of another.
 */
public enum TreeOrder {
    EAVT(IndexType.EAVT.comparator()),
    AEVT(IndexType.AEVT.comparator()),
    AVET(IndexType.AVET.comparator()),
    VAET(IndexType.VAET.comparator()),
    /** The log of every datom ever transacted, in transaction order. */
    LOG(IndexedValue.LOG_ORDER);

    private static final TreeOrder[] BY_TYPE = {EAVT, AEVT, AVET, VAET};

    private final Comparator<Datom> comparator;

    TreeOrder(Comparator<Datom> comparator) {
        this.comparator = comparator;
    }

    /** The order of the index {@code type}. */
    public static TreeOrder of(IndexType type) {
        return BY_TYPE[type.ordinal()];
    }

    /** The comparator of this order: the very instance the in-memory index of the same order uses. */
    public Comparator<Datom> comparator() {
        return comparator;
    }
}
