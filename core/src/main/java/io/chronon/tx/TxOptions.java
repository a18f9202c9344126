package io.chronon.tx;

import io.chronon.edn.Keyword;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How a transaction is processed: the writer's clock (for {@code :db/txInstant}) and the
 * transaction functions it may call by name.
 *
 * @param clock       current time in epoch milliseconds
 * @param txFunctions functions callable as {@code [:fn/name args...]}, by ident
 */
public record TxOptions(LongSupplier clock, Map<Keyword, TxFunction> txFunctions) {

    /** The system clock and no installed functions. */
    public static TxOptions defaults() {
        return new TxOptions(System::currentTimeMillis, Map.of());
    }

    public TxOptions withFunction(Keyword name, TxFunction fn) {
        var m = new java.util.HashMap<>(txFunctions);
        m.put(name, fn);
        return new TxOptions(clock, Map.copyOf(m));
    }

    public TxOptions withClock(LongSupplier newClock) {
        return new TxOptions(newClock, txFunctions);
    }
}
