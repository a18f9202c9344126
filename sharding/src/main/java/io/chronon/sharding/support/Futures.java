package io.chronon.sharding.support;

import org.apache.pekko.dispatch.ExecutionContexts;
import scala.concurrent.ExecutionContextExecutor;
import scala.jdk.javaapi.FutureConverters;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Turns Pekko's Java futures into plain {@link CompletableFuture}s. Use it on any future
 * Pekko's Java API gives (asks, {@code toStrict}, stream materializations) before chaining
 * stages on it.
 *
 * <p>Pekko's {@code javadsl} asks answer a Scala future seen through Scala's converter,
 * whose {@code thenApply}, {@code whenComplete}, ... always run asynchronously on
 * {@code CompletableFuture}'s default executor. On a machine with two cores that executor
 * starts a new thread for every callback (the common pool has a parallelism of one), which
 * made every answered transaction cost a thread. The futures made here complete on the
 * thread that completes the ask, run dependent stages as any {@code CompletableFuture}
 * does, and run the {@code ...Async} variants on the given executor (the actor system's
 * dispatcher) instead of the common pool.
 */
public final class Futures {
    /** Runs the completion where the ask completes: it only completes a future. */
    private static final ExecutionContextExecutor SAME_THREAD = ExecutionContexts.fromExecutor(Runnable::run);

    private Futures() {
    }

    /** A plain future with the outcome of {@code pekko}; async stages run on {@code executor}. */
    public static <T> CompletableFuture<T> plain(CompletionStage<T> pekko, Executor executor) {
        OnExecutor<T> out = new OnExecutor<>(executor);
        FutureConverters.asScala(pekko).onComplete(result -> {
            if (result.isSuccess()) {
                out.complete(result.get());
            } else {
                out.completeExceptionally(result.failed().get());
            }
            return null;
        }, SAME_THREAD);
        return out;
    }

    /** A future to complete later, whose async stages (and those of the stages made from it) run on {@code executor}. */
    public static <T> CompletableFuture<T> incomplete(Executor executor) {
        return new OnExecutor<>(executor);
    }

    /** A CompletableFuture whose default executor is the one given, for itself and the stages made from it. */
    private static final class OnExecutor<T> extends CompletableFuture<T> {
        private final Executor executor;

        OnExecutor(Executor executor) {
            this.executor = executor;
        }

        @Override
        public Executor defaultExecutor() {
            return executor;
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new OnExecutor<>(executor);
        }
    }
}
