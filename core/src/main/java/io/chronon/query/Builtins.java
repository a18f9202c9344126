package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.Values;
import io.chronon.edn.EdnList;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The fixed whitelist of functions a query may call in predicate and function clauses:
 * Datomic's built-ins with Clojure's semantics for the values Chronon stores. A query can
 * never call anything else (no Java interop, no arbitrary functions).
 *
 * <p>The string and regex functions are {@link StringFunctions}'. Chronon's choices where
 * Datomic's would need Clojure: {@code fulltext} is a
 * case-insensitive match of every search word against the values of a {@code :db/fulltext}
 * attribute, with score 1.0; {@code -differ?} is DataScript's (true when the first half of the
 * arguments differs from the second half); the log functions {@code tx-ids} and
 * {@code tx-data} take a {@link DbValue} as the log and read its {@code txRange}.
 */
final class Builtins {
    private Builtins() {
    }

    /** What a function needs from the query while it runs. */
    interface Env {
        /** Runs a nested query ({@code q}). */
        Object query(Object query, List<Object> inputs);

        /** Checks the deadline; called by functions that loop. */
        void checkDeadline();
    }

    /** The body of a function: arguments already resolved (a source argument is its db value or collection). */
    interface Impl {
        Object apply(Object[] args, Env env);
    }

    /**
     * A built-in function.
     *
     * @param maxArgs -1 for variadic
     * @param needsSource true if the first argument must be a data source
     */
    record Fn(Symbol name, int minArgs, int maxArgs, boolean needsSource, Impl impl) {
    }

    private static final Map<Symbol, Fn> FNS = new HashMap<>();
    /** The most numbers {@code range} gives in a query. */
    static final long MAX_RANGE = 1_000_000;

    /**
     * The most values a function's result may hold: elements of a collection, entries of a map,
     * characters of a string: a sixteenth of a relation's limit ({@link Relation#maxCells}, so
     * by default the maximum heap / 1024: 262,144 on a 256 MB heap), since its values are objects
     * of their own, not references. A few calls that each double a string or a vector
     * ({@code (str ?s ?s)}, {@code (into ?v ?v)}), a join or a print of a long range, filled a
     * 256 MB heap inside the query's timeout (issue 16); they are refused before they build it.
     */
    static long maxValueSize() {
        return Math.max(10_000, Relation.maxCells() / 16);
    }

    /** {@code result}, unless it holds more than {@link #maxValueSize} values. */
    static Object checkSize(Object result, Object form) {
        long size = result instanceof CharSequence s ? s.length() : result instanceof Collection<?> c ? c.size()
                : result instanceof Map<?, ?> m ? m.size() : 0;
        if (size > maxValueSize()) {
            throw tooLarge(QueryParser.show(form));
        }
        return result;
    }

    /** Appends {@code s} to the string that function {@code fn} builds, unless that would make it longer than {@link #maxValueSize}. */
    static void append(StringBuilder sb, String s, String fn) {
        if ((long) sb.length() + s.length() > maxValueSize()) {
            throw tooLarge(fn);
        }
        sb.append(s);
    }

    /** Appends the EDN text of {@code v} to the string that function {@code fn} builds, stopping past {@link #maxValueSize}. */
    private static void printBounded(Object v, StringBuilder sb, String fn) {
        try {
            io.chronon.edn.EdnPrinter.print(v, sb, maxValueSize());
        } catch (io.chronon.edn.EdnPrinter.TooLongException e) {
            throw tooLarge(fn);
        }
        if (sb.length() > maxValueSize()) {
            throw tooLarge(fn);
        }
    }

    static ChrononException tooLarge(String call) {
        return new ChrononException(io.chronon.ErrorCategory.INCORRECT, Keyword.of("chronon.error/value-too-large"),
                "The result of " + call + " would hold more than " + String.format(Locale.ROOT, "%,d", maxValueSize())
                        + " values or characters, the most a function may give (chronon.query.max-relation-cells / 16)", null);
    }

    /** The function named {@code name}, or null if queries may not call it. */
    static Fn lookup(Symbol name) {
        Fn f = FNS.get(name);
        if (f == null && "clojure.core".equals(name.namespace())) {
            f = FNS.get(Symbol.of(name.name()));
        }
        return f;
    }

    static void def(String name, int min, int max, Impl impl) {
        Symbol s = Symbol.of(name);
        FNS.put(s, new Fn(s, min, max, false, impl));
    }

    private static void defSource(String name, int min, int max, Impl impl) {
        Symbol s = Symbol.of(name);
        FNS.put(s, new Fn(s, min, max, true, impl));
    }

