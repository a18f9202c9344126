package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.db.Values;
import io.chronon.edn.Symbol;
import io.chronon.query.Query.Clause;
import io.chronon.query.Query.DataPattern;
import io.chronon.query.Query.Not;
import io.chronon.query.Query.Rule;
import io.chronon.query.Query.RuleCall;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Evaluates rule calls (and the anonymous rules {@code or}/{@code or-join} became) bottom-up
 * and semi-naively, restricted by the call's bound arguments in the manner of magic sets:
 *
 * <ul>
 *   <li>A call with some arguments bound asks a <em>subgoal</em> (rule, which arguments are
 *       bound, source) for answers; the distinct bound values are its <em>demand</em>.
 *       Bodies are evaluated only for demanded values, seeded with them.
 *   <li>Rules that call each other form a strongly connected component; a component is
 *       solved as one fixpoint. Each round evaluates the bodies for demand that is new (with
 *       all answers known), and, for old demand, once per recursive call with that call
 *       reading only the answers added in the previous round (the delta, joined first) —
 *       semi-naive evaluation, so old derivations are not repeated.
 *   <li>Answers and demand persist for the whole query, so a later call with the same
 *       bound values costs a lookup.
 * </ul>
 *
 * Negation inside a recursive component sees the answers known at that point (it is not
 * stratified), as in Datomic.
 */
final class RuleEngine {
    private final Context ctx;
    private final Map<Symbol, List<Rule>> rules;
    private final Map<Symbol, Integer> sccOf = new HashMap<>();
    private final Set<Integer> recursiveSccs = new HashSet<>();
    private final Map<Symbol, boolean[]> required = new HashMap<>();
    private final Map<Rule, List<RuleCall>> recursiveCalls = new HashMap<>();
    private final Map<String, Subgoal> subgoals = new HashMap<>();
    private final Map<Integer, List<Subgoal>> sccSubgoals = new HashMap<>();
    private final Set<Integer> active = new HashSet<>();
    private final Map<Symbol, Double> freeEstimates = new HashMap<>();

    RuleEngine(Context ctx, Map<Symbol, List<Rule>> rules) {
        this.ctx = ctx;
        this.rules = rules;
        computeSccs();
    }

    // ================================================================== static analysis

