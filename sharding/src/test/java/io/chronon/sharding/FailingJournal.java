package io.chronon.sharding;

import com.typesafe.config.Config;
import io.chronon.storage.journal.ChrononJournal;
import org.apache.pekko.persistence.AtomicWrite;
import scala.concurrent.Future;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded journal, except that the next {@link #FAIL_WRITES} writes fail (a broken disk),
 * each {@link #FAIL_AFTER_MS} milliseconds after it was asked for (a slow failure: a timeout).
 */
public final class FailingJournal extends ChrononJournal {
    static final AtomicInteger FAIL_WRITES = new AtomicInteger();
    static final AtomicInteger FAIL_AFTER_MS = new AtomicInteger();

    public FailingJournal(Config config, String configPath) {
        super(config, configPath);
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        if (FAIL_WRITES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            int delay = FAIL_AFTER_MS.get();
            if (delay > 0) {
                java.util.concurrent.CompletableFuture<Iterable<Optional<Exception>>> later = new java.util.concurrent.CompletableFuture<>();
                later.completeExceptionally(new IOException("simulated disk failure after " + delay + " ms"));
                return scala.jdk.javaapi.FutureConverters.asScala(java.util.concurrent.CompletableFuture.supplyAsync(() -> null,
                        java.util.concurrent.CompletableFuture.delayedExecutor(delay, java.util.concurrent.TimeUnit.MILLISECONDS))
                        .thenCompose(x -> later));
            }
            return scala.concurrent.Future$.MODULE$.failed(new IOException("simulated disk failure"));
        }
        return super.doAsyncWriteMessages(messages);
    }
}
