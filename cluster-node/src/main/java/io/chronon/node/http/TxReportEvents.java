package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The tx-report stream of one database as Server-Sent Events: one event per transaction,
 * {@code id:} its t, {@code data:} {@code {:t 13 :tx 13194139534349 :tx-data [[e a v tx added] ...]}}
 * on one line (EDN or JSON).
 *
 * <p>It reads the log through the query peer ({@link QueryPeer.LogOp}) from a cursor t: each
 * step waits (as {@code sync}) for a basis past the cursor, sends every transaction after
 * the cursor up to that basis, and moves the cursor to the basis. So the stream replays the
 * past from the log and then follows new transactions as the peer applies them from the
 * tx-report topic, with no gap and no repeat; a client that reconnects with
 * {@code Last-Event-ID} (or {@code from-t}) continues exactly after the last event it got.
 */
final class TxReportEvents {
    static final ContentType CONTENT_TYPE = MediaTypes.TEXT_EVENT_STREAM.toContentType();
    /** Transactions per log read, at most. */
    private static final int BATCH = 256;
    /** Transactions of the first log read; each read that fits in {@link #STEP_CHARS} doubles the next. */
    private static final int FIRST_BATCH = 16;
    /**
     * The text of one step's events stops after the transaction that passes this many
     * characters: what a stream holds while its client does not read is one step's events, so
     * 200 streams replaying a log of large transactions must not each hold hundreds of them
     * (issue 16: they ran a 256 MB node out of memory). A single larger transaction is sent
     * whole.
     */
    static final int STEP_CHARS = 64 * 1024;
    /** How long one step waits for a new transaction before it asks again. */
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final ChrononCluster chronon;
    private final ActorSystem<?> system;
    private final DatabaseInfo info;
    private final String db;
    private final Format format;
    private final Duration keepAlive;

    /** Where the stream is: the last t sent, and how many transactions the next step reads. */
    private record Cursor(long t, boolean done, int batch) {
        Cursor(long t, boolean done) {
            this(t, done, FIRST_BATCH);
        }
    }

    TxReportEvents(ChrononCluster chronon, ActorSystem<?> system, DatabaseInfo info, Format format, Duration keepAlive) {
        this.chronon = chronon;
        this.system = system;
        this.info = info;
        this.db = info.name();
        this.format = format;
        this.keepAlive = keepAlive;
    }

    /** The events of the transactions after t {@code after}, then of every new one, until the client leaves. */
    Source<ByteString, NotUsed> from(long after) {
        return Source.single(ByteString.fromString("retry: 1000\n: tx-reports of " + db + " after t " + after + "\n\n"))
                .concat(Source.unfoldAsync(new Cursor(after, false), this::next).filter(b -> !b.isEmpty()))
                .keepAlive(keepAlive, () -> ByteString.fromString(": keep-alive\n\n"));
    }

    private CompletionStage<Optional<Pair<Cursor, ByteString>>> next(Cursor c) {
        if (c.done()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        long from = c.t() + 1;
        // each step reads the incarnation the stream started on: no catalog lookup per step
        return chronon.read(info, chronon.settings().defaultQueryGroup(), QueryPeer.Basis.atLeast(from),
                        new QueryPeer.LogOp(from, null, c.batch(), true), WAIT)
                .handle((r, failure) -> {
                    if (failure == null) {
                        return CompletableFuture.completedFuture(Optional.of(events(c, r)));
                    }
                    ChrononException e = HttpError.of(failure);
                    if (e.category() == ErrorCategory.UNAVAILABLE) {
                        // nothing new within the wait, or the peer is restarting: ask again (not in a tight loop)
                        boolean quiet = e.code() != null && e.code().text().equals("chronon.error/sync-timeout");
                        Optional<Pair<Cursor, ByteString>> same = Optional.of(Pair.create(c, ByteString.emptyByteString()));
                        return quiet ? stillThere().thenApply(gone -> gone == null ? same : Optional.of(last(c, gone)))
                                : CompletableFuture.supplyAsync(() -> same, CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS));
                    }
                    return CompletableFuture.completedFuture(Optional.of(last(c, e)));
                })
                .thenCompose(x -> x);
    }

    /** The error event that ends the stream. */
    private Pair<Cursor, ByteString> last(Cursor c, ChrononException e) {
        return Pair.create(new Cursor(c.t(), true), ByteString.fromString("event: error\ndata: " + format.write(HttpError.body(e)) + "\n\n"));
    }

    /**
     * Null while the database the stream started on still exists, else the error that says
     * it is gone: the peer learns of a deletion from the writer's last report, which a
     * writer that never ran does not send, so a quiet stream asks the catalog too.
     */
    private CompletionStage<ChrononException> stillThere() {
        return chronon.databaseInfo(db)
                .handle((now, failure) -> {
                    if (failure != null) {
                        ChrononException e = HttpError.of(failure);
                        return e.category() == ErrorCategory.NOT_FOUND ? e : null;
                    }
                    return now.id().equals(info.id()) ? null
                            : ChrononError.notFound("db.error/db-not-found", "Database " + db + " was deleted", db);
                });
    }

    private Pair<Cursor, ByteString> events(Cursor c, QueryPeer.ReadResult r) {
        List<?> txs = (List<?>) r.result();
        StringBuilder out = new StringBuilder();
        long last = c.t();
        int sent = 0;
        for (Object o : txs) {
            if (out.length() >= STEP_CHARS) {
                break;
            }
            Map<?, ?> tx = (Map<?, ?>) o;
            long t = (Long) tx.get(Keyword.of("t"));
            Map<Object, Object> report = new LinkedHashMap<>();
            report.put(Keyword.of("t"), t);
            report.put(Keyword.of("tx"), tx.get(Keyword.of("tx")));
            report.put(Keyword.of("tx-data"), tx.get(Keyword.of("data")));
            out.append("id: ").append(t).append("\nevent: tx-report\ndata: ").append(format.write(report)).append("\n\n");
            last = t;
            sent++;
        }
        // a batch may stop before the basis (a full batch, the log read's row limit: it is partial, or a
        // step cut short): continue after its last transaction sent; after none, from the basis. A step cut
        // short reads as many transactions next time as it sent (large ones), else twice as many
        boolean cut = sent < txs.size();
        long cursor = txs.isEmpty() ? Math.max(last, r.basisT()) : last;
        int next = cut ? Math.max(1, sent) : Math.min(BATCH, c.batch() * 2);
        return Pair.create(new Cursor(cursor, false, next), ByteString.fromString(out.toString()));
    }
}
