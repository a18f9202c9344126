package io.chronon.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The reference answers of WORKLOAD.md §3.4, which Datomic gave: order-independent and
 * expressed through {@code :id}, so they can be checked on any system's result.
 */
final class ReferenceAnswers {
    private ReferenceAnswers() {
    }

    /**
     * Checks a query result against its reference answer; null when it matches (or there
     * is no reference for this data set), else what differs.
     */
    static String check(QueryBench.Check check, int reference, Object result, Function<Object, Object> idOf) {
        if (reference != 20_000 && reference != 200_000) {
            return null;
        }
        boolean big = reference == 200_000;
        Collection<?> rows = (Collection<?>) result;
        return switch (check) {
            case NONE -> null;
            case AGG_BY_SEX -> aggBySex(rows, big
                    ? new Object[][] {{"female", 100125, 49.38796504369538, 99998}, {"male", 99875, 49.519729662077594, 99995}}
                    : new Object[][] {{"female", 9945, 49.23559577677225, 99997}, {"male", 10055, 49.54012928891099, 99995}});
            case ASOF_AGG_BY_SEX -> aggBySex(rows, big
                    ? new Object[][] {{"female", 49931, 49.388155654803626, 99997}, {"male", 50069, 49.484671153807746, 99995}}
                    : new Object[][] {{"female", 4991, 49.01222199959928, 99997}, {"male", 5009, 49.58195248552605, 99995}});
            case AGG_WITH_SUM -> aggWithSum(rows, big
                    ? new long[] {1668871843L, 1677624084L, 1654661783L, 1661962462L, 1669947709L, 1657336178L}
                    : new long[] {167240932L, 167473289L, 167048136L, 165317392L, 169455532L, 166883603L});
            case Q4 -> {
                long sumId = 0;
                long sumAge = 0;
                for (Object r : rows) {
                    List<?> row = (List<?>) r;
                    sumId += num(idOf.apply(row.get(0)));
                    sumAge += num(row.get(2));
                }
                yield expect("q4 rows (sum :id, sum age, count)",
                        big ? new long[] {1250115937L, 620285L, 12534L} : new long[] {12117793L, 60148L, 1226L},
                        new long[] {sumId, sumAge, rows.size()});
            }
            case QPRED1 -> {
                long sumId = 0;
                for (Object r : rows) {
                    sumId += num(idOf.apply(((List<?>) r).get(0)));
                }
                yield expect("qpred1 rows (sum :id, count)",
                        big ? new long[] {9987972397L, 100032L} : new long[] {101180693L, 10080L},
                        new long[] {sumId, rows.size()});
            }
            case REACH_100 -> {
                long sumId = 0;
                for (Object r : rows) {
                    sumId += num(idOf.apply(((List<?>) r).get(0)));
                }
                yield expect("rule-reach-100 (count, sum :id of ?y)",
                        big ? new long[] {84L, 8413026L} : new long[] {156L, 1611489L},
                        new long[] {rows.size(), sumId});
            }
            case CLOSURE -> {
                if (big) {
                    yield null;
                }
                long sum = 0;
                for (Object r : rows) {
                    List<?> row = (List<?>) r;
                    sum += 31 * num(idOf.apply(row.get(0))) + num(idOf.apply(row.get(1)));
                }
                yield expect("rule-closure (pairs, sum 31*from+to)", new long[] {20562L, 6601065371L},
                        new long[] {rows.size(), sum});
            }
        };
    }

