package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.storage.segment.SegmentStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache of decoded nodes: bounded by bytes, shared by databases without mixing them up (a
 * segment another database holds is no answer for this one), and never keeping a failed read.
 */
class SegmentCacheTest {
    private static final NodeLimits SMALL = NodeLimits.ofEntries(16, 8);

    @Test
    void itHoldsNoMoreBytesThanItsSizeAndReadsWhatItDropped() throws Exception {
        try (SegmentStore store = TreeStores.MEMORY.open(null)) {
            SegmentCache cache = SegmentCache.ofMaxBytes(4_000);
            TreeStorage storage = new TreeStorage(store, "db/cache", cache, SMALL);
            List<Datom> data = new RandomDatoms(5, 200).sorted(IndexType.AEVT, 3_000);
            IndexTree tree = IndexTree.build(IndexType.AEVT, storage, data.iterator());
            assertTrue(cache.weightedBytes() <= 4_000, cache.weightedBytes() + " bytes held");
            for (int pass = 0; pass < 2; pass++) {
                assertEquals(data, drain(tree.slice(null, null)));
                assertTrue(cache.weightedBytes() <= 4_000, cache.weightedBytes() + " bytes held");
            }
            assertTrue(cache.stats().evictionCount() > 100 && cache.stats().missCount() > 100, cache.stats().toString());
        }
    }

    @Test
    void databasesSharingACacheReadOnlyTheirOwnSegments() throws Exception {
        try (SegmentStore store = TreeStores.MEMORY.open(null)) {
            SegmentCache shared = SegmentCache.ofMaxBytes(1 << 20);
            List<Datom> data = new RandomDatoms(6, 50).sorted(IndexType.EAVT, 10);
            IndexTree one = IndexTree.build(IndexType.EAVT, new TreeStorage(store, "db/one", shared, SMALL), data.iterator());
            IndexTree two = IndexTree.build(IndexType.EAVT, new TreeStorage(store, "db/two", shared, SMALL), data.iterator());
            assertEquals(one.root(), two.root(), "the same datoms, the same segment");
            store.delete("db/two", two.root().id());
            shared.clear();
            assertEquals(data, drain(IndexTree.open(IndexType.EAVT, one.storage(), one.root()).slice(null, null)));
            ChrononException e = assertThrows(ChrononException.class, () -> IndexTree.open(IndexType.EAVT, two.storage(), two.root()));
            assertTrue(e.getMessage().contains("db/two"), e.getMessage());
        }
    }

    @Test
    void aFailedReadIsNotKept() throws Exception {
        try (SegmentStore store = TreeStores.MEMORY.open(null)) {
            SegmentCache cache = SegmentCache.ofMaxBytes(1 << 20);
            TreeStorage storage = new TreeStorage(store, "db/retry", cache, SMALL);
            List<Datom> data = new RandomDatoms(7, 50).sorted(IndexType.EAVT, 10);
            IndexTree tree = IndexTree.build(IndexType.EAVT, storage, data.iterator());
            byte[] root = store.get("db/retry", tree.root().id());
            store.delete("db/retry", tree.root().id());
            cache.clear();
            assertThrows(ChrononException.class, () -> IndexTree.open(IndexType.EAVT, storage, tree.root()));
            store.put("db/retry", root);
            assertEquals(data, drain(IndexTree.open(IndexType.EAVT, storage, tree.root()).slice(null, null)));
        }
    }

    private static List<Datom> drain(Iterable<Datom> datoms) {
        List<Datom> list = new ArrayList<>();
        datoms.forEach(list::add);
        return list;
    }
}
