package io.chronon.sharding.peer;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The query dispatcher's threads ({@code chronon.query-dispatcher}), shared fairly among the
 * databases of a node: the reads of one database run on at most
 * {@code chronon.query.threads-per-database} of them at a time; more wait in that database's
 * queue, in order, and start as its running reads end. So a database's slow reads (queries
 * that run until their timeout) slow down only that database's other reads, never the reads of
 * the others. A read that waits in its queue past its timeout is answered {@code interrupted}
 * there (see {@link ReadRunner}) and never runs.
 *
 * <p>One per actor system: every peer of the node shares it.
 */
final class ReadLanes implements Extension {
    /** One database's reads: how many run now, and those waiting for a thread. */
    private static final class Lane {
        int running;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    }

    private final Executor executor;
    private final int perDatabase;
    /** The databases with reads running, by name. */
    private final Map<String, Lane> lanes = new HashMap<>();

    private ReadLanes(Executor executor, int perDatabase) {
        this.executor = executor;
        this.perDatabase = perDatabase;
    }

    static final ExtensionId<ReadLanes> ID = new ExtensionId<>() {
        @Override
        public ReadLanes createExtension(ActorSystem<?> system) {
            return new ReadLanes(system.dispatchers().lookup(DispatcherSelector.fromConfig("chronon.query-dispatcher")),
                    threadsPerDatabase(system.settings().config()));
        }
    };

    static ReadLanes get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /**
     * {@code chronon.query.threads-per-database}; 0 means half the query dispatcher's fixed
     * pool (2 of the default 4), at least 1.
     */
    static int threadsPerDatabase(Config config) {
        int configured = config.getInt("chronon.query.threads-per-database");
        if (configured > 0) {
            return configured;
        }
        String pool = "chronon.query-dispatcher.thread-pool-executor.fixed-pool-size";
        return config.hasPath(pool) ? Math.max(1, config.getInt(pool) / 2) : 1;
    }

    /** The most threads the reads of one database use at a time. */
    int perDatabase() {
        return perDatabase;
    }

    /**
     * Runs {@code read} on the query dispatcher now if {@code database} has fewer reads running
     * than its share, else once enough of them have ended.
     *
     * @throws RejectedExecutionException if the dispatcher refuses work (the node is stopping)
     */
    void execute(String database, Runnable read) {
        synchronized (lanes) {
            Lane lane = lanes.computeIfAbsent(database, d -> new Lane());
            if (lane.running >= perDatabase) {
                lane.waiting.add(read);
                return;
            }
            lane.running++;
        }
        try {
            submit(database, read);
        } catch (RejectedExecutionException e) {
            ended(database);
            throw e;
        }
    }

    private void submit(String database, Runnable read) {
        executor.execute(() -> {
            try {
                read.run();
            } finally {
                ended(database);
            }
        });
    }

    /** A read of {@code database} ended: the next one waiting takes its thread. */
    private void ended(String database) {
        Runnable next;
        synchronized (lanes) {
            Lane lane = lanes.get(database);
            next = lane.waiting.poll();
            if (next == null && --lane.running == 0) {
                lanes.remove(database);
            }
        }
        if (next != null) {
            try {
                submit(database, next);
            } catch (RejectedExecutionException e) {
                // the node is stopping: the waiting reads are answered by their timeouts
                ended(database);
            }
        }
    }
}
