package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexRange;
import io.chronon.db.IndexType;
import io.chronon.db.ValueType;
import io.chronon.db.Values;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.query.Query.DataPattern;
import io.chronon.query.Query.Predicate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static io.chronon.db.IndexRange.A;
import static io.chronon.db.IndexRange.ADDED;
import static io.chronon.db.IndexRange.E;
import static io.chronon.db.IndexRange.TX;
import static io.chronon.db.IndexRange.V;

/**
 * One data pattern compiled against the variables bound so far: which terms are constants
 * (resolved: idents to ids, values coerced to the attribute's type), which are bound by the
 * current relation, which it binds. It estimates its own cost from index counts and runs as
 * an index scan, a per-row index lookup, or a scan hash-joined with the relation.
 */
final class PatternMatcher {
    private static final int BLANK = 0;
    private static final int CONST = 1;
    private static final int BOUND = 2;
    private static final int FREE = 3;
    private static final int DUP = 4;

    /** Cost of one index seek, in units of one datom scanned. */
    static final double SEEK_COST = 12;
    private static final int SAMPLES = 8;

    /** How the pattern joins the relation. */
    enum Strategy { SCAN, LOOKUP, HASH }

    final DataPattern pattern;
    private final Context ctx;
    final Object source;
    final DbValue db;
    private final int[] kind = new int[5];
    private final Object[] constant = new Object[5];
    private final int[] col = new int[5];
    /** The attribute when it is a constant. */
    final Attribute attr;
    /** A constant that can never match (a value of the wrong type, an id that is no attribute). */
    boolean impossible;
    Object rangeLo;
    Object rangeHi;
    private boolean loExclusive;
    private boolean hiExclusive;
    /** The comparisons this pattern's range enforces exactly; they need not run again. */
    final List<Predicate> pushed = new ArrayList<>();
    final Symbol[] outVars;
    private final int[] outPos;
    private final boolean hasBound;

    // the estimate chosen by estimate()
    Strategy strategy;
    double estimatedRows;
    double cost;
    long constCount = -1;

    PatternMatcher(DataPattern p, Relation rel, Context ctx, Symbol defaultSource) {
        this.pattern = p;
        this.ctx = ctx;
        Symbol srcName = p.src() != null ? p.src() : defaultSource;
        this.source = ctx.source(srcName);
        this.db = source instanceof DbValue d ? d : null;
        if (db == null && !(source instanceof Collection<?>)) {
            throw QueryParser.error("db.error/invalid-data-source", "Data source " + srcName
                    + " must be a database or a collection of tuples, got " + Builtins.typeName(source), p.form());
        }
        Object[] terms = p.terms();
        List<Symbol> outs = new ArrayList<>();
        List<Integer> outP = new ArrayList<>();
        boolean bound = false;
        for (int i = 0; i < 5; i++) {
            Object t = terms[i];
            if (t == null) {
                kind[i] = BLANK;
            } else if (t instanceof Symbol s) {
                int c = rel.col(s);
                if (c >= 0) {
                    kind[i] = BOUND;
                    col[i] = c;
                    bound = true;
                } else {
                    int first = outs.indexOf(s);
                    if (first >= 0) {
                        kind[i] = DUP;
                        col[i] = outP.get(first);
                    } else {
                        kind[i] = FREE;
                        col[i] = outs.size();
                        outs.add(s);
                        outP.add(i);
                    }
                }
            } else {
                kind[i] = CONST;
                constant[i] = Query.Quoted.value(t);
            }
        }
        hasBound = bound;
        outVars = outs.toArray(new Symbol[0]);
        outPos = outP.stream().mapToInt(Integer::intValue).toArray();
        attr = db != null && kind[A] == CONST ? resolveAttribute(constant[A]) : null;
        if (db != null) {
            resolveConstants();
        }
    }

    // ================================================================== resolution

