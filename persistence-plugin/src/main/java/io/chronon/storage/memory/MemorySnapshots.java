package io.chronon.storage.memory;

import com.typesafe.config.Config;
import io.chronon.storage.journal.SnapshotStorage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ExtendedActorSystem;

/** Snapshots in memory, serialized, for tests and mem databases. */
public final class MemorySnapshots implements SnapshotStorage {
    private final ConcurrentHashMap<String, TreeMap<Entry, Stored>> byId = new ConcurrentHashMap<>();
    private final int keep;

    /** The storage of a snapshot plugin with {@code store = memory}: setting {@code keep}. */
    public MemorySnapshots(ExtendedActorSystem system, Config plugin) {
        this(plugin.getInt("keep"));
    }

    public MemorySnapshots(int keep) {
        this.keep = Math.max(1, keep);
    }

    private static TreeMap<Entry, Stored> newMap() {
        return new TreeMap<>((a, b) -> a.seqNr() != b.seqNr() ? Long.compare(b.seqNr(), a.seqNr())
                : Long.compare(b.timestamp(), a.timestamp()));
    }

    @Override
    public List<Entry> list(String persistenceId) {
        TreeMap<Entry, Stored> m = byId.get(persistenceId);
        if (m == null) {
            return List.of();
        }
        synchronized (m) {
            return new ArrayList<>(m.keySet());
        }
    }

    @Override
    public Stored read(String persistenceId, Entry entry) throws IOException {
        TreeMap<Entry, Stored> m = byId.get(persistenceId);
        Stored s = null;
        if (m != null) {
            synchronized (m) {
                s = m.get(entry);
            }
        }
        if (s == null) {
            throw new IOException("No snapshot " + entry + " of " + persistenceId);
        }
        return s;
    }

    @Override
    public void save(Stored s, boolean prune) {
        TreeMap<Entry, Stored> m = byId.computeIfAbsent(s.persistenceId(), k -> newMap());
        synchronized (m) {
            m.put(new Entry(s.seqNr(), s.timestamp()), s);
            while (prune && m.size() > keep) {
                m.pollLastEntry();
            }
        }
    }

    @Override
    public void delete(String persistenceId, Entry entry) {
        TreeMap<Entry, Stored> m = byId.get(persistenceId);
        if (m != null) {
            synchronized (m) {
                m.remove(entry);
            }
        }
    }

    @Override
    public void purge(String persistenceId) {
        byId.remove(persistenceId);
    }

    @Override
    public void close() {
        byId.clear();
    }
}
