package io.chronon.tx;

import io.chronon.db.DbValue;

import java.util.List;

/** PLACEHOLDER: being written. Turns transaction data into the next db value. */
public final class TxProcessor {
    private TxProcessor() {
    }

    /** Applies {@code txData} to {@code db} with the given options. */
    public static TxReport transact(DbValue db, List<?> txData, TxOptions options) {
        throw new UnsupportedOperationException("not yet");
    }
}
