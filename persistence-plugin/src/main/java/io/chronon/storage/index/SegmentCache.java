package io.chronon.storage.index;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.chronon.storage.segment.SegmentId;

import java.util.function.Supplier;

/**
 * Decoded index nodes, kept by (database, segment id) up to a configured number of bytes, for
 * every tree of every database on a node. Nodes are weighed by their encoded, uncompressed
 * length (what a segment read would cost again); a decoded node takes a few times that on the
 * heap (a datom is an object with a boxed value), so size the cache to a fraction of the heap.
 * Eviction is Caffeine's (W-TinyLFU: a range scan does not flush the hot nodes). Safe for use
 * by many threads; a node missing from the cache is read once however many threads ask for it
 * at once.
 */
public final class SegmentCache {
    private final long maxBytes;
    private final Cache<Key, Node> nodes;

    private record Key(String database, SegmentId id) {
    }

    private SegmentCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("A cache of " + maxBytes + " bytes");
        }
        this.maxBytes = maxBytes;
        this.nodes = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key key, Node node) -> node.bytes())
                // upkeep on the calling thread: no pool thread per cache, and eviction happens where the load was
                .executor(Runnable::run)
                .recordStats()
                .build();
    }

    /** A cache of at most {@code maxBytes} of encoded nodes. */
    public static SegmentCache ofMaxBytes(long maxBytes) {
        return new SegmentCache(maxBytes);
    }

    /** The configured size. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The encoded bytes of the nodes held now. */
    public long weightedBytes() {
        return nodes.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** Hits, misses, loads and evictions since the cache was made. */
    public CacheStats stats() {
        return nodes.stats();
    }

    /** Drops every node (a test's cold start, or memory pressure). */
    public void clear() {
        nodes.invalidateAll();
        nodes.cleanUp();
    }

    /** Node {@code id} of {@code database}, read by {@code load} if it is not held (its failure propagates, nothing is kept). */
    Node get(String database, SegmentId id, Supplier<Node> load) {
        return nodes.get(new Key(database, id), k -> load.get());
    }

    /** Holds a node just written (the next reads of a new tree are of its new nodes). */
    void put(String database, SegmentId id, Node node) {
        nodes.put(new Key(database, id), node);
    }
}