    static {
        // ---------------------------------------------------------- comparison
        def("=", 1, -1, (a, e) -> {
            for (int i = 1; i < a.length; i++) {
                if (!cljEquals(a[0], a[i])) {
                    return false;
                }
            }
            return true;
        });
        def("==", 1, -1, (a, e) -> {
            for (int i = 1; i < a.length; i++) {
                if (Values.compareNumbers(num(a[0]), num(a[i])) != 0) {
                    return false;
                }
            }
            return true;
        });
        Impl notEq = (a, e) -> {
            for (int i = 1; i < a.length; i++) {
                if (!cljEquals(a[0], a[i])) {
                    return true;
                }
            }
            return false;
        };
        def("not=", 1, -1, notEq);
        def("!=", 1, -1, notEq);
        def("<", 2, 2, (a, e) -> Values.compare(a[0], a[1]) < 0);
        def(">", 2, 2, (a, e) -> Values.compare(a[0], a[1]) > 0);
        def("<=", 2, 2, (a, e) -> Values.compare(a[0], a[1]) <= 0);
        def(">=", 2, 2, (a, e) -> Values.compare(a[0], a[1]) >= 0);
        def("compare", 2, 2, (a, e) -> (long) Values.compare(a[0], a[1]));

        // ---------------------------------------------------------- arithmetic
        def("+", 0, -1, (a, e) -> {
            Number r = 0L;
            for (Object x : a) {
                r = Arith.add(r, num(x));
            }
            return r;
        });
        def("*", 0, -1, (a, e) -> {
            Number r = 1L;
            for (Object x : a) {
                r = Arith.multiply(r, num(x));
            }
            return r;
        });
        def("-", 1, -1, (a, e) -> {
            if (a.length == 1) {
                return Arith.subtract(0L, num(a[0]));
            }
            Number r = num(a[0]);
            for (int i = 1; i < a.length; i++) {
                r = Arith.subtract(r, num(a[i]));
            }
            return r;
        });
        def("/", 1, -1, (a, e) -> {
            if (a.length == 1) {
                return Arith.divide(1L, num(a[0]));
            }
            Number r = num(a[0]);
            for (int i = 1; i < a.length; i++) {
                r = Arith.divide(r, num(a[i]));
            }
            return r;
        });
        def("quot", 2, 2, (a, e) -> Arith.quot(num(a[0]), num(a[1])));
        def("rem", 2, 2, (a, e) -> Arith.rem(num(a[0]), num(a[1])));
        def("mod", 2, 2, (a, e) -> Arith.mod(num(a[0]), num(a[1])));
        def("inc", 1, 1, (a, e) -> Arith.add(num(a[0]), 1L));
        def("dec", 1, 1, (a, e) -> Arith.subtract(num(a[0]), 1L));
        def("max", 1, -1, (a, e) -> {
            if (a.length == 1) {
                return a[0]; // Clojure's (max x) is x, number or not
            }
            Number r = num(a[0]);
            for (int i = 1; i < a.length; i++) {
                Number x = num(a[i]);
                if (Values.compareNumbers(x, r) > 0) {
                    r = x;
                }
            }
            return r;
        });
        def("min", 1, -1, (a, e) -> {
            if (a.length == 1) {
                return a[0]; // Clojure's (min x) is x, number or not
            }
            Number r = num(a[0]);
            for (int i = 1; i < a.length; i++) {
                Number x = num(a[i]);
                if (Values.compareNumbers(x, r) < 0) {
                    r = x;
                }
            }
            return r;
        });
        def("zero?", 1, 1, (a, e) -> Arith.signum(num(a[0])) == 0);
        def("pos?", 1, 1, (a, e) -> Arith.signum(num(a[0])) > 0);
        def("neg?", 1, 1, (a, e) -> Arith.signum(num(a[0])) < 0);
        def("even?", 1, 1, (a, e) -> (integer(a[0]) & 1) == 0);
        def("odd?", 1, 1, (a, e) -> (integer(a[0]) & 1) != 0);

        // ---------------------------------------------------------- strings
        def("str", 0, -1, (a, e) -> {
            StringBuilder sb = new StringBuilder();
            for (Object x : a) {
                append(sb, str(x), "str");
            }
            return sb.toString();
        });
        def("subs", 2, 3, (a, e) -> {
            String s = string(a[0]);
            int start = (int) integer(a[1]);
            return a.length == 3 ? s.substring(start, (int) integer(a[2])) : s.substring(start);
        });
        def("count", 1, 1, (a, e) -> (long) count(a[0]));
        // ---------------------------------------------------------- values and collections
        def("identity", 1, 1, (a, e) -> a[0]);
        def("keyword", 1, 2, (a, e) -> {
            if (a.length == 2) {
                // as Clojure: a namespace string or nil, and a name string
                return Keyword.of(a[0] == null ? null : string(a[0]), string(a[1]));
            }
            if (a[0] instanceof Keyword k) {
                return k;
            }
            if (a[0] instanceof Symbol s) {
                return Keyword.of(s.text());
            }
            // Clojure's (keyword x) is nil for anything but a string, keyword or symbol
            return a[0] instanceof String str ? Keyword.of(str) : null;
        });
        def("name", 1, 1, (a, e) -> {
            if (a[0] instanceof Keyword k) {
                return k.name();
            }
            if (a[0] instanceof Symbol s) {
                return s.name();
            }
            return string(a[0]);
        });
        def("namespace", 1, 1, (a, e) -> {
            if (a[0] instanceof Keyword k) {
                return k.namespace();
            }
            if (a[0] instanceof Symbol s) {
                return s.namespace();
            }
            throw new ClassCastException(typeName(a[0]) + " has no namespace");
        });
        def("vector", 0, -1, (a, e) -> Collections.unmodifiableList(java.util.Arrays.asList(a.clone())));
        def("list", 0, -1, (a, e) -> EdnList.of(a));
        def("set", 1, 1, (a, e) -> {
            Set<Object> s = new LinkedHashSet<>();
            for (Object x : seq(a[0])) {
                s.add(x);
            }
            return Collections.unmodifiableSet(s);
        });
        def("hash-map", 0, -1, (a, e) -> {
            if (a.length % 2 != 0) {
                throw new IllegalArgumentException("hash-map takes key-value pairs, got an odd number of arguments");
            }
            Map<Object, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < a.length; i += 2) {
                m.put(a[i], a[i + 1]);
            }
            return Collections.unmodifiableMap(m);
        });
        def("get", 2, 3, (a, e) -> {
            Object r = get(a[0], a[1]);
            return r == null && a.length == 3 ? a[2] : r;
        });
        def("contains?", 2, 2, (a, e) -> contains(a[0], a[1]));
        def("not-empty", 1, 1, (a, e) -> a[0] == null || count(a[0]) == 0 ? null : a[0]);
        def("empty?", 1, 1, (a, e) -> a[0] == null || count(a[0]) == 0);
        def("nil?", 1, 1, (a, e) -> a[0] == null);
        def("some?", 1, 1, (a, e) -> a[0] != null);
        def("true?", 1, 1, (a, e) -> Boolean.TRUE.equals(a[0]));
        def("false?", 1, 1, (a, e) -> Boolean.FALSE.equals(a[0]));
        def("not", 1, 1, (a, e) -> !truthy(a[0]));
        def("tuple", 1, -1, (a, e) -> Collections.unmodifiableList(java.util.Arrays.asList(a.clone())));
        def("untuple", 1, 1, (a, e) -> a[0]);
        def("ground", 1, 1, (a, e) -> a[0]);
        def("-differ?", 0, -1, (a, e) -> {
            int half = a.length / 2;
            if (a.length % 2 != 0) {
                return true;
            }
            for (int i = 0; i < half; i++) {
                if (!cljEquals(a[i], a[half + i])) {
                    return true;
                }
            }
            return false;
        });
        def("rand", 0, 1, (a, e) -> ThreadLocalRandom.current().nextDouble()
                * (a.length == 0 ? 1.0 : num(a[0]).doubleValue()));
        def("rand-int", 1, 1, (a, e) -> (long) (ThreadLocalRandom.current().nextDouble() * num(a[0]).doubleValue()));
        def("q", 1, -1, (a, e) -> {
            List<Object> inputs = new ArrayList<>();
            for (int i = 1; i < a.length; i++) {
                inputs.add(a[i]);
            }
            return e.query(a[0], inputs);
        });

