package io.chronon.db;

import io.chronon.index.SortedIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Db values whose indexes are layered (a base plus novelty, {@link LayeredSplit}), for tests
 * in any package. With {@code -Dchronon.test.layered=true} the builders of the query, pull,
 * transaction and differential suites pass every value they build through {@link #maybeSplit},
 * so the whole suite reads through layered indexes; {@code chronon.test.layered.seed} picks
 * other split points. {@code chronon.test.layered.base} names a {@link BaseFactory} class
 * (loaded reflectively: core knows no implementation but its own) that makes the bases, e.g.
 * durable index trees of module {@code persistence-plugin}; without it they stay in memory.
 */
public final class LayeredValues {
    /** True when the suite runs against layered values. */
    public static final boolean ON = Boolean.getBoolean("chronon.test.layered");
    private static final long SEED = Long.getLong("chronon.test.layered.seed", 15);
    /** The class named by {@code chronon.test.layered.base}, or null: bases in memory. */
    public static final BaseFactory BASES = load(System.getProperty("chronon.test.layered.base", ""));

    /**
     * Makes the base of a split value's index from that index as a log replay built it in
     * memory. A class named by {@code chronon.test.layered.base} needs a public constructor
     * without arguments.
     */
    public interface BaseFactory {
        /**
         * The base of the current ({@code current}) or retracted index of {@code type}: an index
         * of exactly the datoms of {@code replayed}, in the order of {@code type}. The
         * transaction log's base is not made here: it stays in memory.
         */
        SortedIndex<Datom> base(IndexType type, boolean current, SortedIndex<Datom> replayed);
    }

    private LayeredValues() {
    }

    /**
     * {@code db} (views kept) with its indexes split at {@code indexT}: the base as of that t
     * (made by {@link #BASES} if one is named), the rest novelty.
     */
    public static DbValue split(DbValue db, long indexT) {
        return BASES == null ? LayeredSplit.at(db, indexT) : split(db, indexT, BASES);
    }

    /** {@code db} (views kept) split at {@code indexT}, its bases made by {@code bases}. */
    public static DbValue split(DbValue db, long indexT, BaseFactory bases) {
        return LayeredSplit.at(db, indexT, bases::base);
    }

    /**
     * In layered mode, {@code db} split at a t drawn from its history (the bootstrap, a
     * transaction, or its basis), the same t for the same value in every run of a seed;
     * otherwise {@code db} itself. A value inside a writer's editing run is left alone.
     */
    public static DbValue maybeSplit(DbValue db) {
        if (!ON || db.inEditingRun()) {
            return db;
        }
        return split(db, randomT(db, new Random(SEED * 1_000_003 + db.basisT() * 31 + db.size())));
    }

    /** A t to split {@code db} at: the bootstrap's (all novelty), or one of its transactions' (the last: no novelty). */
    public static long randomT(DbValue db, Random random) {
        List<Long> ts = new ArrayList<>();
        ts.add(Bootstrap.BOOTSTRAP_T);
        long last = -1;
        for (Datom d : db.txRange(null, null)) {
            if (d.tx() != last) {
                last = d.tx();
                ts.add(Ids.txToT(last));
            }
        }
        return ts.get(random.nextInt(ts.size()));
    }

    private static BaseFactory load(String className) {
        if (className.isBlank()) {
            return null;
        }
        try {
            return Class.forName(className, true, LayeredValues.class.getClassLoader())
                    .asSubclass(BaseFactory.class).getConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            // a misnamed factory must fail the run, not let it pass on bases in memory
            throw new IllegalStateException("chronon.test.layered.base=" + className + " is not a LayeredValues.BaseFactory"
                    + " with a public constructor without arguments on the test classpath", e);
        }
    }
}
