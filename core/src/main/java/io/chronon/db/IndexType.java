package io.chronon.db;

import java.util.Comparator;

/**
 * The four covering indexes, named by their sort order, as in Datomic. Each also orders by
 * tx and then the added flag, so one comparator serves both the current and the history
 * indexes.
 */
public enum IndexType {
    /** Entity, attribute, value, tx: all facts about an entity together. */
    EAVT((x, y) -> {
        int c = Long.compare(x.e(), y.e());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.a(), y.a());
        if (c != 0) {
            return c;
        }
        c = Values.compare(x.v(), y.v());
        return c != 0 ? c : tail(x, y);
    }),
    /** Attribute, entity, value, tx: all entities having an attribute. */
    AEVT((x, y) -> {
        int c = Long.compare(x.a(), y.a());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.e(), y.e());
        if (c != 0) {
            return c;
        }
        c = Values.compare(x.v(), y.v());
        return c != 0 ? c : tail(x, y);
    }),
    /** Attribute, value, entity, tx: lookup by value and range scans. */
    AVET((x, y) -> {
        int c = Long.compare(x.a(), y.a());
        if (c != 0) {
            return c;
        }
        c = Values.compare(x.v(), y.v());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.e(), y.e());
        return c != 0 ? c : tail(x, y);
    }),
    /** Value (an entity id), attribute, entity, tx: reverse references. Refs only. */
    VAET((x, y) -> {
        int c = Values.compare(x.v(), y.v());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.a(), y.a());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.e(), y.e());
        return c != 0 ? c : tail(x, y);
    });

    private final Comparator<Datom> comparator;

    IndexType(Comparator<Datom> comparator) {
        this.comparator = comparator;
    }

    /** The order of this index. */
    public Comparator<Datom> comparator() {
        return comparator;
    }

    private static int tail(Datom x, Datom y) {
        int c = Long.compare(x.tx(), y.tx());
        return c != 0 ? c : Boolean.compare(x.added(), y.added());
    }
}
