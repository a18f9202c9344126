package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.db.Values;
import io.chronon.edn.EdnList;
import io.chronon.edn.Symbol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Datomic's aggregate functions of {@code :find}. Each sees the values of one group as a bag:
 * the rows of the query projected to the find and {@code :with} variables, de-duplicated,
 * so that without {@code :with} equal values collapse (the sum of heads 3, 1, 1, 1 is 4).
 *
 * <p>Results follow Datomic: {@code count} and {@code count-distinct} are longs; {@code sum}
 * adds in the values' own type; {@code avg}, {@code variance} (population) and
 * {@code stddev} are doubles; {@code median} of an even count halves the sum of the middle
 * two with {@code quot}, as Datomic does (the median of 10 15 20 35 is 17, and of 201.0 and
 * 700.5 it is 450.0); {@code (min n ?x)}
 * is the n smallest ascending and {@code (max n ?x)} the n largest descending, as vectors;
 * {@code distinct} a set; {@code (rand n ?x)} a list of n picks with replacement and
 * {@code (sample n ?x)} a vector of up to n distinct values.
 */
final class Aggregates {
    private static final Map<String, int[]> ARITY = Map.ofEntries(
            Map.entry("count", new int[] {0, 0}),
            Map.entry("count-distinct", new int[] {0, 0}),
            Map.entry("sum", new int[] {0, 0}),
            Map.entry("avg", new int[] {0, 0}),
            Map.entry("median", new int[] {0, 0}),
            Map.entry("variance", new int[] {0, 0}),
            Map.entry("stddev", new int[] {0, 0}),
            Map.entry("min", new int[] {0, 1}),
            Map.entry("max", new int[] {0, 1}),
            Map.entry("distinct", new int[] {0, 0}),
            Map.entry("rand", new int[] {1, 1}),
            Map.entry("sample", new int[] {1, 1}));

    private Aggregates() {
    }

    static boolean isAggregate(Symbol fn) {
        return fn.namespace() == null && ARITY.containsKey(fn.name());
    }

    /** Checks the constant arguments before the variable (the n of {@code (max n ?x)}). */
    static void checkArity(Symbol fn, List<Object> args, Object form) {
        int[] a = ARITY.get(fn.name());
        if (args.size() < a[0] || args.size() > a[1]) {
            throw QueryParser.error("db.error/invalid-aggregate", "Wrong number of arguments to aggregate " + fn + ": "
                    + QueryParser.show(form), form);
        }
        for (Object o : args) {
            if (!(o instanceof Long n) || n < 0) {
                throw QueryParser.error("db.error/invalid-aggregate", "The count argument of " + fn
                        + " must be a non-negative integer: " + QueryParser.show(form), form);
            }
        }
    }

    /** The aggregate of one group's values (never empty). */
    static Object compute(Symbol fn, List<Object> args, List<Object> values, Object form) {
        try {
            return switch (fn.name()) {
                case "count" -> (long) values.size();
                case "count-distinct" -> (long) distinct(values).size();
                case "sum" -> sum(values);
                case "avg" -> sum(values).doubleValue() / values.size();
                case "median" -> median(values);
                case "variance" -> variance(values);
                case "stddev" -> Math.sqrt(variance(values));
                case "min" -> args.isEmpty() ? extreme(values, -1) : top(values, (Long) args.get(0), false);
                case "max" -> args.isEmpty() ? extreme(values, 1) : top(values, (Long) args.get(0), true);
                case "distinct" -> Collections.unmodifiableSet(distinct(values));
                case "rand" -> rand(values, (Long) args.get(0));
                case "sample" -> sample(values, (Long) args.get(0));
                default -> throw new IllegalStateException("unknown aggregate " + fn);
            };
        } catch (ChrononException e) {
            throw e;
        } catch (RuntimeException e) {
            throw QueryParser.error("db.error/invalid-aggregate", "Aggregate " + QueryParser.show(form) + " failed: "
                    + e.getMessage(), form);
        }
    }

    private static Set<Object> distinct(List<Object> values) {
        return new LinkedHashSet<>(values);
    }

    private static Number number(Object o) {
        if (o instanceof Number n) {
            return n;
        }
        throw new ClassCastException(Builtins.typeName(o) + " cannot be cast to a number");
    }

    private static Number sum(List<Object> values) {
        Number s = 0L;
        for (Object v : values) {
            s = Builtins.Arith.add(s, number(v));
        }
        return s;
    }

    private static Object median(List<Object> values) {
        List<Object> sorted = sorted(values);
        int n = sorted.size();
        if (n % 2 == 1) {
            return sorted.get(n / 2);
        }
        // Datomic halves with quot, also for doubles: the median of 201.0 and 700.5 is 450.0
        return Builtins.Arith.quot(Builtins.Arith.add(number(sorted.get(n / 2 - 1)), number(sorted.get(n / 2))), 2L);
    }

    private static double variance(List<Object> values) {
        double mean = 0;
        for (Object v : values) {
            mean += number(v).doubleValue();
        }
        mean /= values.size();
        double s = 0;
        for (Object v : values) {
            double d = number(v).doubleValue() - mean;
            s += d * d;
        }
        return s / values.size();
    }

    private static Object extreme(List<Object> values, int sign) {
        Object best = values.get(0);
        for (Object v : values) {
            if (Values.compare(v, best) * sign > 0) {
                best = v;
            }
        }
        return best;
    }

    private static List<Object> sorted(List<Object> values) {
        List<Object> sorted = new ArrayList<>(values);
        sorted.sort(Values::compare);
        return sorted;
    }

    private static List<Object> top(List<Object> values, long n, boolean largest) {
        List<Object> sorted = sorted(values);
        if (largest) {
            Collections.reverse(sorted);
        }
        return List.copyOf(sorted.subList(0, (int) Math.min(n, sorted.size())));
    }

    private static List<Object> rand(List<Object> values, long n) {
        List<Object> out = new ArrayList<>();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (long i = 0; i < n; i++) {
            out.add(values.get(r.nextInt(values.size())));
        }
        return EdnList.from(out);
    }

    private static List<Object> sample(List<Object> values, long n) {
        List<Object> pool = new ArrayList<>(new HashSet<>(values));
        Collections.shuffle(pool, ThreadLocalRandom.current());
        return List.copyOf(pool.subList(0, (int) Math.min(n, pool.size())));
    }
}
