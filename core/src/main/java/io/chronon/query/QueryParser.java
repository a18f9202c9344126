package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.edn.EdnList;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.query.Query.BindCollection;
import io.chronon.query.Query.BindPattern;
import io.chronon.query.Query.BindRules;
import io.chronon.query.Query.BindScalar;
import io.chronon.query.Query.BindSource;
import io.chronon.query.Query.BindTuple;
import io.chronon.query.Query.Binding;
import io.chronon.query.Query.Clause;
import io.chronon.query.Query.DataPattern;
import io.chronon.query.Query.FindAggregate;
import io.chronon.query.Query.FindElement;
import io.chronon.query.Query.FindKind;
import io.chronon.query.Query.FindPull;
import io.chronon.query.Query.FindSpec;
import io.chronon.query.Query.FindVar;
import io.chronon.query.Query.Function;
import io.chronon.query.Query.Not;
import io.chronon.query.Query.OrderKey;
import io.chronon.query.Query.Predicate;
import io.chronon.query.Query.ReturnMap;
import io.chronon.query.Query.Rule;
import io.chronon.query.Query.RuleCall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns query data (Datomic's list or map form, or its EDN text) into a validated
 * {@link Query}, and rule definitions into {@link Rule}s. Every error is a
 * {@link ChrononException} of category incorrect carrying the offending form, with Datomic's
 * error code where Datomic has one.
 */
final class QueryParser {
    private static final Keyword FIND = Keyword.of("find");
    private static final Keyword WITH = Keyword.of("with");
    private static final Keyword IN = Keyword.of("in");
    private static final Keyword WHERE = Keyword.of("where");
    private static final Keyword KEYS = Keyword.of("keys");
    private static final Keyword STRS = Keyword.of("strs");
    private static final Keyword SYMS = Keyword.of("syms");
    private static final Keyword ORDER_BY = Keyword.of("order-by");
    private static final Keyword LIMIT = Keyword.of("limit");
    private static final Keyword OFFSET = Keyword.of("offset");
    private static final Keyword ASC = Keyword.of("asc");
    private static final Keyword DESC = Keyword.of("desc");
    private static final Set<Keyword> QUERY_KEYS = Set.of(FIND, WITH, IN, WHERE, KEYS, STRS, SYMS, ORDER_BY, LIMIT, OFFSET);

    static final Symbol NOT = Symbol.of("not");
    static final Symbol NOT_JOIN = Symbol.of("not-join");
    static final Symbol OR = Symbol.of("or");
    static final Symbol OR_JOIN = Symbol.of("or-join");
    static final Symbol AND = Symbol.of("and");
    static final Symbol PULL = Symbol.of("pull");
    static final Symbol DOT = Symbol.of(".");
    static final Symbol ELLIPSIS = Symbol.of("...");
    static final Symbol RULES = Symbol.of("%");
    static final Symbol GROUND = Symbol.of("ground");
    static final Symbol QUOTE = Symbol.of("quote");

    private static final AtomicLong ANONYMOUS_RULES = new AtomicLong();

    /** Anonymous rules made from or clauses while parsing one query or rule set. */
    private final Map<Symbol, List<Rule>> orRules = new LinkedHashMap<>();

    private QueryParser() {
    }

    // ================================================================== queries

    /** Parses a query given as EDN text or as EDN data. */
    static Query parse(Object queryForm) {
        Object form = queryForm;
        if (form instanceof String s) {
            form = readEdn(s, "query");
        }
        return new QueryParser().parseQuery(form);
    }

    static Object readEdn(String text, String what) {
        try {
            return EdnReader.read(text);
        } catch (ChrononException e) {
            throw e;
        } catch (RuntimeException e) {
            throw error("db.error/invalid-query", "Unable to read the " + what + " as EDN: " + e.getMessage(), text);
        }
    }

    private Query parseQuery(Object form) {
        Map<Keyword, List<Object>> parts = queryParts(form);
        List<Object> findForms = parts.get(FIND);
        if (findForms == null) {
            throw error("db.error/invalid-query", "No :find clause specified", form);
        }
        if (!parts.containsKey(IN) && !parts.containsKey(WHERE)) {
            throw error("db.error/invalid-query", "No :in or :where clause specified", form);
        }
        FindSpec find = parseFind(findForms, form);
        List<Symbol> with = parseWith(parts.get(WITH), form);
        List<Binding> in = parseIn(parts.get(IN), form);
        List<Clause> where = new ArrayList<>();
        List<Object> whereForms = parts.get(WHERE);
        if (whereForms != null) {
            for (Object c : whereForms) {
                where.add(parseClause(c, false));
            }
        }
        ReturnMap returnMap = parseReturnMap(parts, find, form);
        List<OrderKey> orderBy = parseOrderBy(parts.get(ORDER_BY), find, form);
        int limit = parseCount(parts.get(LIMIT), LIMIT, -1, form);
        int offset = parseCount(parts.get(OFFSET), OFFSET, 0, form);
        Query q = new Query(find, returnMap, with, in, where, Map.copyOf(orRules), orderBy, limit, offset, form);
        validate(q);
        return q;
    }

    /** Splits the list form at its keywords, or reads the map form. */
    private static Map<Keyword, List<Object>> queryParts(Object form) {
        Map<Keyword, List<Object>> parts = new LinkedHashMap<>();
        if (form instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof Keyword k) || !QUERY_KEYS.contains(k)) {
                    throw error("db.error/invalid-query", "Unknown query key " + show(e.getKey())
                            + "; expected one of :find :with :in :where :keys :strs :syms :order-by :limit :offset", form);
                }
                Object v = e.getValue();
                if (k == LIMIT || k == OFFSET) {
                    parts.put(k, java.util.Collections.singletonList(v));
                } else if (v instanceof List<?> l) {
                    parts.put(k, new ArrayList<>(l));
                } else {
                    throw error("db.error/invalid-query", "The value of " + k + " must be a vector, got " + show(v), form);
                }
            }
            return parts;
        }
        if (!(form instanceof List<?> list)) {
            throw error("db.error/invalid-query", "A query must be a vector, a map or a string, got "
                    + (form == null ? "nil" : show(form)), form);
        }
        Keyword current = null;
        for (Object o : list) {
            if (o instanceof Keyword k) {
                if (!QUERY_KEYS.contains(k)) {
                    throw error("db.error/invalid-query", "Unknown query key " + k
                            + "; expected one of :find :with :in :where :keys :strs :syms :order-by :limit :offset", form);
                }
                if (parts.containsKey(k)) {
                    throw error("db.error/invalid-query", "Query key " + k + " appears twice", form);
                }
                current = k;
                parts.put(k, new ArrayList<>());
            } else {
                if (current == null) {
                    throw error("db.error/invalid-query", "A query must start with a keyword such as :find, got "
                            + show(o), form);
                }
                parts.get(current).add(o);
            }
        }
        return parts;
    }

    // ------------------------------------------------------------------ find

    private FindSpec parseFind(List<Object> forms, Object query) {
        if (forms.isEmpty()) {
            throw error("db.error/invalid-query", ":find must name at least one variable", query);
        }
        if (forms.size() == 2 && forms.get(1) == DOT) {
            return new FindSpec(FindKind.SCALAR, List.of(parseFindElement(forms.get(0), query)));
        }
        if (forms.size() == 1 && forms.get(0) instanceof List<?> l && !(l instanceof EdnList)) {
            if (l.size() == 2 && l.get(1) == ELLIPSIS) {
                return new FindSpec(FindKind.COLLECTION, List.of(parseFindElement(l.get(0), query)));
            }
            if (l.isEmpty()) {
                throw error("db.error/invalid-query", "A tuple find spec needs at least one element", query);
            }
            List<FindElement> els = new ArrayList<>();
            for (Object o : l) {
                els.add(parseFindElement(o, query));
            }
            return new FindSpec(FindKind.TUPLE, List.copyOf(els));
        }
        List<FindElement> els = new ArrayList<>();
        for (Object o : forms) {
            if (o == DOT || o == ELLIPSIS) {
                throw error("db.error/invalid-query", "Misplaced " + o + " in :find", query);
            }
            els.add(parseFindElement(o, query));
        }
        return new FindSpec(FindKind.RELATION, List.copyOf(els));
    }

    private FindElement parseFindElement(Object o, Object query) {
        if (Query.isVar(o)) {
            return new FindVar((Symbol) o);
        }
        if (o instanceof EdnList l && !l.isEmpty() && l.get(0) instanceof Symbol fn) {
            if (fn == PULL) {
                return parsePull(l);
            }
            if (!Aggregates.isAggregate(fn)) {
                throw error("db.error/invalid-aggregate", "Unknown aggregate " + fn + " in " + show(o)
                        + "; Chronon has count count-distinct sum avg median variance stddev min max distinct rand sample", o);
            }
            if (l.size() < 2 || !Query.isVar(l.get(l.size() - 1))) {
                throw error("db.error/invalid-aggregate", "An aggregate must end with a variable: " + show(o), o);
            }
            List<Object> args = new ArrayList<>();
            for (int i = 1; i < l.size() - 1; i++) {
                Object a = l.get(i);
                if (a instanceof Symbol) {
                    throw error("db.error/invalid-aggregate", "Only the last argument of an aggregate may be a variable: "
                            + show(o), o);
                }
                args.add(a);
            }
            Aggregates.checkArity(fn, args, o);
            return new FindAggregate(fn, List.copyOf(args), (Symbol) l.get(l.size() - 1), o);
        }
        throw error("db.error/invalid-query", "Invalid :find element " + show(o)
                + "; expected a variable, an aggregate such as (count ?x) or (pull ?e pattern)", query);
    }

    private static FindPull parsePull(EdnList l) {
        int i = 1;
        Symbol src = null;
        if (l.size() == 4 && Query.isSource(l.get(1))) {
            src = (Symbol) l.get(1);
            i = 2;
        }
        if (l.size() - i != 2 || !Query.isVar(l.get(i))) {
            throw error("db.error/invalid-pull", "Expected (pull ?e pattern) or (pull $src ?e pattern), got "
                    + show(l), l);
        }
        Symbol var = (Symbol) l.get(i);
        Object pattern = l.get(i + 1);
        if (pattern instanceof Symbol s) {
            if (s.isVariable() || Query.isSource(s)) {
                throw error("db.error/invalid-pull", "A pull pattern passed as an input is bound to a plain symbol "
                        + "(:in $ pattern), not to " + s + ": " + show(l), l);
            }
            return new FindPull(src, var, null, s);
        }
        if (pattern instanceof String text) {
            pattern = readEdn(text, "pull pattern");
        }
        if (!(pattern instanceof List<?>)) {
            throw error("db.error/invalid-pull", "A pull pattern must be a vector: " + show(l), l);
        }
        return new FindPull(src, var, pattern, null);
    }

    private static List<Symbol> parseWith(List<Object> forms, Object query) {
        if (forms == null) {
            return List.of();
        }
        List<Symbol> with = new ArrayList<>();
        for (Object o : forms) {
            if (!Query.isVar(o)) {
                throw error("db.error/invalid-query", ":with takes variables, got " + show(o), query);
            }
            with.add((Symbol) o);
        }
        return List.copyOf(with);
    }

    private static ReturnMap parseReturnMap(Map<Keyword, List<Object>> parts, FindSpec find, Object query) {
        ReturnMap rm = null;
        for (Keyword k : List.of(KEYS, STRS, SYMS)) {
            List<Object> names = parts.get(k);
            if (names == null) {
                continue;
            }
            if (rm != null) {
                throw error("db.error/invalid-query", "Only one of :keys, :strs and :syms may be given", query);
            }
            if (find.kind() != FindKind.RELATION && find.kind() != FindKind.TUPLE) {
                throw error("db.error/invalid-query", k + " only works with relation and tuple find specs", query);
            }
            if (names.size() != find.elements().size()) {
                throw error("db.error/invalid-query", "Count of " + k + " (" + names.size()
                        + ") must match the count of :find elements (" + find.elements().size() + ")", query);
            }
            List<Object> keys = new ArrayList<>();
            for (Object n : names) {
                String text;
                if (n instanceof Symbol s && !s.isVariable()) {
                    text = s.text();
                } else if (n instanceof Keyword kw) {
                    text = kw.text();
                } else if (n instanceof String s) {
                    text = s;
                } else {
                    throw error("db.error/invalid-query", k + " takes plain symbols, got " + show(n), query);
                }
                keys.add(k == KEYS ? Keyword.of(text) : k == STRS ? text : Symbol.of(text));
            }
            rm = new ReturnMap(k, List.copyOf(keys));
        }
        return rm;
    }

    private static List<OrderKey> parseOrderBy(List<Object> forms, FindSpec find, Object query) {
        if (forms == null) {
            return List.of();
        }
        List<OrderKey> keys = new ArrayList<>();
        for (Object o : forms) {
            Object target = o;
            boolean desc = false;
            if (o instanceof List<?> l && !(o instanceof EdnList)) {
                if (l.size() != 2 || !(l.get(1) == ASC || l.get(1) == DESC)) {
                    throw error("db.error/invalid-query", ":order-by keys are ?var or [?var :asc|:desc], got "
                            + show(o), query);
                }
                target = l.get(0);
                desc = l.get(1) == DESC;
            }
            int index = -1;
            List<FindElement> els = find.elements();
            for (int i = 0; i < els.size(); i++) {
                FindElement el = els.get(i);
                boolean match = el instanceof FindVar fv ? fv.var() == target
                        : el instanceof FindAggregate fa ? fa.form().equals(target)
                        : target instanceof List<?> && target.equals(List.of(PULL, el.var()));
                if (match) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                throw error("db.error/invalid-query", ":order-by key " + show(target)
                        + " is not an element of :find", query);
            }
            keys.add(new OrderKey(index, desc));
        }
        return List.copyOf(keys);
    }

    private static int parseCount(List<Object> forms, Keyword key, int absent, Object query) {
        if (forms == null) {
            return absent;
        }
        if (forms.size() != 1 || !(forms.get(0) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
            throw error("db.error/invalid-query", key + " takes one non-negative integer, got "
                    + show(forms.size() == 1 ? forms.get(0) : forms), query);
        }
        return (int) (long) n;
    }

    // ------------------------------------------------------------------ in

    private static List<Binding> parseIn(List<Object> forms, Object query) {
        if (forms == null) {
            return List.of(new BindSource(Query.DEFAULT_SOURCE));
        }
        List<Binding> in = new ArrayList<>();
        for (Object o : forms) {
            if (o instanceof Symbol s) {
                if (Query.isSource(s)) {
                    in.add(new BindSource(s));
                    continue;
                }
                if (s == RULES) {
                    in.add(new BindRules());
                    continue;
                }
                if (!s.isVariable() && s != Query.BLANK && s.namespace() == null) {
                    in.add(new BindPattern(s));
                    continue;
                }
            }
            in.add(parseBinding(o, query));
        }
        return List.copyOf(in);
    }

    /** A binding form: {@code ?x}, {@code _}, {@code [?a ?b]}, {@code [?x ...]}, {@code [[?a ?b]]}. */
    static Binding parseBinding(Object o, Object context) {
        if (o instanceof Symbol s) {
            if (s == Query.BLANK) {
                return new BindScalar(null);
            }
            if (s.isVariable()) {
                return new BindScalar(s);
            }
        }
        if (o instanceof List<?> l && !(o instanceof EdnList) && !l.isEmpty()) {
            if (l.size() == 2 && l.get(1) == ELLIPSIS) {
                Binding el = parseBinding(l.get(0), context);
                return new BindCollection(el);
            }
            List<Binding> els = new ArrayList<>();
            for (Object x : l) {
                if (x == ELLIPSIS) {
                    throw error("db.error/not-a-binding-form", "Invalid binding form: " + show(o), context);
                }
                els.add(parseBinding(x, context));
            }
            if (els.size() == 1 && l.get(0) instanceof List<?> && !(l.get(0) instanceof EdnList)) {
                // [[?a ?b]]: a relation is a collection of tuples
                return new BindCollection(els.get(0));
            }
            return new BindTuple(List.copyOf(els));
        }
        throw error("db.error/not-a-binding-form", "Invalid binding form: " + show(o), context);
    }

    // ------------------------------------------------------------------ clauses

    /**
     * One where clause.
     *
     * @param inBody true inside a rule body or an or branch, where sources cannot be named
     */
    private Clause parseClause(Object form, boolean inBody) {
        if (form instanceof EdnList list) {
            return parseListClause(list, inBody);
        }
        if (!(form instanceof List<?> v) || v.isEmpty()) {
            throw error("db.error/invalid-clause", "Invalid where clause " + show(form)
                    + "; expected a data pattern [e a v], an expression [(f ...)], or (not ...), (or ...), (rule ...)", form);
        }
        if (v.get(0) instanceof EdnList call) {
            return parseExpression(v, call, form);
        }
        return parseDataPattern(v, form, inBody);
    }

    private DataPattern parseDataPattern(List<?> v, Object form, boolean inBody) {
        int start = 0;
        Symbol src = null;
        if (Query.isSource(v.get(0))) {
            src = (Symbol) v.get(0);
            start = 1;
            if (inBody) {
                throw error("db.error/invalid-data-source", "A rule body or or-join branch cannot name a data source ("
                        + src + "); pass the source at the call, as in (" + src + " rule-name ...) or (" + src
                        + " or ...): " + show(form), form);
            }
        }
        int n = v.size() - start;
        if (n < 1 || n > 5) {
            throw error("db.error/invalid-clause", "A data pattern has 1 to 5 terms [e a v tx added], got "
                    + show(form), form);
        }
        Object[] terms = new Object[5];
        for (int i = 0; i < n; i++) {
            Object t = v.get(start + i);
            if (i == 4 && !(t instanceof Boolean) && !Query.isVar(t) && t != Query.BLANK) {
                // a plain symbol too, which would otherwise be a constant
                throw error("db.error/invalid-clause", "The added term of a data pattern must be true, false, a variable or _: "
                        + show(form), form);
            }
            if (t instanceof Symbol s) {
                if (s == Query.BLANK) {
                    terms[i] = null;
                    continue;
                }
                if (!s.isVariable()) {
                    terms[i] = new Query.Quoted(s);
                    continue;
                }
            } else if (t == null) {
                throw error("db.error/invalid-clause", "nil is not a valid value in data pattern " + show(form), form);
            } else if (t instanceof List<?> || t instanceof Map<?, ?> || t instanceof Set<?>) {
                if (i == 0) {
                    throw error("db.error/invalid-clause", "A lookup ref cannot be written in the entity position of a"
                            + " data pattern (Datomic rejects it too); pass it as an input instead: " + show(form), form);
                }
                if (!(i == 2 && t instanceof List<?>)) {
                    throw error("db.error/invalid-clause", "Invalid term " + show(t) + " in data pattern "
                            + show(form), form);
                }
            } else if (t instanceof Integer || t instanceof Short || t instanceof Byte) {
                t = ((Number) t).longValue();
            }
            terms[i] = t;
        }
        return new DataPattern(src, terms, form);
    }

    private Clause parseExpression(List<?> v, EdnList call, Object form) {
        if (v.size() > 2) {
            throw error("db.error/invalid-clause", "An expression clause is [(f args...)] or [(f args...) binding], got "
                    + show(form), form);
        }
        if (call.isEmpty() || !(call.get(0) instanceof Symbol fn)) {
            throw error("db.error/invalid-clause", "An expression must start with a function name: " + show(form), form);
        }
        List<Object> args = new ArrayList<>();
        for (int i = 1; i < call.size(); i++) {
            Object a = call.get(i);
            if (a instanceof EdnList quoted && quoted.size() == 2 && quoted.get(0) == QUOTE) {
                // (quote x): a constant, as Datomic needs for the query of a nested q
                args.add(quoted.get(1));
                continue;
            }
            if (a instanceof Symbol s && s == Query.BLANK) {
                throw error("db.error/invalid-clause", "_ cannot be a function argument: " + show(form), form);
            }
            if (a instanceof Integer || a instanceof Short || a instanceof Byte) {
                a = ((Number) a).longValue();
            }
            args.add(a);
        }
        Builtins.Fn f = Builtins.lookup(fn);
        if (f == null) {
            throw error("db.error/unknown-function", "Unknown function " + fn + " in " + show(form)
                    + "; queries can only call Chronon's built-in functions", form);
        }
        if (args.size() < f.minArgs() || (f.maxArgs() >= 0 && args.size() > f.maxArgs())) {
            String expected = f.minArgs() == f.maxArgs() ? "exactly " + f.minArgs()
                    : f.maxArgs() < 0 ? "at least " + f.minArgs() : f.minArgs() + " to " + f.maxArgs();
            throw error("db.error/invalid-clause", "Wrong number of arguments (" + args.size() + ") to " + fn
                    + ", which takes " + expected + ": " + show(form), form);
        }
        if (fn == GROUND) {
            for (Object a : args) {
                if (a instanceof Symbol) {
                    throw error("db.error/invalid-clause", "ground only takes constants, not " + a + ": "
                            + show(form), form);
                }
            }
        }
        for (int i = 1; i < call.size(); i++) {
            Object a = call.get(i);
            if (a instanceof Symbol s && !s.isVariable() && !Query.isSource(s)) {
                throw error("db.error/invalid-clause", "Invalid argument " + s + " in " + show(form)
                        + "; arguments are ?variables, $sources or constants", form);
            }
        }
        if (f.needsSource() && (args.isEmpty() || !Query.isSource(args.get(0)))) {
            throw error("db.error/invalid-clause", fn + " takes a data source as its first argument: "
                    + show(form), form);
        }
        if (v.size() == 1) {
            return new Predicate(fn, frozen(args), form);
        }
        Binding b = parseBinding(v.get(1), form);
        return new Function(fn, frozen(args), b, form);
    }

    private Clause parseListClause(EdnList list, boolean inBody) {
        if (list.isEmpty()) {
            throw error("db.error/invalid-clause", "Empty list is not a clause", list);
        }
        int i = 0;
        Symbol src = null;
        if (Query.isSource(list.get(0))) {
            src = (Symbol) list.get(0);
            i = 1;
            if (inBody) {
                throw error("db.error/invalid-data-source", "A rule body or or-join branch cannot name a data source ("
                        + src + "): " + show(list), list);
            }
        }
        if (i >= list.size() || !(list.get(i) instanceof Symbol head) || head.isVariable()) {
            throw error("db.error/invalid-clause", "Invalid clause " + show(list), list);
        }
        List<Object> rest = list.subList(i + 1, list.size());
        if (head == NOT || head == NOT_JOIN) {
            List<Symbol> joinVars = null;
            List<Object> bodyForms = rest;
            if (head == NOT_JOIN) {
                if (rest.isEmpty() || !(rest.get(0) instanceof List<?> vars) || rest.get(0) instanceof EdnList) {
                    throw error("db.error/invalid-clause", "not-join needs a vector of variables: " + show(list), list);
                }
                joinVars = varList(vars, list);
                bodyForms = rest.subList(1, rest.size());
            }
            if (bodyForms.isEmpty()) {
                throw error("db.error/invalid-clause", head + " needs at least one clause: " + show(list), list);
            }
            List<Clause> body = new ArrayList<>();
            for (Object c : bodyForms) {
                body.add(parseClause(c, inBody));
            }
            if (joinVars == null) {
                Set<Symbol> vs = new LinkedHashSet<>();
                for (Clause c : body) {
                    collectVars(c, vs);
                }
                joinVars = List.copyOf(vs);
            }
            return new Not(src, joinVars, List.copyOf(body), list);
        }
        if (head == OR || head == OR_JOIN) {
            return parseOr(list, src, head, rest);
        }
        if (head == AND) {
            throw error("db.error/invalid-clause", "and is only allowed as a branch of or: " + show(list), list);
        }
        if (head.namespace() != null || Query.isSource(head) || head == RULES) {
            throw error("db.error/invalid-clause", "Invalid rule name " + head + " in " + show(list), list);
        }
        List<Object> args = new ArrayList<>();
        for (Object a : rest) {
            if (a instanceof Symbol s) {
                if (s == Query.BLANK) {
                    args.add(null);
                    continue;
                }
                if (!s.isVariable()) {
                    throw error("db.error/invalid-clause", "Invalid rule argument " + s + " in " + show(list), list);
                }
            } else if (a == null || a instanceof Collection<?> || a instanceof Map<?, ?>) {
                throw error("db.error/invalid-clause", "Invalid rule argument " + show(a) + " in "
                        + show(list), list);
            } else if (a instanceof Integer || a instanceof Short || a instanceof Byte) {
                a = ((Number) a).longValue();
            }
            args.add(a);
        }
        if (args.isEmpty()) {
            throw error("db.error/invalid-clause", "A rule call needs at least one argument: " + show(list), list);
        }
        return new RuleCall(src, head, frozen(args), list);
    }

    /** An or / or-join becomes a call of an anonymous rule with one body per branch. */
    private Clause parseOr(EdnList list, Symbol src, Symbol head, List<Object> rest) {
        List<Symbol> joinVars = null;
        int required = 0;
        List<Object> branchForms = rest;
        if (head == OR_JOIN) {
            if (rest.isEmpty() || !(rest.get(0) instanceof List<?> vars) || rest.get(0) instanceof EdnList) {
                throw error("db.error/invalid-clause", "or-join needs a vector of variables: " + show(list), list);
            }
            List<Symbol> all = new ArrayList<>();
            for (int j = 0; j < vars.size(); j++) {
                Object v = vars.get(j);
                if (j == 0 && v instanceof List<?> req && !(v instanceof EdnList)) {
                    all.addAll(varList(req, list));
                    required = req.size();
                } else if (Query.isVar(v)) {
                    all.add((Symbol) v);
                } else {
                    throw error("db.error/invalid-clause", "Invalid or-join variable " + show(v), list);
                }
            }
            if (new LinkedHashSet<>(all).size() != all.size()) {
                throw error("db.error/invalid-clause", "A variable is listed twice in " + show(vars) + ": " + show(list), list);
            }
            joinVars = List.copyOf(all);
            branchForms = rest.subList(1, rest.size());
        }
        if (branchForms.isEmpty()) {
            throw error("db.error/invalid-clause", head + " needs at least one branch: " + show(list), list);
        }
        List<List<Clause>> branches = new ArrayList<>();
        for (Object b : branchForms) {
            List<Clause> branch = new ArrayList<>();
            if (b instanceof EdnList bl && !bl.isEmpty() && bl.get(0) == AND) {
                if (bl.size() < 2) {
                    throw error("db.error/invalid-clause", "and needs at least one clause: " + show(b), list);
                }
                for (Object c : bl.subList(1, bl.size())) {
                    branch.add(parseClause(c, true));
                }
            } else {
                branch.add(parseClause(b, true));
            }
            branches.add(branch);
        }
        if (joinVars == null) {
            List<Set<Symbol>> uvs = new ArrayList<>();
            for (List<Clause> branch : branches) {
                Set<Symbol> vs = new LinkedHashSet<>();
                for (Clause c : branch) {
                    collectVars(c, vs);
                }
                uvs.add(vs);
            }
            for (Set<Symbol> vs : uvs) {
                if (!vs.equals(uvs.get(0))) {
                    throw error("db.error/invalid-clause", "All clauses in 'or' must use the same set of vars, had "
                            + show(uvs) + ": " + show(list), list);
                }
            }
            joinVars = List.copyOf(uvs.get(0));
        }
        Symbol name = Symbol.of(head.name() + "__" + ANONYMOUS_RULES.incrementAndGet());
        List<Rule> bodies = new ArrayList<>();
        for (List<Clause> branch : branches) {
            bodies.add(new Rule(name, joinVars, required, List.copyOf(branch), list));
        }
        orRules.put(name, List.copyOf(bodies));
        return new RuleCall(src, name, List.copyOf(joinVars), list);
    }

    private static List<Symbol> varList(List<?> vars, Object form) {
        List<Symbol> out = new ArrayList<>();
        for (Object v : vars) {
            if (!Query.isVar(v)) {
                throw error("db.error/invalid-clause", "Expected a variable, got " + show(v) + " in "
                        + show(form), form);
            }
            out.add((Symbol) v);
        }
        if (out.isEmpty()) {
            throw error("db.error/invalid-clause", "The variable vector cannot be empty: " + show(form), form);
        }
        if (new LinkedHashSet<>(out).size() != out.size()) {
            throw error("db.error/invalid-clause", "A variable is listed twice in " + show(vars) + ": " + show(form), form);
        }
        return List.copyOf(out);
    }

    // ================================================================== rules

    /** The parsed rules of a {@code %} input (EDN text or data), including the anonymous or-rules they contain. */
    static Map<Symbol, List<Rule>> parseRules(Object rulesForm) {
        Object form = rulesForm;
        if (form instanceof String s) {
            form = readEdn(s, "rules");
        }
        if (!(form instanceof List<?> list)) {
            throw error("db.error/invalid-rule", "Rules must be a vector of rule definitions, got "
                    + (form == null ? "nil" : show(form)), form);
        }
        QueryParser p = new QueryParser();
        Map<Symbol, List<Rule>> rules = new LinkedHashMap<>();
        for (Object r : list) {
            Rule rule = p.parseRule(r);
            List<Rule> bodies = rules.computeIfAbsent(rule.name(), k -> new ArrayList<>());
            if (!bodies.isEmpty() && bodies.get(0).params().size() != rule.params().size()) {
                throw error("db.error/invalid-rule", "All definitions of rule " + rule.name()
                        + " must have the same number of arguments: " + show(r), r);
            }
            bodies.add(rule);
        }
        Map<Symbol, List<Rule>> out = new LinkedHashMap<>();
        rules.forEach((k, v) -> out.put(k, List.copyOf(v)));
        out.putAll(p.orRules);
        return out;
    }

    private Rule parseRule(Object r) {
        if (!(r instanceof List<?> l) || r instanceof EdnList || l.size() < 2 || !(l.get(0) instanceof EdnList head)
                || head.size() < 2 || !(head.get(0) instanceof Symbol name) || name.isVariable() || Query.isSource(name)) {
            throw error("db.error/invalid-rule", "A rule is [(name ?arg ...) clause ...], got " + show(r), r);
        }
        List<Symbol> params = new ArrayList<>();
        int required = 0;
        for (int i = 1; i < head.size(); i++) {
            Object a = head.get(i);
            if (i == 1 && a instanceof List<?> req && !(a instanceof EdnList)) {
                params.addAll(varList(req, r));
                required = req.size();
            } else if (Query.isVar(a)) {
                params.add((Symbol) a);
            } else {
                throw error("db.error/invalid-rule", "Rule heads take variables, got " + show(a)
                        + " in " + show(r), r);
            }
        }
        if (new LinkedHashSet<>(params).size() != params.size()) {
            throw error("db.error/invalid-rule", "A rule head names a variable twice: " + show(head), r);
        }
        List<Clause> body = new ArrayList<>();
        for (Object c : l.subList(1, l.size())) {
            body.add(parseClause(c, true));
        }
        Set<Symbol> bound = new LinkedHashSet<>(params);
        checkScope(body, bound, r);
        return new Rule(name, List.copyOf(params), required, List.copyOf(body), r);
    }

    // ================================================================== validation

    private static void validate(Query q) {
        Set<Symbol> inputs = new LinkedHashSet<>();
        Set<Symbol> sourceInputs = new LinkedHashSet<>();
        for (Binding b : q.in()) {
            if (b instanceof BindSource s) {
                sourceInputs.add(s.name());
            }
            for (Symbol s : bindingVars(b)) {
                if (!inputs.add(s)) {
                    throw error("db.error/invalid-query", "Variable " + s + " is bound twice in :in", q.form());
                }
            }
            if (b instanceof BindPattern p) {
                inputs.add(p.name());
            }
        }
        Set<Symbol> bound = new LinkedHashSet<>(inputs);
        for (Clause c : q.where()) {
            bound.addAll(boundVars(c));
        }
        Set<Symbol> missing = new LinkedHashSet<>();
        Set<Symbol> aggVars = new LinkedHashSet<>();
        Set<Symbol> plainVars = new LinkedHashSet<>();
        for (FindElement el : q.find().elements()) {
            if (!bound.contains(el.var())) {
                missing.add(el.var());
            }
            if (el instanceof FindAggregate) {
                aggVars.add(el.var());
            } else {
                plainVars.add(el.var());
            }
            if (el instanceof FindPull p) {
                if (p.patternVar() != null && !inputs.contains(p.patternVar())) {
                    throw error("db.error/invalid-pull", "Pull pattern symbol " + p.patternVar()
                            + " is not bound in :in", q.form());
                }
                if (p.src() != null && !sourceInputs.contains(p.src())) {
                    throw error("db.error/invalid-data-source", "Data source " + p.src() + " is not bound in :in", q.form());
                }
            }
        }
        for (Symbol w : q.with()) {
            if (!bound.contains(w)) {
                missing.add(w);
            }
            if (aggVars.contains(w)) {
                throw error("db.error/invalid-query", "Variable " + w + " is both aggregated and in :with; an aggregated "
                        + "variable is already kept per row, drop it from :with", q.form());
            }
            if (plainVars.contains(w)) {
                throw error("db.error/invalid-query", "Variable " + w + " is both in :find and in :with; drop it from :with",
                        q.form());
            }
        }
        if (!missing.isEmpty()) {
            throw new ChrononException(io.chronon.ErrorCategory.INCORRECT, Keyword.of("db.error/unbound-query-variables"),
                    "Query is referencing unbound variables: " + show(missing), missing);
        }
        checkScope(q.where(), inputs, q.form());
        for (List<Rule> bodies : q.orRules().values()) {
            for (Rule r : bodies) {
                Set<Symbol> b = new LinkedHashSet<>(r.params());
                checkScope(r.body(), b, r.form());
            }
        }
        // sources named by clauses must be inputs
        Set<Symbol> sources = new LinkedHashSet<>();
        for (Binding b : q.in()) {
            if (b instanceof BindSource s) {
                sources.add(s.name());
            }
        }
        checkSources(q.where(), sources, q);
        for (List<Rule> bodies : q.orRules().values()) {
            for (Rule r : bodies) {
                checkSources(r.body(), sources, q);
            }
        }
    }

    private static void checkSources(List<Clause> clauses, Set<Symbol> sources, Query q) {
        for (Clause c : clauses) {
            Symbol src = c instanceof DataPattern p ? p.src() : c instanceof Not n ? n.src()
                    : c instanceof RuleCall r ? r.src() : null;
            if (src != null && !sources.contains(src)) {
                throw error("db.error/invalid-data-source", "Data source " + src + " used in "
                        + show(c.form()) + " is not bound in :in", c.form());
            }
            if (src == null && c instanceof DataPattern && !sources.contains(Query.DEFAULT_SOURCE)) {
                throw error("db.error/invalid-data-source", "Nil or missing data source. Did you forget to pass a database"
                        + " argument? The pattern " + show(c.form()) + " reads $, which is not bound in :in", c.form());
            }
            if (c instanceof Not n) {
                checkSources(n.body(), sources, q);
            }
            if (c instanceof Predicate || c instanceof Function) {
                List<Object> args = c instanceof Predicate p ? p.args() : ((Function) c).args();
                for (Object a : args) {
                    if (Query.isSource(a) && !sources.contains(a)) {
                        throw error("db.error/invalid-data-source", "Data source " + a + " used in "
                                + show(c.form()) + " is not bound in :in", c.form());
                    }
                }
            }
        }
    }

    /**
     * Checks the binding requirements that do not depend on clause order: the variables of a
     * not (or the join variables of a not-join) and the arguments of expressions must be
     * bound by some other clause of the same scope (or from outside it).
     */
    private static void checkScope(List<Clause> clauses, Set<Symbol> outside, Object form) {
        for (Clause c : clauses) {
            Set<Symbol> others = new LinkedHashSet<>(outside);
            for (Clause o : clauses) {
                if (o != c) {
                    others.addAll(boundVars(o));
                }
            }
            if (c instanceof Not n) {
                List<Symbol> unbound = new ArrayList<>();
                for (Symbol v : n.joinVars()) {
                    if (!others.contains(v)) {
                        unbound.add(v);
                    }
                }
                if (!unbound.isEmpty()) {
                    Object shown = n.form();
                    throw error("db.error/insufficient-binding", show(unbound) + " not bound in not clause: "
                            + show(shown), shown);
                }
                Set<Symbol> inner = new LinkedHashSet<>(n.joinVars());
                checkScope(n.body(), inner, n.form());
            } else if (c instanceof Predicate || c instanceof Function) {
                List<Object> args = c instanceof Predicate p ? p.args() : ((Function) c).args();
                List<Symbol> unbound = new ArrayList<>();
                for (Object a : args) {
                    if (Query.isVar(a) && !others.contains(a) && !unbound.contains(a)) {
                        unbound.add((Symbol) a);
                    }
                }
                if (!unbound.isEmpty()) {
                    throw error("db.error/insufficient-binding", show(unbound) + " not bound in expression clause: "
                            + show(c.form()), c.form());
                }
            }
        }
    }

    /** The variables a clause binds when it runs (a not binds none; a predicate none). */
    static Set<Symbol> boundVars(Clause c) {
        Set<Symbol> out = new LinkedHashSet<>();
        if (c instanceof DataPattern p) {
            for (Object t : p.terms()) {
                if (Query.isVar(t)) {
                    out.add((Symbol) t);
                }
            }
        } else if (c instanceof Function f) {
            out.addAll(bindingVars(f.binding()));
        } else if (c instanceof RuleCall r) {
            addVars(r.args(), out);
        }
        return out;
    }

    /** Every variable a clause mentions. */
    static void collectVars(Clause c, Set<Symbol> out) {
        if (c instanceof DataPattern p) {
            for (Object t : p.terms()) {
                if (Query.isVar(t)) {
                    out.add((Symbol) t);
                }
            }
        } else if (c instanceof Predicate p) {
            addVars(p.args(), out);
        } else if (c instanceof Function f) {
            addVars(f.args(), out);
            out.addAll(bindingVars(f.binding()));
        } else if (c instanceof Not n) {
            out.addAll(n.joinVars());
        } else if (c instanceof RuleCall r) {
            addVars(r.args(), out);
        }
    }

    private static void addVars(List<Object> args, Set<Symbol> out) {
        for (Object a : args) {
            if (Query.isVar(a)) {
                out.add((Symbol) a);
            }
        }
    }

    /** The variables of a binding form, in order. */
    static List<Symbol> bindingVars(Binding b) {
        List<Symbol> out = new ArrayList<>();
        addBindingVars(b, out);
        return out;
    }

    private static void addBindingVars(Binding b, List<Symbol> out) {
        if (b instanceof BindScalar s) {
            if (s.var() != null) {
                out.add(s.var());
            }
        } else if (b instanceof BindTuple t) {
            t.elements().forEach(e -> addBindingVars(e, out));
        } else if (b instanceof BindCollection c) {
            addBindingVars(c.element(), out);
        }
    }

    /** An unmodifiable copy that, unlike List.copyOf, keeps nulls (nil constants, _ in rule calls). */
    private static List<Object> frozen(List<Object> items) {
        return java.util.Collections.unmodifiableList(new ArrayList<>(items));
    }

    /** The EDN text of a form for messages; a description when it is not EDN. */
    static String show(Object form) {
        try {
            return EdnPrinter.print(form);
        } catch (RuntimeException e) {
            return String.valueOf(form);
        }
    }

    static ChrononException error(String code, String message, Object form) {
        return ChrononException.incorrect(code, message, form);
    }
}
