package io.chronon.client.spi;

import io.chronon.client.Connection;
import io.chronon.client.TxReport;

import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every {@link Connection} shares, in process or remote: its database's name, the
 * highest t it has seen (read-your-writes), and its tx-report streams, which
 * {@link #close()} ends. An implementation reports each t it sees to {@link #saw} and
 * says where reports come from ({@link #reportSource}).
 */
public abstract class ConnectionBase implements Connection {
    private final String name;
    private final AtomicLong knownT = new AtomicLong();
    private final Set<TxReportStream.Pump> streams = TxReportStream.newOpenSet();

    protected ConnectionBase(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final long knownT() {
        return knownT.get();
    }

    /** Remembers {@code t} if it is the highest seen so far; answers the highest. */
    public final long saw(long t) {
        return knownT.accumulateAndGet(t, Math::max);
    }

    /** A fresh source of this database's reports, for one subscriber. */
    protected abstract TxReportStream.Source reportSource();

    @Override
    public final Flow.Publisher<TxReport> txReports() {
        return txReports(knownT() + 1);
    }

    @Override
    public final Flow.Publisher<TxReport> txReports(long fromT) {
        return new TxReportStream(this::reportSource, fromT, streams);
    }

    /** Ends this connection's tx-report streams (their subscribers complete). */
    @Override
    public void close() {
        TxReportStream.closeAll(streams);
    }
}
