package io.chronon.storage.memory;

import com.typesafe.config.Config;
import io.chronon.storage.segment.MissingSegmentException;
import io.chronon.storage.segment.SegmentCodec;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Segments in the heap, for tests and {@code mem} databases: kept in their stored form (compressed,
 * checksummed) and checked on every read like the durable stores', so tests see the same
 * failures.
 */
public final class MemorySegmentStore implements SegmentStore {
    private final ConcurrentHashMap<String, Map<SegmentId, byte[]>> byDatabase = new ConcurrentHashMap<>();

    /** The store of {@code store = memory}; it has no settings. */
    public MemorySegmentStore(ExtendedActorSystem system, Config config) {
        this();
    }

    public MemorySegmentStore() {
    }

    @Override
    public SegmentId put(String database, byte[] bytes) {
        SegmentId id = SegmentId.of(bytes);
        Map<SegmentId, byte[]> segments = byDatabase.computeIfAbsent(database, d -> new ConcurrentHashMap<>());
        if (!segments.containsKey(id)) {
            segments.putIfAbsent(id, SegmentCodec.encode(bytes));
        }
        return id;
    }

    @Override
    public byte[] get(String database, SegmentId id) throws IOException {
        Map<SegmentId, byte[]> segments = byDatabase.get(database);
        byte[] stored = segments == null ? null : segments.get(id);
        if (stored == null) {
            throw new MissingSegmentException(database, id);
        }
        return SegmentCodec.decode(database, id, stored);
    }

    @Override
    public boolean contains(String database, SegmentId id) {
        Map<SegmentId, byte[]> segments = byDatabase.get(database);
        return segments != null && segments.containsKey(id);
    }

    @Override
    public void delete(String database, SegmentId id) {
        Map<SegmentId, byte[]> segments = byDatabase.get(database);
        if (segments != null) {
            segments.remove(id);
        }
    }

    @Override
    public List<SegmentId> list(String database) {
        Map<SegmentId, byte[]> segments = byDatabase.get(database);
        return segments == null ? List.of() : List.copyOf(segments.keySet());
    }

    /** For tests: replaces the stored form of a segment by {@code change} of it, as damage on a disk would. */
    public void rewriteForTesting(String database, SegmentId id, UnaryOperator<byte[]> change) {
        byDatabase.get(database).computeIfPresent(id, (k, stored) -> change.apply(stored.clone()));
    }

    @Override
    public void close() {
        byDatabase.clear();
    }
}
