package io.chronon.node.local;

import io.chronon.client.Db;
import io.chronon.client.LogEntry;
import io.chronon.client.TxReport;
import io.chronon.client.spi.ConnectionBase;
import io.chronon.client.spi.TxReportStream;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.tx.TxOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A connection to a database of the in-process node: transactions go to its transactor,
 * reads take the db value of its query peer (free in the same JVM) and run in the caller's
 * thread.
 */
final class LocalConnection extends ConnectionBase {
    private final ChrononCluster chronon;
    private final String name;
    private final TxOptions txOptions;

    LocalConnection(ChrononCluster chronon, String name) {
        super(name);
        this.chronon = chronon;
        this.name = name;
        this.txOptions = chronon.settings().txOptions(System::currentTimeMillis);
    }

    @Override
    public TxReport transact(Object txData) {
        return InProcessConnector.await(transactAsync(txData));
    }

    @Override
    public TxReport transact(Object txData, String requestId) {
        return InProcessConnector.await(transactAsync(txData, requestId));
    }

    /**
     * In process there is no lost answer to recover from, so a transaction gets no request id
     * of its own (it would only make its log entry bigger); the caller may give one.
     */
    @Override
    public CompletableFuture<TxReport> transactAsync(Object txData) {
        return transactAsync(txData, null);
    }

    @Override
    public CompletableFuture<TxReport> transactAsync(Object txData, String requestId) {
        return chronon.transact(name, txData, requestId).toCompletableFuture()
                .handle((r, failure) -> {
                    if (failure != null) {
                        throw ChrononError.of(failure);
                    }
                    saw(r.t());
                    return TxReport.of(r.basisBefore(), r.t(), r.txData(), r.tempids());
                });
    }

    /** The peer's db value once its basis is at least {@code t}. */
    CompletableFuture<DbValue> value(long t, Duration timeout) {
        return chronon.db(name, t, timeout)
                .toCompletableFuture()
                .handle((r, failure) -> {
                    if (failure != null) {
                        throw ChrononError.of(failure);
                    }
                    saw(r.basisT());
                    return r.db();
                });
    }

    private LocalDb db(DbValue value) {
        return new LocalDb(name, value, txOptions);
    }

    @Override
    public Db db() {
        return db(InProcessConnector.await(value(knownT(), chronon.settings().defaultTimeout())));
    }

    @Override
    public CompletableFuture<Db> sync() {
        return chronon.sync(name).toCompletableFuture()
                .handle((synced, failure) -> {
                    if (failure != null) {
                        throw ChrononError.of(failure);
                    }
                    return synced.basisT();
                })
                .thenCompose(this::sync);
    }

    @Override
    public CompletableFuture<Db> sync(long t) {
        return value(t, chronon.settings().defaultTimeout()).thenApply(this::db);
    }

    @Override
    public CompletableFuture<Db> syncIndex(long t) {
        return chronon.syncIndex(name, t).toCompletableFuture()
                .handle((indexed, failure) -> {
                    if (failure != null) {
                        throw ChrononError.of(failure);
                    }
                    return t;
                })
                // a value on those roots (or later ones): the peer moves onto them once told
                .thenCompose(at -> chronon.db(name, at, at, chronon.settings().defaultTimeout()).toCompletableFuture()
                        .handle((r, failure) -> {
                            if (failure != null) {
                                throw ChrononError.of(failure);
                            }
                            saw(r.basisT());
                            return db(r.db());
                        }));
    }

    @Override
    public long gcStorage(java.util.Date olderThan) {
        return InProcessConnector.await(chronon.gcStorage(name, olderThan.toInstant()).toCompletableFuture()).segmentsDeleted();
    }

    @Override
    public long requestIndex() {
        return InProcessConnector.await(chronon.requestIndex(name).toCompletableFuture()).basisT();
    }

    @Override
    public List<LogEntry> txRange(Long fromT, Long toT) {
        List<LogEntry> out = new ArrayList<>();
        eachTransaction(InProcessConnector.await(value(knownT(), chronon.settings().defaultTimeout())).txRange(fromT, toT),
                (t, data) -> out.add(new LogEntry(t, Ids.tToTx(t), data)));
        return List.copyOf(out);
    }

    /** Calls {@code each} with the t and datoms of each transaction of a log slice, in order. */
    static void eachTransaction(Iterable<Datom> log, BiConsumer<Long, List<Datom>> each) {
        long tx = Long.MIN_VALUE;
        List<Datom> data = null;
        for (Datom d : log) {
            if (d.tx() != tx) {
                if (data != null) {
                    each.accept(Ids.txToT(tx), data);
                }
                tx = d.tx();
                data = new ArrayList<>();
            }
            data.add(d);
        }
        if (data != null) {
            each.accept(Ids.txToT(tx), data);
        }
    }

    @Override
    protected TxReportStream.Source reportSource() {
        return new LocalReports(this);
    }

    @Override
    public String toString() {
        return "Connection{" + name + " in process}";
    }
}
