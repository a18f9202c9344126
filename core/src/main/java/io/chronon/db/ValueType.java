package io.chronon.db;

import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Datomic's value types, with the entity ids Datomic gives them at bootstrap. */
public enum ValueType {
    REF(20, "db.type/ref", Long.class),
    KEYWORD(21, "db.type/keyword", Keyword.class),
    LONG(22, "db.type/long", Long.class),
    STRING(23, "db.type/string", String.class),
    BOOLEAN(24, "db.type/boolean", Boolean.class),
    INSTANT(25, "db.type/instant", Date.class),
    FN(26, "db.type/fn", Object.class),
    BYTES(27, "db.type/bytes", byte[].class),
    UUID_(56, "db.type/uuid", UUID.class),
    DOUBLE(57, "db.type/double", Double.class),
    FLOAT(58, "db.type/float", Float.class),
    URI_(59, "db.type/uri", URI.class),
    BIGINT(60, "db.type/bigint", BigInteger.class),
    BIGDEC(61, "db.type/bigdec", BigDecimal.class),
    TUPLE(63, "db.type/tuple", List.class),
    SYMBOL(64, "db.type/symbol", Symbol.class);

    private final long id;
    private final Keyword ident;
    private final Class<?> javaType;

    ValueType(long id, String ident, Class<?> javaType) {
        this.id = id;
        this.ident = Keyword.of(ident);
        this.javaType = javaType;
    }

    /** The entity id of this type, e.g. 23 for {@code :db.type/string}. */
    public long id() {
        return id;
    }

    /** The ident, e.g. {@code :db.type/string}. */
    public Keyword ident() {
        return ident;
    }

    /** The Java class of stored values. */
    public Class<?> javaType() {
        return javaType;
    }

    /** The type whose ident is {@code ident}, or null. */
    public static ValueType byIdent(Keyword ident) {
        for (ValueType t : values()) {
            if (t.ident == ident) {
                return t;
            }
        }
        return null;
    }

    /** The type whose entity id is {@code id}, or null. */
    public static ValueType byId(long id) {
        for (ValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }

    /** Who hands {@link #coerce} a value, which decides the few conversions that differ. */
    public enum Coercion {
        /**
         * A value to compare with stored ones: query constants and inputs, {@code datoms}
         * components, lookup-ref values. Taken as given but for the lossless widening, never
         * copied; for a ref, tuple or fn, any value of the type's Java class is taken as is.
         * The caller decides what a null means: a data pattern then matches nothing, a
         * lookup ref finds no entity (a tuple one looks up the value as given), and
         * {@code datoms} looks up the value as given.
         */
        QUERY,
        /**
         * A value in transaction data, to be stored. Follows what Datomic's peer accepts
         * (observed on 1.0.7622): a Double is a {@code :db.type/float} (stored as a Float); a
         * String {@code ":ns/name"} is a keyword; a Date and a byte array are copied, as the
         * db value must not change under its readers. Ref, tuple and fn values are no scalars
         * here (the expander resolves refs and tuples; fns are never stored).
         */
        TRANSACTION
    }

    /**
     * {@code v} as a stored value of this type, or null if {@code v} is not one. In both
     * modes only widenings that lose nothing are made (an Integer, Short or Byte is a Long);
     * a long is never a double, float, bigint or bigdec, and a string never a uuid, uri or
     * instant. The modes differ only in these, each pinned by a test:
     * <ul>
     *   <li>float: a Double is a Float in {@code TRANSACTION}, no float in {@code QUERY};</li>
     *   <li>keyword: a String {@code ":ns/name"} (a colon and at least one more character) is
     *       a Keyword in {@code TRANSACTION}, no keyword in {@code QUERY};</li>
     *   <li>instant and bytes: {@code TRANSACTION} returns a copy, {@code QUERY} the value itself;</li>
     *   <li>ref, tuple and fn: {@code QUERY} returns a value of the type's Java class (a Long,
     *       a List, any object) as is, {@code TRANSACTION} returns null.</li>
     * </ul>
     */
    public Object coerce(Object v, Coercion mode) {
        switch (this) {
            case LONG:
                if (v instanceof Long) {
                    return v;
                }
                if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    return ((Number) v).longValue();
                }
                return null;
            case FLOAT:
                if (v instanceof Float) {
                    return v;
                }
                return mode == Coercion.TRANSACTION && v instanceof Double d ? (Object) d.floatValue() : null;
            case KEYWORD:
                if (v instanceof Keyword) {
                    return v;
                }
                if (mode == Coercion.TRANSACTION && v instanceof String s && s.length() > 1 && s.charAt(0) == ':') {
                    // only the text of a keyword: ":a b" would store a keyword that no EDN answer can hold
                    Keyword k = Keyword.of(s);
                    return EdnPrinter.whyNotPrintable(k) == null ? k : null;
                }
                return null;
            case INSTANT:
                if (!(v instanceof Date d)) {
                    return null;
                }
                return mode == Coercion.TRANSACTION ? new Date(d.getTime()) : d;
            case BYTES:
                if (!(v instanceof byte[] b)) {
                    return null;
                }
                return mode == Coercion.TRANSACTION ? b.clone() : b;
            case REF:
            case TUPLE:
            case FN:
                return mode == Coercion.QUERY && javaType.isInstance(v) ? v : null;
            default:
                return javaType.isInstance(v) ? v : null;
        }
    }
}
