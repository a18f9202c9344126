package io.chronon.sharding.peer;

import io.chronon.query.ReadMemory;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Runs the reads (queries, pulls) of one database against immutable db values on the
 * dedicated query dispatcher ({@code chronon.query-dispatcher}), never on an actor's thread,
 * within the database's share of its threads ({@link ReadLanes}) and charging the node's read
 * memory budget ({@link ReadMemory}: an account per read, open while it runs), and enforces their
 * timeout: when it passes, the caller is answered {@code interrupted} at once and the
 * thread running the read is interrupted, which stops a Datalog query at its next check
 * (the query engine also has the same deadline of its own). The timeouts fire on the actor
 * system's own dispatcher, so they answer on time however busy the query dispatcher is.
 */
final class ReadRunner {
    private final ActorSystem<?> system;
    private final String database;
    private final ReadLanes lanes;

    ReadRunner(ActorSystem<?> system, String database) {
        this.system = system;
        this.database = database;
        this.lanes = ReadLanes.get(system);
    }

    /** Computes {@code read} off the caller's thread and answers {@code replyTo} with its result or error. */
    <T> void run(Supplier<T> read, Duration timeout, ActorRef<StatusReply<T>> replyTo) {
        Run<T> run = new Run<>(replyTo, lanes.memory());
        run.timer = system.scheduler().scheduleOnce(timeout, run::timeout, system.executionContext());
        try {
            lanes.execute(database, () -> run.execute(read));
        } catch (RejectedExecutionException e) {
            run.finish(StatusReply.error(ChrononError.busy("chronon.error/busy", "The query dispatcher is not accepting work")));
        }
    }

    private static final class Run<T> {
        private final ActorRef<StatusReply<T>> replyTo;
        private final ReadMemory memory;
        private final Object lock = new Object();
        private boolean done;
        private Thread runner;
        volatile Cancellable timer;

        Run(ActorRef<StatusReply<T>> replyTo, ReadMemory memory) {
            this.replyTo = replyTo;
            this.memory = memory;
        }

        void execute(Supplier<T> read) {
            synchronized (lock) {
                if (done) {
                    return;
                }
                runner = Thread.currentThread();
            }
            StatusReply<T> reply;
            try (ReadMemory.Account account = memory.open()) {
                reply = StatusReply.success(read.get());
            } catch (OutOfMemoryError e) {
                // the budget's estimates fell short: this read gives its memory back, the node goes on
                reply = StatusReply.error(ChrononError.busy("chronon.error/reads-over-memory-budget",
                        "The node ran short of memory for its running reads; try again when fewer heavy reads run"));
            } catch (Throwable e) {
                reply = StatusReply.error(ChrononError.of(e));
            } finally {
                synchronized (lock) {
                    runner = null;
                }
                // an interrupt that arrived after the read finished must not hit the next task
                Thread.interrupted();
            }
            finish(reply);
        }

        void timeout() {
            if (finish(StatusReply.error(ChrononError.interrupted("db.error/query-timeout", "The read was stopped: it timed out")))) {
                synchronized (lock) {
                    if (runner != null) {
                        runner.interrupt();
                    }
                }
            }
        }

        /** Answers once; true if this call did. */
        boolean finish(StatusReply<T> reply) {
            synchronized (lock) {
                if (done) {
                    return false;
                }
                done = true;
            }
            Cancellable t = timer;
            if (t != null) {
                t.cancel();
            }
            replyTo.tell(reply);
            return true;
        }
    }
}
