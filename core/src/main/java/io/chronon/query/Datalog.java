package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.query.Query.BindCollection;
import io.chronon.query.Query.BindPattern;
import io.chronon.query.Query.BindRules;
import io.chronon.query.Query.BindScalar;
import io.chronon.query.Query.BindSource;
import io.chronon.query.Query.BindTuple;
import io.chronon.query.Query.Binding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Datomic's Datalog query over Chronon db values.
 *
 * <p>A query is EDN text or EDN data in Datomic's list form
 * ({@code [:find ... :in ... :where ...]}) or map form ({@code {:find [...] :where [...]}}),
 * with Datomic's find specs (relation, collection, tuple, scalar, {@code :keys}/{@code :strs}/
 * {@code :syms}, {@code :with}, aggregates, {@code pull}), {@code :in} bindings (sources,
 * scalars, tuples, collections, relations, {@code %} rules, pull patterns), clauses (data
 * patterns, predicates, functions, {@code not}, {@code not-join}, {@code or}, {@code or-join},
 * {@code and}, rules with recursion) and Datomic's built-in functions; nothing else can be
 * called. Inputs bind {@code :in} in order (extra inputs are ignored); the default is
 * {@code :in $}. A database input is a {@link DbValue} (any view: as-of, since, history); a
 * collection of tuples also works as a source. Results have the shapes of Datomic's Java API:
 *
 * <ul>
 *   <li>relation {@code :find ?a ?b}: a {@code Set<List<Object>>}; with {@code :with},
 *       aggregates, {@code pull} or {@code :order-by}, a {@code List<List<Object>>};
 *   <li>collection {@code :find [?a ...]}: a {@code List<Object>};
 *   <li>tuple {@code :find [?a ?b]}: a {@code List<Object>}, or null when nothing matches;
 *   <li>scalar {@code :find ?a .}: the value, or null;
 *   <li>{@code :keys}/{@code :strs}/{@code :syms}: each row a map with keyword, string or
 *       symbol keys, in a list.
 * </ul>
 * Result collections are unmodifiable.
 *
 * Beyond Datomic: the clause order is chosen by a cost-based planner (the written order does
 * not matter), the map form also takes {@code :order-by} ({@code [[?age :desc] ?e]}),
 * {@code :limit} and {@code :offset}, a timeout stops a running query, and
 * {@link #explain} shows the plan. Errors are {@link ChrononException}s (category
 * {@code incorrect} for a bad query, {@code interrupted} for a timeout or interrupt).
 * Parsed queries given as strings are cached; results never are. Thread-safe.
 */
public final class Datalog {
    private Datalog() {
    }

    /**
     * Runs {@code query} (EDN text or data) with {@code inputs} bound to its {@code :in}
     * bindings in order; without {@code :in}, the first input is the database {@code $}.
     */
    public static Object q(Object query, Object... inputs) {
        return query(query, Arrays.asList(inputs), QueryOptions.DEFAULTS);
    }

