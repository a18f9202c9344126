package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.db.Values;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.query.Query.BindCollection;
import io.chronon.query.Query.BindScalar;
import io.chronon.query.Query.BindTuple;
import io.chronon.query.Query.Binding;
import io.chronon.query.Query.Clause;
import io.chronon.query.Query.DataPattern;
import io.chronon.query.Query.Function;
import io.chronon.query.Query.Not;
import io.chronon.query.Query.Predicate;
import io.chronon.query.Query.RuleCall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates a conjunction of clauses, choosing the order as it goes (the cost-based
 * planner): after each step it knows the actual bindings, so it estimates every clause that
 * could run next against them (index counts for data patterns, sampled per bound row) and
 * runs the cheapest. Filters (predicates, functions, not) run as soon as their variables are
 * bound; variables no later clause or output needs are projected away after every step, so
 * intermediate results stay small. The chosen order never depends on how the query was
 * written.
 */
final class Executor {
    private final Context ctx;
    /** The read's memory account, charged for the values functions make; null outside a node's read. */
    private final ReadMemory.Account memory = ReadMemory.current();

    Executor(Context ctx) {
        this.ctx = ctx;
    }

    /**
     * What to evaluate.
     *
     * @param clauses       the clauses of the conjunction
     * @param start         the bindings to start from
     * @param relations     further relations to join (inputs, rule seeds), as the planner sees fit
     * @param keep          the variables the caller reads from the result
     * @param defaultSource the source of clauses that name none
     * @param record        whether to record explain steps
     */
    record Scope(List<Clause> clauses, Relation start, List<Relation> relations, Set<Symbol> keep,
                 Symbol defaultSource, boolean record) {
    }

    /** One thing the planner can run next: a clause or a relation to join. */
    private static final class Item {
        final Clause clause;
        final Relation relation;
        final Set<Symbol> vars = new LinkedHashSet<>();

        Item(Clause clause) {
            this.clause = clause;
            this.relation = null;
            this.namesEntities = false;
            QueryParser.collectVars(clause, vars);
            if (clause instanceof Not n) {
                for (Clause c : n.body()) {
                    QueryParser.collectVars(c, vars);
                }
            }
        }

        Item(Relation relation) {
            this.clause = null;
            this.relation = relation;
            vars.addAll(List.of(relation.vars));
            namesEntities = holdsEntityNames(relation);
        }

        /**
         * True for an input relation holding lookup refs or idents: a clause sharing its
         * variables must see them as given (each clause resolves them against its own source,
         * and the binding keeps the form given, as in Datomic), so it is joined before any
         * clause binds those variables otherwise. Joining it after a pattern had bound the
         * variable to entity ids would compare {@code [:name "Ivan"]} with an id and match
         * nothing.
         */
        final boolean namesEntities;

        private static boolean holdsEntityNames(Relation r) {
            Object[] data = r.data;
            int n = r.size * r.arity;
            for (int i = 0; i < n; i++) {
                if (data[i] instanceof List<?> || data[i] instanceof Keyword) {
                    return true;
                }
            }
            return false;
        }

        Object form() {
            return clause != null ? clause.form() : Symbol.of("input-relation");
        }
    }

