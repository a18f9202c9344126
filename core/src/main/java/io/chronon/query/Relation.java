package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Values;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.Arrays;
import java.util.Collection;

/**
 * A table of variable bindings: one column per variable, rows stored flat in one array
 * (row {@code r}, column {@code c} at {@code r * arity + c}), so a row costs no object of
 * its own. Built by appending; treated as immutable once an operator has produced it.
 */
final class Relation {
    final Symbol[] vars;
    final int arity;
    Object[] data;
    int size;
    /** True when no two rows are equal (then projections that drop nothing need no de-duplication). */
    boolean distinct;
    /**
     * The leading columns that hold one value in every row: those bound while the relation
     * they came from had at most one row. Dropping them never makes rows equal.
     */
    int constPrefix;
    /** The bytes of {@link #data} charged to the read's {@link ReadMemory} account (0 once released). */
    private long charged;

    Relation(Symbol[] vars, int capacity) {
        this.vars = vars;
        this.arity = vars.length;
        // a planner's estimate is no promise: never more at once than a relation may hold
        int cells = (int) Math.min((long) Math.max(arity, 1) * Math.max(capacity, 4),
                Math.max(maxCells, Math.max(arity, 1) * 4L));
        chargeCells(cells);
        this.data = new Object[cells];
    }

    /** Charges the read's memory account for {@code cells} more cells, before they are allocated. */
    private void chargeCells(long cells) {
        long bytes = cells * ReadMemory.CELL_BYTES;
        ReadMemory.charge(bytes);
        charged += bytes;
    }

    /**
     * Gives this relation's array back to the read's memory budget: its query has no more use
     * for it (a later step made the relation that replaces it). Idempotent.
     */
    void release() {
        ReadMemory.release(charged);
        charged = 0;
    }

    /** The relation with no variables and one row: the start of every conjunction. */
    static Relation unit() {
        Relation r = new Relation(new Symbol[0], 1);
        r.size = 1;
        r.distinct = true;
        return r;
    }

    /** An empty relation over {@code vars}. */
    static Relation empty(Symbol[] vars) {
        Relation r = new Relation(vars, 0);
        r.distinct = true;
        return r;
    }

    /**
     * A new relation whose rows extend rows of {@code in} (its columns first): it inherits the
     * constant prefix, and is distinct if {@code in} is and {@code distinctIfInputIs}.
     */
    static Relation extending(Relation in, Symbol[] vars, int capacity, boolean distinctIfInputIs) {
        Relation out = new Relation(vars, capacity);
        out.constPrefix = in.size <= 1 ? in.arity : in.constPrefix;
        out.distinct = in.distinct && distinctIfInputIs;
        return out;
    }

    /** The column of {@code v}, or -1. */
    int col(Symbol v) {
        for (int i = 0; i < arity; i++) {
            if (vars[i] == v) {
                return i;
            }
        }
        return -1;
    }

    boolean has(Symbol v) {
        return col(v) >= 0;
    }

    Object get(int row, int col) {
        return data[row * arity + col];
    }

    /**
     * The most values one relation may hold (rows x columns). A query whose intermediate result
     * grows past it (a forgotten join clause makes a cross product: three patterns over 3,000
     * names are 27 billion rows) is rejected instead of filling the heap before its timeout.
     * Default: the maximum heap / 64 (8 million values on a 512 MB heap), or the system
     * property {@code chronon.query.max-relation-cells}.
     */
    private static volatile long maxCells = Long.getLong("chronon.query.max-relation-cells",
            Math.max(1_000_000L, Runtime.getRuntime().maxMemory() / 64));

    static long maxCells() {
        return maxCells;
    }

    /** Sets {@link #maxCells}; for the node's configuration and for tests. */
    static void maxCells(long cells) {
        maxCells = cells;
    }