        // ---------------------------------------------------------- more of clojure.core (issue 18)
        def("first", 1, 1, (a, e) -> nth(a[0], 0, null, false));
        def("second", 1, 1, (a, e) -> nth(a[0], 1, null, false));
        def("last", 1, 1, (a, e) -> {
            Object last = null;
            for (Object x : seq(a[0])) {
                e.checkDeadline();
                last = x;
            }
            return last;
        });
        def("nth", 2, 3, (a, e) -> nth(a[0], integer(a[1]), a.length == 3 ? a[2] : null, a.length == 2));
        def("rest", 1, 1, (a, e) -> {
            List<Object> out = list(a[0]);
            return EdnList.from(out.isEmpty() ? out : out.subList(1, out.size()));
        });
        def("next", 1, 1, (a, e) -> {
            List<Object> out = list(a[0]);
            return out.size() <= 1 ? null : EdnList.from(out.subList(1, out.size()));
        });
        def("seq", 1, 1, (a, e) -> {
            List<Object> out = list(a[0]);
            return out.isEmpty() ? null : EdnList.from(out);
        });
        def("get-in", 2, 3, (a, e) -> {
            Object v = a[0];
            for (Object k : seq(a[1])) {
                if (a.length == 3 && !has(v, k)) {
                    return a[2];
                }
                v = get(v, k);
            }
            return v;
        });
        def("keys", 1, 1, (a, e) -> {
            Map<?, ?> m = map(a[0]);
            return m == null || m.isEmpty() ? null : EdnList.from(new ArrayList<>(m.keySet()));
        });
        def("vals", 1, 1, (a, e) -> {
            Map<?, ?> m = map(a[0]);
            return m == null || m.isEmpty() ? null : EdnList.from(new ArrayList<>(m.values()));
        });
        def("hash-set", 0, -1, (a, e) -> Collections.unmodifiableSet(new LinkedHashSet<>(java.util.Arrays.asList(a))));
        def("conj", 1, -1, (a, e) -> {
            Object coll = a[0];
            for (int i = 1; i < a.length; i++) {
                coll = conj(coll, a[i]);
            }
            return coll;
        });
        def("into", 2, 2, (a, e) -> {
            List<Object> from = list(a[1]);
            if (from.isEmpty()) {
                return a[0];
            }
            Object coll = a[0];
            if ((coll == null ? 0 : count(coll)) + (long) from.size() > maxValueSize()) {
                throw tooLarge("into");
            }
            if (coll == null || coll instanceof EdnList) {
                // a list takes each at its front, as conj does: reversed
                List<Object> out = new ArrayList<>(from.size() + (coll == null ? 0 : ((EdnList) coll).size()));
                for (int i = from.size() - 1; i >= 0; i--) {
                    out.add(from.get(i));
                }
                if (coll != null) {
                    out.addAll((EdnList) coll);
                }
                return EdnList.from(out);
            }
            if (coll instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l);
                out.addAll(from);
                return Collections.unmodifiableList(out);
            }
            if (coll instanceof Set<?> set) {
                Set<Object> out = new LinkedHashSet<>(set);
                out.addAll(from);
                return Collections.unmodifiableSet(out);
            }
            if (coll instanceof Map<?, ?> m) {
                Map<Object, Object> out = new LinkedHashMap<>(m);
                for (Object x : from) {
                    if (x instanceof Map<?, ?> more) {
                        out.putAll(more);
                    } else if (x instanceof List<?> pair && pair.size() == 2) {
                        out.put(pair.get(0), pair.get(1));
                    } else {
                        throw new IllegalArgumentException("into a map takes [key value] pairs or maps");
                    }
                }
                return Collections.unmodifiableMap(out);
            }
            throw new IllegalArgumentException("into not supported on type: " + typeName(coll));
        });
        def("range", 1, 3, (a, e) -> {
            Number start = a.length == 1 ? 0L : num(a[0]);
            Number end = num(a[a.length == 1 ? 0 : 1]);
            Number step = a.length == 3 ? num(a[2]) : 1L;
            int dir = Arith.signum(step);
            List<Object> out = new ArrayList<>();
            for (Number x = start; dir > 0 ? Values.compareNumbers(x, end) < 0 : dir < 0 && Values.compareNumbers(x, end) > 0;
                 x = Arith.add(x, step)) {
                if (out.size() >= MAX_RANGE) {
                    throw new IllegalArgumentException("range gives more than " + MAX_RANGE + " numbers; at most that many in a query");
                }
                if (out.size() >= maxValueSize()) {
                    throw tooLarge("range");
                }
                out.add(x);
            }
            if (dir == 0 && Values.compareNumbers(start, end) != 0) {
                throw new IllegalArgumentException("range with a step of 0 never ends");
            }
            return EdnList.from(out);
        });
        def("pr-str", 0, -1, (a, e) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.length; i++) {
                printBounded(a[i], sb.append(i == 0 ? "" : " "), "pr-str");
            }
            return sb.toString();
        });
        def("print-str", 0, -1, (a, e) -> {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < a.length; i++) {
                sb.append(i == 0 ? "" : " ");
                if (a[i] instanceof String str) {
                    append(sb, str, "print-str");
                } else {
                    printBounded(a[i], sb, "print-str");
                }
            }
            return sb.toString();
        });
        def("symbol", 1, 2, (a, e) -> {
            if (a.length == 2) {
                return Symbol.of(a[0] == null ? null : string(a[0]), string(a[1]));
            }
            if (a[0] instanceof Symbol sym) {
                return sym;
            }
            if (a[0] instanceof Keyword k) {
                return Symbol.of(k.namespace(), k.name());
            }
            return Symbol.of(string(a[0]));
        });
        def("abs", 1, 1, (a, e) -> {
            Number n = num(a[0]);
            return Arith.signum(n) < 0 ? Arith.subtract(0L, n) : n;
        });
        def("double", 1, 1, (a, e) -> num(a[0]).doubleValue());
        def("long", 1, 1, (a, e) -> a[0] instanceof Character c ? (long) c : num(a[0]).longValue());
        // Chronon's integers are longs: (int x) truncates as Clojure's does, and gives a long
        def("int", 1, 1, (a, e) -> (long) (a[0] instanceof Character c ? (int) c : num(a[0]).intValue()));

        // ---------------------------------------------------------- database functions
        defSource("get-else", 4, 4, (a, e) -> {
            DbValue db = db(a[0]);
            Attribute attr = attribute(db, a[2]);
            if (attr.many()) {
                throw new IllegalArgumentException("cardinality-many attrs not supported: " + attr.ident());
            }
            if (a[3] == null) {
                throw new IllegalArgumentException("get-else: nil default value is not supported");
            }
            Long eid = db.entid(a[1]);
            if (eid != null) {
                for (Datom d : db.datoms(IndexType.EAVT, eid, attr.id())) {
                    return d.v();
                }
            }
            return a[3];
        });
        defSource("get-some", 3, -1, (a, e) -> {
            DbValue db = db(a[0]);
            Long eid = db.entid(a[1]);
            if (eid == null) {
                return null;
            }
            for (int i = 2; i < a.length; i++) {
                Attribute attr = attribute(db, a[i]);
                for (Datom d : db.datoms(IndexType.EAVT, eid, attr.id())) {
                    return List.of(attr.id(), d.v());
                }
            }
            return null;
        });
        defSource("missing?", 3, 3, (a, e) -> {
            DbValue db = db(a[0]);
            Attribute attr = attribute(db, a[2]);
            Long eid = db.entid(a[1]);
            if (eid == null) {
                return true;
            }
            return !db.datoms(IndexType.EAVT, eid, attr.id()).iterator().hasNext();
        });
        defSource("fulltext", 3, 3, (a, e) -> {
            DbValue db = db(a[0]);
            Attribute attr = attribute(db, a[1]);
            if (!attr.fulltext()) {
                throw new IllegalArgumentException("attribute " + attr.ident() + " is not :db/fulltext");
            }
            String[] words = string(a[2]).toLowerCase(Locale.ROOT).split("\\W+");
            List<Object> out = new ArrayList<>();
            int n = 0;
            for (Datom d : db.datoms(IndexType.AEVT, attr.id())) {
                if ((++n & 1023) == 0) {
                    e.checkDeadline();
                }
                String text = String.valueOf(d.v()).toLowerCase(Locale.ROOT);
                boolean all = true;
                for (String w : words) {
                    if (!w.isEmpty() && !text.contains(w)) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    out.add(List.of(d.e(), d.v(), d.tx(), 1.0));
                }
            }
            return out;
        });

        // ---------------------------------------------------------- log functions
        // The log argument is a DbValue (any view of it: the log is the whole database's).
        def("tx-ids", 3, 3, (a, e) -> {
            DbValue log = log(a[0]);
            Long start = logBound(a[1]);
            Long end = logBound(a[2]);
            List<Object> out = new ArrayList<>();
            long last = Long.MIN_VALUE;
            int n = 0;
            for (Datom d : log.txRange(start, end)) {
                if ((++n & 1023) == 0) {
                    e.checkDeadline();
                }
                if (d.tx() != last) {
                    last = d.tx();
                    out.add(last);
                }
            }
            return out;
        });
        def("tx-data", 2, 2, (a, e) -> {
            DbValue log = log(a[0]);
            Long t = logBound(a[1]);
            if (t == null) {
                return null;
            }
            long tt = io.chronon.db.Ids.txToT(t);
            List<Object> out = new ArrayList<>();
            int n = 0;
            for (Datom d : log.txRange(tt, tt + 1)) {
                if ((++n & 1023) == 0) {
                    e.checkDeadline();
                }
                out.add(List.of(d.e(), d.a(), d.v(), d.tx(), d.added()));
            }
            return out;
        });
        StringFunctions.define();
    }

    // ================================================================== helpers

    /** Clojure's truthiness: everything but nil and false. */
    static boolean truthy(Object o) {
        return o != null && o != Boolean.FALSE && !Boolean.FALSE.equals(o);
    }

    /** Clojure's {@code =} for stored values: numbers of one kind compare by value, the rest by {@link Values#equal}. */
    static boolean cljEquals(Object x, Object y) {
        if (x instanceof Number nx && y instanceof Number ny) {
            int kx = Arith.category(nx);
            int ky = Arith.category(ny);
            boolean integral = kx <= Arith.BIGINT && ky <= Arith.BIGINT;
            if (integral || kx == ky) {
                return Values.compareNumbers(nx, ny) == 0;
            }
            return false;
        }
        return Values.equal(x, y);
    }

    static Number num(Object o) {
        if (o instanceof Number n) {
            return n;
        }
        throw new ClassCastException(typeName(o) + " cannot be cast to a number");
    }

    static long integer(Object o) {
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof BigInteger b) {
            return b.longValueExact();
        }
        throw new IllegalArgumentException("Argument must be an integer: " + QueryParser.show(o));
    }

    static String string(Object o) {
        if (o instanceof String s) {
            return s;
        }
        throw new ClassCastException(typeName(o) + " cannot be cast to a string");
    }

    /** What a value is, in a client's words (error messages never name Java classes). */
    static String typeName(Object o) {
        if (o == null) {
            return "nil";
        }
        if (o instanceof String) {
            return "a string";
        }
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return "a long";
        }
        if (o instanceof BigInteger) {
            return "a big integer";
        }
        if (o instanceof BigDecimal) {
            return "a big decimal";
        }
        if (o instanceof Double || o instanceof Float) {
            return "a floating-point number";
        }
        if (o instanceof Boolean) {
            return "a boolean";
        }
        if (o instanceof Character) {
            return "a character";
        }
        if (o instanceof Keyword) {
            return "a keyword";
        }
        if (o instanceof Symbol) {
            return "a symbol";
        }
        if (o instanceof java.util.Date) {
            return "an instant";
        }
        if (o instanceof java.util.UUID) {
            return "a uuid";
        }
        if (o instanceof java.net.URI) {
            return "a uri";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof Pattern) {
            return "a regular expression";
        }
        if (o instanceof DbValue) {
            return "a database";
        }
        if (o instanceof EdnList) {
            return "a list";
        }
        if (o instanceof List<?>) {
            return "a vector";
        }
        if (o instanceof java.util.Set<?>) {
            return "a set";
        }
        if (o instanceof Map<?, ?>) {
            return "a map";
        }
        return o instanceof java.util.Collection<?> ? "a collection" : "a value of another kind";
    }

    /** Clojure's {@code str} of one value. */
    static String str(Object o) {
        if (o == null) {
            return "";
        }
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof Keyword || o instanceof Symbol || o instanceof Number || o instanceof Boolean
                || o instanceof Character) {
            return o.toString();
        }
        if (o instanceof Collection<?> || o instanceof Map<?, ?>) {
            return QueryParser.show(o);
        }
        return o.toString();
    }

    private static int count(Object o) {
        if (o == null) {
            return 0;
        }
        if (o instanceof String s) {
            return s.length();
        }
        if (o instanceof Collection<?> c) {
            return c.size();
        }
        if (o instanceof Map<?, ?> m) {
            return m.size();
        }
        if (o instanceof byte[] b) {
            return b.length;
        }
        if (o instanceof Object[] arr) {
            return arr.length;
        }
        throw new UnsupportedOperationException("count not supported on this type: " + typeName(o));
    }

    /** The elements of {@code o} as a list (a map's entries, a string's characters; nil is empty). */
    private static List<Object> list(Object o) {
        List<Object> out = new ArrayList<>();
        for (Object x : seq(o)) {
            out.add(x);
        }
        return out;
    }

    /** A map, or null for nil and for an empty collection or string (whose seq is nil in Clojure). */
    private static Map<?, ?> map(Object o) {
        if (o == null || o instanceof Map<?, ?>) {
            return (Map<?, ?>) o;
        }
        if (count(o) == 0) {
            return null;
        }
        throw new ClassCastException(typeName(o) + " is not a map");
    }

    /** Whether {@code get} finds {@code key} in {@code coll} (false for what is no collection, as Clojure's get). */
    private static boolean has(Object coll, Object key) {
        if (coll instanceof Map<?, ?> || coll instanceof Set<?> || coll instanceof List<?>
                || coll instanceof String && key instanceof Number) {
            return contains(coll, key);
        }
        return false;
    }

    /** Clojure's {@code nth}: {@code strict} (no not-found given) throws past the end. */
    private static Object nth(Object coll, long i, Object notFound, boolean strict) {
        if (coll instanceof List<?> l) {
            if (i >= 0 && i < l.size()) {
                return l.get((int) i);
            }
        } else if (coll instanceof String s) {
            if (i >= 0 && i < s.length()) {
                return s.charAt((int) i);
            }
        } else if (coll == null) {
            return notFound;
        } else {
            long k = 0;
            for (Object x : seq(coll)) {
                if (k++ == i) {
                    return x;
                }
            }
        }
        if (strict) {
            throw new IndexOutOfBoundsException("nth: index " + i + " is out of bounds");
        }
        return notFound;
    }

    /** Clojure's {@code conj} of one value: at the end of a vector, at the front of a list, into a set or map. */
    private static Object conj(Object coll, Object x) {
        if (coll == null) {
            return EdnList.of(x);
        }
        if (coll instanceof EdnList l) {
            List<Object> out = new ArrayList<>(l.size() + 1);
            out.add(x);
            out.addAll(l);
            return EdnList.from(out);
        }
        if (coll instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l);
            out.add(x);
            return Collections.unmodifiableList(out);
        }
        if (coll instanceof Set<?> set) {
            Set<Object> out = new LinkedHashSet<>(set);
            out.add(x);
            return Collections.unmodifiableSet(out);
        }
        if (coll instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>(m);
            if (x instanceof Map<?, ?> more) {
                out.putAll(more);
            } else if (x instanceof List<?> pair && pair.size() == 2) {
                out.put(pair.get(0), pair.get(1));
            } else {
                throw new IllegalArgumentException("conj onto a map takes a [key value] pair or a map");
            }
            return Collections.unmodifiableMap(out);
        }
        throw new IllegalArgumentException("conj not supported on type: " + typeName(coll));
    }

    static Iterable<?> seq(Object o) {
        if (o == null) {
            return List.of();
        }
        if (o instanceof Iterable<?> it) {
            return it;
        }
        if (o instanceof Map<?, ?> m) {
            return Datalog.entries(m);
        }
        if (o instanceof String s) {
            List<Object> cs = new ArrayList<>();
            for (char c : s.toCharArray()) {
                cs.add(c);
            }
            return cs;
        }
        throw new IllegalArgumentException("Don't know how to create a sequence from: " + typeName(o));
    }

    private static Object get(Object coll, Object key) {
        if (coll == null) {
            return null;
        }
        if (coll instanceof Map<?, ?> m) {
            Object v = m.get(key);
            if (v == null && key instanceof Number n && !(key instanceof Long)) {
                v = m.get(n.longValue());
            }
            return v;
        }
        if (coll instanceof List<?> l) {
            if (key instanceof Number n && (n instanceof Long || n instanceof Integer)) {
                long i = n.longValue();
                return i >= 0 && i < l.size() ? l.get((int) i) : null;
            }
            return null;
        }
        if (coll instanceof Set<?> s) {
            return s.contains(key) ? key : null;
        }
        if (coll instanceof String s && key instanceof Number n) {
            long i = n.longValue();
            return i >= 0 && i < s.length() ? s.charAt((int) i) : null;
        }
        return null;
    }

    private static boolean contains(Object coll, Object key) {
        if (coll == null) {
            return false;
        }
        if (coll instanceof Map<?, ?> m) {
            return m.containsKey(key);
        }
        if (coll instanceof Set<?> s) {
            return s.contains(key);
        }
        if (coll instanceof List<?> l) {
            return key instanceof Number n && n.longValue() >= 0 && n.longValue() < l.size();
        }
        if (coll instanceof String s && key instanceof Number n) {
            return n.longValue() >= 0 && n.longValue() < s.length();
        }
        throw new IllegalArgumentException("contains? not supported on type: " + typeName(coll));
    }

    private static DbValue db(Object source) {
        if (source instanceof DbValue db) {
            return db;
        }
        throw new IllegalArgumentException("Expected a database as the data source, got " + typeName(source));
    }

    /** The log argument of {@code tx-ids}/{@code tx-data}: Chronon's log is a db value's {@code txRange}. */
    private static DbValue log(Object o) {
        if (o instanceof DbValue db) {
            return db;
        }
        throw new IllegalArgumentException("Expected a log (a database value), got " + typeName(o));
    }

    /** A log bound: a t or a transaction id (nil for open). */
    private static Long logBound(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        throw new IllegalArgumentException("A log bound must be a t, a transaction id or nil, got " + QueryParser.show(o));
    }

    private static Attribute attribute(DbValue db, Object attr) {
        Attribute a = db.attribute(attr);
        if (a == null) {
            throw ChrononException.incorrect("db.error/not-an-entity",
                    "Unable to resolve entity: " + QueryParser.show(attr), attr);
        }
        return a;
    }

    /** Clojure's numeric tower for the types Chronon stores: long, bigint, bigdec, double. */
    static final class Arith {
        static final int LONG = 0;
        static final int BIGINT = 1;
        static final int BIGDEC = 2;
        static final int DOUBLE = 3;

        private Arith() {
        }

        static int category(Number n) {
            if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
                return LONG;
            }
            if (n instanceof BigInteger) {
                return BIGINT;
            }
            if (n instanceof BigDecimal) {
                return BIGDEC;
            }
            return DOUBLE;
        }

        private static BigInteger big(Number n) {
            return n instanceof BigInteger b ? b : BigInteger.valueOf(n.longValue());
        }

        /**
         * The most digits an exact result (big integer or big decimal) may have. Exact
         * arithmetic costs time and memory in proportion to its result (and cannot be
         * interrupted), so {@code (+ 1E100000000M 1)} would hold a read thread for hours; such
         * calls are refused instead.
         */
        static final int MAX_EXACT_DIGITS = 100_000;
        /** {@link #MAX_EXACT_DIGITS} in bits (log2(10) = 3.33 bits per digit). */
        private static final long MAX_EXACT_BITS = (long) Math.ceil(MAX_EXACT_DIGITS * 3.3219280948873626);

        static ChrononException tooLarge(String op, long digits) {
            return ChrononException.incorrect("chronon.error/number-too-large", "Exact arithmetic (" + op
                    + ") would need a result of about " + String.format(java.util.Locale.ROOT, "%,d", digits)
                    + " digits; Chronon computes exact results of at most "
                    + String.format(java.util.Locale.ROOT, "%,d", MAX_EXACT_DIGITS)
                    + " digits (use doubles for numbers of this magnitude)", null);
        }

        /** Adding, subtracting or taking the integral quotient of big decimals aligns their scales first: refuses when that alone makes a huge number. */
        private static void checkAligned(String op, BigDecimal x, BigDecimal y) {
            long digits = Math.abs((long) x.scale() - y.scale()) + Math.max(x.precision(), y.precision());
            if (digits > MAX_EXACT_DIGITS) {
                throw tooLarge(op, digits);
            }
        }

        private static void checkProduct(BigDecimal x, BigDecimal y) {
            long digits = (long) x.precision() + y.precision();
            if (digits > MAX_EXACT_DIGITS) {
                throw tooLarge("*", digits);
            }
        }

        private static void checkProduct(BigInteger x, BigInteger y) {
            long bits = (long) x.bitLength() + y.bitLength();
            if (bits > MAX_EXACT_BITS) {
                throw tooLarge("*", (long) (bits / 3.3219280948873626));
            }
        }

        private static BigDecimal dec(Number n) {
            if (n instanceof BigDecimal b) {
                return b;
            }
            if (n instanceof BigInteger b) {
                return new BigDecimal(b);
            }
            return BigDecimal.valueOf(n.longValue());
        }

        static Number add(Number x, Number y) {
            switch (Math.max(category(x), category(y))) {
                case LONG:
                    return Math.addExact(x.longValue(), y.longValue());
                case BIGINT:
                    return big(x).add(big(y));
                case BIGDEC:
                    checkAligned("+", dec(x), dec(y));
                    return dec(x).add(dec(y));
                default:
                    return x.doubleValue() + y.doubleValue();
            }
        }

        static Number subtract(Number x, Number y) {
            switch (Math.max(category(x), category(y))) {
                case LONG:
                    return Math.subtractExact(x.longValue(), y.longValue());
                case BIGINT:
                    return big(x).subtract(big(y));
                case BIGDEC:
                    checkAligned("-", dec(x), dec(y));
                    return dec(x).subtract(dec(y));
                default:
                    return x.doubleValue() - y.doubleValue();
            }
        }

        static Number multiply(Number x, Number y) {
            switch (Math.max(category(x), category(y))) {
                case LONG:
                    return Math.multiplyExact(x.longValue(), y.longValue());
                case BIGINT:
                    checkProduct(big(x), big(y));
                    return big(x).multiply(big(y));
                case BIGDEC:
                    checkProduct(dec(x), dec(y));
                    return dec(x).multiply(dec(y));
                default:
                    return x.doubleValue() * y.doubleValue();
            }
        }

        /** Datomic's {@code /}: integer division for integers, as {@code quot}. */
        static Number divide(Number x, Number y) {
            switch (Math.max(category(x), category(y))) {
                case LONG:
                case BIGINT:
                    return quot(x, y);
                case BIGDEC:
                    // exact division works on the operands' digits, not their alignment: cheap
                    return dec(x).divide(dec(y));
                default:
                    if (category(y) != DOUBLE && y.longValue() == 0 && category(x) != DOUBLE) {
                        throw new ArithmeticException("Divide by zero");
                    }
                    return x.doubleValue() / y.doubleValue();
            }
        }

        static Number quot(Number x, Number y) {
            switch (Math.max(category(x), category(y))) {
                case LONG:
                    if (y.longValue() == 0) {
                        throw new ArithmeticException("Divide by zero");
                    }
                    if (x.longValue() == Long.MIN_VALUE && y.longValue() == -1) {
                        throw new ArithmeticException("long overflow");
                    }
                    return x.longValue() / y.longValue();
                case BIGINT:
                    return big(x).divide(big(y));
                case BIGDEC:
                    checkAligned("quot", dec(x), dec(y));
                    return dec(x).divideToIntegralValue(dec(y));
                default:
                    if (y.doubleValue() == 0) {
                        throw new ArithmeticException("Divide by zero"); // as Clojure's quot of doubles
                    }
                    double d = x.doubleValue() / y.doubleValue();
                    return d < 0 ? Math.ceil(d) : Math.floor(d);
            }
        }

        static Number rem(Number x, Number y) {
            switch (Math.max(category(x), category(y))) {
                case LONG:
                    if (y.longValue() == 0) {
                        throw new ArithmeticException("Divide by zero");
                    }
                    return x.longValue() % y.longValue();
                case BIGINT:
                    return big(x).remainder(big(y));
                case BIGDEC:
                    checkAligned("rem", dec(x), dec(y));
                    return dec(x).remainder(dec(y));
                default:
                    if (y.doubleValue() == 0) {
                        throw new ArithmeticException("Divide by zero"); // as Clojure's rem and mod of doubles
                    }
                    return x.doubleValue() % y.doubleValue();
            }
        }

        static Number mod(Number x, Number y) {
            Number m = rem(x, y);
            if (signum(m) == 0 || signum(x) == signum(y)) {
                return m;
            }
            return add(m, y);
        }

        static int signum(Number n) {
            switch (category(n)) {
                case LONG:
                    return Long.signum(n.longValue());
                case BIGINT:
                    return ((BigInteger) n).signum();
                case BIGDEC:
                    return ((BigDecimal) n).signum();
                default:
                    double d = n.doubleValue();
                    return d > 0 ? 1 : d < 0 ? -1 : 0;
            }
        }
    }
}
