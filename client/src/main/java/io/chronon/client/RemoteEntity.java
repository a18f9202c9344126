package io.chronon.client;

import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An entity of a remote database: each attribute is pulled on first use (one request, plus
 * one to learn the attribute's schema the first time a {@link RemoteDb} meets it, plus one
 * for the idents of the entities a reference points to) and kept.
 */
final class RemoteEntity implements Entity {
    private static final Keyword DB_ID = Keyword.of("db/id");
    private static final Keyword DB_IDENT = Keyword.of("db/ident");
    private static final Object NONE = new Object();
    private static final String ATTRIBUTE_QUERY = "[:find [?card ?type ?comp] :in $ ?ident :where [?a :db/ident ?ident]"
            + " [?a :db/cardinality ?c] [?c :db/ident ?card] [?a :db/valueType ?vt] [?vt :db/ident ?type]"
            + " [(get-else $ ?a :db/isComponent false) ?comp]]";

    private final RemoteDb db;
    private final long id;
    private final Map<Keyword, Object> cache = new ConcurrentHashMap<>();
    private volatile Set<Keyword> keys;

    RemoteEntity(RemoteDb db, long id) {
        this.db = db;
        this.id = id;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Db db() {
        return db;
    }

    @Override
    public Object get(Keyword attr) {
        if (attr.equals(DB_ID)) {
            return id;
        }
        Object v = cache.computeIfAbsent(attr, a -> {
            Object read = read(a);
            return read == null ? NONE : read;
        });
        return v == NONE ? null : v;
    }

    /** Cardinality many, ref, component: the facts of an attribute that shape its values; null if it is none. */
    private List<?> attribute(Keyword ident) {
        List<?> facts = db.attributes.get(ident);
        if (facts == null) {
            Object found = db.q(ATTRIBUTE_QUERY, ident);
            facts = found instanceof List<?> l ? l : List.of();
            db.attributes.put(ident, facts);
        }
        return facts.isEmpty() ? null : facts;
    }

    private Object read(Keyword attr) {
        boolean reverse = attr.isReverse();
        List<?> facts = attribute(reverse ? attr.reverse() : attr);
        boolean ref = facts != null && Keyword.of("db.type/ref").equals(facts.get(1));
        if (facts == null || (reverse && !ref)) {
            return null;
        }
        Map<Object, Object> pulled = db.pull(List.of(attr), id);
        Object v = pulled == null ? null : pulled.get(attr);
        if (v == null) {
            return null;
        }
        boolean many = reverse ? !Boolean.TRUE.equals(facts.get(2)) : Keyword.of("db.cardinality/many").equals(facts.get(0));
        if (!ref) {
            return many && v instanceof Collection<?> c ? Collections.unmodifiableSet(new LinkedHashSet<>(c)) : v;
        }
        List<Object> refs = v instanceof Collection<?> c ? new ArrayList<>(c) : List.of(v);
        List<Object> resolved = referenced(refs);
        return many ? Collections.unmodifiableSet(new LinkedHashSet<>(resolved)) : resolved.isEmpty() ? null : resolved.get(0);
    }

    /** Pulled references {@code {:db/id n}} as entities, or idents for entities that have one (as Datomic's entity does). */
    private List<Object> referenced(List<Object> refs) {
        List<Object> ids = new ArrayList<>();
        for (Object r : refs) {
            ids.add(r instanceof Map<?, ?> m ? m.get(DB_ID) : r);
        }
        List<Map<Object, Object>> idents = db.pullMany("[:db/ident]", ids);
        List<Object> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            Map<Object, Object> m = idents.get(i);
            Object ident = m == null ? null : m.get(DB_IDENT);
            out.add(ident instanceof Keyword k ? k : new RemoteEntity(db, ((Number) ids.get(i)).longValue()));
        }
        return out;
    }

    @Override
    public Set<Keyword> keySet() {
        Set<Keyword> k = keys;
        if (k == null) {
            Map<Object, Object> all = db.pull("[*]", id);
            Set<Keyword> found = new LinkedHashSet<>();
            if (all != null) {
                for (Object key : all.keySet()) {
                    if (key instanceof Keyword kw && !kw.equals(DB_ID)) {
                        found.add(kw);
                    }
                }
            }
            k = Collections.unmodifiableSet(found);
            keys = k;
        }
        return k;
    }

    @Override
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

    /** Entities are equal when they are the same entity of the same database at the same basis, as in Datomic. */
    @Override
    public boolean equals(Object o) {
        return o instanceof RemoteEntity e && e.id == id && e.db.toString().equals(db.toString());
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id);
    }

    @Override
    public String toString() {
        return "{:db/id " + id + "}";
    }
}
