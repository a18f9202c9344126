package io.chronon.node.local;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.TxReport;
import io.chronon.client.spi.TxReportStream;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.edn.Keyword;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The tx reports of an in-process database: waits on the query peer for a basis past the
 * last report (completed by the normal push of transactions, nothing polls) and reads the
 * new transactions from the value's log, so none is skipped even if a push was lost.
 * Reports read back from the log carry no tempids.
 */
final class LocalReports implements TxReportStream.Source {
    /** How long one wait on the peer lasts before it is renewed (and the subscriber's state checked). */
    private static final Duration WAIT = Duration.ofSeconds(2);
    private static final Keyword SYNC_TIMEOUT = Keyword.of("chronon.error/sync-timeout");
    private static final Keyword TX_INSTANT = Keyword.of("db/txInstant");

    private final LocalConnection conn;

    LocalReports(LocalConnection conn) {
        this.conn = conn;
    }

    @Override
    public void stream(long fromT, Consumer<TxReport> sink, BooleanSupplier stopped) {
        long next = fromT;
        long previous = -1;
        while (!stopped.getAsBoolean()) {
            DbValue db;
            try {
                db = conn.value(next, WAIT).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ChrononException c && c.category() == ErrorCategory.UNAVAILABLE
                        && SYNC_TIMEOUT.equals(c.code())) {
                    continue; // nothing new yet: wait again
                }
                throw e;
            }
            if (previous < 0) {
                previous = previousT(db, next);
            }
            long[] state = {previous, next};
            LocalConnection.eachTransaction(db.txRange(next, null), (t, data) -> {
                sink.accept(TxReport.of(state[0], t, data, Map.of()));
                state[0] = t;
                state[1] = t + 1;
            });
            previous = state[0];
            next = state[1];
        }
    }

    /** The t of the last transaction before {@code t} (the basis a report of the first one starts from). */
    private static long previousT(DbValue db, long t) {
        long best = DbValue.empty().basisT();
        for (Datom d : db.datoms(IndexType.AEVT, TX_INSTANT)) {
            long dt = Ids.txToT(d.e());
            if (dt < t && dt > best) {
                best = dt;
            }
        }
        return best;
    }
}