    /** Appends a row and returns the index of its first cell; the caller fills the cells. */
    int addRow() {
        int base = size * arity;
        if (base + arity > data.length) {
            long wanted = Math.max((long) data.length * 2, base + arity);
            long limit = maxCells;
            if (wanted > limit) {
                if (base + arity > limit) {
                    throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("chronon.error/query-too-large"),
                            "The query's intermediate result grew past " + limit + " values (" + size + " rows of "
                                    + arity + "); narrow it: a clause that shares no variable with the others makes"
                                    + " a cross product", null);
                }
                wanted = limit;
            }
            int cells = (int) Math.min(wanted, Integer.MAX_VALUE - 8);
            chargeCells(cells - data.length);
            data = Arrays.copyOf(data, cells);
        }
        size++;
        return base;
    }

    /** Appends row {@code row} of {@code src} (which must have a prefix of this relation's columns) and returns its base. */
    int addPrefix(Relation src, int row) {
        int base = addRow();
        System.arraycopy(src.data, row * src.arity, data, base, src.arity);
        return base;
    }

    /** The rows of this relation restricted to {@code keep} (in that order), without duplicates. */
    Relation project(Symbol[] keep) {
        int[] cols = new int[keep.length];
        boolean same = keep.length == arity;
        boolean[] kept = new boolean[arity];
        for (int i = 0; i < keep.length; i++) {
            cols[i] = col(keep[i]);
            if (cols[i] != i) {
                same = false;
            }
            kept[cols[i]] = true;
        }
        if (same) {
            return this;
        }
        // a distinct relation stays distinct when only constant columns go
        boolean dedup = !distinct;
        for (int c = constPrefix; c < arity && !dedup; c++) {
            dedup = !kept[c];
        }
        Relation out = new Relation(keep, Math.min(size, 1024));
        out.distinct = true;
        if (keep.length == 0) {
            out.size = size > 0 ? 1 : 0;
            return out;
        }
        Object[] row = new Object[keep.length];
        if (!dedup) {
            for (int r = 0; r < size; r++) {
                int base = r * arity;
                int ob = out.addRow();
                for (int i = 0; i < cols.length; i++) {
                    out.data[ob + i] = data[base + cols[i]];
                }
            }
            return out;
        }
        RowSet seen = new RowSet(out, size);
        for (int r = 0; r < size; r++) {
            int base = r * arity;
            for (int i = 0; i < cols.length; i++) {
                row[i] = data[base + cols[i]];
            }
            seen.addIfAbsent(row);
        }
        return out;
    }

    /** This relation without duplicate rows. */
    Relation distinct() {
        if (size <= 1 || distinct) {
            return this;
        }
        Relation out = new Relation(vars, size);
        out.distinct = true;
        out.constPrefix = constPrefix;
        if (arity == 0) {
            out.size = 1;
            return out;
        }
        RowSet seen = new RowSet(out, size);
        Object[] row = new Object[arity];
        for (int r = 0; r < size; r++) {
            System.arraycopy(data, r * arity, row, 0, arity);
            seen.addIfAbsent(row);
        }
        return out;
    }

    /** The symbols of {@code vars} joined with {@code extra} (which must not repeat them). */
    static Symbol[] concat(Symbol[] vars, Collection<Symbol> extra) {
        Symbol[] out = Arrays.copyOf(vars, vars.length + extra.size());
        int i = vars.length;
        for (Symbol s : extra) {
            out[i++] = s;
        }
        return out;
    }

    /** A hash consistent with {@link Values#equal}, fast for the common final value classes. */
    static int hash(Object v) {
        if (v == null) {
            return 0;
        }
        Class<?> c = v.getClass();
        if (c == Long.class) {
            return Long.hashCode((Long) v);
        }
        if (c == String.class || c == io.chronon.edn.Keyword.class || c == Double.class || c == Boolean.class) {
            return v.hashCode();
        }
        return Values.hash(v);
    }

    /** {@link Values#equal}, fast for the common final value classes. */
    static boolean equal(Object x, Object y) {
        if (x == y) {
            return true;
        }
        if (x == null || y == null) {
            return false;
        }
        Class<?> c = x.getClass();
        if (c == Long.class) {
            return y.getClass() == Long.class && ((Long) x).longValue() == ((Long) y).longValue();
        }
        if (c == String.class) {
            return y.getClass() == String.class && x.equals(y);
        }
        if (c == io.chronon.edn.Keyword.class) {
            return false;
        }
        return Values.equal(x, y);
    }

    static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }

    /**
     * Appends rows to a relation unless an equal row is already there: an open-addressing set
     * of row indexes of the target relation.
     */
    static final class RowSet {
        private final Relation target;
        private int[] slots;
        private int mask;
        private int count;

        RowSet(Relation target, int expected) {
            this.target = target;
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            slots = new int[cap];
            Arrays.fill(slots, -1);
            mask = cap - 1;
            for (int r = 0; r < target.size; r++) {
                insert(r, rowHash(target.data, r * target.arity, target.arity));
            }
        }

        private static int rowHash(Object[] data, int base, int n) {
            int h = 1;
            for (int i = 0; i < n; i++) {
                h = h * 31 + hash(data[base + i]);
            }
            return mix(h);
        }

        private void insert(int row, int h) {
            int i = h & mask;
            while (slots[i] >= 0) {
                i = (i + 1) & mask;
            }
            slots[i] = row;
            count++;
        }

        /** Adds {@code row} (copied) unless present; true if it was added. */
        boolean addIfAbsent(Object[] row) {
            int n = row.length;
            int h = rowHash(row, 0, n);
            int i = h & mask;
            Object[] d = target.data;
            while (slots[i] >= 0) {
                int base = slots[i] * n;
                d = target.data;
                boolean eq = true;
                for (int c = 0; c < n; c++) {
                    if (!equal(d[base + c], row[c])) {
                        eq = false;
                        break;
                    }
                }
                if (eq) {
                    return false;
                }
                i = (i + 1) & mask;
            }
            int base = target.addRow();
            System.arraycopy(row, 0, target.data, base, n);
            slots[i] = target.size - 1;
            count++;
            if (count * 2 > slots.length) {
                grow();
            }
            return true;
        }

        boolean contains(Object[] row) {
            int n = row.length;
            int i = rowHash(row, 0, n) & mask;
            Object[] d = target.data;
            while (slots[i] >= 0) {
                int base = slots[i] * n;
                boolean eq = true;
                for (int c = 0; c < n; c++) {
                    if (!equal(d[base + c], row[c])) {
                        eq = false;
                        break;
                    }
                }
                if (eq) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }

        private void grow() {
            slots = new int[slots.length * 2];
            Arrays.fill(slots, -1);
            mask = slots.length - 1;
            count = 0;
            for (int r = 0; r < target.size; r++) {
                insert(r, rowHash(target.data, r * target.arity, target.arity));
            }
        }
    }

    /**
     * A hash index of a relation's rows by some of its columns (the join key), holding the
     * key values normalized by the caller (e.g. lookup refs resolved to entity ids). Rows
     * whose key cannot be normalized are left out. Probes walk a chain of row indexes, so
     * nothing is allocated per probe.
     */
    static final class HashIndex {
        final int keyCount;
        private final Object[] keys;
        private final int[] buckets;
        private final int[] next;
        private final int mask;

        interface Normalizer {
            /** The key value for {@code v}, or null if the row can never match. */
            Object normalize(Object v);
        }

        HashIndex(Relation rel, int[] cols, Normalizer[] norms) {
            keyCount = cols.length;
            int n = rel.size;
            keys = new Object[n * keyCount];
            next = new int[n];
            int cap = Integer.highestOneBit(Math.max(16, n * 2 - 1)) << 1;
            buckets = new int[cap];
            Arrays.fill(buckets, -1);
            mask = cap - 1;
            outer:
            for (int r = 0; r < n; r++) {
                int h = 1;
                for (int i = 0; i < keyCount; i++) {
                    Object v = rel.data[r * rel.arity + cols[i]];
                    if (norms != null && norms[i] != null) {
                        v = norms[i].normalize(v);
                        if (v == null) {
                            next[r] = -1;
                            continue outer;
                        }
                    }
                    keys[r * keyCount + i] = v;
                    h = h * 31 + hash(v);
                }
                int b = mix(h) & mask;
                next[r] = buckets[b];
                buckets[b] = r;
            }
        }

        /**
         * The first row in the chain of {@code hash}, or -1. The hash of a key is
         * {@code h = 1; h = 31 * h + hash(k_i)} over its values.
         */
        int first(int hash) {
            return buckets[mix(hash) & mask];
        }

        int next(int row) {
            return next[row];
        }

        Object key(int row, int i) {
            return keys[row * keyCount + i];
        }

        /** True if key {@code i} of {@code row} equals the long {@code v}. */
        boolean keyEqualsLong(int row, int i, long v) {
            return keys[row * keyCount + i] instanceof Long l && l == v;
        }

        boolean keyEquals(int row, int i, Object v) {
            return equal(keys[row * keyCount + i], v);
        }
    }
}
