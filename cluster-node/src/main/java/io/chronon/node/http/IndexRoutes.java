package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.edn.Keyword;
import io.chronon.sharding.ChrononCluster;
import org.apache.pekko.http.javadsl.model.HttpResponse;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The routes of a database's durable index: {@code GET /dbs/{db}/sync-index},
 * {@code POST /dbs/{db}/request-index} and {@code POST /dbs/{db}/gc-storage} (Datomic's
 * {@code syncIndex}, {@code requestIndex} and {@code gcStorage}), as the server's other
 * routes answer: EDN or JSON, errors in the API's shape.
 */
final class IndexRoutes {
    private static final Keyword INDEX_BASIS_T = Keyword.of("index-basis-t");

    private final ChrononHttpServer server;
    private final ChrononCluster chronon;

    IndexRoutes(ChrononHttpServer server, ChrononCluster chronon) {
        this.server = server;
        this.chronon = chronon;
    }

    /**
     * Answers once the transactions up to {@code t} are in the durable index and the peer has
     * basis t (Datomic's syncIndex); without {@code t}, answers the index's t now.
     */
    CompletionStage<HttpResponse> syncIndex(Call call) {
        Map<Object, Object> p = ReadRequest.fromQueryParams(call.request().getUri().query().toMultiMap());
        long t = ReadRequest.nonNegative(p, "t", 0);
        String group = server.queryGroup(call);
        return chronon.syncIndex(call.db(), t).thenCompose(indexed -> chronon.sync(call.db(), group, t, t)
                .thenApply(s -> ChrononHttpServer.response(200, call.format(), Map.of(ChrononHttpServer.DB_NAME, call.db(),
                        ChrononHttpServer.BASIS_T, s.basisT(), INDEX_BASIS_T, indexed.indexBasisT()))));
    }

    /**
     * Garbage collection of the database's storage (Datomic's gcStorage): body
     * {@code {:older-than #inst "..."}} (or epoch milliseconds); without it, an hour ago.
     */
    CompletionStage<HttpResponse> gcStorage(Call call) {
        return server.body(call).thenCompose(body -> {
            Object olderThan = body instanceof Map<?, ?> m ? m.get(Keyword.of("older-than")) : null;
            java.time.Instant cut;
            if (olderThan == null) {
                cut = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
            } else if (olderThan instanceof java.util.Date d) {
                cut = d.toInstant();
            } else if (olderThan instanceof Number n) {
                cut = java.time.Instant.ofEpochMilli(n.longValue());
            } else {
                throw ChrononException.incorrect("chronon.error/invalid-body",
                        ":older-than is an instant (#inst \"...\") or epoch milliseconds", olderThan);
            }
            return chronon.gcStorage(call.db(), cut).thenApply(r -> ChrononHttpServer.response(200, call.format(), Map.of(ChrononHttpServer.DB_NAME, call.db(),
                    Keyword.of("records-kept"), r.recordsKept(), Keyword.of("records-deleted"), r.recordsDeleted(),
                    Keyword.of("segments-reachable"), r.segmentsReachable(), Keyword.of("segments-deleted"), r.segmentsDeleted())));
        });
    }

    /** Starts an indexing job now (Datomic's requestIndex): answers the t it indexes up to. */
    CompletionStage<HttpResponse> requestIndex(Call call) {
        return chronon.requestIndex(call.db()).thenApply(s -> ChrononHttpServer.response(200, call.format(),
                Map.of(ChrononHttpServer.DB_NAME, call.db(), ChrononHttpServer.BASIS_T, s.basisT(),
                        INDEX_BASIS_T, s.indexBasisT())));
    }

}
