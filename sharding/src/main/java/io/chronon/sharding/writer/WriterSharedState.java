package io.chronon.sharding.writer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything of a writer that other threads touch. The writer ({@link Transactor}) runs on
 * its actor's thread; its log ({@link TxLog}) and its publisher ({@link TxPublisher})
 * are actors of their own, on other threads. Everything else of the writer is confined to
 * its thread, and the messages between the three are immutable, except what is here.
 *
 * <p><b>Threading contract:</b>
 * <ul>
 * <li>{@link #writeStarted} is called on the writer's thread when it sends a journal write,
 *     {@link #writeIsSlow} on the log's thread for each reply, measured from the latest
 *     start. The start is volatile, so the log's thread sees the start of the write it
 *     answers (the writer sends the next write only after hearing of this one).</li>
 * <li>The {@link Runnable} a writer puts into {@link TxLog.Append} ({@link #whenDurable}) is
 *     built on the writer's thread from immutable values and run on the log's thread; it
 *     only tells an actor.</li>
 * <li>{@link Retries} are added to on the writer's thread and answered on the publisher's
 *     (or the writer's, when a transaction fails): every method is synchronized, and an
 *     outcome reaches each caller once.</li>
 * </ul>
 */
final class WriterSharedState {

    /** A journal write that takes longer is slow: more than processing a few transactions. */
    static final long SLOW_WRITE_NANOS = 150_000;

    /** When the journal write under way started (written on the writer's thread, read on the log's). */
    private volatile long writeStartNanos;

    /** The writer sends a journal write now (on the writer's thread). */
    void writeStarted() {
        writeStartNanos = System.nanoTime();
    }

    /** True when the write under way has taken longer than {@link #SLOW_WRITE_NANOS} so far (on the log's thread). */
    boolean writeIsSlow() {
        return System.nanoTime() - writeStartNanos >= SLOW_WRITE_NANOS;
    }

    /**
     * What the log runs once a write is durable: tells {@code message} to {@code to}, on the
     * log's thread, so that it goes without a detour through the writer's mailbox.
     */
    static <T> Runnable whenDurable(ActorRef<T> to, T message) {
        return () -> to.tell(message);
    }

    /**
     * The callers that sent a request id again while its transaction waits, answered with it
     * (a success as a duplicate). The writer adds to it; the publisher answers it as soon as
     * the write is durable, possibly before the writer has heard so: a caller added after
     * that is answered at once with the same outcome.
     */
    static final class Retries {
        private List<ActorRef<StatusReply<Transactor.TxResult>>> waiting;
        private StatusReply<Transactor.TxResult> outcome;

        synchronized void add(ActorRef<StatusReply<Transactor.TxResult>> caller) {
            if (outcome != null) {
                caller.tell(outcome);
                return;
            }
            if (waiting == null) {
                waiting = new ArrayList<>(1);
            }
            waiting.add(caller);
        }

        /** Hands the callers waiting here to {@code other} (this one is no longer answered). */
        synchronized void forwardTo(Retries other) {
            if (waiting != null) {
                waiting.forEach(other::add);
                waiting = null;
            }
        }

        /** Takes the callers waiting here (they are answered elsewhere from now on). */
        synchronized List<ActorRef<StatusReply<Transactor.TxResult>>> takeWaiting() {
            List<ActorRef<StatusReply<Transactor.TxResult>>> taken = waiting == null ? List.of() : waiting;
            waiting = null;
            return taken;
        }

        synchronized void answer(StatusReply<Transactor.TxResult> reply) {
            outcome = reply;
            if (waiting != null) {
                for (ActorRef<StatusReply<Transactor.TxResult>> caller : waiting) {
                    caller.tell(reply);
                }
                waiting = null;
            }
        }
    }
}