    private Attribute resolveAttribute(Object a) {
        if (a instanceof Keyword k) {
            Attribute at = db.attribute(k);
            if (at == null) {
                throw ChrononException.incorrect("db.error/not-an-entity", "Unable to resolve entity: " + k
                        + " in data pattern " + QueryParser.show(pattern.form()), pattern.form());
            }
            return at;
        }
        if (a instanceof Long id) {
            Attribute at = db.schema().attribute(id);
            if (at == null) {
                impossible = true;
            }
            return at;
        }
        impossible = true;
        return null;
    }

    private void resolveConstants() {
        if (attr != null) {
            constant[A] = attr.id();
        }
        if (kind[E] == CONST) {
            constant[E] = entityId(constant[E], true);
            if (constant[E] == null) {
                impossible = true;
            }
        }
        if (kind[V] == CONST) {
            constant[V] = value(constant[V], true);
            if (constant[V] == null) {
                impossible = true;
            }
        }
        if (kind[TX] == CONST) {
            constant[TX] = txId(constant[TX]);
            if (constant[TX] == null) {
                impossible = true;
            }
        }
    }

    /** An entity id for an id, ident or lookup ref; null if it can never match. */
    private Long entityId(Object v, boolean strict) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Keyword || v instanceof List<?>) {
            Long id;
            try {
                id = db.entid(v);
            } catch (ChrononException e) {
                throw e;
            } catch (RuntimeException e) {
                id = null;
            }
            if (id == null && strict) {
                throw ChrononException.incorrect("db.error/not-an-entity", "Cannot resolve key: " + QueryParser.show(v)
                        + " in data pattern " + QueryParser.show(pattern.form()), v);
            }
            return id;
        }
        if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float) && !(v instanceof BigDecimal)) {
            return n.longValue();
        }
        return null;
    }

    /** A value in the form stored for this pattern's attribute; null if it can never match. */
    private Object value(Object v, boolean strict) {
        if (attr == null) {
            return v;
        }
        if (attr.isRef()) {
            return entityId(v, strict);
        }
        return attr.valueType().coerce(v, ValueType.Coercion.QUERY);
    }

    private static Long txId(Object v) {
        if (v instanceof Long n) {
            return Ids.tToTx(Ids.txToT(n));
        }
        return null;
    }

    /**
     * Normalizes a value bound by the relation for position {@code pos}; null if it can never
     * match. An ident or lookup ref that resolves to nothing is an error when it came from an
     * input (as in Datomic) and simply matches nothing when a clause bound it, so that the
     * answer does not depend on the order the planner chose.
     */
    private Object normalize(int pos, Object v) {
        if (db == null) {
            return v;
        }
        boolean strict = ctx.inputVars.contains(pattern.terms()[pos]);
        switch (pos) {
            case E:
                return entityId(v, strict);
            case A:
                if (v instanceof Long id) {
                    return db.schema().attribute(id) == null ? null : id;
                }
                if (v instanceof Keyword k) {
                    Attribute at = db.attribute(k);
                    return at == null ? null : at.id();
                }
                return null;
            case V:
                if (attr == null && kind[A] == BOUND) {
                    return v;
                }
                return value(v, strict);
            case TX:
                return txId(v);
            default:
                return v instanceof Boolean ? v : null;
        }
    }

    Relation.HashIndex.Normalizer normalizer(int pos) {
        return v -> normalize(pos, v);
    }

    // ================================================================== range push-down

    /**
     * Takes range bounds on the value from comparison predicates such as
     * {@code [(> ?v 50000)]} whose other side is a constant or a variable with one value in
     * the relation. The predicates stay pending and still filter; the range only narrows
     * the index scan.
     */
    void pushRanges(List<Predicate> predicates, Relation rel) {
        if (db == null || attr == null || kind[V] != FREE || !rangeable(attr.valueType())) {
            return;
        }
        Symbol v = (Symbol) pattern.terms()[V];
        for (Predicate p : predicates) {
            String op = p.fn().name();
            if (p.fn().namespace() != null || p.args().size() != 2
                    || !(op.equals("<") || op.equals(">") || op.equals("<=") || op.equals(">="))) {
                continue;
            }
            Object x = p.args().get(0);
            Object y = p.args().get(1);
            Object other;
            boolean varFirst;
            if (x == v && y != v) {
                other = y;
                varFirst = true;
            } else if (y == v && x != v) {
                other = x;
                varFirst = false;
            } else {
                continue;
            }
            if (Query.isVar(other)) {
                int c = rel.col((Symbol) other);
                if (c < 0 || rel.size != 1) {
                    continue;
                }
                other = rel.get(0, c);
            } else if (other instanceof Symbol) {
                continue;
            }
            if (!compatible(attr.valueType(), other)) {
                continue;
            }
            // ?v > c or c < ?v: lower bound; ?v < c or c > ?v: upper bound
            boolean lower = varFirst == (op.charAt(0) == '>');
            boolean strict = op.length() == 1;
            if (lower) {
                int c = rangeLo == null ? 1 : Values.compare(other, rangeLo);
                if (c > 0) {
                    rangeLo = other;
                    loExclusive = strict;
                } else if (c == 0) {
                    loExclusive |= strict;
                }
            } else {
                int c = rangeHi == null ? -1 : Values.compare(other, rangeHi);
                if (c < 0) {
                    rangeHi = other;
                    hiExclusive = strict;
                } else if (c == 0) {
                    hiExclusive |= strict;
                }
            }
            // the index orders values with Values.compare, as the comparison predicates do
            pushed.add(p);
        }
    }

    /** The exclusive ends of the range (the inclusive ones are the index bounds). */
    private boolean inRange(Object v) {
        return !(loExclusive && Values.compare(v, rangeLo) == 0) && !(hiExclusive && Values.compare(v, rangeHi) == 0);
    }

    private static boolean rangeable(ValueType t) {
        return switch (t) {
            case LONG, DOUBLE, FLOAT, BIGINT, BIGDEC, STRING, INSTANT, KEYWORD -> true;
            default -> false;
        };
    }

    private static boolean compatible(ValueType t, Object c) {
        return switch (t) {
            case LONG, DOUBLE, FLOAT, BIGINT, BIGDEC -> c instanceof Long || c instanceof Double || c instanceof Float
                    || c instanceof BigInteger || c instanceof BigDecimal;
            case STRING -> c instanceof String;
            case INSTANT -> c instanceof Date;
            case KEYWORD -> c instanceof Keyword;
            default -> false;
        };
    }

    boolean hasRange() {
        return rangeLo != null || rangeHi != null;
    }

    // ================================================================== access paths

    /** The index range for the known terms {@code known} (null = unknown) and this pattern's range. */
    private IndexRange access(Object[] known) {
        return IndexRange.forKnown(known, rangeLo, rangeHi);
    }

    /** The constant terms as known values (null where not constant). */
    private Object[] constants() {
        Object[] known = new Object[5];
        for (int i = 0; i < 5; i++) {
            if (kind[i] == CONST) {
                known[i] = constant[i];
            }
        }
        return known;
    }

    /** Fills the bound terms of row {@code r}; false if one can never match. */
    private boolean bindRow(Object[] known, Relation rel, int r) {
        for (int i = 0; i < 5; i++) {
            if (kind[i] == BOUND) {
                Object v = normalize(i, rel.get(r, col[i]));
                if (v == null) {
                    return false;
                }
                known[i] = v;
            }
        }
        return true;
    }

    // ================================================================== estimates

    /** Estimates the rows and cost of joining this pattern to {@code rel} and picks a strategy. */
    void estimate(Relation rel, Map<DataPattern, Long> constCounts) {
        int n = rel.size;
        if (impossible || n == 0) {
            strategy = Strategy.SCAN;
            estimatedRows = 0;
            cost = 0;
            return;
        }
        Long cached = hasRange() ? null : constCounts.get(pattern);
        long c = cached != null ? cached : constCount();
        if (cached == null && !hasRange()) {
            constCounts.put(pattern, c);
        }
        constCount = c;
        if (!hasBound || db == null) {
            strategy = hasBound ? Strategy.HASH : Strategy.SCAN;
            estimatedRows = hasBound ? Math.min((double) n * c, Math.max(n, c)) : (double) n * c;
            cost = c + estimatedRows + (hasBound ? 2.0 * n : 0);
            return;
        }
        double fanout;
        if (onlyEntityBound()) {
            // at most one current value per entity: the share of the attribute's datoms the constants keep
            IndexRange attrRange = IndexRange.on(IndexType.AEVT).a(attr.id()).build();
            long all = db.count(IndexType.AEVT, attrRange.from(), attrRange.to());
            fanout = all == 0 ? 0 : Math.min(1.0, (double) c / all);
        } else {
            int samples = Math.min(SAMPLES, n);
            long total = 0;
            int counted = 0;
            Object[] known = constants();
            for (int s = 0; s < samples; s++) {
                int r = (int) ((long) s * n / samples);
                if (!bindRow(known, rel, r)) {
                    counted++;
                    continue;
                }
                IndexRange acc = access(known);
                total += db.count(acc.index(), acc.from(), acc.to());
                counted++;
            }
            fanout = counted == 0 ? 0 : (double) total / counted;
        }
        estimatedRows = n * fanout;
        double lookup = n * (SEEK_COST + fanout);
        double hash = c + 2.0 * n + estimatedRows;
        if (lookup <= hash) {
            strategy = Strategy.LOOKUP;
            cost = lookup;
        } else {
            strategy = Strategy.HASH;
            cost = hash;
        }
    }

    /** True for {@code [?e :card-one-attr ...]} with only the entity bound, in a view without history. */
    private boolean onlyEntityBound() {
        if (attr == null || attr.many() || db.isHistory() || kind[E] != BOUND) {
            return false;
        }
        for (int i = 1; i < 5; i++) {
            if (kind[i] == BOUND) {
                return false;
            }
        }
        return true;
    }

    /** The number of datoms matching the constants (and range) alone. */
    long constCount() {
        if (impossible) {
            return 0;
        }
        if (db == null) {
            return ((Collection<?>) source).size();
        }
        IndexRange acc = access(constants());
        return db.count(acc.index(), acc.from(), acc.to());
    }

    /** The index and bounds the constant scan uses, for explain. */
    String describeAccess() {
        if (db == null) {
            return "collection";
        }
        Object[] known = constants();
        boolean perRow = strategy == Strategy.LOOKUP;
        if (perRow) {
            for (int i = 0; i < 5; i++) {
                if (kind[i] == BOUND) {
                    known[i] = 0L; // a placeholder: only which terms are known decides the index
                }
            }
        }
        IndexRange acc = access(known);
        StringBuilder sb = new StringBuilder(acc.index().name()).append(" [");
        for (int j = 0; j < 4; j++) {
            int pos = IndexRange.component(acc.index(), j);
            if (j > 0) {
                sb.append(' ');
            }
            if (pos == A && attr != null) {
                sb.append(attr.ident());
            } else if (perRow && kind[pos] == BOUND) {
                sb.append('?');
            } else if (known[pos] != null) {
                sb.append(QueryParser.show(known[pos]));
            } else if (pos == V && hasRange()) {
                sb.append(rangeLo == null ? "" : (loExclusive ? "(" : "[") + QueryParser.show(rangeLo)).append("..")
                        .append(rangeHi == null ? "" : QueryParser.show(rangeHi) + (hiExclusive ? ")" : "]"));
            } else {
                sb.append('_');
            }
        }
        return sb.append(']').toString();
    }

    // ================================================================== execution

    /** Joins this pattern to {@code rel} with the chosen strategy. */
    Relation apply(Relation rel) {
        Symbol[] vars = Relation.concat(rel.vars, List.of(outVars));
        if (impossible || rel.size == 0) {
            return Relation.empty(vars);
        }
        if (db == null) {
            return Executor.join(rel, collectionScan(), ctx);
        }
        Strategy s = strategy == null ? (hasBound ? Strategy.LOOKUP : Strategy.SCAN) : strategy;
        return switch (s) {
            case SCAN -> scan(rel, vars);
            case LOOKUP -> lookup(rel, vars);
            case HASH -> hashJoin(rel, vars);
        };
    }

    private Relation scan(Relation rel, Symbol[] vars) {
        Object[] known = constants();
        IndexRange acc = access(known);
        Relation out = Relation.extending(rel, vars, (int) Math.min(Math.max(constCount, 16), 1 << 20), keepsDistinct());
        int n = rel.size;
        boolean range = hasRange();
        for (Datom d : db.slice(acc.index(), acc.from(), acc.to())) {
            ctx.tick();
            if (!acc.admits(d, known) || !dupsMatch(d) || range && !inRange(d.v())) {
                continue;
            }
            for (int r = 0; r < n; r++) {
                int base = out.addPrefix(rel, r);
                emit(out, base + rel.arity, d);
            }
        }
        return out;
    }

    private Relation lookup(Relation rel, Symbol[] vars) {
        Object[] known = constants();
        Relation out = Relation.extending(rel, vars, rel.size, keepsDistinct());
        boolean range = hasRange();
        // one current value per entity: fetch it without iterating
        boolean single = attr != null && !attr.many() && !db.isHistory() && kind[E] != FREE && kind[E] != BLANK;
        for (int r = 0; r < rel.size; r++) {
            ctx.tick();
            if (!bindRow(known, rel, r)) {
                continue;
            }
            IndexRange acc = access(known);
            if (single && acc.index() == IndexType.EAVT) {
                Datom d = db.first(acc.index(), acc.from(), acc.to());
                if (d != null && acc.admits(d, known) && dupsMatch(d) && (!range || inRange(d.v()))) {
                    int base = out.addPrefix(rel, r);
                    emit(out, base + rel.arity, d);
                }
                continue;
            }
            for (Datom d : db.slice(acc.index(), acc.from(), acc.to())) {
                if (!acc.admits(d, known) || !dupsMatch(d) || range && !inRange(d.v())) {
                    continue;
                }
                int base = out.addPrefix(rel, r);
                emit(out, base + rel.arity, d);
            }
        }
        return out;
    }

    private Relation hashJoin(Relation rel, Symbol[] vars) {
        int k = 0;
        for (int i = 0; i < 5; i++) {
            if (kind[i] == BOUND) {
                k++;
            }
        }
        int[] keyPos = new int[k];
        int[] cols = new int[k];
        Relation.HashIndex.Normalizer[] norms = new Relation.HashIndex.Normalizer[k];
        k = 0;
        for (int i = 0; i < 5; i++) {
            if (kind[i] == BOUND) {
                keyPos[k] = i;
                cols[k] = col[i];
                norms[k] = normalizer(i);
                k++;
            }
        }
        Relation.HashIndex index = new Relation.HashIndex(rel, cols, norms);
        Object[] known = constants();
        IndexRange acc = access(known);
        Relation out = Relation.extending(rel, vars, rel.size, keepsDistinct());
        boolean range = hasRange();
        for (Datom d : db.slice(acc.index(), acc.from(), acc.to())) {
            ctx.tick();
            if (!acc.admits(d, known) || !dupsMatch(d) || range && !inRange(d.v())) {
                continue;
            }
            int h = 1;
            for (int pos : keyPos) {
                h = h * 31 + hashAt(d, pos);
            }
            for (int r = index.first(h); r >= 0; r = index.next(r)) {
                if (!keysMatch(index, r, d, keyPos)) {
                    continue;
                }
                int base = out.addPrefix(rel, r);
                emit(out, base + rel.arity, d);
            }
        }
        return out;
    }

    /** Distinct datoms give distinct rows unless a blank hides what tells them apart. */
    private boolean keepsDistinct() {
        boolean history = db != null && db.isHistory();
        if (history) {
            return kind[E] != BLANK && kind[A] != BLANK && kind[V] != BLANK && kind[TX] != BLANK && kind[ADDED] != BLANK;
        }
        // an entity has at most one current value of a cardinality-one attribute
        boolean vKnown = kind[V] != BLANK || (attr != null && !attr.many());
        return kind[E] != BLANK && kind[A] != BLANK && vKnown;
    }

    private static int hashAt(Datom d, int pos) {
        return switch (pos) {
            case E -> Long.hashCode(d.e());
            case A -> Long.hashCode(d.a());
            case V -> Relation.hash(d.v());
            case TX -> Long.hashCode(d.tx());
            default -> Boolean.valueOf(d.added()).hashCode();
        };
    }

    private static boolean keysMatch(Relation.HashIndex index, int r, Datom d, int[] keyPos) {
        for (int i = 0; i < keyPos.length; i++) {
            boolean eq = switch (keyPos[i]) {
                case E -> index.keyEqualsLong(r, i, d.e());
                case A -> index.keyEqualsLong(r, i, d.a());
                case V -> index.keyEquals(r, i, d.v());
                case TX -> index.keyEqualsLong(r, i, d.tx());
                default -> index.keyEquals(r, i, d.added());
            };
            if (!eq) {
                return false;
            }
        }
        return true;
    }

    private boolean dupsMatch(Datom d) {
        for (int i = 0; i < 5; i++) {
            if (kind[i] == DUP && !Values.equal(valueAt(d, i), valueAt(d, outPos[col[i]]))) {
                return false;
            }
        }
        return true;
    }

    private static Object valueAt(Datom d, int pos) {
        return switch (pos) {
            case E -> d.e();
            case A -> d.a();
            case V -> d.v();
            case TX -> d.tx();
            default -> d.added();
        };
    }

    private void emit(Relation out, int at, Datom d) {
        Object[] data = out.data;
        for (int j = 0; j < outPos.length; j++) {
            data[at + j] = valueAt(d, outPos[j]);
        }
    }

    /** The tuples of a collection source matching the constants, as a relation over the pattern's variables. */
    private Relation collectionScan() {
        List<Symbol> vs = new ArrayList<>();
        List<Integer> ps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Object t = pattern.terms()[i];
            if (t instanceof Symbol s && !vs.contains(s)) {
                vs.add(s);
                ps.add(i);
            }
        }
        Relation out = new Relation(vs.toArray(new Symbol[0]), 16);
        int last = 0;
        for (int i = 0; i < 5; i++) {
            if (pattern.terms()[i] != null) {
                last = i + 1;
            }
        }
        for (Object o : (Collection<?>) source) {
            ctx.tick();
            List<?> tuple = o instanceof List<?> l ? l : o instanceof Object[] arr ? List.of(arr) : null;
            if (tuple == null || tuple.size() < last) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < last && ok; i++) {
                Object t = pattern.terms()[i];
                if (t == null) {
                    continue;
                }
                Object v = tuple.get(i);
                if (t instanceof Symbol s) {
                    int first = ps.get(vs.indexOf(s));
                    ok = first == i || Values.equal(tuple.get(first), v);
                } else {
                    ok = Values.equal(Query.Quoted.value(t), v);
                }
            }
            if (!ok) {
                continue;
            }
            int base = out.addRow();
            for (int j = 0; j < ps.size(); j++) {
                Object v = tuple.get(ps.get(j));
                out.data[base + j] = v instanceof Integer || v instanceof Short || v instanceof Byte
                        ? (Object) ((Number) v).longValue() : v;
            }
        }
        return out.distinct();
    }
}