    Relation run(Scope scope) {
        Relation rel = scope.start();
        List<Item> pending = new ArrayList<>();
        for (Clause c : scope.clauses()) {
            pending.add(new Item(c));
        }
        for (Relation r : scope.relations()) {
            pending.add(new Item(r));
        }
        Map<DataPattern, Long> constCounts = new IdentityHashMap<>();
        rel = project(rel, pending, scope.keep());
        while (!pending.isEmpty()) {
            ctx.checkDeadline();
            if (rel.size == 0) {
                return emptyResult(rel, pending, scope.keep());
            }
            Item best = null;
            PatternMatcher bestPattern = null;
            double bestScore = Double.POSITIVE_INFINITY;
            double bestRows = 0;
            List<Predicate> predicates = new ArrayList<>();
            for (Item it : pending) {
                if (it.clause instanceof Predicate p) {
                    predicates.add(p);
                }
            }
            for (Item it : pending) {
                if (!ready(it, rel) || waitsForEntityNames(it, pending, rel)) {
                    continue;
                }
                Clause c = it.clause;
                if (c instanceof Predicate || c instanceof Function || c instanceof Not) {
                    best = it;
                    bestPattern = null;
                    bestRows = -1;
                    break;
                }
                double rows;
                double cost;
                PatternMatcher pm = null;
                if (c instanceof DataPattern p) {
                    pm = new PatternMatcher(p, rel, ctx, scope.defaultSource());
                    pm.pushRanges(predicates, rel);
                    pm.estimate(rel, constCounts);
                    rows = pm.estimatedRows;
                    cost = pm.cost;
                } else if (c instanceof RuleCall rc) {
                    double[] est = ctx.ruleEngine().estimate(rc, rel, scope.defaultSource(), constCounts);
                    rows = est[0];
                    cost = est[1];
                } else {
                    Relation r = it.relation;
                    boolean shared = false;
                    for (Symbol v : r.vars) {
                        shared |= rel.has(v);
                    }
                    rows = shared ? Math.min((double) rel.size * r.size, Math.max(rel.size, r.size))
                            : (double) rel.size * r.size;
                    cost = r.size + rel.size + rows;
                }
                double score = cost + rows;
                if (score < bestScore) {
                    bestScore = score;
                    best = it;
                    bestPattern = pm;
                    bestRows = rows;
                }
            }
            if (best == null) {
                throw insufficientBinding(pending, rel);
            }
            long t0 = scope.record() ? System.nanoTime() : 0;
            int before = rel.size;
            Relation input = rel;
            rel = step(best, bestPattern, rel, scope);
            releaseReplaced(input, rel, scope);
            pending.remove(best);
            if (bestPattern != null) {
                // the range scan enforced these comparisons exactly
                for (Predicate p : bestPattern.pushed) {
                    pending.removeIf(it -> it.clause == p);
                }
            }
            if (scope.record() && ctx.steps != null) {
                ctx.steps.add(explainStep(best, bestPattern, before, bestRows, rel.size, System.nanoTime() - t0));
            }
            Relation unprojected = rel;
            rel = project(rel, pending, scope.keep());
            releaseReplaced(unprojected, rel, scope);
        }
        return rel;
    }

    /**
     * Gives {@code old}'s array back to the read's memory budget when a step replaced it by
     * {@code now}; never the scope's start, which its caller may still hold.
     */
    private static void releaseReplaced(Relation old, Relation now, Scope scope) {
        if (old != now && old.data != now.data && old != scope.start()) {
            old.release();
        }
    }

    private Explain.Step explainStep(Item it, PatternMatcher pm, int inputRows, double est, int actual, long nanos) {
        String op;
        String access = null;
        if (pm != null) {
            op = switch (pm.strategy) {
                case SCAN -> inputRows > 1 ? "scan-product" : "scan";
                case LOOKUP -> "lookup";
                case HASH -> "hash-join";
            };
            access = pm.describeAccess();
        } else if (it.clause instanceof Predicate) {
            op = "filter";
        } else if (it.clause instanceof Function) {
            op = "function";
        } else if (it.clause instanceof Not) {
            op = "anti-join";
        } else if (it.clause instanceof RuleCall rc) {
            op = rc.name().name().startsWith("or__") || rc.name().name().startsWith("or-join__") ? "or" : "rule";
        } else {
            op = "join-input";
        }
        return new Explain.Step(ctx.steps.size(), it.form(), op, access, est < 0 ? -1 : Math.round(est), inputRows,
                actual, nanos / 1_000_000.0);
    }

