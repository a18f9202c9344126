package io.chronon.query;

import io.chronon.db.DbValue;
import io.chronon.db.Values;
import io.chronon.edn.Symbol;
import io.chronon.pull.Pull;
import io.chronon.query.Query.FindAggregate;
import io.chronon.query.Query.FindElement;
import io.chronon.query.Query.FindKind;
import io.chronon.query.Query.FindPull;
import io.chronon.query.Query.OrderKey;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

/**
 * Turns the final bindings into the value Datomic's Java API returns for the find spec:
 * a relation is a {@code Set<List>} (a {@code List<List>} with {@code :with}, aggregates or
 * {@code :order-by}); a collection a {@code List}; a tuple a {@code List} or null; a scalar
 * the value or null; {@code :keys}/{@code :strs}/{@code :syms} rows become maps.
 */
final class Results {
    private Results() {
    }

    /** The variables the result needs from the bindings: find variables, then :with ones. */
    static Symbol[] columns(Query q) {
        Set<Symbol> cols = new LinkedHashSet<>();
        for (FindElement el : q.find().elements()) {
            cols.add(el.var());
        }
        cols.addAll(q.with());
        return cols.toArray(new Symbol[0]);
    }

    static Object shape(Query q, Relation rel, Context ctx, int limit, int offset) {
        Symbol[] cols = columns(q);
        for (Symbol c : cols) {
            if (!rel.has(c)) {
                if (rel.size > 0) {
                    throw QueryParser.error("db.error/insufficient-binding", "[" + c + "] was not bound by any clause",
                            q.form());
                }
                rel = Relation.empty(cols);
                break;
            }
        }
        List<FindElement> els = q.find().elements();
        int[] elCol = new int[els.size()];
        boolean aggregate = false;
        boolean pull = false;
        for (int i = 0; i < els.size(); i++) {
            elCol[i] = Arrays.asList(cols).indexOf(els.get(i).var());
            aggregate |= els.get(i) instanceof FindAggregate;
            pull |= els.get(i) instanceof FindPull;
        }
        boolean bag = !q.with().isEmpty();
        boolean plainRelation = q.find().kind() == FindKind.RELATION && !aggregate && !pull && !bag
                && q.orderBy().isEmpty() && q.returnMap() == null;
        if (plainRelation) {
            // the result set removes duplicates itself: no projection needed
            return relationSet(rel, els, limit, offset);
        }
        Relation base = rel.project(cols);
        if (base == rel) {
            base = base.distinct();
        }
        List<Object[]> rows;
        if (aggregate) {
            rows = aggregate(q, base, elCol);
        } else {
            rows = new ArrayList<>(base.size);
            for (int r = 0; r < base.size; r++) {
                Object[] row = new Object[els.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = base.get(r, elCol[i]);
                }
                rows.add(row);
            }
        }
        if (pull) {
            pull(q, rows, ctx);
        }
        if (!q.orderBy().isEmpty()) {
            List<OrderKey> keys = q.orderBy();
            rows.sort((x, y) -> {
                for (OrderKey k : keys) {
                    int c = Values.compare(x[k.findIndex()], y[k.findIndex()]);
                    if (c != 0) {
                        return k.descending() ? -c : c;
                    }
                }
                return 0;
            });
        }
        switch (q.find().kind()) {
            case SCALAR:
                rows = page(rows, limit, offset);
                return rows.isEmpty() ? null : rows.get(0)[0];
            case TUPLE:
                rows = page(rows, limit, offset);
                if (rows.isEmpty()) {
                    return null;
                }
                return q.returnMap() != null ? toMap(q, rows.get(0)) : new Row(rows.get(0));
            case COLLECTION: {
                rows = page(rows, limit, offset);
                List<Object> out = new ArrayList<>(rows.size());
                for (Object[] row : rows) {
                    out.add(row[0]);
                }
                return Collections.unmodifiableList(out);
            }
            default:
                break;
        }
        rows = page(rows, limit, offset);
        List<Object> out = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            out.add(q.returnMap() != null ? toMap(q, row) : new Row(row));
        }
        return Collections.unmodifiableList(out);
    }

    private static Set<List<Object>> relationSet(Relation rel, List<FindElement> els, int limit, int offset) {
        int[] cols = new int[els.size()];
        boolean[] covered = new boolean[rel.arity];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = rel.col(els.get(i).var());
            covered[cols[i]] = true;
        }
        boolean distinct = rel.distinct;
        for (int c = rel.constPrefix; c < rel.arity && distinct; c++) {
            distinct = covered[c];
        }
        if (distinct && limit < 0 && offset == 0) {
            // no two rows can be equal: no need to hash them all into a set
            Row[] rows = new Row[rel.size];
            for (int r = 0; r < rel.size; r++) {
                Object[] row = new Object[cols.length];
                int base = r * rel.arity;
                for (int i = 0; i < cols.length; i++) {
                    row[i] = rel.data[base + cols[i]];
                }
                rows[r] = new Row(row);
            }
            return new DistinctRows(rows);
        }
        Set<List<Object>> all = new HashSet<>(rel.size * 4 / 3 + 1);
        for (int r = 0; r < rel.size; r++) {
            Object[] row = new Object[cols.length];
            int base = r * rel.arity;
            for (int i = 0; i < cols.length; i++) {
                row[i] = rel.data[base + cols[i]];
            }
            all.add(new Row(row));
        }
        if (limit < 0 && offset == 0) {
            return Collections.unmodifiableSet(all);
        }
        Set<List<Object>> out = new LinkedHashSet<>();
        int i = 0;
        for (List<Object> row : all) {
            if (limit >= 0 && out.size() >= limit) {
                break;
            }
            if (i++ >= offset) {
                out.add(row);
            }
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * An unmodifiable set of rows known to be distinct: built without hashing; a hash index
     * for {@code contains} is made on first use.
     */
    static final class DistinctRows extends java.util.AbstractSet<List<Object>> {
        private final Row[] rows;
        private volatile Set<List<Object>> index;

        DistinctRows(Row[] rows) {
            this.rows = rows;
        }

        @Override
        public java.util.Iterator<List<Object>> iterator() {
            return Collections.<List<Object>>unmodifiableList(Arrays.asList(rows)).iterator();
        }

        @Override
        public int size() {
            return rows.length;
        }

        @Override
        public boolean contains(Object o) {
            Set<List<Object>> i = index;
            if (i == null) {
                i = new HashSet<>(Arrays.asList(rows));
                index = i;
            }
            return i.contains(o);
        }
    }

    private static List<Object[]> page(List<Object[]> rows, int limit, int offset) {
        int from = Math.min(offset, rows.size());
        int to = limit < 0 ? rows.size() : (int) Math.min((long) from + limit, rows.size());
        return from == 0 && to == rows.size() ? rows : rows.subList(from, to);
    }

    private static Map<Object, Object> toMap(Query q, Object[] row) {
        Map<Object, Object> m = new LinkedHashMap<>();
        List<Object> keys = q.returnMap().keys();
        for (int i = 0; i < row.length; i++) {
            m.put(keys.get(i), row[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    private static List<Object[]> aggregate(Query q, Relation base, int[] elCol) {
        List<FindElement> els = q.find().elements();
        List<Integer> groupEls = new ArrayList<>();
        List<Integer> aggEls = new ArrayList<>();
        for (int i = 0; i < els.size(); i++) {
            (els.get(i) instanceof FindAggregate ? aggEls : groupEls).add(i);
        }
        int[] groupCols = new int[groupEls.size()];
        for (int i = 0; i < groupCols.length; i++) {
            groupCols[i] = elCol[groupEls.get(i)];
        }
        int[] aggCols = new int[aggEls.size()];
        for (int j = 0; j < aggCols.length; j++) {
            aggCols[j] = elCol[aggEls.get(j)];
        }
        // the group key: the value itself for one grouping variable, else a row of them
        Map<Object, List<Object>[]> groups = new LinkedHashMap<>();
        for (int r = 0; r < base.size; r++) {
            Object key;
            if (groupCols.length == 0) {
                key = Boolean.TRUE;
            } else if (groupCols.length == 1) {
                key = base.get(r, groupCols[0]);
            } else {
                Object[] k = new Object[groupCols.length];
                for (int i = 0; i < k.length; i++) {
                    k[i] = base.get(r, groupCols[i]);
                }
                key = new Row(k);
            }
            List<Object>[] bags = groups.get(key);
            if (bags == null) {
                @SuppressWarnings("unchecked")
                List<Object>[] fresh = new List[aggCols.length];
                for (int j = 0; j < fresh.length; j++) {
                    fresh[j] = new ArrayList<>();
                }
                bags = fresh;
                groups.put(key, bags);
            }
            for (int j = 0; j < aggCols.length; j++) {
                bags[j].add(base.get(r, aggCols[j]));
            }
        }
        List<Object[]> rows = new ArrayList<>(groups.size());
        for (Map.Entry<Object, List<Object>[]> g : groups.entrySet()) {
            Object[] row = new Object[els.size()];
            for (int i = 0; i < groupEls.size(); i++) {
                row[groupEls.get(i)] = groupCols.length == 1 ? g.getKey() : ((Row) g.getKey()).get(i);
            }
            for (int j = 0; j < aggEls.size(); j++) {
                FindAggregate a = (FindAggregate) els.get(aggEls.get(j));
                row[aggEls.get(j)] = Aggregates.compute(a.fn(), a.args(), g.getValue()[j], a.form());
            }
            rows.add(row);
        }
        return rows;
    }

    private static void pull(Query q, List<Object[]> rows, Context ctx) {
        List<FindElement> els = q.find().elements();
        for (int i = 0; i < els.size(); i++) {
            if (!(els.get(i) instanceof FindPull p)) {
                continue;
            }
            Object pattern = p.pattern() != null ? p.pattern() : ctx.patterns.get(p.patternVar());
            if (pattern instanceof String s) {
                pattern = QueryParser.readEdn(s, "pull pattern");
            }
            Symbol srcName = p.src() != null ? p.src() : Query.DEFAULT_SOURCE;
            Object src = ctx.source(srcName);
            if (!(src instanceof DbValue db)) {
                throw QueryParser.error("db.error/invalid-data-source", "pull needs a database, " + srcName + " is "
                        + Builtins.typeName(src), p);
            }
            Object compiled = Pull.compile(pattern);
            Map<Object, Object> cache = new HashMap<>();
            for (Object[] row : rows) {
                ctx.tick();
                Object e = row[i];
                Object pulled;
                if (cache.containsKey(e)) {
                    pulled = cache.get(e);
                } else {
                    pulled = Pull.pull(db, compiled, e);
                    cache.put(e, pulled);
                }
                row[i] = pulled;
            }
        }
    }

    /**
     * One result tuple: an immutable list over an array, equal to any list with equal
     * elements, with its hash computed once.
     */
    static final class Row extends AbstractList<Object> implements RandomAccess {
        private final Object[] values;
        private int hash;

        Row(Object[] values) {
            this.values = values;
        }

        @Override
        public Object get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }

        @Override
        public int hashCode() {
            int h = hash;
            if (h == 0) {
                h = 1;
                for (Object v : values) {
                    h = 31 * h + (v == null ? 0 : v.hashCode());
                }
                hash = h;
            }
            return h;
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof Row r) {
                return hashCode() == r.hashCode() && Arrays.equals(values, r.values);
            }
            return super.equals(o);
        }
    }
}
