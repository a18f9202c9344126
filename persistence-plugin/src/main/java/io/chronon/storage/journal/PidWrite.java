package io.chronon.storage.journal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The records of one atomic write of one persistence id, and the future the store completes
 * once they are durable (or fails if they are not written).
 */
public record PidWrite(String persistenceId, List<LogRecord> records, CompletableFuture<Void> done) {
    public PidWrite(String persistenceId, List<LogRecord> records) {
        this(persistenceId, records, new CompletableFuture<>());
    }
}
