package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.LayeredValues;
import io.chronon.index.SortedIndex;
import io.chronon.storage.memory.MemorySegmentStore;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bases of split db values as durable index trees: each index a log replay built in memory is
 * written into an {@link IndexTree} of a real memory segment store, with nodes so small (16
 * datoms a leaf, 4 children a branch) that a database of a few hundred datoms makes trees of
 * three or four levels, read through one cache of a few nodes that evicts all the time. What
 * {@code -Dchronon.test.layered.base=io.chronon.storage.index.IndexTreeBases} plugs into core's
 * suites (this module's pom runs them that way), so every read they make of a base crosses
 * segments, leaves and branches.
 *
 * <p>Each tree has a store and a database name of its own, so trees of different values never
 * share a cached node and a store is dropped with the last value that reads it.
 */
public final class IndexTreeBases implements LayeredValues.BaseFactory {
    /** Nodes of 16 datoms and 4 children: deep trees from small databases. */
    static final NodeLimits TINY = NodeLimits.ofEntries(16, 4);
    /** About ten small nodes: most reads of a tree miss it. */
    static final long CACHE_BYTES = 4 * 1024;

    private final SegmentCache cache = SegmentCache.ofMaxBytes(CACHE_BYTES);
    private final AtomicLong trees = new AtomicLong();

    /** Bases in the tiny nodes and the tiny cache. */
    public IndexTreeBases() {
    }

    /** A tree of exactly the datoms of {@code replayed}, written now into a memory store of its own. */
    @Override
    public IndexTree base(IndexType type, boolean current, SortedIndex<Datom> replayed) {
        String database = "base-" + trees.incrementAndGet() + "/" + (current ? "current-" : "retracted-") + type;
        TreeStorage storage = new TreeStorage(new MemorySegmentStore(), database, cache, TINY);
        return IndexTree.build(type, storage, replayed.iterator());
    }

    /** The cache every tree made here reads through. */
    SegmentCache cache() {
        return cache;
    }
}