    private void computeSccs() {
        Map<Symbol, Set<Symbol>> edges = new HashMap<>();
        for (Map.Entry<Symbol, List<Rule>> e : rules.entrySet()) {
            Set<Symbol> callees = new LinkedHashSet<>();
            for (Rule r : e.getValue()) {
                collectCalls(r.body(), callees);
            }
            edges.put(e.getKey(), callees);
        }
        // Tarjan's algorithm, iteratively
        Map<Symbol, Integer> index = new HashMap<>();
        Map<Symbol, Integer> low = new HashMap<>();
        Deque<Symbol> stack = new ArrayDeque<>();
        Set<Symbol> onStack = new HashSet<>();
        int[] counter = {0};
        int[] sccCounter = {0};
        for (Symbol start : rules.keySet()) {
            if (index.containsKey(start)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {start, new ArrayList<>(edges.get(start)).iterator()});
            index.put(start, counter[0]);
            low.put(start, counter[0]++);
            stack.push(start);
            onStack.add(start);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                Symbol v = (Symbol) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<Symbol> it = (java.util.Iterator<Symbol>) frame[1];
                if (it.hasNext()) {
                    Symbol w = it.next();
                    if (!rules.containsKey(w)) {
                        continue;
                    }
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, new ArrayList<>(edges.get(w)).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        Symbol parent = (Symbol) work.peek()[0];
                        low.put(parent, Math.min(low.get(parent), low.get(v)));
                    }
                    if (low.get(v).equals(index.get(v))) {
                        int id = sccCounter[0]++;
                        List<Symbol> members = new ArrayList<>();
                        Symbol w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            sccOf.put(w, id);
                            members.add(w);
                        } while (w != v);
                        boolean rec = members.size() > 1 || edges.get(v).contains(v);
                        if (rec) {
                            recursiveSccs.add(id);
                        }
                    }
                }
            }
        }
        for (Map.Entry<Symbol, List<Rule>> e : rules.entrySet()) {
            int scc = sccOf.get(e.getKey());
            for (Rule r : e.getValue()) {
                List<RuleCall> calls = new ArrayList<>();
                for (Clause c : r.body()) {
                    if (c instanceof RuleCall rc && rules.containsKey(rc.name()) && sccOf.get(rc.name()) == scc) {
                        calls.add(rc);
                    }
                }
                recursiveCalls.put(r, calls);
            }
        }
    }

    private static void collectCalls(List<Clause> body, Set<Symbol> out) {
        for (Clause c : body) {
            if (c instanceof RuleCall rc) {
                out.add(rc.name());
            } else if (c instanceof Not n) {
                collectCalls(n.body(), out);
            }
        }
    }

    private List<Rule> bodies(RuleCall rc) {
        List<Rule> bodies = rules.get(rc.name());
        if (bodies == null) {
            throw QueryParser.error("db.error/invalid-rule", "Unknown rule " + rc.name() + " in " + QueryParser.show(rc.form())
                    + (rules.isEmpty() ? "; no rules were passed (bind them with % in :in)" : ""), rc.form());
        }
        int arity = bodies.get(0).params().size();
        if (rc.args().size() != arity) {
            throw QueryParser.error("db.error/invalid-rule", "Rule " + rc.name() + " takes " + arity + " argument"
                    + (arity == 1 ? "" : "s") + ", got " + rc.args().size() + " in " + QueryParser.show(rc.form())
                    + " (Datomic ignores extra arguments; Chronon rejects the call as it is almost surely a mistake)",
                    rc.form());
        }
        return bodies;
    }

    /** Which parameters a call must bind: declared {@code [?x]} ones, and those some body cannot bind itself. */
    private boolean[] required(Symbol name, List<Rule> bodies) {
        boolean[] req = required.get(name);
        if (req != null) {
            return req;
        }
        int n = bodies.get(0).params().size();
        req = new boolean[n];
        for (Rule r : bodies) {
            Set<Symbol> bound = new HashSet<>();
            for (Clause c : r.body()) {
                bound.addAll(QueryParser.boundVars(c));
            }
            for (int i = 0; i < n; i++) {
                if (i < r.requiredCount() || !bound.contains(r.params().get(i))) {
                    req[i] = true;
                }
            }
        }
        required.put(name, req);
        return req;
    }

    private static boolean isBound(Object arg, Relation rel) {
        return arg != null && (!(arg instanceof Symbol s) || rel.has(s));
    }

    /** True when every argument the rule requires is bound. */
    boolean ready(RuleCall rc, Relation rel) {
        List<Rule> bodies = bodies(rc);
        boolean[] req = required(rc.name(), bodies);
        for (int i = 0; i < req.length; i++) {
            if (req[i] && !isBound(rc.args().get(i), rel)) {
                return false;
            }
        }
        return true;
    }

    /** The variables a call must bind but does not, for error messages. */
    List<Symbol> unboundRequired(RuleCall rc, Relation rel) {
        List<Rule> bodies = bodies(rc);
        boolean[] req = required(rc.name(), bodies);
        List<Symbol> out = new ArrayList<>();
        for (int i = 0; i < req.length; i++) {
            Object a = rc.args().get(i);
            if (req[i] && !isBound(a, rel)) {
                if (a instanceof Symbol s) {
                    out.add(s);
                } else {
                    out.add(bodies.get(0).params().get(i));
                }
            }
        }
        return out;
    }

    /** Rows and cost of a call, for the planner: cheap when bound, else from the bodies' data patterns. */
    double[] estimate(RuleCall rc, Relation rel, Symbol defaultSource, Map<DataPattern, Long> constCounts) {
        boolean anyBound = false;
        for (Object a : rc.args()) {
            anyBound |= isBound(a, rel);
        }
        if (anyBound) {
            return new double[] {rel.size * 4.0, rel.size * 20.0};
        }
        Symbol src = rc.src() != null ? rc.src() : defaultSource;
        double base = freeEstimate(rc.name(), src, new HashSet<>());
        return new double[] {rel.size * base, 2 * rel.size * base};
    }

    private double freeEstimate(Symbol name, Symbol src, Set<Symbol> seen) {
        Double cached = freeEstimates.get(name);
        if (cached != null) {
            return cached;
        }
        if (!seen.add(name) || !rules.containsKey(name)) {
            return 1000;
        }
        double total = 0;
        Relation none = Relation.unit();
        for (Rule r : rules.get(name)) {
            double best = Double.POSITIVE_INFINITY;
            for (Clause c : r.body()) {
                if (c instanceof DataPattern p) {
                    best = Math.min(best, new PatternMatcher(p, none, ctx, src).constCount());
                } else if (c instanceof RuleCall call && !call.name().equals(name)) {
                    best = Math.min(best, freeEstimate(call.name(), src, seen));
                }
            }
            total += best == Double.POSITIVE_INFINITY ? 1000 : best;
        }
        freeEstimates.put(name, total);
        return total;
    }

    // ================================================================== calls

    /** The join of {@code rel} with the answers of the call, evaluating the rule as needed. */
    Relation call(RuleCall rc, Relation rel, Symbol defaultSource) {
        List<Rule> bodies = bodies(rc);
        Symbol src = rc.src() != null ? rc.src() : defaultSource;
        ctx.source(src);
        int n = rc.args().size();
        boolean[] bound = new boolean[n];
        for (int i = 0; i < n; i++) {
            bound[i] = isBound(rc.args().get(i), rel);
        }
        Subgoal all = subgoals.get(key(rc.name(), new boolean[n], src));
        Subgoal g = all != null ? all : subgoal(rc.name(), bodies, bound, src);
        Object db = ctx.source(src);
        if (g != all) {
            int[] bpos = g.boundPositions;
            Object[] key = new Object[bpos.length];
            for (int r = 0; r < rel.size; r++) {
                ctx.tick();
                for (int i = 0; i < bpos.length; i++) {
                    key[i] = demandValue(rc.args().get(bpos[i]), rel, r, db);
                }
                g.demandSet.addIfAbsent(key);
            }
        } else if (g.demand.size == 0) {
            g.demandSet.addIfAbsent(new Object[0]);
        }
        if (!active.contains(g.scc)) {
            solve(g.scc);
        }
        return joinAnswers(rel, rc, g, 0, g.answers.size, bound, db);
    }

    /**
     * A bound argument as the rule sees it: a lookup ref becomes its entity id, so that
     * answers derived through data patterns (which bind ids) match it. The caller keeps the
     * lookup ref in its own bindings, as in Datomic. A lookup ref given as a query input
     * that names nothing in the rule's source is an error, as it is in a data pattern (Datomic
     * rejects it when the rule's pattern reads it); one a clause bound matches nothing.
     */
    private Object demandValue(Object arg, Relation rel, int r, Object db) {
        Object v = argValue(arg, rel, r);
        if (v instanceof List<?> l && l.size() == 2 && l.get(0) instanceof io.chronon.edn.Keyword
                && db instanceof io.chronon.db.DbValue d) {
            Long id;
            try {
                id = d.entid(l);
            } catch (ChrononException e) {
                throw e;
            } catch (RuntimeException e) {
                id = null;
            }
            if (id == null && arg instanceof Symbol s && ctx.inputVars.contains(s)) {
                throw ChrononException.incorrect("db.error/not-an-entity", "Cannot resolve key: " + QueryParser.show(v)
                        + " (the input " + arg + " passed to a rule)", v);
            }
            return id != null ? id : v;
        }
        return v;
    }

    private static Object argValue(Object arg, Relation rel, int r) {
        return arg instanceof Symbol s ? rel.get(r, rel.col(s)) : arg;
    }

    private static String key(Symbol name, boolean[] bound, Symbol src) {
        StringBuilder sb = new StringBuilder(name.text()).append('|');
        for (boolean b : bound) {
            sb.append(b ? 'b' : 'f');
        }
        return sb.append('|').append(src.text()).toString();
    }

    private Subgoal subgoal(Symbol name, List<Rule> bodies, boolean[] bound, Symbol src) {
        String k = key(name, bound, src);
        Subgoal g = subgoals.get(k);
        if (g == null) {
            g = new Subgoal(name, bodies, bound, src, sccOf.get(name));
            subgoals.put(k, g);
            sccSubgoals.computeIfAbsent(g.scc, x -> new ArrayList<>()).add(g);
        }
        return g;
    }

    /**
     * Joins {@code rel} with answers {@code [from, to)} of {@code g}, matching the call's
     * bound arguments and binding its free ones.
     */
    private Relation joinAnswers(Relation rel, RuleCall rc, Subgoal g, int from, int to, boolean[] bound, Object db) {
        List<Object> args = rc.args();
        int n = args.size();
        List<Symbol> fresh = new ArrayList<>();
        int[] freshPos = new int[n];
        Arrays.fill(freshPos, -1);
        for (int i = 0; i < n; i++) {
            if (!bound[i] && args.get(i) instanceof Symbol s) {
                int j = fresh.indexOf(s);
                if (j < 0) {
                    j = fresh.size();
                    fresh.add(s);
                }
                freshPos[i] = j;
            }
        }
        boolean blanks = false;
        for (Object a : args) {
            blanks |= a == null;
        }
        Relation out = Relation.extending(rel, Relation.concat(rel.vars, fresh), rel.size, !blanks);
        int[] bpos = positions(bound, true);
        Relation answers = g.answers;
        boolean sameKey = Arrays.equals(bpos, g.boundPositions) && from == 0 && to == answers.size;
        Relation.HashIndex temp = null;
        if (!sameKey && bpos.length > 0) {
            Relation slice = slice(answers, from, to);
            temp = new Relation.HashIndex(slice, bpos, null);
            answers = slice;
            from = 0;
            to = slice.size;
        }
        Object[] keyVals = new Object[bpos.length];
        Object[] freshVals = new Object[fresh.size()];
        for (int r = 0; r < rel.size; r++) {
            ctx.tick();
            int h = 1;
            for (int i = 0; i < bpos.length; i++) {
                keyVals[i] = demandValue(args.get(bpos[i]), rel, r, db);
                h = h * 31 + Relation.hash(keyVals[i]);
            }
            if (bpos.length == 0) {
                for (int a = from; a < to; a++) {
                    emitAnswer(rel, r, out, answers, a, freshPos, freshVals);
                }
            } else if (sameKey) {
                for (int a = g.index.first(h); a >= 0; a = g.index.next(a)) {
                    if (keyMatches(answers, a, bpos, keyVals)) {
                        emitAnswer(rel, r, out, answers, a, freshPos, freshVals);
                    }
                }
            } else {
                for (int a = temp.first(h); a >= 0; a = temp.next(a)) {
                    if (keyMatches(answers, a, bpos, keyVals)) {
                        emitAnswer(rel, r, out, answers, a, freshPos, freshVals);
                    }
                }
            }
        }
        return out;
    }

    private static boolean keyMatches(Relation answers, int a, int[] bpos, Object[] keyVals) {
        for (int i = 0; i < bpos.length; i++) {
            if (!Values.equal(answers.get(a, bpos[i]), keyVals[i])) {
                return false;
            }
        }
        return true;
    }

    private static void emitAnswer(Relation rel, int r, Relation out, Relation answers, int a, int[] freshPos,
                                   Object[] freshVals) {
        Arrays.fill(freshVals, null);
        for (int i = 0; i < freshPos.length; i++) {
            int j = freshPos[i];
            if (j < 0) {
                continue;
            }
            Object v = answers.get(a, i);
            if (freshVals[j] != null) {
                if (!Values.equal(freshVals[j], v)) {
                    return;
                }
            } else {
                freshVals[j] = v;
            }
        }
        int base = out.addPrefix(rel, r);
        System.arraycopy(freshVals, 0, out.data, base + rel.arity, freshVals.length);
    }

    private static int[] positions(boolean[] bound, boolean which) {
        int k = 0;
        for (boolean b : bound) {
            if (b == which) {
                k++;
            }
        }
        int[] out = new int[k];
        k = 0;
        for (int i = 0; i < bound.length; i++) {
            if (bound[i] == which) {
                out[k++] = i;
            }
        }
        return out;
    }

    private static Relation slice(Relation rel, int from, int to) {
        Relation out = new Relation(rel.vars, to - from);
        out.distinct = rel.distinct;
        for (int r = from; r < to; r++) {
            out.addPrefix(rel, r);
        }
        return out;
    }

    // ================================================================== fixpoint

    private void solve(int scc) {
        active.add(scc);
        Executor executor = new Executor(ctx);
        boolean recursive = recursiveSccs.contains(scc);
        try {
            while (true) {
                ctx.checkDeadline();
                List<Subgoal> goals = new ArrayList<>(sccSubgoals.get(scc));
                for (Subgoal g : goals) {
                    int oldEnd = g.demandDone;
                    int newEnd = g.demand.size;
                    if (newEnd > oldEnd) {
                        g.demandDone = newEnd;
                        Relation seed = slice(g.demand, oldEnd, newEnd);
                        for (Rule body : g.bodies) {
                            evaluate(executor, g, body, seed, List.of());
                        }
                    }
                    if (recursive && oldEnd > 0) {
                        Relation oldSeed = g.boundPositions.length == 0 ? null : slice(g.demand, 0, oldEnd);
                        for (Rule body : g.bodies) {
                            for (RuleCall occurrence : recursiveCalls.get(body)) {
                                for (Subgoal delta : goals) {
                                    if (delta.name.equals(occurrence.name()) && delta.source == g.source
                                            && delta.deltaEnd > delta.deltaStart) {
                                        evaluatePinned(executor, g, body, occurrence, delta, oldSeed);
                                    }
                                }
                            }
                        }
                    }
                }
                boolean progress = false;
                for (Subgoal g : sccSubgoals.get(scc)) {
                    g.deltaStart = g.deltaEnd;
                    g.deltaEnd = g.answers.size;
                    if (g.demand.size > g.demandDone || (recursive && g.deltaEnd > g.deltaStart)) {
                        progress = true;
                    }
                }
                if (!progress) {
                    return;
                }
            }
        } finally {
            active.remove(scc);
        }
    }

    /** Evaluates one body for the seed (demand) tuples and adds what it derives. */
    private void evaluate(Executor executor, Subgoal g, Rule body, Relation seed, List<Relation> relations) {
        Relation start = new Relation(g.boundParams(body), seed.size);
        start.distinct = seed.distinct;
        for (int r = 0; r < seed.size; r++) {
            start.addPrefix(seed, r);
        }
        Relation result = executor.run(new Executor.Scope(body.body(), start, relations,
                new LinkedHashSet<>(body.params()), g.source, false));
        addAnswers(g, body, result);
    }

    /**
     * Evaluates one body for the old demand, with one recursive call replaced by the answers
     * {@code delta} added in the previous round, which start the evaluation.
     */
    private void evaluatePinned(Executor executor, Subgoal g, Rule body, RuleCall occurrence, Subgoal delta,
                                Relation oldSeed) {
        List<Object> args = occurrence.args();
        List<Symbol> vars = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof Symbol s && !vars.contains(s)) {
                vars.add(s);
            }
        }
        Relation start = new Relation(vars.toArray(new Symbol[0]), delta.deltaEnd - delta.deltaStart);
        Object[] row = new Object[vars.size()];
        outer:
        for (int a = delta.deltaStart; a < delta.deltaEnd; a++) {
            Arrays.fill(row, null);
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                Object v = delta.answers.get(a, i);
                if (arg == null) {
                    continue;
                }
                if (arg instanceof Symbol s) {
                    int j = vars.indexOf(s);
                    if (row[j] != null && !Values.equal(row[j], v)) {
                        continue outer;
                    }
                    row[j] = v;
                } else if (!Values.equal(arg, v)) {
                    continue outer;
                }
            }
            int base = start.addRow();
            System.arraycopy(row, 0, start.data, base, row.length);
        }
        if (start.size == 0) {
            return;
        }
        List<Clause> rest = new ArrayList<>(body.body());
        rest.remove(occurrence);
        List<Relation> relations = new ArrayList<>();
        if (oldSeed != null) {
            Relation seed = new Relation(g.boundParams(body), oldSeed.size);
            seed.distinct = oldSeed.distinct;
            for (int r = 0; r < oldSeed.size; r++) {
                seed.addPrefix(oldSeed, r);
            }
            relations.add(seed);
        }
        Relation result = executor.run(new Executor.Scope(rest, start, relations,
                new LinkedHashSet<>(body.params()), g.source, false));
        addAnswers(g, body, result);
    }

    private void addAnswers(Subgoal g, Rule body, Relation result) {
        List<Symbol> params = body.params();
        int[] cols = new int[params.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = result.col(params.get(i));
            if (cols[i] < 0) {
                throw QueryParser.error("db.error/insufficient-binding", "[" + params.get(i) + "] not bound by rule "
                        + QueryParser.show(body.form()), body.form());
            }
        }
        Object[] tuple = new Object[cols.length];
        for (int r = 0; r < result.size; r++) {
            ctx.tick();
            for (int i = 0; i < cols.length; i++) {
                tuple[i] = result.get(r, cols[i]);
            }
            if (g.answerSet.addIfAbsent(tuple)) {
                g.index.add(g.answers.size - 1);
            }
        }
    }

    /** The demand and answers of one rule for one pattern of bound arguments and one source. */
    private static final class Subgoal {
        final Symbol name;
        final List<Rule> bodies;
        final boolean[] bound;
        final int[] boundPositions;
        final Symbol source;
        final int scc;
        final Relation demand;
        final Relation.RowSet demandSet;
        int demandDone;
        final Relation answers;
        final Relation.RowSet answerSet;
        final GrowingIndex index;
        int deltaStart;
        int deltaEnd;

        Subgoal(Symbol name, List<Rule> bodies, boolean[] bound, Symbol source, int scc) {
            this.name = name;
            this.bodies = bodies;
            this.bound = bound;
            this.boundPositions = positions(bound, true);
            this.source = source;
            this.scc = scc;
            List<Symbol> params = bodies.get(0).params();
            Symbol[] bp = new Symbol[boundPositions.length];
            for (int i = 0; i < bp.length; i++) {
                bp[i] = params.get(boundPositions[i]);
            }
            demand = new Relation(bp, 16);
            demand.distinct = true;
            demandSet = new Relation.RowSet(demand, 16);
            answers = new Relation(params.toArray(new Symbol[0]), 64);
            answers.distinct = true;
            answerSet = new Relation.RowSet(answers, 64);
            index = new GrowingIndex(answers, boundPositions);
        }

        /** The bound parameters as named by one body (bodies may name their parameters differently). */
        Symbol[] boundParams(Rule body) {
            Symbol[] out = new Symbol[boundPositions.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = body.params().get(boundPositions[i]);
            }
            return out;
        }
    }

    /** A hash index over a growing relation's key columns; rows are added as they are appended. */
    private static final class GrowingIndex {
        private final Relation rel;
        private final int[] cols;
        private int[] buckets = new int[64];
        private int[] next = new int[64];
        private int count;

        GrowingIndex(Relation rel, int[] cols) {
            this.rel = rel;
            this.cols = cols;
            Arrays.fill(buckets, -1);
        }

        private int hashOf(int row) {
            int h = 1;
            for (int c : cols) {
                h = h * 31 + Relation.hash(rel.get(row, c));
            }
            return Relation.mix(h);
        }

        void add(int row) {
            if (row >= next.length) {
                next = Arrays.copyOf(next, Math.max(next.length * 2, row + 1));
            }
            if (count * 2 >= buckets.length) {
                buckets = new int[buckets.length * 2];
                Arrays.fill(buckets, -1);
                for (int r = 0; r < count; r++) {
                    link(r);
                }
            }
            link(row);
            count++;
        }

        private void link(int row) {
            int b = hashOf(row) & (buckets.length - 1);
            next[row] = buckets[b];
            buckets[b] = row;
        }

        int first(int hash) {
            return buckets[Relation.mix(hash) & (buckets.length - 1)];
        }

        int next(int row) {
            return next[row];
        }
    }
}
