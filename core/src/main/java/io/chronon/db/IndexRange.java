package io.chronon.db;

/**
 * One read of one index: which index, its first and last datom (inclusive bounds for
 * {@link DbValue#slice}, {@link DbValue#first} and {@link DbValue#count}), and which known
 * components the bounds do not guarantee, so that the reader must {@link #admits check} them
 * on every datom. The one place that turns known components into index bounds, for
 * {@link DbValue#datoms} and the query engine's data patterns alike.
 *
 * <p>Two ways to build one:
 * <ul>
 *   <li>{@link #on} an index the caller chose, setting components one by one: each set
 *       component bounds its own place in both datoms, wherever it stands in the index order
 *       ({@code datoms(EAVT, nil, a)} thus reads all of EAVT, as {@code DbValue.datoms} always
 *       has). Nothing is left to check.</li>
 *   <li>{@link #forKnown} the components a data pattern knows: the index is chosen for them,
 *       the known components that lead in its order bound the range, and the others are
 *       left to check.</li>
 * </ul>
 */
public final class IndexRange {
    /** Where each component is in an array of known components, as {@link #forKnown} takes them. */
    public static final int E = 0;
    public static final int A = 1;
    public static final int V = 2;
    public static final int TX = 3;
    /** The added flag, which no index bound covers: a known one is always checked. */
    public static final int ADDED = 4;

    /** For each index (by ordinal), the positions of its components in sort order. */
    private static final int[][] ORDER = {
        {E, A, V, TX}, // EAVT
        {A, E, V, TX}, // AEVT
        {A, V, E, TX}, // AVET
        {V, A, E, TX}, // VAET
    };

    private final IndexType index;
    private final Datom from;
    private final Datom to;
    private final boolean[] check;

    private IndexRange(IndexType index, Datom from, Datom to, boolean[] check) {
        this.index = index;
        this.from = from;
        this.to = to;
        this.check = check;
    }

    /** The position ({@link #E}, {@link #A}, {@link #V} or {@link #TX}) of the i-th component of {@code index}. */
    public static int component(IndexType index, int i) {
        return ORDER[index.ordinal()][i];
    }

    /** A builder of a range of {@code index} that starts open at both ends. */
    public static Builder on(IndexType index) {
        return new Builder(index);
    }

    /**
     * The range a data pattern reads for the components it knows: {@code known} holds, by
     * position, null where unknown, entity, attribute and tx ids as Longs, the value as
     * stored and the added flag as a Boolean. When the value is unknown it may be limited to
     * {@code lo..hi} (inclusive; a null end is open).
     *
     * <p>The index is EAVT when the entity is known; AVET when the attribute and the value
     * (or a value range) are; AEVT for the attribute alone; else EAVT. The known components
     * that lead in its order bound the range, as does the value range if the value comes
     * right after them; every other known component is left to check.
     */
    public static IndexRange forKnown(Object[] known, Object lo, Object hi) {
        boolean range = (lo != null || hi != null) && known[V] == null;
        IndexType index;
        if (known[E] != null) {
            index = IndexType.EAVT;
        } else if (known[A] != null) {
            index = known[V] != null || range ? IndexType.AVET : IndexType.AEVT;
        } else {
            index = IndexType.EAVT;
        }
        Builder b = new Builder(index);
        boolean prefix = true;
        for (int pos : ORDER[index.ordinal()]) {
            Object k = known[pos];
            if (k == null) {
                if (prefix && pos == V && range) {
                    b.values(lo, hi);
                }
                prefix = false;
                continue;
            }
            if (!prefix) {
                b.check[pos] = true;
                continue;
            }
            switch (pos) {
                case E -> b.e((Long) k);
                case A -> b.a((Long) k);
                case V -> b.v(k);
                default -> b.tx((Long) k);
            }
        }
        b.check[ADDED] = known[ADDED] != null;
        return b.build();
    }

    public IndexType index() {
        return index;
    }

    /** The first datom of the range, or a datom that sorts before it. */
    public Datom from() {
        return from;
    }

    /** The last datom of the range, or a datom that sorts after it. */
    public Datom to() {
        return to;
    }

    /**
     * True if datom {@code d} of this range agrees with {@code known} (the array the range was
     * built {@link #forKnown for}) on every component the bounds do not guarantee.
     */
    public boolean admits(Datom d, Object[] known) {
        if (check[E] && d.e() != (Long) known[E]) {
            return false;
        }
        if (check[A] && d.a() != (Long) known[A]) {
            return false;
        }
        if (check[V] && !Values.equal(d.v(), known[V])) {
            return false;
        }
        if (check[TX] && d.tx() != (Long) known[TX]) {
            return false;
        }
        return !check[ADDED] || d.added() == (Boolean) known[ADDED];
    }

    /** Sets the components of a range one by one; see {@link IndexRange}. */
    public static final class Builder {
        private final IndexType index;
        private final boolean[] check = new boolean[5];
        private long eLo = Long.MIN_VALUE;
        private long eHi = Long.MAX_VALUE;
        private long aLo = Long.MIN_VALUE;
        private long aHi = Long.MAX_VALUE;
        private Object vLo = Values.MIN;
        private Object vHi = Values.MAX;
        private long txLo = Long.MIN_VALUE;
        private long txHi = Long.MAX_VALUE;

        private Builder(IndexType index) {
            this.index = index;
        }

        public Builder e(long e) {
            eLo = eHi = e;
            return this;
        }

        public Builder a(long a) {
            aLo = aHi = a;
            return this;
        }

        /** The value, as stored (an entity id for a ref). */
        public Builder v(Object v) {
            vLo = vHi = v;
            return this;
        }

        /** Values from {@code lo} to {@code hi}, inclusive; a null end is open. */
        public Builder values(Object lo, Object hi) {
            vLo = lo != null ? lo : Values.MIN;
            vHi = hi != null ? hi : Values.MAX;
            return this;
        }

        /** The transaction id (not its t). */
        public Builder tx(long tx) {
            txLo = txHi = tx;
            return this;
        }

        public IndexRange build() {
            return new IndexRange(index, new Datom(eLo, aLo, vLo, txLo, false), new Datom(eHi, aHi, vHi, txHi, true), check);
        }
    }
}
