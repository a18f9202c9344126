package io.chronon.sharding.peer;

import com.typesafe.config.Config;
import io.chronon.query.ReadMemory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The query dispatcher's threads ({@code chronon.query-dispatcher}), shared fairly among the
 * databases of a node, so the slow reads of some databases (queries that run until their
 * timeout) slow down only those databases, never the reads of the others:
 * <ul>
 *   <li>the reads of one database run on at most {@code chronon.query.threads-per-database}
 *       threads at a time;</li>
 *   <li>a database that already has a read running never takes the last free thread: that one
 *       is kept for a database with none running (a fixed share alone let two databases with
 *       slow reads hold all four threads, and a count on a third waited for them);</li>
 *   <li>when a thread frees, it goes to the waiting database with the fewest reads running,
 *       and among equals to the one that has waited longest (round robin).</li>
 * </ul>
 * Reads wait here, each database's in order, not in the dispatcher's queue, so this class
 * knows how many threads are free. A read that waits past its timeout is answered
 * {@code interrupted} there (see {@link ReadRunner}) and never runs.
 *
 * <p>It also holds the node's {@linkplain #memory() read memory budget}, the other resource
 * the reads of all databases share.
 *
 * <p>One per actor system: every peer of the node shares it.
 */
final class ReadLanes implements Extension {
    /** One database's reads: how many run now, and those waiting for a thread. */
    private static final class Lane {
        final String database;
        int running;
        final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

        Lane(String database) {
            this.database = database;
        }
    }

    private record Start(Lane lane, Runnable read) {
    }

    private final Executor executor;
    private final int threads;
    private final int perDatabase;
    /** Guarded by itself: the databases with reads running or waiting, by name. */
    private final Map<String, Lane> lanes = new HashMap<>();
    /** The lanes with reads waiting, longest waiting first. */
    private final ArrayDeque<Lane> waitingLanes = new ArrayDeque<>();
    /** Reads running now, over all databases. */
    private int busy;
    private final ReadMemory memory;

    ReadLanes(Executor executor, int threads, int perDatabase, ReadMemory memory) {
        this.executor = executor;
        this.threads = Math.max(1, threads);
        this.perDatabase = Math.max(1, perDatabase);
        this.memory = memory;
    }

    static final ExtensionId<ReadLanes> ID = new ExtensionId<>() {
        @Override
        public ReadLanes createExtension(ActorSystem<?> system) {
            Config config = system.settings().config();
            return new ReadLanes(system.dispatchers().lookup(DispatcherSelector.fromConfig("chronon.query-dispatcher")),
                    threads(config), threadsPerDatabase(config), new ReadMemory(memoryBudget(config)));
        }
    };

    /** {@code chronon.query.memory-budget} in bytes; 0 means half the maximum heap. */
    static long memoryBudget(Config config) {
        long configured = config.getBytes("chronon.query.memory-budget");
        return configured > 0 ? configured : ReadMemory.defaultBudget();
    }

    /** The memory budget the running reads of the node share (see {@link ReadMemory}). */
    ReadMemory memory() {
        return memory;
    }

    static ReadLanes get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The query dispatcher's fixed pool size (4 by default). */
    static int threads(Config config) {
        String pool = "chronon.query-dispatcher.thread-pool-executor.fixed-pool-size";
        return config.hasPath(pool) ? Math.max(1, config.getInt(pool)) : 1;
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
        return Math.max(1, threads(config) / 2);
    }

    /** The most threads the reads of one database use at a time. */
    int perDatabase() {
        return perDatabase;
    }

    /**
     * Runs {@code read} on the query dispatcher now if {@code database} may take a free thread,
     * else once it is its turn.
     *
     * @throws RejectedExecutionException if the dispatcher refuses work (the node is stopping)
     */
    void execute(String database, Runnable read) {
        Start start = null;
        synchronized (lanes) {
            Lane lane = lanes.computeIfAbsent(database, Lane::new);
            if (lane.waiting.isEmpty() && mayStart(lane)) {
                start = started(lane, read);
            } else {
                if (lane.waiting.isEmpty()) {
                    waitingLanes.add(lane);
                }
                lane.waiting.add(read);
            }
        }
        if (start != null) {
            try {
                submit(start);
            } catch (RejectedExecutionException e) {
                ended(start.lane);
                throw e;
            }
        }
    }

    /** True if {@code lane} may take a thread now. Called holding the lock. */
    private boolean mayStart(Lane lane) {
        int free = threads - busy;
        if (free <= 0 || lane.running >= perDatabase) {
            return false;
        }
        // the last free thread is kept for a database with no read running
        return lane.running == 0 || free >= 2;
    }

    private Start started(Lane lane, Runnable read) {
        lane.running++;
        busy++;
        return new Start(lane, read);
    }

    private void submit(Start start) {
        executor.execute(() -> {
            try {
                start.read.run();
            } finally {
                ended(start.lane);
            }
        });
    }

    /** A read of {@code lane} ended (or never started): its thread goes to the next read whose turn it is. */
    private void ended(Lane lane) {
        List<Start> starts = new ArrayList<>(1);
        synchronized (lanes) {
            lane.running--;
            busy--;
            if (lane.running == 0 && lane.waiting.isEmpty()) {
                lanes.remove(lane.database);
            }
            Start next;
            while ((next = next()) != null) {
                starts.add(next);
            }
        }
        for (Start s : starts) {
            try {
                submit(s);
            } catch (RejectedExecutionException e) {
                // the node is stopping: the waiting reads are answered by their timeouts
                ended(s.lane);
            }
        }
    }

    /**
     * The waiting read that takes a free thread now, or null: of the lanes that may start one,
     * the one with the fewest reads running, the longest waiting among equals. Called holding
     * the lock.
     */
    private Start next() {
        Lane pick = null;
        for (Lane lane : waitingLanes) {
            if (mayStart(lane) && (pick == null || lane.running < pick.running)) {
                pick = lane;
            }
        }
        if (pick == null) {
            return null;
        }
        waitingLanes.remove(pick);
        Runnable read = pick.waiting.poll();
        if (!pick.waiting.isEmpty()) {
            waitingLanes.add(pick);
        }
        return started(pick, read);
    }
}
