package io.chronon.node.http;

import io.chronon.sharding.Transactor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Makes a transaction sent again with the same {@code :request-id} (a client retrying after
 * a lost answer) run once: the node remembers the latest {@code capacity} request ids per
 * node and answers a repeat with the first one's result. A failed transaction is forgotten,
 * so its retry runs again (a failed transaction wrote nothing). Ids are remembered in memory
 * only, by the node that received them.
 */
final class RequestIds {
    private final Map<String, CompletableFuture<Transactor.TxResult>> recent;

    RequestIds(int capacity) {
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Transactor.TxResult>> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The result of the transaction of {@code requestId} in {@code db}: run by {@code transact} the first time only. */
    CompletionStage<Transactor.TxResult> once(String db, String requestId, Supplier<CompletionStage<Transactor.TxResult>> transact) {
        String key = db + '\u0000' + requestId;
        CompletableFuture<Transactor.TxResult> mine = new CompletableFuture<>();
        CompletableFuture<Transactor.TxResult> existing;
        synchronized (recent) {
            existing = recent.putIfAbsent(key, mine);
        }
        if (existing != null) {
            return existing;
        }
        transact.get().whenComplete((r, e) -> {
            if (e != null) {
                synchronized (recent) {
                    recent.remove(key, mine);
                }
                mine.completeExceptionally(e);
            } else {
                mine.complete(r);
            }
        });
        return mine;
    }
}
