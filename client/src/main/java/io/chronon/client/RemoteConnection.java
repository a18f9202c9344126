package io.chronon.client;

import io.chronon.client.spi.ConnectionBase;
import io.chronon.client.spi.TxReportStream;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** A connection to a database on a Chronon server, over its HTTP API. */
final class RemoteConnection extends ConnectionBase {
    private final HttpEdn http;
    private final ChrononUri uri;

    private RemoteConnection(HttpEdn http, ChrononUri uri) {
        super(uri.requireDatabase());
        this.http = http;
        this.uri = uri;
    }

    /**
     * Connects, checking that the database exists and learning its latest basis. It syncs
     * rather than asking for the database's info: sync goes through the database's writer,
     * which knows at once that a database was deleted.
     */
    static RemoteConnection open(ChrononUri uri) {
        RemoteConnection c = new RemoteConnection(new HttpEdn(uri), uri);
        c.saw(Wire.basisT(c.http.call("GET", HttpEdn.dbPath(c.name(), "/sync"), null)));
        return c;
    }

    HttpEdn http() {
        return http;
    }

    @Override
    public TxReport transact(Object txData) {
        return join(transactAsync(txData));
    }

    /** Waits for {@code f}, rethrowing its failure (a ChrononException) as is. */
    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public CompletableFuture<TxReport> transactAsync(Object txData) {
        Map<Keyword, Object> body = new LinkedHashMap<>();
        try {
            body.put(Keyword.of("tx-data"), Wire.txData(txData));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.callAsync("POST", HttpEdn.dbPath(name(), "/transact"), body).thenApply(answer -> {
            TxReport r = Wire.txReport(answer);
            saw(r.basisT());
            return r;
        });
    }

    @Override
    public Db db() {
        return new RemoteDb(this, knownT());
    }

    @Override
    public CompletableFuture<Db> sync() {
        return syncAt(null);
    }

    @Override
    public CompletableFuture<Db> sync(long t) {
        return syncAt(t);
    }

    private CompletableFuture<Db> syncAt(Long t) {
        String q = t == null ? "" : HttpEdn.query(List.<Object[]>of(new Object[] {"t", t}));
        return http.callAsync("GET", HttpEdn.dbPath(name(), "/sync") + q, null)
                .thenApply(info -> new RemoteDb(this, saw(Wire.basisT(info))));
    }

    @Override
    public List<LogEntry> txRange(Long fromT, Long toT) {
        List<Object[]> params = new ArrayList<>();
        if (fromT != null) {
            params.add(new Object[] {"from-t", fromT});
        }
        if (toT != null) {
            params.add(new Object[] {"to-t", toT});
        }
        if (knownT() > 0) {
            // the log is the latest one, not cut at a basis: make sure it holds this connection's writes
            join(syncAt(knownT()));
        }
        Object answer = http.call("GET", HttpEdn.dbPath(name(), "/log") + HttpEdn.query(params), null);
        Object items = answer;
        if (answer instanceof Map<?, ?>) {
            saw(Wire.basisT(answer));
            items = Wire.result(answer);
        }
        List<LogEntry> out = new ArrayList<>();
        for (Object item : (List<?>) items) {
            out.add(Wire.logEntry(item));
        }
        return List.copyOf(out);
    }

    @Override
    protected TxReportStream.Source reportSource() {
        return new ServerSentReports(this);
    }

    @Override
    public String toString() {
        return "Connection{" + uri + "}";
    }
}
