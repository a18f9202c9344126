package io.chronon.storage.journal;

import java.io.IOException;
import java.util.List;

/** Where Chronon's snapshot store plugin ({@link ChrononSnapshotStore}) keeps serialized snapshots. */
public interface SnapshotStorage extends AutoCloseable {
    /** One stored snapshot: its metadata and serialized form. */
    record Stored(String persistenceId, long seqNr, long timestamp, int serializerId, String manifest, byte[] payload) {
    }

    /** Metadata of a snapshot, without its bytes. */
    record Entry(long seqNr, long timestamp) {
    }

    /** The snapshots of a persistence id, newest (highest sequence number) first. */
    List<Entry> list(String persistenceId) throws IOException;

    /** The snapshot with this metadata; fails if it is missing or corrupt. */
    Stored read(String persistenceId, Entry entry) throws IOException;

    /** Stores a snapshot durably, then keeps only the newest {@code keep}. */
    default void save(Stored snapshot) throws IOException {
        save(snapshot, true);
    }

    /**
     * Stores a snapshot durably; then, if {@code prune}, keeps only the newest {@code keep}.
     * Index roots records are saved without pruning: only garbage collection removes them, by
     * its cut-off ({@code DurableIndexes.gcStorage}), since a db value still in use may read
     * the trees of old roots.
     */
    void save(Stored snapshot, boolean prune) throws IOException;

    void delete(String persistenceId, Entry entry) throws IOException;

    void purge(String persistenceId) throws IOException;

    @Override
    void close();
}
