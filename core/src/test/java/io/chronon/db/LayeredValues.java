package io.chronon.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Db values whose indexes are layered (a base plus novelty, {@link LayeredSplit}), for tests
 * in any package. With {@code -Dchronon.test.layered=true} the builders of the query, pull,
 * transaction and differential suites pass every value they build through {@link #maybeSplit},
 * so the whole suite reads through layered indexes; {@code chronon.test.layered.seed} picks
 * other split points.
 */
public final class LayeredValues {
    /** True when the suite runs against layered values. */
    public static final boolean ON = Boolean.getBoolean("chronon.test.layered");
    private static final long SEED = Long.getLong("chronon.test.layered.seed", 15);

    private LayeredValues() {
    }

    /** {@code db} (views kept) with its indexes split at {@code indexT}: the base as of that t, the rest novelty. */
    public static DbValue split(DbValue db, long indexT) {
        return LayeredSplit.at(db, indexT);
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
}
