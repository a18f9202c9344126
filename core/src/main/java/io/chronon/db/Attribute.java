package io.chronon.db;

import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An installed attribute: its entity id, ident and schema properties. Immutable; a schema
 * alteration makes a new Attribute in the next db value.
 *
 * @param tupleAttrs  for a composite tuple, the attribute ids it is derived from; else null
 * @param tupleType   for a homogeneous tuple, its element type; else null
 * @param tupleTypes  for a heterogeneous tuple, its element types; else null
 */
public record Attribute(
        long id,
        Keyword ident,
        ValueType valueType,
        boolean many,
        Unique unique,
        boolean isComponent,
        boolean index,
        boolean noHistory,
        boolean fulltext,
        List<Long> tupleAttrs,
        ValueType tupleType,
        List<ValueType> tupleTypes) {

    /** The {@code :db/unique} setting of an attribute. */
    public enum Unique {
        NONE, VALUE, IDENTITY;

        /** {@code :db.unique/value} or {@code :db.unique/identity}, or null for NONE. */
        public Keyword ident() {
            return switch (this) {
                case NONE -> null;
                case VALUE -> Keyword.of("db.unique/value");
                case IDENTITY -> Keyword.of("db.unique/identity");
            };
        }
    }

    public boolean isRef() {
        return valueType == ValueType.REF;
    }

    public boolean isUnique() {
        return unique != Unique.NONE;
    }

    /** True if this is a composite tuple, derived from other attributes. */
    public boolean isComposite() {
        return tupleAttrs != null;
    }

    /** True if Datomic would keep an AVET index for this attribute. */
    public boolean indexed() {
        return index || unique != Unique.NONE;
    }

    /** {@code :db.cardinality/one} or {@code :db.cardinality/many}. */
    public Keyword cardinalityIdent() {
        return many ? Keyword.of("db.cardinality/many") : Keyword.of("db.cardinality/one");
    }

    /**
     * This attribute as EDN data, as the HTTP API and the remote client send it:
     * {@code :db/id}, {@code :db/ident}, {@code :db/valueType}, {@code :db/cardinality},
     * {@code :db/unique} (when set), {@code :db/isComponent}, {@code :db/index},
     * {@code :db/noHistory}, {@code :db/fulltext}, and a tuple's {@code :db/tupleAttrs} (ids),
     * {@code :db/tupleType} or {@code :db/tupleTypes}. {@link #fromMap} reads it back.
     */
    public Map<Keyword, Object> toMap() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("db/id"), id);
        m.put(Keyword.of("db/ident"), ident);
        m.put(Keyword.of("db/valueType"), valueType.ident());
        m.put(Keyword.of("db/cardinality"), cardinalityIdent());
        if (unique != Unique.NONE) {
            m.put(Keyword.of("db/unique"), unique.ident());
        }
        m.put(Keyword.of("db/isComponent"), isComponent);
        m.put(Keyword.of("db/index"), index);
        m.put(Keyword.of("db/noHistory"), noHistory);
        m.put(Keyword.of("db/fulltext"), fulltext);
        if (tupleAttrs != null) {
            m.put(Keyword.of("db/tupleAttrs"), tupleAttrs);
        }
        if (tupleType != null) {
            m.put(Keyword.of("db/tupleType"), tupleType.ident());
        }
        if (tupleTypes != null) {
            m.put(Keyword.of("db/tupleTypes"), tupleTypes.stream().map(ValueType::ident).toList());
        }
        return m;
    }

    /** The attribute {@link #toMap} describes. */
    public static Attribute fromMap(Map<?, ?> m) {
        Keyword unique = (Keyword) m.get(Keyword.of("db/unique"));
        List<Long> tupleAttrs = null;
        if (m.get(Keyword.of("db/tupleAttrs")) instanceof List<?> ids) {
            tupleAttrs = new ArrayList<>();
            for (Object id : ids) {
                tupleAttrs.add(((Number) id).longValue());
            }
        }
        List<ValueType> tupleTypes = null;
        if (m.get(Keyword.of("db/tupleTypes")) instanceof List<?> types) {
            tupleTypes = types.stream().map(t -> ValueType.byIdent((Keyword) t)).toList();
        }
        Object tupleType = m.get(Keyword.of("db/tupleType"));
        return new Attribute(((Number) m.get(Keyword.of("db/id"))).longValue(), (Keyword) m.get(Keyword.of("db/ident")),
                ValueType.byIdent((Keyword) m.get(Keyword.of("db/valueType"))),
                Keyword.of("db.cardinality/many").equals(m.get(Keyword.of("db/cardinality"))),
                unique == null ? Unique.NONE : unique.name().equals("identity") ? Unique.IDENTITY : Unique.VALUE,
                Boolean.TRUE.equals(m.get(Keyword.of("db/isComponent"))), Boolean.TRUE.equals(m.get(Keyword.of("db/index"))),
                Boolean.TRUE.equals(m.get(Keyword.of("db/noHistory"))), Boolean.TRUE.equals(m.get(Keyword.of("db/fulltext"))),
                tupleAttrs == null ? null : List.copyOf(tupleAttrs),
                tupleType == null ? null : ValueType.byIdent((Keyword) tupleType), tupleTypes);
    }
}
