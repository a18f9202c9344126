package io.chronon.sharding.writer;

import io.chronon.sharding.feed.TxFeed;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.pattern.StatusReply;

import java.util.List;

/**
 * The writer's outbox, a child of the {@link Transactor}: publishes each durable
 * transaction's report on the topic, then acknowledges it, in log order. Acknowledging wakes
 * the caller's thread, which costs about as much as processing a small transaction, so it is
 * done here while the writer goes on with the next transactions. Everything the writer
 * publishes goes through here (heartbeats, retirement too), so subscribers see it in the
 * order it was decided.
 */
final class TxPublisher {

    private TxPublisher() {
    }

    sealed interface Command extends NoSerializationVerificationNeeded {
    }

    /** Durable transactions with sequence numbers {@code firstSeqNr}, {@code firstSeqNr + 1}, ... */
    record Committed(String database, long firstSeqNr, List<Transactor.Pending> batch) implements Command {
    }

    record Feed(TxFeed message) implements Command {
    }

    /** Stop once everything before this is published and answered. */
    enum Drain implements Command {
        INSTANCE
    }

    static Behavior<Command> create(ActorRef<Topic.Command<TxFeed>> topic) {
        return Behaviors.receive(Command.class)
                .onMessage(Committed.class, c -> {
                    long seq = c.firstSeqNr();
                    for (Transactor.Pending p : c.batch()) {
                        topic.tell(Topic.publish(new TxFeed.Committed(c.database(), seq, p.entry(), p.tempids())));
                        Transactor.TxResult result = new Transactor.TxResult(c.database(), p.entry().t(), p.basisBefore(), seq,
                                p.tempids(), p.entry().txData());
                        p.replyTo().tell(StatusReply.success(result));
                        if (p.retries() != null) {
                            p.retries().answer(StatusReply.success(result.asDuplicate()));
                        }
                        seq++;
                    }
                    return Behaviors.same();
                })
                .onMessage(Feed.class, f -> {
                    topic.tell(Topic.publish(f.message()));
                    return Behaviors.same();
                })
                .onMessage(Drain.class, d -> Behaviors.stopped())
                .build();
    }
}
