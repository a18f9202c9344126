package io.chronon.sharding.catalog;

import io.chronon.ErrorCategory;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * How a sharded entity of one database (a writer, a query peer) answers requests once it has
 * found its database missing (deleted, or not in the catalog when it looked) and is to be
 * passivated.
 *
 * <p>It must not answer "not found" from what it learnt earlier: the name may have been
 * created again since, and a request made after that creation must be served. So each
 * request is answered only after the catalog has been asked again, after the request
 * arrived: still missing, it is answered {@code missing}; created anew, it is sent again
 * through Cluster Sharding, which keeps it until this incarnation has stopped and hands it
 * to the next one. Passivation is asked for only when no request waits for the catalog,
 * since a stop while one waits hands it to the next incarnation, which would ask again and
 * stop again, for ever; a stop for another reason (rebalancing, the node leaving) hands the
 * waiting requests on the same way.
 *
 * <p>Used only on the entity's thread.
 *
 * @param <C> the entity's message type
 * @param <R> its requests
 */
public final class MissingDatabase<C, R> {
    private final ActorContext<C> ctx;
    private final ActorRef<ClusterSharding.ShardCommand> shard;
    private final ActorRef<Catalog.Command> catalog;
    private final String name;
    private final Duration timeout;
    private final BiFunction<R, ChrononError, C> asked;
    private final Consumer<R> redeliver;
    private final BiConsumer<R, ChrononError> fail;
    private final Set<R> askingAgain = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean passivating;

    /**
     * @param asked     the message that brings the catalog's second answer about a request
     *                  back to the entity (a null error: the database exists now); the entity
     *                  hands it to {@link #asked}
     * @param redeliver sends a request again to this entity's id through Cluster Sharding
     * @param fail      answers a request with an error
     */
    public MissingDatabase(ActorContext<C> ctx, ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<Catalog.Command> catalog,
                           String name, Duration timeout, BiFunction<R, ChrononError, C> asked, Consumer<R> redeliver,
                           BiConsumer<R, ChrononError> fail) {
        this.ctx = ctx;
        this.shard = shard;
        this.catalog = catalog;
        this.name = name;
        this.timeout = timeout;
        this.asked = asked;
        this.redeliver = redeliver;
        this.fail = fail;
    }

    /**
     * Answers {@code request} with {@code missing} once the catalog, asked now, still has no
     * incarnation of the database other than {@code goneId} (null: none was served here);
     * sends it to the next incarnation if it has one. Errors other than "not found" (the
     * storage kind missing here, a failed load) are not about the name, and are answered at
     * once.
     */
    public void answer(R request, String goneId, ChrononError missing) {
        if (missing.category() != ErrorCategory.NOT_FOUND) {
            fail.accept(request, missing);
            return;
        }
        askingAgain.add(request);
        ctx.askWithStatus(DatabaseInfo.class, catalog, timeout, replyTo -> new Catalog.GetDatabase(name, replyTo),
                (info, failure) -> {
                    if (failure != null) {
                        ChrononError error = DatabaseLookup.lookupFailure(name, failure);
                        return asked.apply(request, error.category() == ErrorCategory.NOT_FOUND ? missing : error);
                    }
                    return asked.apply(request, info.id().equals(goneId) ? missing : null);
                });
    }

    /** The catalog's second answer about {@code request}: null means the database exists now. */
    public void asked(R request, ChrononError error) {
        if (!askingAgain.remove(request)) {
            return;
        }
        if (error != null) {
            fail.accept(request, error);
        } else {
            redeliver.accept(request);
        }
        if (passivating && askingAgain.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
    }

    /** Asks sharding to passivate this entity, at once or when the last request waiting for the catalog is answered. */
    public void passivate() {
        passivating = true;
        if (askingAgain.isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
        }
    }

    /** On stopping: the requests waiting for the catalog go to the next incarnation, which looks the database up afresh. */
    public void handOn() {
        askingAgain.forEach(redeliver);
        askingAgain.clear();
    }
}
