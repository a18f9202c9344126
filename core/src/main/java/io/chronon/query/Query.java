package io.chronon.query;

import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.List;
import java.util.Map;

/**
 * A parsed and validated query: the small tree the engine executes, never re-parsed. Built
 * by {@link QueryParser}; immutable and shared between threads through {@link QueryCache}.
 *
 * @param find      what to return
 * @param returnMap {@code :keys}/{@code :strs}/{@code :syms}, or null
 * @param with      the {@code :with} variables (may be empty)
 * @param in        the {@code :in} bindings, in order ({@code [$]} when the query has none)
 * @param where     the top-level clauses
 * @param orRules   the anonymous rules {@code or}/{@code or-join} clauses were turned into, by name
 * @param orderBy   {@code :order-by} keys (may be empty)
 * @param limit     {@code :limit}, or -1
 * @param offset    {@code :offset}, or 0
 * @param form      the query as written (for error messages and explain)
 */
record Query(FindSpec find, ReturnMap returnMap, List<Symbol> with, List<Binding> in, List<Clause> where,
             Map<Symbol, List<Rule>> orRules, List<OrderKey> orderBy, int limit, int offset, Object form) {

    /** The shape of the result. */
    enum FindKind { RELATION, COLLECTION, TUPLE, SCALAR }

    /** The find specification: its shape and elements. */
    record FindSpec(FindKind kind, List<FindElement> elements) {
    }

    /** One element of {@code :find}. */
    sealed interface FindElement permits FindVar, FindAggregate, FindPull {
        /** The variable this element reads. */
        Symbol var();
    }

    /** A plain variable. */
    record FindVar(Symbol var) implements FindElement {
    }

    /**
     * An aggregate call such as {@code (count ?x)} or {@code (max 3 ?x)}.
     *
     * @param fn   the aggregate's name
     * @param args the constant arguments before the variable (e.g. the n of {@code (max n ?x)})
     * @param form the element as written
     */
    record FindAggregate(Symbol fn, List<Object> args, Symbol var, Object form) implements FindElement {
    }

    /**
     * {@code (pull ?e pattern)} or {@code (pull $src ?e pattern)}.
     *
     * @param pattern    the pull pattern when written in the query, else null
     * @param patternVar the plain symbol of an input holding the pattern, else null
     */
    record FindPull(Symbol src, Symbol var, Object pattern, Symbol patternVar) implements FindElement {
    }

    /** Which map a row becomes, and under which keys. */
    record ReturnMap(Keyword kind, List<Object> keys) {
    }

    /** One {@code :order-by} key: a find variable (or aggregate form) and a direction. */
    record OrderKey(int findIndex, boolean descending) {
    }

    // ------------------------------------------------------------------ bindings

    /** A binding form of {@code :in} or of a function's result. */
    sealed interface Binding permits BindScalar, BindTuple, BindCollection, BindSource, BindRules, BindPattern {
    }

    /** {@code ?x}, or {@code _} (var is null). */
    record BindScalar(Symbol var) implements Binding {
    }

    /** {@code [?a ?b]}: a tuple, position by position. */
    record BindTuple(List<Binding> elements) implements Binding {
    }

    /** {@code [?x ...]} or, with a tuple inside, the relation {@code [[?a ?b]]}. */
    record BindCollection(Binding element) implements Binding {
    }

    /** {@code $} or {@code $name}: a data source. */
    record BindSource(Symbol name) implements Binding {
    }

    /** {@code %}: the rules. */
    record BindRules() implements Binding {
    }

    /** A plain symbol bound to a pull pattern. */
    record BindPattern(Symbol name) implements Binding {
    }

    // ------------------------------------------------------------------ clauses

    /** A where clause; {@code or}/{@code or-join} parse into {@link RuleCall}s of anonymous rules. */
    sealed interface Clause permits DataPattern, Predicate, Function, Not, RuleCall {
        /** The clause as written. */
        Object form();
    }

    /**
     * {@code [$src? e a v tx added]}: each term is a variable symbol, the blank {@code _}
     * (stored as null) or a constant. Missing trailing terms are blanks.
     *
     * @param src null for the default source
     */
    /**
     * A plain symbol written as a constant in a data pattern ({@code [$c ?e :s b]}): it matches the
     * symbol {@code b}, as in Datomic. Wrapped so that no code reading terms takes it for a variable.
     */
    record Quoted(Symbol symbol) {
        /** The constant a term stands for. */
        static Object value(Object term) {
            return term instanceof Quoted q ? q.symbol() : term;
        }
    }

    record DataPattern(Symbol src, Object[] terms, Object form) implements Clause {
        @Override
        public String toString() {
            return io.chronon.edn.EdnPrinter.print(form);
        }
    }

    /** {@code [(pred args...)]}. Arguments are variables, source symbols or constants. */
    record Predicate(Symbol fn, List<Object> args, Object form) implements Clause {
    }

    /** {@code [(f args...) binding]}. */
    record Function(Symbol fn, List<Object> args, Binding binding, Object form) implements Clause {
    }

    /**
     * {@code (not ...)} or {@code (not-join [vars] ...)}.
     *
     * @param joinVars the variables shared with the enclosing clauses
     */
    record Not(Symbol src, List<Symbol> joinVars, List<Clause> body, Object form) implements Clause {
    }

    /**
     * A rule invocation {@code (name args...)}; {@code or} and {@code or-join} become calls of
     * anonymous rules too.
     *
     * @param args variables, constants, or null for {@code _}
     */
    record RuleCall(Symbol src, Symbol name, List<Object> args, Object form) implements Clause {
    }

    /**
     * One body of a rule (or one branch of an or-clause).
     *
     * @param params        all head variables in order (required ones first, as written)
     * @param requiredCount how many leading parameters the caller must bind ({@code [?x]})
     */
    record Rule(Symbol name, List<Symbol> params, int requiredCount, List<Clause> body, Object form) {
    }

    // ------------------------------------------------------------------ terms

    /** The blank term {@code _}. */
    static final Symbol BLANK = Symbol.of("_");
    /** The default source {@code $}. */
    static final Symbol DEFAULT_SOURCE = Symbol.of("$");

    static boolean isVar(Object term) {
        return term instanceof Symbol s && s.isVariable();
    }

    static boolean isSource(Object term) {
        return term instanceof Symbol s && s.namespace() == null && s.name().startsWith("$");
    }
}
