package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.Values;
import io.chronon.edn.EdnPrintable;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A lazy, read-only view of one entity in one db value: Datomic's {@code entity}. Nothing is
 * read until asked; each attribute is read once and kept.
 *
 * <p>Values follow Datomic: a cardinality-one attribute gives its value; a cardinality-many
 * one an unmodifiable {@link Set} in index order; a reference gives the referenced
 * {@code LazyEntity}, or its ident {@link Keyword} when it has one (enums such as
 * {@code :color/red}); a reverse name {@code :ns/_attr} gives the set of referring entities,
 * or the one owning entity for a component attribute; an attribute without values (or one
 * that does not exist) gives null.
 *
 * <p>Not a {@link java.util.Map} on purpose: Datomic entities are equal when they are the
 * same entity in the same database state, which the {@code Map} contract (equal when the
 * contents are equal) forbids, and {@code Map.size()}, {@code values()} and
 * {@code entrySet()} would have to read every attribute. {@link #toMap()} gives the contents
 * as a plain map when wanted.
 *
 * <p>Thread-safe; the cache only ever holds what the db value says, so racing readers read
 * the same thing.
 */
public final class LazyEntity implements EdnPrintable {
    private static final Keyword DB_ID = Keyword.of("db/id");
    private static final Object NONE = new Object();

    private final DbValue db;
    private final long id;
    private final ConcurrentHashMap<Keyword, Object> cache = new ConcurrentHashMap<>();
    /** The forward attributes, in attribute id order, once {@link #keySet()} or {@link #touch()} read them. */
    private volatile Set<Keyword> keys;
    private volatile boolean touched;

    LazyEntity(DbValue db, long id) {
        this.db = db;
        this.id = id;
    }

    /** The entity id. */
    public long id() {
        return id;
    }

    /** The db value this entity reads from. */
    public DbValue db() {
        return db;
    }

    /**
     * The value of {@code attr} (see the class comment for its shape); {@code :db/id} gives the
     * id. Null when the entity has no value for it or it names no attribute.
     */
    public Object get(Keyword attr) {
        if (attr == DB_ID) {
            return id;
        }
        Object v = cache.get(attr);
        if (v == null) {
            v = read(attr);
            Object prev = cache.putIfAbsent(attr, v == null ? NONE : v);
            if (prev != null) {
                v = prev == NONE ? null : prev;
            }
            return v;
        }
        return v == NONE ? null : v;
    }

    /**
     * {@link #get(Keyword)} for an attribute written as a string with its colon, such as
     * {@code ":person/name"} (Datomic's Java API form).
     *
     * @throws ChrononException {@code incorrect} for a string without the leading colon
     */
    public Object get(String attr) {
        if (attr.length() < 2 || attr.charAt(0) != ':') {
            throw ChrononException.incorrect("db.error/not-a-keyword",
                    "Cannot interpret as a keyword: " + attr + ", no leading :", attr);
        }
        return get(Keyword.of(attr));
    }

    /**
     * True if {@link #get(Keyword)} would give a value: {@code :db/id}, a forward attribute the
     * entity has, or a reverse name with referring entities.
     */
    public boolean containsKey(Keyword attr) {
        return get(attr) != null;
    }

    /** The forward attributes this entity has, in attribute id order (unmodifiable). */
    public Set<Keyword> keySet() {
        Set<Keyword> k = keys;
        if (k == null) {
            Set<Keyword> found = new LinkedHashSet<>();
            long last = Long.MIN_VALUE;
            for (Datom d : db.datoms(IndexType.EAVT, id)) {
                if (d.a() != last) {
                    last = d.a();
                    Attribute a = db.schema().attribute(last);
                    if (a != null) {
                        found.add(a.ident());
                    }
                }
            }
            k = Collections.unmodifiableSet(found);
            keys = k;
        }
        return k;
    }

    /**
     * Reads every forward attribute now, and touches component entities recursively, as
     * Datomic's {@code touch}; returns this entity.
     */
    public LazyEntity touch() {
        if (!touched) {
            touch(new java.util.HashSet<>());
        }
        return this;
    }

    private void touch(Set<Long> path) {
        if (!path.add(id)) {
            return; // a component cycle (malformed data)
        }
        for (Keyword k : keySet()) {
            Object v = get(k);
            Attribute a = db.schema().attribute(k);
            if (a != null && a.isComponent()) {
                if (v instanceof LazyEntity e) {
                    e.touch(path);
                } else if (v instanceof Set<?> s) {
                    for (Object o : s) {
                        if (o instanceof LazyEntity e) {
                            e.touch(path);
                        }
                    }
                }
            }
        }
        path.remove(id);
        touched = true;
    }

    /**
     * The forward attributes and their values as a plain map ({@code :db/id} first), reading
     * them all; references stay entities.
     */
    public Map<Keyword, Object> toMap() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(DB_ID, id);
        for (Keyword k : keySet()) {
            Object v = get(k);
            if (v != null) {
                m.put(k, v);
            }
        }
        return m;
    }

    private Object read(Keyword attr) {
        boolean reverse = attr.isReverse();
        Attribute a = db.schema().attribute(reverse ? attr.reverse() : attr);
        if (a == null || (reverse && !a.isRef())) {
            return null;
        }
        if (reverse) {
            Datom from = new Datom(Long.MIN_VALUE, a.id(), id, Long.MIN_VALUE, false);
            Datom to = new Datom(Long.MAX_VALUE, a.id(), id, Long.MAX_VALUE, true);
            if (a.isComponent()) {
                for (Datom d : db.slice(IndexType.VAET, from, to)) {
                    return new LazyEntity(db, d.e());
                }
                return null;
            }
            Set<Object> owners = new LinkedHashSet<>();
            for (Datom d : db.slice(IndexType.VAET, from, to)) {
                owners.add(new LazyEntity(db, d.e()));
            }
            return owners.isEmpty() ? null : Collections.unmodifiableSet(owners);
        }
        Datom from = new Datom(id, a.id(), Values.MIN, Long.MIN_VALUE, false);
        Datom to = new Datom(id, a.id(), Values.MAX, Long.MAX_VALUE, true);
        if (!a.many()) {
            for (Datom d : db.slice(IndexType.EAVT, from, to)) {
                return value(a, d.v());
            }
            return null;
        }
        List<Object> values = new ArrayList<>();
        for (Datom d : db.slice(IndexType.EAVT, from, to)) {
            values.add(value(a, d.v()));
        }
        return values.isEmpty() ? null : Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    private Object value(Attribute a, Object v) {
        if (!a.isRef()) {
            return v;
        }
        long ref = (Long) v;
        Keyword ident = db.ident(ref);
        return ident != null ? ident : new LazyEntity(db, ref);
    }

    /**
     * The t this entity's db value shows: its as-of t, or its basis t. With the id it decides
     * equality, as in Datomic, where entities of two db values at the same t are equal.
     */
    private long viewT() {
        long asOf = db.asOfT();
        return asOf >= 0 ? Math.min(asOf, db.basisT()) : db.basisT();
    }

    /**
     * Equal to another entity with the same id in a db value at the same t (Datomic's
     * rule: the contents are not compared, and a since view shows the same entity).
     */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        return o instanceof LazyEntity e && e.id == id && (e.db == db || e.viewT() == viewT());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * 31 + Long.hashCode(viewT());
    }

    /**
     * As Datomic prints entities: {@code {:db/id n}}, and once touched every attribute, with
     * touched components in full and other referenced entities as {@code {:db/id n}}.
     */
    @Override
    public void printEdn(StringBuilder out) {
        EdnPrinter.print(printable(), out);
    }

    @Override
    public String toString() {
        return EdnPrinter.print(this);
    }

    private Map<Keyword, Object> printable() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(DB_ID, id);
        if (touched) {
            for (Keyword k : keySet()) {
                Attribute a = db.schema().attribute(k);
                boolean component = a != null && a.isComponent();
                Object v = get(k);
                if (v instanceof Set<?> set) {
                    Set<Object> out = new LinkedHashSet<>();
                    for (Object o : set) {
                        out.add(printable(o, component));
                    }
                    v = out;
                } else {
                    v = printable(v, component);
                }
                m.put(k, v);
            }
        }
        return m;
    }

    private static Object printable(Object v, boolean component) {
        if (v instanceof LazyEntity e) {
            return component ? e.printable() : Map.of(DB_ID, e.id);
        }
        return v;
    }
}
