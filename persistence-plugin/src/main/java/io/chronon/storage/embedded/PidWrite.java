package io.chronon.storage.embedded;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The records of one atomic write of one persistence id, and the future the store completes
 * once they are durable (or fails if they are not written).
 */
public record PidWrite(String persistenceId, List<LogRecord> records, CompletableFuture<Void> done) {
    PidWrite(String persistenceId, List<LogRecord> records) {
        this(persistenceId, records, new CompletableFuture<>());
    }
}
