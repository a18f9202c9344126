package io.chronon.db;

import io.chronon.edn.Keyword;

import java.util.List;

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
}
