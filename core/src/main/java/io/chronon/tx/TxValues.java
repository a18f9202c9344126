package io.chronon.tx;

import io.chronon.db.ValueType;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.Date;
import java.util.UUID;

/**
 * How a value given in transaction data becomes a stored value of a scalar type, following
 * what Datomic's peer accepts (observed on 1.0.7622): an Integer, Short or Byte is a long; a
 * Double is accepted for a {@code :db.type/float} (and stored as a Float, as Datomic does);
 * a String starting with a colon is a keyword. Nothing else is converted: a long is never a
 * double, float, bigint or bigdec, and a string is never a uuid, uri or instant.
 */
final class TxValues {
    /** Marks a String given for a keyword attribute without a leading colon (Datomic's not-a-keyword). */
    static final Object NOT_A_KEYWORD = new Object();

    /** The longest string Datomic stores inside a tuple. */
    static final int MAX_TUPLE_STRING = 256;

    private TxValues() {
    }

    /**
     * {@code v} as a stored value of the scalar type {@code type}, null if it is not one, or
     * {@link #NOT_A_KEYWORD}. Refs and tuples are handled by the expander.
     */
    static Object scalar(ValueType type, Object v) {
        switch (type) {
            case LONG:
                if (v instanceof Long) {
                    return v;
                }
                if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
                    return ((Number) v).longValue();
                }
                return null;
            case STRING:
                return v instanceof String ? v : null;
            case KEYWORD:
                if (v instanceof Keyword) {
                    return v;
                }
                if (v instanceof String s) {
                    return s.length() > 1 && s.charAt(0) == ':' ? Keyword.of(s) : NOT_A_KEYWORD;
                }
                return null;
            case BOOLEAN:
                return v instanceof Boolean ? v : null;
            case DOUBLE:
                return v instanceof Double ? v : null;
            case FLOAT:
                if (v instanceof Float) {
                    return v;
                }
                return v instanceof Double d ? (Object) d.floatValue() : null;
            case INSTANT:
                // copied: a Date is mutable and the db value must not change under its readers
                return v instanceof Date d ? new Date(d.getTime()) : null;
            case UUID_:
                return v instanceof UUID ? v : null;
            case URI_:
                return v instanceof URI ? v : null;
            case BIGINT:
                return v instanceof BigInteger ? v : null;
            case BIGDEC:
                return v instanceof BigDecimal ? v : null;
            case BYTES:
                return v instanceof byte[] b ? b.clone() : null;
            case SYMBOL:
                return v instanceof Symbol ? v : null;
            default:
                // :db.type/fn values are Datomic database functions, which Chronon does not store
                return null;
        }
    }

    /** True if {@code type} may be an element of a tuple (Datomic excludes float, bytes, tuple and fn). */
    static boolean isTupleElementType(ValueType type) {
        return type != null && type != ValueType.FLOAT && type != ValueType.BYTES && type != ValueType.TUPLE
                && type != ValueType.FN;
    }
}
