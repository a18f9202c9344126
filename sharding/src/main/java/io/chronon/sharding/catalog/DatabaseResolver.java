package io.chronon.sharding.catalog;

import io.chronon.ErrorCategory;
import io.chronon.sharding.support.Futures;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which incarnation of a database a request is about: the catalog's entry of its name, from a
 * lookup sent after the request was made, so a request made after a database was deleted and
 * created again never gets the deleted one's id.
 *
 * <p>Callers of one name share lookups: while one is in flight, everyone who asks after it was
 * sent waits for the next one, sent when it is answered. So the catalog sees at most one lookup
 * per name and node at a time, however many reads a node routes.
 */
public final class DatabaseResolver {
    private final ActorRef<Catalog.Command> catalog;
    private final Scheduler scheduler;
    private final Executor executor;
    private final Duration timeout;
    /** The names with a lookup in flight, each with the callers waiting for the lookup after it (null: none). */
    private final Map<String, CompletableFuture<DatabaseInfo>> inFlight = new HashMap<>();
    private final LongAdder sent = new LongAdder();

    /**
     * @param executor where the {@code ...Async} stages of the answers run
     * @param timeout  how long one lookup waits for the catalog
     */
    public DatabaseResolver(ActorRef<Catalog.Command> catalog, Scheduler scheduler, Executor executor, Duration timeout) {
        this.catalog = catalog;
        this.scheduler = scheduler;
        this.executor = executor;
        this.timeout = timeout;
    }

    /**
     * The catalog's entry of database {@code name}, looked up after this call; fails with the
     * catalog's {@code not-found}, or whatever kept the catalog from answering within the timeout.
     */
    public CompletionStage<DatabaseInfo> current(String name) {
        synchronized (inFlight) {
            if (inFlight.containsKey(name)) {
                // the lookup in flight was sent before this call: wait for the next one
                return inFlight.computeIfAbsent(name, n -> Futures.incomplete(executor));
            }
            inFlight.put(name, null);
        }
        CompletableFuture<DatabaseInfo> answer = Futures.incomplete(executor);
        send(name, answer);
        return answer;
    }

    /**
     * The id to send with a request about database {@code name}: its current incarnation's
     * ({@link #current}); null if the catalog did not answer within the timeout (the request then
     * names no incarnation, rather than wait: the catalog may be moving to another node); fails
     * {@code not-found} if the catalog has no such database.
     */
    public CompletionStage<String> idFor(String name) {
        return current(name).handle((info, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(info.id());
            }
            ChrononError error = DatabaseLookup.lookupFailure(name, failure);
            return error.category() == ErrorCategory.NOT_FOUND ? CompletableFuture.<String>failedFuture(error)
                    : CompletableFuture.<String>completedFuture(null);
        }).thenCompose(id -> id);
    }

    /** How many lookups this resolver has sent to the catalog. */
    public long lookupsSent() {
        return sent.sum();
    }

    private void send(String name, CompletableFuture<DatabaseInfo> answer) {
        sent.increment();
        Futures.plain(AskPattern.<Catalog.Command, DatabaseInfo>askWithStatus(catalog,
                        replyTo -> new Catalog.GetDatabase(name, replyTo), timeout, scheduler), executor)
                .whenComplete((info, failure) -> {
                    CompletableFuture<DatabaseInfo> next;
                    synchronized (inFlight) {
                        next = inFlight.remove(name);
                        if (next != null) {
                            inFlight.put(name, null);
                        }
                    }
                    if (next != null) {
                        send(name, next);
                    }
                    if (failure != null) {
                        answer.completeExceptionally(failure);
                    } else {
                        answer.complete(info);
                    }
                });
    }
}