    /**
     * Checks {@code (pull db '[*] [:id 1])}: the person's six attributes, {@code :db/id},
     * and {@code :follows} (a list of {@code {:db/id ...}} maps) at 20k but not at 200k.
     */
    static String checkPullPerson1(int reference, Map<?, ?> pulled) {
        if (reference != 20_000 && reference != 200_000) {
            return null;
        }
        Map<String, Object> m = new TreeMap<>();
        pulled.forEach((k, v) -> m.put(String.valueOf(k), v));
        List<String> bad = new ArrayList<>();
        expectEntry(m, ":id", 1L, bad);
        expectEntry(m, ":name", "Denis", bad);
        expectEntry(m, ":last-name", "Sidorov", bad);
        expectEntry(m, ":sex", ":male", bad);
        expectEntry(m, ":age", 1L, bad);
        expectEntry(m, ":salary", 96434L, bad);
        if (!(m.get(":db/id") instanceof Number)) {
            bad.add(":db/id missing");
        }
        Object follows = m.get(":follows");
        if (reference == 20_000) {
            if (!(follows instanceof Collection<?> c) || c.isEmpty()
                    || !(c.iterator().next() instanceof Map<?, ?> f && f.size() == 1
                    && String.valueOf(f.keySet().iterator().next()).equals(":db/id"))) {
                bad.add(":follows should be [{:db/id ...} ...], got " + follows);
            }
        } else if (follows != null) {
            bad.add(":follows should be absent, got " + follows);
        }
        int keys = reference == 20_000 ? 8 : 7;
        if (m.size() != keys) {
            bad.add("expected " + keys + " keys, got " + m.keySet());
        }
        return bad.isEmpty() ? null : "pull [*] [:id 1]: " + String.join("; ", bad);
    }

    private static void expectEntry(Map<String, Object> m, String key, Object want, List<String> bad) {
        Object got = m.get(key);
        Object norm = got instanceof Number n ? (Object) n.longValue() : got == null ? null : got instanceof String ? got
                : String.valueOf(got);
        if (!want.equals(norm)) {
            bad.add(key + " should be " + want + ", got " + got);
        }
    }

    private static String aggBySex(Collection<?> rows, Object[][] want) {
        Map<String, List<?>> bySex = new TreeMap<>();
        for (Object r : rows) {
            List<?> row = (List<?>) r;
            String sex = String.valueOf(row.get(0));
            bySex.put(sex.startsWith(":") ? sex.substring(1) : sex, row);
        }
        List<String> bad = new ArrayList<>();
        if (rows.size() != want.length) {
            bad.add("expected " + want.length + " rows, got " + rows.size());
        }
        for (Object[] w : want) {
            List<?> row = bySex.get((String) w[0]);
            if (row == null || row.size() != 4) {
                bad.add("no row for :" + w[0]);
                continue;
            }
            // averages agree to 1e-9, not bit for bit: the systems may sum in different orders
            double avg = ((Number) row.get(2)).doubleValue();
            double wantAvg = (Double) w[2];
            if (num(row.get(1)) != ((Integer) w[1]) || Math.abs(avg - wantAvg) > 1e-9 * Math.abs(wantAvg)
                    || num(row.get(3)) != ((Integer) w[3])) {
                bad.add(String.format(Locale.ROOT, "expected [:%s %d %s %d], got %s", w[0], w[1], w[2], w[3], row));
            }
        }
        return bad.isEmpty() ? null : "agg-by-sex: " + String.join("; ", bad);
    }

    private static String aggWithSum(Collection<?> rows, long[] want) {
        String[] names = {"Ivanov", "Kovalev", "Kuznetsov", "Petrov", "Sidorov", "Voronoi"};
        Map<String, Long> got = new TreeMap<>();
        for (Object r : rows) {
            List<?> row = (List<?>) r;
            got.put(String.valueOf(row.get(0)), num(row.get(1)));
        }
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < names.length; i++) {
            expected.put(names[i], want[i]);
        }
        return got.equals(expected) ? null : "agg-with-sum: expected " + expected + ", got " + got;
    }

    private static String expect(String what, long[] want, long[] got) {
        return java.util.Arrays.equals(want, got) ? null
                : what + ": expected " + java.util.Arrays.toString(want) + ", got " + java.util.Arrays.toString(got);
    }

    private static long num(Object o) {
        return o == null ? Long.MIN_VALUE : ((Number) o).longValue();
    }
}
