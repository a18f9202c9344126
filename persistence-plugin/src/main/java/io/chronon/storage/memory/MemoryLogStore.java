package io.chronon.storage.memory;

import com.typesafe.config.Config;
import io.chronon.storage.journal.LogRecord;
import io.chronon.storage.journal.LogStore;
import io.chronon.storage.journal.PidWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * The log store in memory: for tests and mem databases. It keeps serialized records, like
 * the file store, so that everything read back went through the serializers. An optional
 * write latency makes appends complete later (a slow disk), for tests of group commit and
 * back-pressure; entries become readable only when their append completes.
 */
public final class MemoryLogStore implements LogStore {
    private final ConcurrentHashMap<String, MemLog> logs = new ConcurrentHashMap<>();
    private final long writeLatencyMicros;
    private final ScheduledExecutorService delayer;

    /** The store of a journal plugin with {@code store = memory}: setting {@code write-latency} (a simulated slow disk). */
    public MemoryLogStore(ExtendedActorSystem system, Config plugin) {
        this(plugin.getDuration("write-latency").toNanos() / 1000);
    }

    public MemoryLogStore(long writeLatencyMicros) {
        this.writeLatencyMicros = writeLatencyMicros;
        this.delayer = writeLatencyMicros > 0 ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chronon-memory-journal");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    private static final class MemLog {
        final List<LogRecord> records = new ArrayList<>();
        long highest;
        long deletedTo;
        long pendingHighest;
    }

    private MemLog log(String persistenceId) {
        return logs.computeIfAbsent(persistenceId, k -> new MemLog());
    }

    @Override
    public void append(List<PidWrite> writes) {
        for (PidWrite w : writes) {
            MemLog log = log(w.persistenceId());
            synchronized (log) {
                long expected = log.pendingHighest + 1;
                boolean ok = true;
                for (LogRecord r : w.records()) {
                    if (r.seqNr() != expected++) {
                        ok = false;
                    }
                }
                if (!ok) {
                    w.done().completeExceptionally(new IllegalStateException("Journal of " + w.persistenceId()
                            + " got out-of-order sequence numbers (is there a second writer?)"));
                    continue;
                }
                log.pendingHighest = expected - 1;
            }
            if (delayer == null) {
                commit(log, w);
            } else {
                delayer.schedule(() -> commit(log, w), writeLatencyMicros, TimeUnit.MICROSECONDS);
            }
        }
    }

    private static void commit(MemLog log, PidWrite w) {
        synchronized (log) {
            log.records.addAll(w.records());
            log.highest = w.records().isEmpty() ? log.highest : w.records().get(w.records().size() - 1).seqNr();
        }
        w.done().complete(null);
    }

    @Override
    public long highestSequenceNr(String persistenceId) {
        MemLog log = logs.get(persistenceId);
        if (log == null) {
            return 0;
        }
        synchronized (log) {
            return log.highest;
        }
    }

    @Override
    public long replay(String persistenceId, long from, long to, long max, Consumer<LogRecord> consumer) {
        MemLog log = logs.get(persistenceId);
        if (log == null || max <= 0) {
            return 0;
        }
        List<LogRecord> selected = new ArrayList<>();
        synchronized (log) {
            for (LogRecord r : log.records) {
                if (r.seqNr() <= log.deletedTo || r.seqNr() < from) {
                    continue;
                }
                if (r.seqNr() > to || selected.size() >= max) {
                    break;
                }
                selected.add(r);
            }
        }
        selected.forEach(consumer);
        return selected.size();
    }

    @Override
    public CompletableFuture<Void> deleteTo(String persistenceId, long toSeqNr) {
        MemLog log = log(persistenceId);
        synchronized (log) {
            log.deletedTo = Math.max(log.deletedTo, Math.min(toSeqNr, log.highest));
            long d = log.deletedTo;
            log.records.removeIf(r -> r.seqNr() <= d);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> purge(String persistenceId) {
        logs.remove(persistenceId);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        if (delayer != null) {
            delayer.shutdownNow();
        }
    }
}
