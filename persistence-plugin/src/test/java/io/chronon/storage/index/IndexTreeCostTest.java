package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.storage.segment.SegmentCodec;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What trees cost: a merge writes segments in proportion to the novelty and the depth, not to
 * the size of the tree (counted in the store: its segments before and after); and the bytes a
 * datom takes in the leaves of a realistic mix, with the default node size.
 */
class IndexTreeCostTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TreeStores.class)
    void mergingTenDatomsIntoAHundredThousandWritesOnlyTheirPaths(TreeStores kind) throws Exception {
        String db = "db/cost";
        try (SegmentStore store = kind.open(dir)) {
            TreeStorage storage = new TreeStorage(store, db, SegmentCache.ofMaxBytes(4 << 20), NodeLimits.ofEntries(32, 32));
            RandomDatoms gen = new RandomDatoms(42, 20_000);
            List<Datom> data = gen.sorted(IndexType.EAVT, 100_000);
            long start = System.nanoTime();
            IndexTree tree = IndexTree.build(IndexType.EAVT, storage, data.iterator());
            long buildMs = (System.nanoTime() - start) / 1_000_000;
            int depth = tree.depth();
            int built = store.list(db).size();
            assertEquals(100_000, tree.size());

            TreeSet<Datom> present = new TreeSet<>(IndexType.EAVT.comparator());
            present.addAll(data);
            TreeSet<Datom> adds = new TreeSet<>(IndexType.EAVT.comparator());
            while (adds.size() < 10) {
                Datom d = gen.datom();
                if (!present.contains(d)) {
                    adds.add(d);
                }
            }
            Set<SegmentId> before = new HashSet<>(store.list(db));
            IndexTree added = tree.merge(adds, List.of());
            int writtenByAdds = newSegments(store, db, before);

            TreeSet<Datom> removes = new TreeSet<>(IndexType.EAVT.comparator());
            for (int i = 0; i < 10; i++) {
                removes.add(data.get(gen.random().nextInt(data.size())));
            }
            before = new HashSet<>(store.list(db));
            IndexTree removed = added.merge(List.of(), removes);
            int writtenByRemoves = newSegments(store, db, before);

            System.out.printf("%s store: 100,000 datoms built in %d ms into %d segments, depth %d; "
                    + "10 adds wrote %d segments, 10 removes %d (bound %d)%n",
                    kind, buildMs, built, depth, writtenByAdds, writtenByRemoves, 10 * depth + depth);
            assertTrue(depth >= 3, "a deep tree: " + tree);
            assertTrue(writtenByAdds < 10 * depth + depth, writtenByAdds + " segments written for 10 adds at depth " + depth);
            assertTrue(writtenByRemoves < 10 * depth + depth, writtenByRemoves + " segments written for 10 removals at depth " + depth);
            assertEquals(100_010, added.size());
            assertEquals(100_000, removed.size());
            TreeChecks.check(removed, "after the merges");
            before = new HashSet<>(store.list(db));
            assertSame(added, added.merge(adds, List.of()), "adding present datoms changes nothing");
            assertEquals(0, newSegments(store, db, before));
        }
    }

    /** How many segments {@code db} has that are not in {@code before}. */
    private static int newSegments(SegmentStore store, String db, Set<SegmentId> before) throws Exception {
        Set<SegmentId> after = new HashSet<>(store.list(db));
        after.removeAll(before);
        return after.size();
    }

    @Test
    void leavesOfARealisticMixTakeFewBytesPerDatom() throws Exception {
        try (SegmentStore store = TreeStores.MEMORY.open(dir)) {
            List<String> figures = new ArrayList<>();
            for (IndexType type : List.of(IndexType.EAVT, IndexType.AVET)) {
                String db = "db/bytes-" + type;
                TreeStorage storage = new TreeStorage(store, db, SegmentCache.ofMaxBytes(64 << 20));
                List<Datom> data = new RandomDatoms(7, 20_000).sorted(type, 100_000);
                long start = System.nanoTime();
                IndexTree tree = IndexTree.build(type, storage, data.iterator());
                long buildMs = (System.nanoTime() - start) / 1_000_000;
                TreeChecks checks = TreeChecks.check(tree, type.toString());
                long stored = 0;
                for (SegmentId id : store.list(db)) {
                    stored += SegmentCodec.encode(store.get(db, id)).length;
                }
                double encoded = (double) checks.leafBytes() / tree.size();
                double compressed = (double) stored / tree.size();
                figures.add(String.format("%s: %d datoms in %d leaves, depth %d, built in %d ms; %.1f bytes a datom in leaves, "
                        + "%.1f stored (compressed, all segments)", type, tree.size(), checks.leaves(), tree.depth(), buildMs, encoded, compressed));
                assertTrue(encoded < 30, type + ": " + encoded + " bytes a datom");
                assertTrue(compressed < encoded, type + ": compression helps");
            }
            figures.forEach(System.out::println);
        }
    }
}
