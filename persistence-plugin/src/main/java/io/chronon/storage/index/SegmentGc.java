package io.chronon.storage.index;

import io.chronon.db.IndexType;
import io.chronon.storage.segment.SegmentId;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Garbage collection of one database's segments: every segment that none of the given roots
 * reaches is deleted. Which roots must be kept (those a db value in use may still read) is the
 * caller's decision ({@link io.chronon.storage.DurableIndexes#gcStorage}); this walks the trees
 * (reading their branches, through the cache) and lists the store.
 */
public final class SegmentGc {
    private SegmentGc() {
    }

    /** What a collection found: the segments the roots reach and those it deleted. */
    public record Result(long reachable, long deleted) {
    }

    /**
     * Deletes from {@code storage} every segment of its database that no tree of {@code live}
     * reaches. Must not run while an indexing job of the database writes segments that no
     * recorded roots name yet (the indexer runs both, one at a time).
     */
    public static Result collect(TreeStorage storage, Collection<IndexRoots> live) throws IOException {
        Set<SegmentId> reachable = new HashSet<>();
        for (IndexRoots roots : live) {
            for (IndexType type : IndexType.values()) {
                IndexTree.open(type, storage, roots.root(type, true)).segments(reachable::add);
                IndexTree.open(type, storage, roots.root(type, false)).segments(reachable::add);
            }
            IndexTree.open(TreeOrder.LOG, storage, roots.log()).segments(reachable::add);
        }
        List<SegmentId> all = storage.store().list(storage.database());
        long deleted = 0;
        for (SegmentId id : all) {
            if (!reachable.contains(id)) {
                storage.store().delete(storage.database(), id);
                deleted++;
            }
        }
        return new Result(reachable.size(), deleted);
    }
}
