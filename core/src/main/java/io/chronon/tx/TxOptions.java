package io.chronon.tx;

import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How a transaction is processed: the writer's clock (for {@code :db/txInstant}) and the code
 * it may call by name: transaction functions, attribute predicates and entity predicates.
 *
 * @param clock            current time in epoch milliseconds
 * @param txFunctions      functions callable as {@code [:fn/name args...]}, by ident
 * @param attrPredicates   predicates {@code :db.attr/preds} may name, by symbol
 * @param entityPredicates predicates {@code :db.entity/preds} may name, by symbol
 */
public record TxOptions(LongSupplier clock, Map<Keyword, TxFunction> txFunctions,
                        Map<Symbol, AttrPredicate> attrPredicates, Map<Symbol, EntityPredicate> entityPredicates) {

    /** A clock and transaction functions, no predicates. */
    public TxOptions(LongSupplier clock, Map<Keyword, TxFunction> txFunctions) {
        this(clock, txFunctions, Map.of(), Map.of());
    }

    /** The system clock and no installed functions or predicates. */
    public static TxOptions defaults() {
        return new TxOptions(System::currentTimeMillis, Map.of());
    }

    public TxOptions withFunction(Keyword name, TxFunction fn) {
        var m = new HashMap<>(txFunctions);
        m.put(name, fn);
        return new TxOptions(clock, Map.copyOf(m), attrPredicates, entityPredicates);
    }

    public TxOptions withAttrPredicate(Symbol name, AttrPredicate predicate) {
        var m = new HashMap<>(attrPredicates);
        m.put(name, predicate);
        return new TxOptions(clock, txFunctions, Map.copyOf(m), entityPredicates);
    }

    public TxOptions withEntityPredicate(Symbol name, EntityPredicate predicate) {
        var m = new HashMap<>(entityPredicates);
        m.put(name, predicate);
        return new TxOptions(clock, txFunctions, attrPredicates, Map.copyOf(m));
    }

    public TxOptions withClock(LongSupplier newClock) {
        return new TxOptions(newClock, txFunctions, attrPredicates, entityPredicates);
    }
}
