package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.Schema;
import io.chronon.db.Values;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a parsed pattern against one db value: one EAVT scan per entity, merged with the
 * pattern's forward specs sorted by attribute id, and a VAET scan per reverse spec. One
 * instance serves one top-level pull; it is not thread-safe (it keeps the recursion state).
 *
 * <p>Recursion follows Datomic 1.0.7622 as observed (each rule has a differential test):
 * <ul>
 *   <li>an entity is "seen" by a pattern when it was pulled with that pattern after following
 *       a reference on the current path, or is the root of the pull named by its entity id
 *       (Datomic records the root as given, so a root named by a lookup ref is never seen);
 *   <li>following a recursive spec to an entity its pattern has seen pulls it once more, with
 *       the recursion of that level switched off;
 *   <li>depth limits count per recursive spec along the current path;
 *   <li>a recursive spec at its depth limit, or switched off, gives its targets as
 *       {@code {:db/id n}} when the pattern asks for {@code :db/id} (or {@code *}), and
 *       nothing otherwise.
 * </ul>
 */
final class Puller {
    static final Keyword DB_ID = Keyword.of("db/id");
    static final String DB_ID_STRING = ":db/id";

    private final DbValue db;
    private final Schema schema;
    /** Per recursive spec: how many times the current path has followed it. */
    private final int[] depth;
    /** Only patterns that recurse need the sets of seen entities. */
    private final boolean track;
    /** Per pattern: the entities pulled with it after following a reference, on the current path. */
    private final IdentityHashMap<PullPattern, HashSet<Long>> seen;
    /** Component entities being expanded on the current path: a guard against cyclic components. */
    private HashSet<Long> expanding;
    /**
     * How deep one pull may nest entities. Pull recurses once per level, and so do the writers
     * of its result (JSON, the wire format): a chain of 50,000 components overflowed the
     * thread's stack, an error that is fatal to a node. Datomic has no such limit and fails the
     * same way.
     */
    static final int MAX_NESTING = 256;
    /**
     * How many entities one top-level pull may give. Seen-sets are per path, as in Datomic, so
     * a recursive pattern over a graph of diamonds pulls each entity once per path to it:
     * exponentially many.
     */
    static final int MAX_ENTITIES = Integer.getInteger("chronon.pull.max-entities", 200_000);
    private int nesting;
    private int pulled;

    Puller(DbValue db, PullPattern root) {
        this.db = db;
        this.schema = db.schema();
        this.depth = root.recursionCount == 0 ? null : new int[root.recursionCount];
        this.track = root.recurses;
        this.seen = track ? new IdentityHashMap<>() : null;
    }

    /**
     * The pull of the top-level pattern {@code p} for {@code eid} (null when the entity
     * reference did not resolve). {@code byId}: the caller named the entity by its id, which
     * makes the root "seen" by {@code p}; Datomic records the root as given, so a root named by
     * a lookup ref or ident is never found again.
     */
    Map<Object, Object> pullRoot(Long eid, PullPattern p, boolean byId) {
        if (track && byId && eid != null) {
            seen(p).add(eid);
        }
        return pull(eid, p, false);
    }

    /**
     * The pull of {@code p} for entity {@code eid} (null when the entity id did not resolve),
     * or null when it gives nothing. With {@code recursionOff}, the recursive specs of
     * {@code p} itself give only ids.
     */
    Map<Object, Object> pull(Long eid, PullPattern p, boolean recursionOff) {
        if (++nesting > MAX_NESTING) {
            throw tooLarge("nests entities deeper than " + MAX_NESTING + " levels (a long chain of components or"
                    + " references followed by a recursive pattern)");
        }
        if (++pulled > MAX_ENTITIES) {
            throw tooLarge("pulls more than " + MAX_ENTITIES + " entities (a recursive pattern over a large graph)");
        }
        if ((pulled & 255) == 0) {
            checkInterrupted();
        }
        try {
            return pullEntity(eid, p, recursionOff);
        } finally {
            nesting--;
        }
    }

