package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.LayeredValues;
import io.chronon.index.SortedIndex;
import io.chronon.storage.memory.MemorySegmentStore;
import io.chronon.storage.segment.SegmentStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bases of split db values as durable index trees: each index a log replay built in memory is
 * written into an {@link IndexTree} of a real segment store, with nodes so small (16 datoms a
 * leaf, 4 children a branch, but for Cassandra's) that a database of a few hundred datoms makes
 * trees of three or four levels, read through one cache of a few nodes that evicts all the time. What
 * {@code -Dchronon.test.layered.base=io.chronon.storage.index.IndexTreeBases} plugs into core's
 * suites (this module's pom runs them that way), so every read they make of a base crosses
 * segments, leaves and branches.
 *
 * <p>Here each tree has a memory store and a database name of its own, so trees of different
 * values never share a cached node and a store is dropped with the last value that reads it.
 * {@link io.chronon.storage.file.FileIndexTreeBases} and {@link io.chronon.storage.cassandra.CassandraIndexTreeBases}
 * put every tree into one database of a real store instead (the nine trees of a database share
 * segments the same way: by content). Either way a tree is made durable in its store when it is
 * built and the cache is then emptied, so its first reads, and most later ones, are store reads.
 */
public class IndexTreeBases implements LayeredValues.BaseFactory {
    /** Nodes of 16 datoms and 4 children: deep trees from small databases. */
    public static final NodeLimits TINY = NodeLimits.ofEntries(16, 4);
    /** About ten small nodes: most reads of a tree miss it. */
    static final long CACHE_BYTES = 4 * 1024;

    private final SegmentCache cache = SegmentCache.ofMaxBytes(CACHE_BYTES);
    private final AtomicLong trees = new AtomicLong();
    /** The store every tree is written to, or null: a memory store per tree. */
    private final SegmentStore store;
    private final String database;
    private final NodeLimits limits;

    /** Bases in the tiny nodes and the tiny cache, each tree in a memory store of its own. */
    public IndexTreeBases() {
        this(null, null, TINY);
    }

    /** Bases in nodes of {@code limits} and the tiny cache, every tree in database {@code database} of {@code store}. */
    protected IndexTreeBases(SegmentStore store, String database, NodeLimits limits) {
        this.store = store;
        this.database = database;
        this.limits = limits;
    }

    /** A tree of exactly the datoms of {@code replayed}, written now (and synced) into the store. */
    @Override
    public IndexTree base(IndexType type, boolean current, SortedIndex<Datom> replayed) {
        long n = trees.incrementAndGet();
        TreeStorage storage = store == null
                ? new TreeStorage(new MemorySegmentStore(), "base-" + n + "/" + (current ? "current-" : "retracted-") + type, cache, limits)
                : new TreeStorage(store, database, cache, limits);
        IndexTree tree = IndexTree.build(type, storage, replayed.iterator());
        try {
            // written through: a store that answers its own puts from memory until a sync (Cassandra's) reads them from storage after it
            storage.store().sync(storage.database());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cache.clear(); // the nodes just written: a tree's first reads are the store's
        return tree;
    }

    /** The cache every tree made here reads through. */
    public SegmentCache cache() {
        return cache;
    }

    /** The store the trees are written to (null: a memory store per tree). */
    public SegmentStore store() {
        return store;
    }

    /** The database of {@link #store} the trees are written to. */
    public String database() {
        return database;
    }

    /** How many trees were made here. */
    public long trees() {
        return trees.get();
    }
}
