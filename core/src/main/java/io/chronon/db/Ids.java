package io.chronon.db;

/**
 * Entity ids as Datomic builds them: the partition's entity id in the high bits (shifted by
 * 42) and a counter in the low 42 bits. A transaction's entity id is its t in partition
 * {@code :db.part/tx}, so t and tx convert both ways without a lookup.
 */
public final class Ids {
    /** Entity id of {@code :db.part/db}. */
    public static final long PART_DB = 0;
    /** Entity id of {@code :db.part/tx}. */
    public static final long PART_TX = 3;
    /** Entity id of {@code :db.part/user}. */
    public static final long PART_USER = 4;

    private static final int PART_SHIFT = 42;
    private static final long COUNTER_MASK = (1L << PART_SHIFT) - 1;

    private Ids() {
    }

    /** The entity id with the given partition and counter. */
    public static long entid(long partition, long counter) {
        return (partition << PART_SHIFT) | (counter & COUNTER_MASK);
    }

    /** The partition entity id of an entity id. */
    public static long part(long eid) {
        return eid >>> PART_SHIFT;
    }

    /** The counter bits of an entity id. */
    public static long counter(long eid) {
        return eid & COUNTER_MASK;
    }

    /** Datomic's {@code t->tx}: 1000 becomes 13194139534312. */
    public static long tToTx(long t) {
        return entid(PART_TX, t);
    }

    /** Datomic's {@code tx->t}; a t passes through unchanged, as in Datomic. */
    public static long txToT(long txOrT) {
        return txOrT & COUNTER_MASK;
    }

    /** True if {@code id} is a transaction entity id (rather than a t). */
    public static boolean isTx(long id) {
        return part(id) == PART_TX;
    }
}
