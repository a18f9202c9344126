package io.chronon.node.http;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The budget of large request bodies (over {@link HttpSettings#SMALL_BODY}) being read and
 * answered at once ({@code chronon.http.max-body-bytes-in-flight}): bodies are counted as their
 * bytes arrive, one that does not fit is refused (drained and answered busy), and the oldest
 * large body always goes on. Shared by every request of one server; thread-safe.
 */
final class BodyBudget {
    private final long maxBytes;
    /** Bytes of large bodies being read and answered now. */
    private final AtomicLong inFlight = new AtomicLong();
    /** The large bodies being read and answered, oldest first. */
    private final Queue<Intake> largeBodies = new ConcurrentLinkedQueue<>();

    BodyBudget(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** A request's body so far: the bytes arrived, and those counted against the budget (given back once answered). */
    static final class Intake {
        private long received;
        private long reserved;
        private boolean refused;

        synchronized void refuse() {
            refused = true;
        }

        synchronized boolean refused() {
            return refused;
        }

        /** Adds {@code bytes} arrived; answers how many more to count (all that arrived, once past {@link HttpSettings#SMALL_BODY}). */
        synchronized long arrived(int bytes) {
            received += bytes;
            return received <= HttpSettings.SMALL_BODY ? 0 : received - reserved;
        }

        synchronized long reserved() {
            return reserved;
        }

        synchronized void reserved(long bytes) {
            reserved += bytes;
        }

        synchronized long take() {
            long r = reserved;
            reserved = 0;
            return r;
        }
    }

    /** A new request's intake. */
    Intake open() {
        return new Intake();
    }

    /**
     * Counts {@code bytes} more of a body against the budget of large bodies (nothing while the
     * body is at most {@link HttpSettings#SMALL_BODY}); false, and the body is refused, when they
     * do not fit, unless this is the oldest large body being read: that one always goes on, so
     * large bodies arriving together are read one after another rather than all refused.
     */
    boolean admit(Intake intake, int bytes) {
        if (intake.refused()) {
            return false;
        }
        long add = intake.arrived(bytes);
        if (add <= 0) {
            return true;
        }
        if (intake.reserved() == 0) {
            largeBodies.add(intake);
        }
        if (largeBodies.peek() != intake && inFlight.get() + add > maxBytes) {
            intake.refuse();
            if (intake.reserved() == 0) {
                largeBodies.remove(intake);
            }
            return false;
        }
        inFlight.addAndGet(add);
        intake.reserved(add);
        return true;
    }

    /** The request is answered: what its body held of the budget is given back. */
    void release(Intake intake) {
        inFlight.addAndGet(-intake.take());
        largeBodies.remove(intake);
    }

    /** The bytes of large bodies counted against the budget now. */
    long inFlight() {
        return inFlight.get();
    }
}
