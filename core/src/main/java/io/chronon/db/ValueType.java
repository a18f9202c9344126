package io.chronon.db;

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

    /**
     * {@code v} as a stored value of this scalar type, or null if {@code v} is not of this
     * type. Only widenings that lose nothing are made (an int is a long); a long is never a
     * double and a double never a float. Refs and tuples are resolved by the transaction
     * processor, not here.
     */
    public Object coerce(Object v) {
        if (v == null) {
            return null;
        }
        switch (this) {
            case LONG:
                if (v instanceof Long) {
                    return v;
                }
                if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    return ((Number) v).longValue();
                }
                return null;
            case BIGINT:
                if (v instanceof BigInteger) {
                    return v;
                }
                return null;
            default:
                return javaType.isInstance(v) ? v : null;
        }
    }
}
