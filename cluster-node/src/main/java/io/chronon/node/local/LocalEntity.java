package io.chronon.node.local;

import io.chronon.client.Db;
import io.chronon.client.Entity;
import io.chronon.edn.Keyword;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** An entity of an in-process db value: core's lazy entity, with references as client entities. */
final class LocalEntity implements Entity {
    private final LocalDb db;
    private final io.chronon.pull.LazyEntity entity;

    LocalEntity(LocalDb db, io.chronon.pull.LazyEntity entity) {
        this.db = db;
        this.entity = entity;
    }

    @Override
    public long id() {
        return entity.id();
    }

    @Override
    public Db db() {
        return db;
    }

    @Override
    public Object get(Keyword attr) {
        return wrap(entity.get(attr));
    }

    private Object wrap(Object v) {
        if (v instanceof io.chronon.pull.LazyEntity e) {
            return new LocalEntity(db, e);
        }
        if (v instanceof Set<?> s && !s.isEmpty() && s.iterator().next() instanceof io.chronon.pull.LazyEntity) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object o : s) {
                out.add(wrap(o));
            }
            return Collections.unmodifiableSet(out);
        }
        return v;
    }

    @Override
    public Set<Keyword> keySet() {
        return entity.keySet();
    }

    @Override
    public Map<Keyword, Object> toMap() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        entity.toMap().forEach((k, v) -> m.put(k, wrap(v)));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LocalEntity e && e.entity.equals(entity);
    }

    @Override
    public int hashCode() {
        return entity.hashCode();
    }

    @Override
    public String toString() {
        return entity.toString();
    }
}