    /**
     * True if {@code it} is a clause sharing a still unbound variable with a pending input
     * relation that holds lookup refs or idents (see {@link Item#namesEntities}).
     */
    private static boolean waitsForEntityNames(Item it, List<Item> pending, Relation rel) {
        if (it.clause == null) {
            return false;
        }
        for (Item p : pending) {
            if (p.relation != null && p.namesEntities) {
                for (Symbol v : p.vars) {
                    if (!rel.has(v) && it.vars.contains(v)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean ready(Item it, Relation rel) {
        Clause c = it.clause;
        if (c instanceof RuleCall rc) {
            return ctx.ruleEngine().ready(rc, rel);
        }
        if (c instanceof Predicate p) {
            return argsBound(p.args(), rel);
        }
        if (c instanceof Function f) {
            return argsBound(f.args(), rel);
        }
        if (c instanceof Not n) {
            for (Symbol v : n.joinVars()) {
                if (!rel.has(v)) {
                    return false;
                }
            }
            return true;
        }
        return true;
    }

    private static boolean argsBound(List<Object> args, Relation rel) {
        for (Object a : args) {
            if (Query.isVar(a) && !rel.has((Symbol) a)) {
                return false;
            }
        }
        return true;
    }

    private ChrononException insufficientBinding(List<Item> pending, Relation rel) {
        for (Item it : pending) {
            List<Symbol> unbound = new ArrayList<>();
            if (it.clause instanceof RuleCall rc) {
                unbound.addAll(ctx.ruleEngine().unboundRequired(rc, rel));
            } else {
                for (Symbol v : it.vars) {
                    if (!rel.has(v) && !(it.clause instanceof Function f && QueryParser.bindingVars(f.binding()).contains(v))) {
                        unbound.add(v);
                    }
                }
            }
            if (!unbound.isEmpty()) {
                return QueryParser.error("db.error/insufficient-binding", QueryParser.show(unbound)
                        + " not bound in clause: " + QueryParser.show(it.form()), it.form());
            }
        }
        return QueryParser.error("db.error/insufficient-binding", "No clause can run with the variables bound so far: "
                + QueryParser.show(pending.get(0).form()), pending.get(0).form());
    }

    /** An empty result that still has a column for every variable the caller reads. */
    private static Relation emptyResult(Relation rel, List<Item> pending, Set<Symbol> keep) {
        Set<Symbol> vars = new LinkedHashSet<>(List.of(rel.vars));
        for (Item it : pending) {
            vars.addAll(it.vars);
        }
        vars.retainAll(keep);
        for (Symbol k : keep) {
            vars.add(k);
        }
        return Relation.empty(vars.toArray(new Symbol[0]));
    }

    /** Drops the columns that neither a pending item nor the caller needs. */
    private static Relation project(Relation rel, List<Item> pending, Set<Symbol> keep) {
        boolean drop = false;
        // columns of the constant prefix stay: dropping them saves nothing and costs a de-duplication
        for (int i = rel.constPrefix; i < rel.arity; i++) {
            Symbol v = rel.vars[i];
            if (!keep.contains(v) && !needed(v, pending)) {
                drop = true;
                break;
            }
        }
        if (!drop) {
            return rel;
        }
        List<Symbol> kept = new ArrayList<>();
        for (int i = 0; i < rel.arity; i++) {
            Symbol v = rel.vars[i];
            if (i < rel.constPrefix || keep.contains(v) || needed(v, pending)) {
                kept.add(v);
            }
        }
        Relation out = rel.project(kept.toArray(new Symbol[0]));
        out.constPrefix = Math.min(rel.constPrefix, out.arity);
        return out;
    }

    private static boolean needed(Symbol v, List<Item> pending) {
        for (Item it : pending) {
            if (it.vars.contains(v)) {
                return true;
            }
        }
        return false;
    }

    private Relation step(Item it, PatternMatcher pm, Relation rel, Scope scope) {
        Clause c = it.clause;
        if (pm != null) {
            return pm.apply(rel);
        }
        if (c instanceof Predicate p) {
            return filter(p, rel, scope);
        }
        if (c instanceof Function f) {
            return function(f, rel, scope);
        }
        if (c instanceof Not n) {
            return antiJoin(n, rel, scope);
        }
        if (c instanceof RuleCall rc) {
            return ctx.ruleEngine().call(rc, rel, scope.defaultSource());
        }
        if (c instanceof DataPattern p) {
            PatternMatcher m = new PatternMatcher(p, rel, ctx, scope.defaultSource());
            return m.apply(rel);
        }
        return join(rel, it.relation, ctx);
    }

    // ================================================================== expressions

    private Object call(Builtins.Fn fn, Object[] argv, Object form) {
        try {
            return Builtins.checkSize(fn.impl().apply(argv, ctx), form);
        } catch (ChrononException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ChrononException(io.chronon.ErrorCategory.INCORRECT,
                    io.chronon.edn.Keyword.of("db.error/function-failed"), "Function call "
                    + QueryParser.show(form) + " failed on " + QueryParser.show(java.util.Arrays.asList(argv)) + ": "
                    + reason(e), form, e);
        }
    }

    /** Why a function failed, for the client: never a Java class name (the JDK's messages name some). */
    static String reason(RuntimeException e) {
        String m = e.getMessage();
        if (e instanceof NullPointerException) {
            return "an argument is nil";
        }
        if (e instanceof ClassCastException && (m == null || m.startsWith("class "))) {
            return "an argument is of the wrong type";
        }
        if (m == null || m.isBlank()) {
            return e instanceof ArithmeticException ? "arithmetic error" : "the function failed";
        }
        return m;
    }

    private Relation filter(Predicate p, Relation rel, Scope scope) {
        Builtins.Fn fn = Builtins.lookup(p.fn());
        Relation out = Relation.extending(rel, rel.vars, rel.size, true);
        Object[] argv = new Object[p.args().size()];
        int[] cols = argCols(p.args(), rel);
        for (int r = 0; r < rel.size; r++) {
            ctx.tick();
            fillArgs(p.args(), cols, rel, r, argv);
            if (Builtins.truthy(call(fn, argv, p.form()))) {
                out.addPrefix(rel, r);
            }
        }
        return out;
    }

    private int[] argCols(List<Object> args, Relation rel) {
        int[] cols = new int[args.size()];
        for (int i = 0; i < cols.length; i++) {
            Object a = args.get(i);
            cols[i] = Query.isVar(a) ? rel.col((Symbol) a) : -1;
        }
        return cols;
    }

    private void fillArgs(List<Object> args, int[] cols, Relation rel, int r, Object[] argv) {
        for (int i = 0; i < argv.length; i++) {
            if (cols[i] >= 0) {
                argv[i] = rel.data[r * rel.arity + cols[i]];
            } else {
                Object a = args.get(i);
                argv[i] = Query.isSource(a) ? ctx.source((Symbol) a) : a;
            }
        }
    }

    private Relation function(Function f, Relation rel, Scope scope) {
        Builtins.Fn fn = Builtins.lookup(f.fn());
        List<Symbol> bvars = QueryParser.bindingVars(f.binding());
        List<Symbol> fresh = new ArrayList<>();
        for (Symbol v : bvars) {
            if (!rel.has(v) && !fresh.contains(v)) {
                fresh.add(v);
            }
        }
        Relation out = Relation.extending(rel, Relation.concat(rel.vars, fresh), rel.size,
                !(f.binding() instanceof BindCollection));
        Object[] argv = new Object[f.args().size()];
        int[] cols = argCols(f.args(), rel);
        boolean constant = true;
        for (int c : cols) {
            if (c >= 0) {
                constant = false;
                break;
            }
        }
        Object cached = null;
        for (int r = 0; r < rel.size; r++) {
            ctx.tick();
            Object result;
            if (constant && r > 0 && !isRandom(f.fn())) {
                result = cached;
            } else {
                fillArgs(f.args(), cols, rel, r, argv);
                result = call(fn, argv, f.form());
                cached = result;
                if (memory != null && result != null) {
                    // held until the read ends: later relations may share the value
                    memory.charge(ReadMemory.sizeOf(result));
                }
            }
            bind(f.binding(), result, rel, r, out, f.form());
        }
        return out;
    }

    private static boolean isRandom(Symbol fn) {
        return fn.name().startsWith("rand");
    }

    /** Binds a function result for row r of rel, appending zero or more rows to out. */
    private void bind(Binding b, Object result, Relation rel, int r, Relation out, Object form) {
        if (result == null) {
            return;
        }
        if (b instanceof BindScalar s) {
            Object[] vals = new Object[out.arity - rel.arity];
            if (unify(s, result, rel, r, out, vals)) {
                emit(rel, r, out, vals);
            }
            return;
        }
        if (b instanceof BindTuple t) {
            Object[] vals = new Object[out.arity - rel.arity];
            if (bindTuple(t, result, rel, r, out, vals, form)) {
                emit(rel, r, out, vals);
            }
            return;
        }
        BindCollection coll = (BindCollection) b;
        for (Object item : sequence(result, form)) {
            ctx.tick();
            if (item == null) {
                continue;
            }
            Object[] vals = new Object[out.arity - rel.arity];
            boolean ok;
            if (coll.element() instanceof BindScalar s) {
                ok = unify(s, item, rel, r, out, vals);
            } else if (coll.element() instanceof BindTuple t) {
                ok = bindTuple(t, item, rel, r, out, vals, form);
            } else {
                throw QueryParser.error("db.error/not-a-binding-form", "Unsupported nested binding in "
                        + QueryParser.show(form), form);
            }
            if (ok) {
                emit(rel, r, out, vals);
            }
        }
    }

    private boolean bindTuple(BindTuple t, Object result, Relation rel, int r, Relation out, Object[] vals, Object form) {
        List<?> items = asList(result, form);
        if (items.size() < t.elements().size()) {
            return false;
        }
        for (int i = 0; i < t.elements().size(); i++) {
            Binding e = t.elements().get(i);
            if (!(e instanceof BindScalar s)) {
                throw QueryParser.error("db.error/not-a-binding-form", "Unsupported nested binding in "
                        + QueryParser.show(form), form);
            }
            Object v = items.get(i);
            if (v == null && s.var() != null) {
                return false;
            }
            if (!unify(s, v, rel, r, out, vals)) {
                return false;
            }
        }
        return true;
    }

    /** Binds var to v: checks it against an existing binding (of the row or of this result), else records it. */
    private static boolean unify(BindScalar s, Object v, Relation rel, int r, Relation out, Object[] vals) {
        if (s.var() == null) {
            return true;
        }
        int c = rel.col(s.var());
        if (c >= 0) {
            return Values.equal(rel.get(r, c), normalize(v));
        }
        int oc = out.col(s.var()) - rel.arity;
        if (vals[oc] != null) {
            return Values.equal(vals[oc], normalize(v));
        }
        vals[oc] = normalize(v);
        return true;
    }

    static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        return v;
    }

    private static void emit(Relation rel, int r, Relation out, Object[] vals) {
        int base = out.addPrefix(rel, r);
        System.arraycopy(vals, 0, out.data, base + rel.arity, vals.length);
    }

    private static Iterable<?> sequence(Object result, Object form) {
        if (result instanceof Iterable<?> it) {
            return it;
        }
        if (result instanceof Object[] arr) {
            return List.of(arr);
        }
        if (result instanceof Map<?, ?> m) {
            return Datalog.entries(m);
        }
        throw QueryParser.error("db.error/not-a-binding-form", "A collection binding needs a collection, the function returned "
                + QueryParser.show(result) + " in " + QueryParser.show(form), form);
    }

    private static List<?> asList(Object result, Object form) {
        if (result instanceof List<?> l) {
            return l;
        }
        if (result instanceof Object[] arr) {
            return List.of(arr);
        }
        if (result instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        throw QueryParser.error("db.error/not-a-binding-form", "A tuple binding needs a sequential value, the function returned "
                + QueryParser.show(result) + " in " + QueryParser.show(form), form);
    }

    // ================================================================== not

    private Relation antiJoin(Not n, Relation rel, Scope scope) {
        Symbol[] joinVars = n.joinVars().toArray(new Symbol[0]);
        Relation seed = rel.project(joinVars);
        Symbol src = n.src() != null ? n.src() : scope.defaultSource();
        Relation matched = run(new Scope(n.body(), seed, List.of(), new LinkedHashSet<>(n.joinVars()), src, false));
        matched = matched.project(joinVars);
        if (matched.size == 0) {
            return rel;
        }
        int[] cols = new int[joinVars.length];
        int[] mcols = new int[joinVars.length];
        for (int i = 0; i < joinVars.length; i++) {
            cols[i] = rel.col(joinVars[i]);
            mcols[i] = i;
        }
        Relation.HashIndex index = new Relation.HashIndex(matched, mcols, null);
        Relation out = Relation.extending(rel, rel.vars, rel.size, true);
        for (int r = 0; r < rel.size; r++) {
            ctx.tick();
            if (!probe(index, rel, r, cols)) {
                out.addPrefix(rel, r);
            }
        }
        return out;
    }

    private static boolean probe(Relation.HashIndex index, Relation rel, int r, int[] cols) {
        int h = 1;
        for (int c : cols) {
            h = h * 31 + Relation.hash(rel.get(r, c));
        }
        for (int m = index.first(h); m >= 0; m = index.next(m)) {
            boolean eq = true;
            for (int i = 0; i < cols.length; i++) {
                if (!index.keyEquals(m, i, rel.get(r, cols[i]))) {
                    eq = false;
                    break;
                }
            }
            if (eq) {
                return true;
            }
        }
        return false;
    }

    // ================================================================== joins

    /** The natural join of two relations: a hash join on their shared variables, or their product. */
    static Relation join(Relation left, Relation right, Context ctx) {
        List<Symbol> shared = new ArrayList<>();
        List<Symbol> extra = new ArrayList<>();
        for (Symbol v : right.vars) {
            if (left.has(v)) {
                shared.add(v);
            } else {
                extra.add(v);
            }
        }
        Relation out = Relation.extending(left, Relation.concat(left.vars, extra), Math.max(left.size, right.size),
                right.distinct);
        int[] extraCols = new int[extra.size()];
        for (int i = 0; i < extraCols.length; i++) {
            extraCols[i] = right.col(extra.get(i));
        }
        if (shared.isEmpty()) {
            for (int l = 0; l < left.size; l++) {
                for (int r = 0; r < right.size; r++) {
                    if (ctx != null) {
                        ctx.tick();
                    }
                    int base = out.addPrefix(left, l);
                    for (int i = 0; i < extraCols.length; i++) {
                        out.data[base + left.arity + i] = right.get(r, extraCols[i]);
                    }
                }
            }
            return out;
        }
        int[] rcols = new int[shared.size()];
        int[] lcols = new int[shared.size()];
        for (int i = 0; i < rcols.length; i++) {
            rcols[i] = right.col(shared.get(i));
            lcols[i] = left.col(shared.get(i));
        }
        Relation.HashIndex index = new Relation.HashIndex(right, rcols, null);
        for (int l = 0; l < left.size; l++) {
            if (ctx != null) {
                ctx.tick();
            }
            int h = 1;
            for (int c : lcols) {
                h = h * 31 + Relation.hash(left.get(l, c));
            }
            for (int r = index.first(h); r >= 0; r = index.next(r)) {
                boolean eq = true;
                for (int i = 0; i < lcols.length; i++) {
                    if (!index.keyEquals(r, i, left.get(l, lcols[i]))) {
                        eq = false;
                        break;
                    }
                }
                if (!eq) {
                    continue;
                }
                int base = out.addPrefix(left, l);
                for (int i = 0; i < extraCols.length; i++) {
                    out.data[base + left.arity + i] = right.get(r, extraCols[i]);
                }
            }
        }
        return out;
    }
}
