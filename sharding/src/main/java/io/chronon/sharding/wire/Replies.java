package io.chronon.sharding.wire;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * A request that carries the address of its answer. {@link #fail} answers it with an error,
 * whatever its type, so an actor refuses any request it cannot serve (it is loading with too
 * many waiting, its database is gone, it is stopping) with one call.
 */
public interface Replies {
    /** Answers this request with {@code error} at its reply address. */
    void fail(ChrononError error);

    /**
     * A request answered with a {@code StatusReply} at {@code replyTo}: failing it sends the
     * error there. A record with a {@code replyTo} component implements it just by saying so.
     */
    interface WithStatus<T> extends Replies {
        /** Where the answer goes. */
        ActorRef<StatusReply<T>> replyTo();

        @Override
        default void fail(ChrononError error) {
            replyTo().tell(StatusReply.error(error));
        }
    }
}