    /**
     * A read that times out is stopped by interrupting its thread (the peer's read runner does
     * this; so may any caller): a large pull stops within a few hundred entities of it.
     */
    static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ChrononException(ErrorCategory.INTERRUPTED, Keyword.of("db.error/query-interrupted"),
                    "Pull interrupted: the calling thread was interrupted (the read timed out or was canceled)");
        }
    }

    private static ChrononException tooLarge(String what) {
        return new ChrononException(ErrorCategory.INCORRECT, Keyword.of("chronon.error/pull-too-large"),
                "The pull " + what + "; limit the recursion (a number instead of ...) or pull less", null);
    }

    private Map<Object, Object> pullEntity(Long eid, PullPattern p, boolean recursionOff) {
        PullPattern.Binding b = p.bind(schema);
        AttrSpec[] specs = p.specs;
        LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
        if (p.withId) {
            out.put(p.stringKeys ? DB_ID_STRING : DB_ID, eid);
        }
        Object[] collected = specs.length == 0 ? null : new Object[specs.length];
        // with *, the explicit specs of attributes the entity has replace what * listed, even by nil
        boolean[] listed = p.wildcard && specs.length > 0 ? new boolean[specs.length] : null;
        if (eid != null && (p.wildcard || b.forward.length > 0)) {
            scan(eid, p, b, collected, listed, out);
        }
        for (int i = 0; i < specs.length; i++) {
            AttrSpec s = specs[i];
            Attribute a = b.attrs[i];
            Object v = null;
            if (a != null && eid != null) {
                if (s.reverse) {
                    v = reverseValue(eid, s, a, p, recursionOff);
                } else if (collected[i] != null) {
                    v = forwardValue(collected[i], s, a, p, recursionOff);
                }
            }
            if (s.xform != null) {
                v = s.xform.apply(v);
            }
            if (v == null || (v == Boolean.FALSE && s.defaultReplacesFalse && s.defaultValue != null)) {
                v = s.defaultValue;
            }
            if (v != null || (listed != null && listed[i])) {
                out.put(s.key, v);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /**
     * Reads the entity's datoms once: values of explicit forward specs go to
     * {@code collected} (a value, or a list for cardinality many, already limited) and are
     * marked in {@code listed} when there is one; with a wildcard, every other attribute goes
     * straight to {@code out}.
     */
    @SuppressWarnings("unchecked")
    private void scan(long e, PullPattern p, PullPattern.Binding b, Object[] collected, boolean[] listed,
                      Map<Object, Object> out) {
        long[] ids = b.forwardIds;
        long aLo = p.wildcard ? Long.MIN_VALUE : ids[0];
        long aHi = p.wildcard ? Long.MAX_VALUE : ids[ids.length - 1];
        Datom from = new Datom(e, aLo, Values.MIN, Long.MIN_VALUE, false);
        Datom to = new Datom(e, aHi, Values.MAX, Long.MAX_VALUE, true);
        int k = 0;
        long curA = Long.MIN_VALUE;
        int spec = -1;
        AttrSpec s = null;
        boolean many = false;
        Attribute wild = null;
        Object wildValue = null;
        for (Datom d : db.slice(IndexType.EAVT, from, to)) {
            long a = d.a();
            if (a != curA) {
                if (wild != null) {
                    putWildcard(out, wild, wildValue, p.stringKeys);
                    wild = null;
                    wildValue = null;
                }
                curA = a;
                while (k < ids.length && ids[k] < a) {
                    k++;
                }
                if (k < ids.length && ids[k] == a) {
                    spec = b.forward[k];
                    s = p.specs[spec];
                    many = b.attrs[spec].many();
                    if (listed != null) {
                        listed[spec] = true;
                    }
                } else {
                    spec = -1;
                    if (p.wildcard) {
                        wild = schema.attribute(a);
                    }
                }
            }
            if (spec >= 0) {
                if (!many) {
                    if (collected[spec] == null) {
                        collected[spec] = d.v();
                    }
                } else if (s.limit > 0) {
                    List<Object> list = (List<Object>) collected[spec];
                    if (list == null) {
                        list = new ArrayList<>(Math.min(s.limit, 16));
                        collected[spec] = list;
                    }
                    if (list.size() < s.limit) {
                        list.add(d.v());
                    }
                }
            } else if (wild != null) {
                if (!wild.many()) {
                    if (wildValue == null) {
                        wildValue = d.v();
                    }
                } else {
                    List<Object> list = (List<Object>) wildValue;
                    if (list == null) {
                        list = new ArrayList<>();
                        wildValue = list;
                    }
                    if (list.size() < AttrSpec.DEFAULT_LIMIT) {
                        list.add(d.v());
                    }
                }
            }
        }
        if (wild != null) {
            putWildcard(out, wild, wildValue, p.stringKeys);
        }
    }

    /** One attribute under {@code *}: components expanded, other references as ids. */
    @SuppressWarnings("unchecked")
    private void putWildcard(Map<Object, Object> out, Attribute a, Object value, boolean stringKeys) {
        Object key = stringKeys ? ":" + a.ident().text() : a.ident();
        if (!a.isRef()) {
            out.put(key, value);
        } else if (!a.many()) {
            out.put(key, plainRef((Long) value, a, stringKeys));
        } else {
            List<Object> list = (List<Object>) value;
            for (int i = 0; i < list.size(); i++) {
                list.set(i, plainRef((Long) list.get(i), a, stringKeys));
            }
            out.put(key, list);
        }
    }

    @SuppressWarnings("unchecked")
    private Object forwardValue(Object raw, AttrSpec s, Attribute a, PullPattern p, boolean recursionOff) {
        if (!a.isRef()) {
            return raw;
        }
        if (!a.many()) {
            return refValue((Long) raw, s, a, p, recursionOff);
        }
        List<Object> list = (List<Object>) raw;
        int n = 0;
        for (Object id : list) {
            Object v = refValue((Long) id, s, a, p, recursionOff);
            if (v != null) {
                list.set(n++, v);
            }
        }
        if (n == 0) {
            return null;
        }
        return n == list.size() ? list : new ArrayList<>(list.subList(0, n));
    }

    private Object reverseValue(long e, AttrSpec s, Attribute a, PullPattern p, boolean recursionOff) {
        Datom from = new Datom(Long.MIN_VALUE, a.id(), e, Long.MIN_VALUE, false);
        Datom to = new Datom(Long.MAX_VALUE, a.id(), e, Long.MAX_VALUE, true);
        if (a.isComponent()) {
            // a component has one owner: the reverse is one map, and :limit does not apply
            for (Datom d : db.slice(IndexType.VAET, from, to)) {
                return refValue(d.e(), s, a, p, recursionOff);
            }
            return null;
        }
        if (s.limit <= 0) {
            return null;
        }
        List<Object> list = null;
        int taken = 0;
        for (Datom d : db.slice(IndexType.VAET, from, to)) {
            if (taken++ >= s.limit) {
                break;
            }
            Object v = refValue(d.e(), s, a, p, recursionOff);
            if (v != null) {
                if (list == null) {
                    list = new ArrayList<>();
                }
                list.add(v);
            }
        }
        return list;
    }

    /** What an explicit spec gives for one referenced entity {@code id}; null for nothing. */
    private Object refValue(long id, AttrSpec s, Attribute a, PullPattern p, boolean recursionOff) {
        if (s.sub != null) {
            return enter(id, s.sub);
        }
        if (s.recursive()) {
            if (recursionOff || depth[s.recursionIndex] >= s.recursionLimit) {
                return p.withId ? idMap(id, p.stringKeys) : null;
            }
            HashSet<Long> seenHere = seen(p);
            if (seenHere.contains(id)) {
                return pull(id, p, true);
            }
            depth[s.recursionIndex]++;
            seenHere.add(id);
            try {
                return pull(id, p, false);
            } finally {
                seenHere.remove(id);
                depth[s.recursionIndex]--;
            }
        }
        if (s.reverse) {
            return idMap(id, s.stringKeys);
        }
        return plainRef(id, a, s.stringKeys);
    }

    /** Pulls a referenced entity with a nested (non-recursive) pattern. */
    private Object enter(long id, PullPattern sub) {
        if (!track) {
            return pull(id, sub, false);
        }
        HashSet<Long> seenThere = seen(sub);
        boolean added = seenThere.add(id);
        try {
            return pull(id, sub, false);
        } finally {
            if (added) {
                seenThere.remove(id);
            }
        }
    }

    private HashSet<Long> seen(PullPattern p) {
        HashSet<Long> set = seen.get(p);
        if (set == null) {
            set = new HashSet<>();
            seen.put(p, set);
        }
        return set;
    }

    /** A reference without a pattern: a component expanded with {@code *}, anything else as its id. */
    private Map<Object, Object> plainRef(long id, Attribute a, boolean stringKeys) {
        if (!a.isComponent()) {
            return idMap(id, stringKeys);
        }
        if (expanding == null) {
            expanding = new HashSet<>();
        }
        if (!expanding.add(id)) {
            return idMap(id, stringKeys); // a component cycle: malformed data, but no endless loop
        }
        try {
            return pull(id, stringKeys ? PullPattern.STRING_WILDCARD : PullPattern.WILDCARD, false);
        } finally {
            expanding.remove(id);
        }
    }

    private static Map<Object, Object> idMap(long id, boolean stringKeys) {
        LinkedHashMap<Object, Object> m = new LinkedHashMap<>(2);
        m.put(stringKeys ? DB_ID_STRING : DB_ID, id);
        return m;
    }
}
