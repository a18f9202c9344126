package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.db.Attribute;
import io.chronon.db.Schema;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed pull pattern, ready to run against any db value: Datomic's pull grammar
 * (attribute names, {@code *}, {@code :db/id}, reverse names {@code :ns/_attr}, map specs
 * with nested patterns or recursion limits, attribute expressions in the vector form
 * {@code [:attr :as x :limit n :default v :xform f]} and the older list forms
 * {@code (:attr :limit n)}, {@code (limit :attr n)}, {@code (default :attr v)}) checked once,
 * so running it never re-parses. Immutable and safe to share between threads; get one with
 * {@link Pull#compile(Object)}.
 */
public final class PullPattern {
    private static final Keyword DB_ID = Keyword.of("db/id");
    private static final Keyword AS = Keyword.of("as");
    private static final Keyword LIMIT = Keyword.of("limit");
    private static final Keyword DEFAULT = Keyword.of("default");
    private static final Keyword XFORM = Keyword.of("xform");
    private static final Keyword STAR_KEYWORD = Keyword.of("*");
    private static final Symbol STAR = Symbol.of("*");
    private static final Symbol ELLIPSIS = Symbol.of("...");
    private static final Symbol LIMIT_SYM = Symbol.of("limit");
    private static final Symbol DEFAULT_SYM = Symbol.of("default");

    /** The pattern as given (EDN data). */
    final Object form;
    /** The explicit attribute specs, in pattern order (without {@code *} and {@code :db/id}). */
    final AttrSpec[] specs;
    /** {@code *} is in the pattern. */
    final boolean wildcard;
    /** The wildcard was written {@code "*"}: its keys are strings such as {@code ":db/id"}. */
    final boolean stringKeys;
    /** The result carries {@code :db/id}: written out, or implied by {@code *}. */
    final boolean withId;
    /** This pattern or a nested one recurses; only then does the puller track visited entities. */
    final boolean recurses;
    /** Number of recursive specs in the whole tree; set on the top-level pattern. */
    final int recursionCount;

    private volatile Binding binding;

    private PullPattern(Object form, AttrSpec[] specs, boolean wildcard, boolean stringKeys, boolean withId,
                        int recursionCount) {
        this.form = form;
        this.specs = specs;
        this.wildcard = wildcard;
        this.stringKeys = stringKeys;
        this.withId = withId;
        boolean r = false;
        for (AttrSpec s : specs) {
            r |= s.recursive() || (s.sub != null && s.sub.recurses);
        }
        this.recurses = r;
        this.recursionCount = recursionCount;
    }

    /** {@code [*]}: what a component reference expands to when no pattern is given for it. */
    static final PullPattern WILDCARD = new PullPattern(List.of(STAR), new AttrSpec[0], true, false, true, 0);
    /** {@code ["*"]}: the wildcard with string keys. */
    static final PullPattern STRING_WILDCARD = new PullPattern(List.of("*"), new AttrSpec[0], true, true, true, 0);

    /** The pattern as it was given, as EDN data. */
    public Object form() {
        return form;
    }

    @Override
    public String toString() {
        return show(form);
    }

    // ------------------------------------------------------------------ parsing

    /** Parses a selector: an EDN string or EDN data (a vector or list of attribute specs). */
    static PullPattern parse(Object selector) {
        Object form = selector instanceof String s ? EdnReader.read(s) : selector;
        if (!(form instanceof List<?> list)) {
            throw ChrononException.incorrect("db.error/invalid-pull-pattern",
                    "A pull pattern must be a vector of attribute specs, not " + show(form), form);
        }
        int[] recursionCounter = new int[1];
        PullPattern p = parsePattern(list, recursionCounter);
        if (recursionCounter[0] == 0) {
            return p;
        }
        return new PullPattern(p.form, p.specs, p.wildcard, p.stringKeys, p.withId, recursionCounter[0]);
    }

    private static PullPattern parsePattern(List<?> elements, int[] recursionCounter) {
        List<AttrSpec> specs = new ArrayList<>(elements.size());
        Set<Keyword> names = new HashSet<>();
        boolean wildcard = false;
        boolean stringKeys = false;
        boolean withId = false;
        for (Object x : elements) {
            if (isWildcard(x)) {
                wildcard = true;
                stringKeys |= x instanceof String;
            } else if (x instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    AttrSpec s = parseMapEntry(e.getKey(), e.getValue(), recursionCounter);
                    if (s != null) {
                        addSpec(specs, names, s);
                    }
                }
            } else {
                AttrSpec s = parseAttr(x, null, 0, recursionCounter);
                if (s == null) {
                    withId = true;
                } else {
                    addSpec(specs, names, s);
                }
            }
        }
        return new PullPattern(elements, specs.toArray(new AttrSpec[0]), wildcard, stringKeys, withId || wildcard, 0);
    }

    private static void addSpec(List<AttrSpec> specs, Set<Keyword> names, AttrSpec s) {
        if (!names.add(s.name)) {
            throw ChrononException.incorrect("pull/duplicate-attribute",
                    "Multiple specifications for " + s.name + " in one pull pattern", s.name);
        }
        specs.add(s);
    }

    /** One entry of a map spec; null for entries that name nothing ({@code *}, {@code :db/id}). */
    private static AttrSpec parseMapEntry(Object key, Object value, int[] recursionCounter) {
        PullPattern sub = null;
        int recursionLimit = 0;
        if (value instanceof List<?> nested) {
            sub = parsePattern(nested, recursionCounter);
        } else if (value == ELLIPSIS) {
            recursionLimit = AttrSpec.UNBOUNDED;
        } else if (isIntegral(value) && toLong(value) > 0) {
            recursionLimit = (int) Math.min(toLong(value), AttrSpec.UNBOUNDED - 1);
        } else {
            throw ChrononException.incorrect("db.error/invalid-recur-limit",
                    "Cannot interpret as a nested pattern or a recursion limit (a positive number or ...): "
                            + show(value), value);
        }
        if (isWildcard(key)) {
            return null; // Datomic ignores {* ...}
        }
        return parseAttr(key, sub, recursionLimit, recursionCounter);
    }

    /**
     * An attribute name or attribute expression, with what a map spec gave it; null for
     * {@code :db/id} (whose options Datomic ignores).
     */
    private static AttrSpec parseAttr(Object x, PullPattern sub, int recursionLimit, int[] recursionCounter) {
        Object nameForm = x;
        Object as = null;
        int limit = AttrSpec.DEFAULT_LIMIT;
        Object defaultValue = null;
        boolean legacyDefault = false;
        Xform xform = null;
        if (x instanceof List<?> expr) {
            if (expr.isEmpty()) {
                throw invalidAttrSpec(x);
            }
            Object head = expr.get(0);
            if (head == LIMIT_SYM || head == DEFAULT_SYM) {
                if (expr.size() < 2) {
                    throw invalidAttrSpec(x);
                }
                nameForm = expr.get(1);
                if (expr.size() > 2) {
                    if (head == LIMIT_SYM) {
                        limit = parseLimit(expr.get(2), x);
                    } else {
                        defaultValue = expr.get(2);
                        legacyDefault = true;
                    }
                }
            } else {
                if (attrName(head) == null || expr.size() % 2 == 0) {
                    throw invalidAttrSpec(x);
                }
                nameForm = head;
                for (int i = 1; i < expr.size(); i += 2) {
                    Object option = expr.get(i);
                    Object v = expr.get(i + 1);
                    if (option == AS) {
                        as = v;
                    } else if (option == LIMIT) {
                        limit = parseLimit(v, x);
                    } else if (option == DEFAULT) {
                        defaultValue = v;
                    } else if (option == XFORM) {
                        xform = v == null ? null : Xform.of(v);
                    }
                    // other options are ignored, as in Datomic
                }
            }
        }
        Keyword name = attrName(nameForm);
        if (name == null) {
            throw ChrononException.incorrect("db.error/invalid-attr-spec",
                    "Cannot interpret as an attribute spec (an attribute keyword, *, a map or an attribute"
                            + " expression): " + show(x), x);
        }
        if (name == DB_ID) {
            return null;
        }
        Object key = as != null ? as : nameForm;
        int recursionIndex = recursionLimit > 0 ? recursionCounter[0]++ : -1;
        return new AttrSpec(name, key, nameForm instanceof String, limit, defaultValue, legacyDefault, xform, sub, recursionLimit, recursionIndex);
    }

    private static ChrononException invalidAttrSpec(Object x) {
        return ChrononException.incorrect("db.error/invalid-attr-spec",
                "Cannot interpret as an attribute spec: " + show(x), x);
    }

    private static int parseLimit(Object v, Object expr) {
        if (v == null) {
            return AttrSpec.NO_LIMIT;
        }
        if (!isIntegral(v)) {
            throw ChrononException.incorrect("db.error/invalid-limit",
                    "'" + show(v) + "' is not a valid limit (a number or nil) in " + show(expr), expr);
        }
        long n = toLong(v);
        return n <= 0 ? 0 : (int) Math.min(n, AttrSpec.NO_LIMIT);
    }

    /** The attribute keyword named by a keyword or a string such as {@code ":person/name"}; else null. */
    private static Keyword attrName(Object x) {
        if (x instanceof Keyword k) {
            return k == STAR_KEYWORD ? null : k;
        }
        if (x instanceof String s && s.length() > 1 && s.charAt(0) == ':') {
            return Keyword.of(s);
        }
        return null;
    }

    private static boolean isWildcard(Object x) {
        return x == STAR || x == STAR_KEYWORD || "*".equals(x);
    }

    private static boolean isIntegral(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                || v instanceof BigInteger;
    }

    private static long toLong(Object v) {
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? b.longValue() : (b.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
        }
        return ((Number) v).longValue();
    }

    static String show(Object form) {
        try {
            return EdnPrinter.print(form);
        } catch (IllegalArgumentException e) {
            return String.valueOf(form);
        }
    }

    // ------------------------------------------------------------------ binding to a schema

    /** The binding of this pattern's specs to the attributes of {@code schema}, cached per schema. */
    Binding bind(Schema schema) {
        Binding b = binding;
        if (b == null || b.schema != schema) {
            b = new Binding(schema, specs);
            binding = b;
        }
        return b;
    }

    /**
     * The specs of a pattern resolved against one schema: each spec's attribute (null when it
     * names none, which pull ignores), and the forward specs sorted by attribute id so that
     * one EAVT scan of an entity can be merged with them.
     */
    static final class Binding {
        final Schema schema;
        /** Parallel to the pattern's specs; null where the spec names no (usable) attribute. */
        final Attribute[] attrs;
        /** Indexes of the forward specs with an attribute, by ascending attribute id. */
        final int[] forward;
        /** The attribute ids of {@link #forward}, ascending. */
        final long[] forwardIds;

        Binding(Schema schema, AttrSpec[] specs) {
            this.schema = schema;
            this.attrs = new Attribute[specs.length];
            List<Integer> fwd = new ArrayList<>();
            for (int i = 0; i < specs.length; i++) {
                AttrSpec s = specs[i];
                Attribute a = schema.attribute(s.attr);
                if (a != null && s.reverse && !a.isRef()) {
                    a = null; // the reverse of a non-ref names nothing
                }
                if (a != null && !s.reverse && s.followsRefs() && !a.isRef()) {
                    throw ChrononException.incorrect("db.error/invalid-attr-spec",
                            "Attribute " + a.ident() + " is not a reference, so it cannot have a nested pattern"
                                    + " or a recursion limit", s.name);
                }
                attrs[i] = a;
                if (a != null && !s.reverse) {
                    fwd.add(i);
                }
            }
            fwd.sort((x, y) -> Long.compare(attrs[x].id(), attrs[y].id()));
            forward = new int[fwd.size()];
            forwardIds = new long[fwd.size()];
            for (int i = 0; i < forward.length; i++) {
                forward[i] = fwd.get(i);
                forwardIds[i] = attrs[forward[i]].id();
            }
        }

        @Override
        public String toString() {
            return "Binding" + Arrays.toString(forwardIds);
        }
    }
}
