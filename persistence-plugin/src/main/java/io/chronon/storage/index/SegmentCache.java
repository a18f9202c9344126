package io.chronon.storage.index;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.chronon.storage.segment.SegmentId;

import java.util.function.Supplier;

/**
 * Decoded index nodes, kept by (database, segment id) up to a configured number of bytes, for
 * every tree of every database on a node. Nodes are weighed by an estimate of the heap they take
 * decoded ({@link #heapBytes}: a datom is an object with a boxed value, some eight times its
 * encoded size), so the configured size is a share of the heap, measured: a 512 MB node loading
 * people ran out of heap with a cache weighed by encoded bytes.
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
                .weigher((Key key, Node node) -> heapBytes(node))
                // upkeep on the calling thread: no pool thread per cache, and eviction happens where the load was
                .executor(Runnable::run)
                .recordStats()
                .build();
    }

    /**
     * What a decoded node takes on the heap, estimated: per datom of a leaf its object, its place
     * in the array and its value (twice the encoded bytes cover strings and other large values);
     * per child of a branch its reference, segment id and first datom.
     */
    static int heapBytes(Node node) {
        long estimate = node instanceof Node.Leaf
                ? 64L + 64L * node.entries() + 2L * node.bytes()
                : 64L + 256L * node.entries();
        return (int) Math.min(Integer.MAX_VALUE, estimate);
    }

    /** A cache of at most {@code maxBytes} of decoded nodes (estimated heap bytes). */
    public static SegmentCache ofMaxBytes(long maxBytes) {
        return new SegmentCache(maxBytes);
    }

    /** The configured size. */
    public long maxBytes() {
        return maxBytes;
    }

    /** The estimated heap bytes of the nodes held now. */
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
