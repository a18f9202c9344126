package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Datomic's pull API and entities over a db value.
 *
 * <p>A selector is a pull pattern as an EDN string ({@code "[:person/name {:person/friend [*]}]"}),
 * as already-read EDN data, or a {@link PullPattern} from {@link #compile}. String selectors
 * are parsed once and cached; callers that pull with one data selector many times should
 * {@link #compile} it once.
 *
 * <p>An entity is named by an entity id, an ident keyword (or its string form
 * {@code ":ident"}), a lookup ref {@code [unique-attr value]}, or an {@link LazyEntity}.
 *
 * <p>Results follow Datomic 1.0.7622: a map keyed by attribute keywords (or the
 * {@code :as} value; attributes named by strings such as {@code ":person/name"} give string
 * keys), cardinality-many and non-component reverse attributes as lists in index order (at
 * most 1000 values unless {@code :limit} says otherwise), the reverse of a component as one
 * map, references as nested maps ({@code {:db/id n}} without a pattern, components expanded
 * with {@code *}, enums too as {@code {:db/id n}}), missing attributes left out, and null
 * when nothing at all was found. Two Datomic details kept on purpose: with {@code *}, an
 * explicit spec for an attribute the entity has stays in the map even when it finds nothing
 * (as a null value); and {@code :xform} also runs on a missing value ({@code str} makes
 * {@code ""} of it). The maps and lists are fresh {@link java.util.LinkedHashMap}s and
 * {@link ArrayList}s that the caller owns.
 *
 * <p>Where Datomic's answer is an accident, Chronon rejects the pattern with an
 * {@code incorrect} error instead: a nested pattern or recursion on a non-reference
 * attribute, a {@code :limit} that is not an integer or nil, a map as the whole pattern.
 */
public final class Pull {
    /** Parsed string selectors; bounded by clearing when full, which is rare and harmless. */
    private static final int CACHE_LIMIT = 2048;
    private static final ConcurrentHashMap<String, PullPattern> CACHE = new ConcurrentHashMap<>();

    private Pull() {
    }

    /**
     * The parsed form of {@code selector} (an EDN string, EDN data, or a {@link PullPattern},
     * returned as is), to pull with many times without parsing again.
     *
     * @throws ChrononException {@code incorrect} if the selector is not a valid pull pattern
     */
    public static PullPattern compile(Object selector) {
        if (selector instanceof PullPattern p) {
            return p;
        }
        if (selector instanceof String s) {
            PullPattern p = CACHE.get(s);
            if (p == null) {
                p = PullPattern.parse(s);
                if (CACHE.size() >= CACHE_LIMIT) {
                    CACHE.clear();
                }
                CACHE.put(s, p);
            }
            return p;
        }
        return PullPattern.parse(selector);
    }

    /**
     * The pull of {@code selector} for one entity, or null when the pattern finds nothing
     * (a pattern with {@code *} or {@code :db/id} always gives at least {@code {:db/id id}},
     * with a null id when {@code eid} names no entity, as in Datomic).
     *
     * @throws ChrononException {@code incorrect} for an invalid pattern, an invalid entity
     *                          reference, or a history db (Datomic cannot pull from history either)
     */
    public static Map<Object, Object> pull(DbValue db, Object selector, Object eid) {
        PullPattern p = compile(selector);
        checkNotHistory(db, "pull");
        Long id = resolve(db, eid);
        return requireData(new Puller(db, p).pullRoot(id, p, isId(eid)), p);
    }

    /** {@link #pull} for many entities, in order; an entity that gives nothing gives a null element. */
    public static List<Map<Object, Object>> pullMany(DbValue db, Object selector, List<?> eids) {
        PullPattern p = compile(selector);
        checkNotHistory(db, "pull");
        List<Map<Object, Object>> out = new ArrayList<>(eids.size());
        for (Object eid : eids) {
            Puller.checkInterrupted();
            Long id = resolve(db, eid);
            out.add(new Puller(db, p).pullRoot(id, p, isId(eid)));
        }
        return requireData(out, p);
    }

    /**
     * Refuses an answer that holds a value EDN cannot carry, which no client outside this JVM
     * could receive (the node would fail to send it): an {@code :xform} of {@code keyword} or
     * {@code symbol} on text that is no keyword or symbol ({@code "likes chess"}).
     */
    private static <T> T requireData(T answer, PullPattern p) {
        String problem = EdnPrinter.whyNotPrintable(answer);
        if (problem != null) {
            throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("chronon.error/answer-not-data"),
                    "The answer holds a value that is not data, which a pull cannot return (" + problem + ")", p.form());
        }
        return answer;
    }

    /**
     * The lazy entity {@code eid} names in {@code db}, or null when it names none (a lookup
     * ref or ident that matches nothing). An entity id always gives an entity, even one
     * without datoms, as in Datomic.
     *
     * @throws ChrononException {@code incorrect} for an invalid entity reference or a history db
     */
    public static LazyEntity entity(DbValue db, Object eid) {
        checkNotHistory(db, "create an entity");
        Long id = resolve(db, eid);
        return id == null ? null : new LazyEntity(db, id);
    }

    private static void checkNotHistory(DbValue db, String what) {
        if (db.isHistory()) {
            throw ChrononException.incorrect("db.error/history-not-supported",
                    "Can't " + what + " from a history db; use a current, as-of or since view", null);
        }
    }

    /**
     * The entity id {@code eid} names, or null when it names none. Datomic's rules: integral
     * numbers are ids (existing or not), keywords and {@code ":ident"} strings are idents,
     * two-element lists are lookup refs (an attribute that is not unique is an error), other
     * strings are errors, and anything else names nothing.
     */
    static Long resolve(DbValue db, Object eid) {
        if (eid instanceof Long l) {
            return l;
        }
        if (eid instanceof Integer || eid instanceof Short || eid instanceof Byte) {
            return ((Number) eid).longValue();
        }
        if (eid instanceof LazyEntity e) {
            return e.id();
        }
        if (eid instanceof Keyword k) {
            return db.entid(k);
        }
        if (eid instanceof String s) {
            return db.entid(identString(s, eid));
        }
        if (eid instanceof List<?> ref) {
            if (ref.size() != 2) {
                throw ChrononException.incorrect("db.error/invalid-lookup-ref",
                        "A lookup ref is [unique-attribute value], not " + PullPattern.show(eid), eid);
            }
            Object attr = ref.get(0);
            Keyword attrIdent;
            if (attr instanceof Keyword k) {
                attrIdent = k;
            } else if (attr instanceof String s) {
                attrIdent = identString(s, eid);
            } else if (attr instanceof Number n) {
                attrIdent = db.ident(n.longValue());
                if (attrIdent == null) {
                    throw ChrononException.incorrect("db.error/not-an-attribute",
                            "Lookup ref attribute is not an attribute: " + attr, eid);
                }
            } else {
                throw ChrononException.incorrect("db.error/invalid-lookup-ref",
                        "A lookup ref is [unique-attribute value], not " + PullPattern.show(eid), eid);
            }
            if (db.schema().entid(attrIdent) == null) {
                throw ChrononException.incorrect("db.error/not-an-entity",
                        "Unable to resolve entity: " + attrIdent + " in lookup ref " + PullPattern.show(eid), eid);
            }
            Object value = ref.get(1);
            if (value == null) {
                return null;
            }
            return db.entid(List.of(attrIdent, value instanceof LazyEntity e ? e.id() : value));
        }
        return null;
    }

    /** True for an entity named by its id rather than by a lookup ref or an ident. */
    private static boolean isId(Object eid) {
        return eid instanceof Long || eid instanceof Integer || eid instanceof Short || eid instanceof Byte
                || eid instanceof LazyEntity;
    }

    private static Keyword identString(String s, Object form) {
        if (s.length() < 2 || s.charAt(0) != ':') {
            throw ChrononException.incorrect("db.error/not-a-keyword",
                    "Cannot interpret as a keyword: " + s + ", no leading :", form);
        }
        return Keyword.of(s);
    }
}
