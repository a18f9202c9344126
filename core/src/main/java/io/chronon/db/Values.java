package io.chronon.db;

import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Equality, hashing and the total order of datom values. Index order within one attribute
 * is the natural order of its type; across types (only seen in bounds and in mixed tuples)
 * numbers compare numerically and otherwise by a fixed rank of types. {@link #MIN} and
 * {@link #MAX} sort before and after every value and are used as open bounds of slices.
 */
public final class Values {
    /** Sorts before every value. Never stored. */
    public static final Object MIN = new Bound("MIN");
    /** Sorts after every value. Never stored. */
    public static final Object MAX = new Bound("MAX");

    private Values() {
    }

    private static final class Bound {
        private final String name;

        Bound(String name) {
            this.name = name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Value equality: like {@link Object#equals} but byte arrays compare by content. */
    public static boolean equal(Object x, Object y) {
        if (x == y) {
            return true;
        }
        if (x == null || y == null) {
            return false;
        }
        if (x instanceof byte[] bx) {
            return y instanceof byte[] by && Arrays.equals(bx, by);
        }
        if (x instanceof List<?> lx && y instanceof List<?> ly) {
            int n = lx.size();
            if (n != ly.size()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!equal(lx.get(i), ly.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return x.equals(y);
    }

    /** A hash consistent with {@link #equal}. */
    public static int hash(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof byte[] b) {
            return Arrays.hashCode(b);
        }
        if (v instanceof List<?> l) {
            int h = 1;
            for (Object o : l) {
                h = 31 * h + hash(o);
            }
            return h;
        }
        return v.hashCode();
    }

    /** The total order of values; consistent with {@link #equal}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int compare(Object x, Object y) {
        if (x == y) {
            return 0;
        }
        // fast paths for the commonest value types (refs, longs, strings)
        if (x instanceof Long lx && y instanceof Long ly) {
            return Long.compare(lx, ly);
        }
        if (x instanceof String sx && y instanceof String sy) {
            return sx.compareTo(sy);
        }
        if (x == MIN || y == MAX) {
            return -1;
        }
        if (x == MAX || y == MIN) {
            return 1;
        }
        if (x == null) {
            return -1;
        }
        if (y == null) {
            return 1;
        }
        Class<?> cx = x.getClass();
        if (cx == y.getClass()) {
            if (x instanceof Comparable c) {
                return c.compareTo(y);
            }
            if (x instanceof byte[] bx) {
                return Arrays.compareUnsigned(bx, (byte[]) y);
            }
        }
        if (x instanceof Number nx && y instanceof Number ny) {
            int c = compareNumbers(nx, ny);
            return c != 0 ? c : Integer.compare(rank(x), rank(y));
        }
        if (x instanceof List<?> lx && y instanceof List<?> ly) {
            int n = Math.min(lx.size(), ly.size());
            for (int i = 0; i < n; i++) {
                int c = compare(lx.get(i), ly.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(lx.size(), ly.size());
        }
        int c = Integer.compare(rank(x), rank(y));
        if (c != 0) {
            return c;
        }
        c = cx.getName().compareTo(y.getClass().getName());
        return c != 0 ? c : x.toString().compareTo(y.toString());
    }

    /** Numeric comparison across Long, Integer, Double, Float, BigInteger and BigDecimal. */
    public static int compareNumbers(Number x, Number y) {
        if (isIntegral(x) && isIntegral(y)) {
            return Long.compare(x.longValue(), y.longValue());
        }
        int sx = special(x);
        int sy = special(y);
        if (sx != 0 || sy != 0) {
            // -Infinity below every number, +Infinity above every finite one, NaN above all (as Double.compare);
            // before, NaN sorted above longs and doubles but below big decimals: a cycle that misordered indexes
            return Integer.compare(sx, sy);
        }
        if ((x instanceof Double || x instanceof Float || isIntegral(x))
                && (y instanceof Double || y instanceof Float || isIntegral(y))) {
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            if (dx != dy || !isIntegral(x) && !isIntegral(y)) {
                return Double.compare(dx, dy);
            }
        }
        return toBigDecimal(x).compareTo(toBigDecimal(y));
    }

    /** -1 for -Infinity, 1 for +Infinity, 2 for NaN (a double or float), 0 for every other number. */
    private static int special(Number n) {
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            return Double.isNaN(d) ? 2 : d == Double.POSITIVE_INFINITY ? 1 : d == Double.NEGATIVE_INFINITY ? -1 : 0;
        }
        return 0;
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    private static BigDecimal toBigDecimal(Number n) {
        if (n instanceof BigDecimal b) {
            return b;
        }
        if (n instanceof BigInteger b) {
            return new BigDecimal(b);
        }
        if (isIntegral(n)) {
            return BigDecimal.valueOf(n.longValue());
        }
        return BigDecimal.valueOf(n.doubleValue()); // finite: NaN and the infinities are ordered before this
    }

    private static int rank(Object v) {
        if (v instanceof Boolean) {
            return 1;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return 2;
        }
        if (v instanceof Double) {
            return 3;
        }
        if (v instanceof Float) {
            return 4;
        }
        if (v instanceof BigInteger) {
            return 5;
        }
        if (v instanceof BigDecimal) {
            return 6;
        }
        if (v instanceof String) {
            return 7;
        }
        if (v instanceof Keyword) {
            return 8;
        }
        if (v instanceof Symbol) {
            return 9;
        }
        if (v instanceof UUID) {
            return 10;
        }
        if (v instanceof URI) {
            return 11;
        }
        if (v instanceof Date) {
            return 12;
        }
        if (v instanceof byte[]) {
            return 13;
        }
        if (v instanceof List) {
            return 14;
        }
        return 15;
    }
}
