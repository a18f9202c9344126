package io.chronon.bench;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns either system's results into one comparable text, so that Chronon's and Datomic's
 * answers can be compared cell by cell. Entity ids differ between the systems, so entity
 * columns (and {@code :db/id} in pulls) are replaced by the person's {@code :id}; keywords
 * print as {@code :name} in both; collections other than tuples are sorted, since neither
 * system promises an order; doubles are rounded to 12 significant digits because the two
 * may sum in different orders.
 */
final class Canon {
    private Canon() {
    }

    /**
     * The rows of a query result as sorted canonical strings; {@code entityCols[i]} marks a
     * column holding entity ids, which {@code idOf} maps to the person's {@code :id}.
     */
    static List<String> rows(Object result, boolean[] entityCols, Function<Object, Object> idOf) {
        List<String> out = new ArrayList<>();
        for (Object row : (Collection<?>) result) {
            List<?> cells = (List<?>) row;
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < cells.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                Object cell = cells.get(i);
                if (i < entityCols.length && entityCols[i]) {
                    sb.append("#id ").append(of(idOf.apply(cell), idOf));
                } else {
                    sb.append(of(cell, idOf));
                }
            }
            out.add(sb.append(']').toString());
        }
        out.sort(null);
        return out;
    }

    /** The canonical text of a value; {@code :db/id} values go through {@code idOf}. */
    static String of(Object v, Function<Object, Object> idOf) {
        StringBuilder sb = new StringBuilder();
        write(v, idOf, sb);
        return sb.toString();
    }

    private static void write(Object v, Function<Object, Object> idOf, StringBuilder sb) {
        if (v == null) {
            sb.append("nil");
        } else if (v instanceof String s) {
            sb.append('"').append(s).append('"');
        } else if (v instanceof Double || v instanceof Float) {
            sb.append(new BigDecimal(((Number) v).doubleValue()).round(new java.math.MathContext(12)).stripTrailingZeros()
                    .toPlainString());
        } else if (v instanceof BigDecimal d) {
            sb.append(d.stripTrailingZeros().toPlainString()).append('M');
        } else if (v instanceof Number n && !(v instanceof BigInteger)) {
            sb.append(n.longValue());
        } else if (v instanceof Map<?, ?> m) {
            List<String> entries = new ArrayList<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                Object val = e.getValue();
                String text = key.equals(":db/id") ? "#id " + of(idOf.apply(val), idOf) : of(val, idOf);
                entries.add(key + " " + text);
            }
            entries.sort(null);
            sb.append('{').append(String.join(", ", entries)).append('}');
        } else if (v instanceof Collection<?> c) {
            List<String> items = new ArrayList<>(c.size());
            for (Object x : c) {
                items.add(of(x, idOf));
            }
            items.sort(null);
            sb.append('[').append(String.join(" ", items)).append(']');
        } else {
            // keywords of both systems print as :ns/name; anything else by its own text
            sb.append(String.valueOf(v));
        }
    }

    /**
     * Which find elements of a query are entity ids: plain variables named {@code ?e...},
     * {@code ?x} or {@code ?y} (the workload's naming); aggregates never are.
     */
    static boolean[] entityColumns(String query) {
        int start = query.indexOf(":find") + 5;
        int end = query.length();
        for (String kw : new String[] {":with", ":in", ":where"}) {
            int i = query.indexOf(kw, start);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        List<Boolean> cols = new ArrayList<>();
        String spec = query.substring(start, end).trim();
        int depth = 0;
        StringBuilder token = new StringBuilder();
        for (int i = 0; i <= spec.length(); i++) {
            char c = i < spec.length() ? spec.charAt(i) : ' ';
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (Character.isWhitespace(c) && depth == 0) {
                if (token.length() > 0) {
                    String t = token.toString();
                    cols.add(t.startsWith("?e") || t.equals("?x") || t.equals("?y"));
                    token.setLength(0);
                }
            } else {
                token.append(c);
            }
        }
        boolean[] out = new boolean[cols.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cols.get(i);
        }
        return out;
    }

    /** A short description of how two sorted row lists differ; null when they are equal. */
    static String diff(String labelA, List<String> a, String labelB, List<String> b) {
        if (a.equals(b)) {
            return null;
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s has %d rows, %s has %d", labelA, a.size(),
                labelB, b.size()));
        String onlyA = firstMissing(a, b);
        String onlyB = firstMissing(b, a);
        if (onlyA != null) {
            sb.append("; only in ").append(labelA).append(": ").append(clip(onlyA));
        }
        if (onlyB != null) {
            sb.append("; only in ").append(labelB).append(": ").append(clip(onlyB));
        }
        return sb.toString();
    }

    private static String firstMissing(List<String> sortedA, List<String> sortedB) {
        int j = 0;
        for (String x : sortedA) {
            while (j < sortedB.size() && sortedB.get(j).compareTo(x) < 0) {
                j++;
            }
            if (j >= sortedB.size() || !sortedB.get(j).equals(x)) {
                return x;
            }
            j++;
        }
        return null;
    }

    private static String clip(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }
}
