package io.chronon.tx;

import io.chronon.db.ValueType;

/**
 * What Datomic allows in a tuple value beyond the element's own type (observed on
 * 1.0.7622). How a value given in transaction data becomes a stored scalar is
 * {@link ValueType#coerce} in its {@link ValueType.Coercion#TRANSACTION} mode.
 */
final class TxValues {
    /** The longest string Datomic stores inside a tuple. */
    static final int MAX_TUPLE_STRING = 256;

    private TxValues() {
    }

    /** True if {@code type} may be an element of a tuple (Datomic excludes float, bytes, tuple and fn). */
    static boolean isTupleElementType(ValueType type) {
        return type != null && type != ValueType.FLOAT && type != ValueType.BYTES && type != ValueType.TUPLE
                && type != ValueType.FN;
    }
}