    /** Runs {@code query} with inputs and options (timeout, limit, offset; null for none). */
    public static Object query(Object query, List<?> inputs, QueryOptions options) {
        if (options == null) {
            options = QueryOptions.DEFAULTS;
        }
        try {
            Query q = QueryCache.query(query);
            Context ctx = new Context(options.timeoutMillis(), false);
            Relation rel = execute(q, inputs, ctx);
            Object answer = Results.shape(q, rel, ctx, options.limit() >= 0 ? options.limit() : q.limit(),
                    options.offset() > 0 ? options.offset() : q.offset());
            requireData(answer, q);
            return answer;
        } catch (StackOverflowError e) {
            // a client's query: rules that call rules hundreds deep, a query that calls itself with q;
            // the stack has unwound and the query built nothing shared, so it is simply refused
            throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("chronon.error/query-too-deep"),
                    "The query nests too deeply to run (rules calling rules, or q calling q, hundreds deep)", null);
        }
    }

    /**
     * Refuses an answer that holds a value EDN cannot carry, which no client outside this JVM
     * could receive (the node would fail to send it): a database bound to a variable
     * ({@code [:find ?db :in ?db]}, {@code [(identity $) ?x]}), a regex from {@code re-pattern},
     * a keyword that {@code keyword} made from text that is no keyword, a big decimal whose
     * exponent no reader takes.
     */
    private static void requireData(Object answer, Query q) {
        String problem = EdnPrinter.whyNotPrintable(answer);
        if (problem != null) {
            throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("chronon.error/answer-not-data"),
                    "The answer holds a value that is not data, which a query cannot return (" + problem + ")", q.form());
        }
    }

    /**
     * Runs {@code query} and reports the plan the planner chose: each step's clause, index
     * and bounds, estimated and actual rows, and the result.
     */
    public static Explain explain(Object query, Object... inputs) {
        long t0 = System.nanoTime();
        Query q = QueryCache.query(query);
        Context ctx = new Context(0, true);
        Relation rel = execute(q, Arrays.asList(inputs), ctx);
        Object result = Results.shape(q, rel, ctx, q.limit(), q.offset());
        return new Explain(query, ctx.steps, result, (System.nanoTime() - t0) / 1_000_000.0);
    }

    // ================================================================== execution

    private static Relation execute(Query q, List<?> inputs, Context ctx) {
        List<Binding> in = q.in();
        if (inputs.isEmpty() && !writesIn(q.form())) {
            // no :in and no inputs: a query that reads no database (Datomic runs it); one that does
            // reads $ and is told it is missing
            in = List.of();
        }
        if (inputs.size() < in.size()) {
            throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/too-few-inputs"),
                    "Query expected " + in.size() + " inputs but received " + inputs.size(), q.form());
        }
        Relation start = Relation.unit();
        List<Relation> relations = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Binding b = in.get(i);
            Object input = inputs.get(i);
            if (b instanceof BindSource s) {
                if (input == null) {
                    throw QueryParser.error("db.error/invalid-data-source", "Nil or missing data source for " + s.name()
                            + ". Did you forget to pass a database argument?", s.name());
                }
                if (!(input instanceof DbValue) && !(input instanceof Collection<?>)) {
                    throw QueryParser.error("db.error/invalid-data-source", "The data source " + s.name()
                            + " must be a database or a collection of tuples, got " + Builtins.typeName(input), s.name());
                }
                ctx.sources.put(s.name(), input);
            } else if (b instanceof BindRules) {
                ctx.rules.putAll(QueryCache.rules(input));
            } else if (b instanceof BindPattern p) {
                ctx.patterns.put(p.name(), input);
            } else {
                ctx.inputVars.addAll(QueryParser.bindingVars(b));
                Relation r = bind(b, input, q.form());
                if (r.size == 1) {
                    start = Executor.join(start, r, ctx);
                } else {
                    relations.add(r);
                }
            }
        }
        ctx.rules.putAll(q.orRules());
        Set<Symbol> keep = new LinkedHashSet<>(Arrays.asList(Results.columns(q)));
        return new Executor(ctx).run(new Executor.Scope(q.where(), start, relations, keep, Query.DEFAULT_SOURCE,
                ctx.steps != null));
    }

    /** True if the query form names its inputs ({@code :in}); without, it has {@code :in $}. */
    private static boolean writesIn(Object form) {
        Keyword in = Keyword.of("in");
        return form instanceof Map<?, ?> m ? m.containsKey(in) : form instanceof List<?> l && l.contains(in);
    }

    /** The relation an input binds: one row for scalars and tuples, one per element for collections. */
    static Relation bind(Binding b, Object input, Object form) {
        if (b instanceof BindScalar s) {
            if (s.var() == null) {
                return Relation.unit();
            }
            if (input == null) {
                throw QueryParser.error("db.error/invalid-input", "nil is not a valid input for " + s.var(), form);
            }
            Relation r = new Relation(new Symbol[] {s.var()}, 1);
            r.distinct = true;
            r.data[r.addRow()] = Executor.normalize(input);
            return r;
        }
        if (b instanceof BindTuple t) {
            List<?> items = sequential(input, b, form);
            if (items.size() < t.elements().size()) {
                throw QueryParser.error("db.error/invalid-input", "Input " + QueryParser.show(input) + " has fewer than "
                        + t.elements().size() + " elements for tuple binding", form);
            }
            Relation r = Relation.unit();
            for (int i = 0; i < t.elements().size(); i++) {
                r = Executor.join(r, bind(t.elements().get(i), items.get(i), form), null);
            }
            return r;
        }
        BindCollection c = (BindCollection) b;
        Collection<?> items = input instanceof Collection<?> coll ? coll
                : input instanceof Object[] arr ? Arrays.asList(arr)
                : input instanceof Map<?, ?> m ? entries(m) : null;
        if (items == null) {
            throw QueryParser.error("db.error/invalid-input", "A collection binding needs a collection, got "
                    + QueryParser.show(input), form);
        }
        Symbol[] vars = QueryParser.bindingVars(c.element()).stream().distinct().toArray(Symbol[]::new);
        Relation out = new Relation(vars, items.size());
        for (Object item : items) {
            Relation r = bind(c.element(), item, form);
            for (int row = 0; row < r.size; row++) {
                int base = out.addRow();
                for (int j = 0; j < vars.length; j++) {
                    out.data[base + j] = r.get(row, r.col(vars[j]));
                }
            }
        }
        return out.distinct();
    }

    /** A map read as a collection, as Clojure's seq reads it: its entries as {@code [k v]} pairs. */
    static List<List<Object>> entries(Map<?, ?> m) {
        List<List<Object>> out = new ArrayList<>(m.size());
        m.forEach((k, v) -> out.add(Arrays.asList(k, v)));
        return out;
    }

    private static List<?> sequential(Object input, Binding b, Object form) {
        if (input instanceof List<?> l) {
            return l;
        }
        if (input instanceof Object[] arr) {
            return Arrays.asList(arr);
        }
        if (input instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        throw QueryParser.error("db.error/invalid-input", "A tuple binding needs a list, got " + QueryParser.show(input), form);
    }
}
