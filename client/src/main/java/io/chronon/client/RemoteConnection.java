package io.chronon.client;

import io.chronon.client.spi.ConnectionBase;
import io.chronon.client.spi.TxReportStream;
import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** A connection to a database on a Chronon server, over its HTTP API. */
final class RemoteConnection extends ConnectionBase {
    /** The system property: for how many milliseconds a transaction is sent again (default 30000; 0: never). */
    static final String RETRY_PROPERTY = "chronon.client.transact-retry-ms";
    private static final long FIRST_PAUSE_MS = 50;
    private static final long MAX_PAUSE_MS = 1000;
    private static final Duration MIN_ATTEMPT = Duration.ofSeconds(1);
    /** What a retry may cure; the caller's errors (incorrect, conflict, not-found, forbidden) are answered at once. */
    private static final Set<ErrorCategory> RETRIED = EnumSet.of(ErrorCategory.UNAVAILABLE, ErrorCategory.BUSY,
            ErrorCategory.INTERRUPTED);

    private final HttpEdn http;
    private final ChrononUri uri;
    private final Duration retryFor;

    private RemoteConnection(HttpEdn http, ChrononUri uri) {
        super(uri.requireDatabase());
        this.http = http;
        this.uri = uri;
        this.retryFor = Duration.ofMillis(Math.max(0, Long.getLong(RETRY_PROPERTY, 30_000)));
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

    @Override
    public TxReport transact(Object txData, String requestId) {
        return join(transactAsync(txData, requestId));
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
        return transactAsync(txData, null);
    }

    /**
     * Sends the transaction with its request id (a random one when none is given) and, while
     * the failure is one a retry may cure, sends it again with the same id until
     * {@link #retryFor} has passed: the server commits one id once.
     */
    @Override
    public CompletableFuture<TxReport> transactAsync(Object txData, String requestId) {
        Map<Keyword, Object> body = new LinkedHashMap<>();
        try {
            body.put(Keyword.of("tx-data"), Wire.txData(txData));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        body.put(Keyword.of("request-id"), requestId == null ? UUID.randomUUID().toString() : requestId);
        return attempt(body, System.nanoTime() + retryFor.toNanos(), FIRST_PAUSE_MS).thenApply(answer -> {
            TxReport r = Wire.txReport(answer);
            saw(r.basisT());
            return r;
        });
    }

    private CompletableFuture<Object> attempt(Map<Keyword, Object> body, long deadlineNanos, long pauseMs) {
        // an attempt may take what is left of the time to retry (at least a second; HttpEdn caps it at 60 s)
        Duration left = Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), MIN_ATTEMPT.toNanos()));
        if (retryFor.isZero()) {
            left = Duration.ofSeconds(60);
        }
        return http.callAsync("POST", HttpEdn.dbPath(name(), "/transact"), body, left)
                .handle((answer, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(answer);
                    }
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    boolean again = cause instanceof ChrononException c && RETRIED.contains(c.category())
                            && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs) < deadlineNanos;
                    if (!again) {
                        return CompletableFuture.failedFuture(cause);
                    }
                    return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(pauseMs, TimeUnit.MILLISECONDS))
                            .thenCompose(v -> attempt(body, deadlineNanos, Math.min(pauseMs * 2, MAX_PAUSE_MS)));
                })
                .thenCompose(f -> f);
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

    @Override
    public CompletableFuture<Db> syncIndex(long t) {
        String q = HttpEdn.query(List.<Object[]>of(new Object[] {"t", t}));
        return http.callAsync("GET", HttpEdn.dbPath(name(), "/sync-index") + q, null)
                .thenApply(info -> new RemoteDb(this, saw(Wire.basisT(info))));
    }

    @Override
    public long gcStorage(java.util.Date olderThan) {
        Object answer = http.call("POST", HttpEdn.dbPath(name(), "/gc-storage"), Map.of(Keyword.of("older-than"), olderThan));
        return answer instanceof Map<?, ?> m && m.get(Keyword.of("segments-deleted")) instanceof Number n ? n.longValue() : 0;
    }

    @Override
    public long requestIndex() {
        return Wire.basisT(http.call("POST", HttpEdn.dbPath(name(), "/request-index"), Map.of()));
    }

    private CompletableFuture<Db> syncAt(Long t) {
        String q = t == null ? "" : HttpEdn.query(List.<Object[]>of(new Object[] {"t", t}));
        return http.callAsync("GET", HttpEdn.dbPath(name(), "/sync") + q, null)
                .thenApply(info -> new RemoteDb(this, saw(Wire.basisT(info))));
    }

    @Override
    public List<LogEntry> txRange(Long fromT, Long toT) {
        if (knownT() > 0) {
            // the log is the latest one, not cut at a basis: make sure it holds this connection's writes
            join(syncAt(knownT()));
        }
        // in pages of transactions: a server answers at most chronon.read.max-result-rows datoms per
        // read, so a page it refuses as too large is asked again smaller (down to one transaction,
        // which it always gives whole)
        List<LogEntry> out = new ArrayList<>();
        Long from = fromT;
        int page = LOG_PAGE;
        while (true) {
            List<Object[]> pageParams = new ArrayList<>();
            if (from != null) {
                pageParams.add(new Object[] {"from-t", from});
            }
            if (toT != null) {
                pageParams.add(new Object[] {"to-t", toT});
            }
            pageParams.add(new Object[] {"limit", (long) page});
            Object answer;
            try {
                answer = http.call("GET", HttpEdn.dbPath(name(), "/log") + HttpEdn.query(pageParams), null);
            } catch (ChrononException e) {
                if (page > 1 && e.code() != null && e.code().text().equals("chronon.error/result-too-large")) {
                    page = Math.max(1, page / 4);
                    continue;
                }
                throw e;
            }
            Object items = answer;
            if (answer instanceof Map<?, ?>) {
                saw(Wire.basisT(answer));
                items = Wire.result(answer);
            }
            List<?> list = (List<?>) items;
            for (Object item : list) {
                out.add(Wire.logEntry(item));
            }
            if (list.size() < page) {
                return List.copyOf(out);
            }
            from = out.get(out.size() - 1).t() + 1;
        }
    }

    /** Transactions per log request (fewer when a page of that many is too large for the server). */
    static final int LOG_PAGE = 1_000;

    @Override
    protected TxReportStream.Source reportSource() {
        return new ServerSentReports(this);
    }

    @Override
    public String toString() {
        return "Connection{" + uri + "}";
    }
}
