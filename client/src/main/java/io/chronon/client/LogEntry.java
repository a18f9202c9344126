package io.chronon.client;

import io.chronon.db.Datom;

import java.util.List;

/**
 * One transaction in a database's log, as {@link Connection#txRange} gives it (Datomic's
 * {@code tx-range} items {@code {:t .. :data [..]}}).
 *
 * @param t    the transaction's t
 * @param tx   the transaction's entity id
 * @param data the datoms it asserted and retracted, in log order
 */
public record LogEntry(long t, long tx, List<Datom> data) {
    public LogEntry {
        data = List.copyOf(data);
    }
}
