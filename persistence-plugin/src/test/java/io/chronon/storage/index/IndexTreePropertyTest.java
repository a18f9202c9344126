package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.index.PersistentSortedSet;
import io.chronon.storage.segment.SegmentStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Index trees against the reference, {@link PersistentSortedSet} with the same comparator:
 * random datoms of every value type built into both, then rounds of random novelty (adds and
 * removals, of present and absent datoms, small batches and large ones) merged into the tree and
 * applied to the set; after the build and after every round, the same contents, the same random
 * ranges ascending and descending, the same seeks, counts, ceilings, floors and memberships
 * (of random keys, of present datoms, and of keys just below and above the first datom of a
 * leaf, where an answer may lie in the leaf before), and a valid tree. Small nodes make
 * trees several levels deep, and a cache of a few nodes evicts all the time. On the real memory
 * and file stores, each index order with its own seed (named in any failure).
 */
class IndexTreePropertyTest {
    private static final NodeLimits SMALL = NodeLimits.ofEntries(16, 8);
    private static final int ROUNDS = 30;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TreeStores.class)
    void buildsAndMergesReadLikeAPersistentSortedSet(TreeStores kind) throws Exception {
        try (SegmentStore store = kind.open(dir)) {
            SegmentCache cache = SegmentCache.ofMaxBytes(8 * 1024);
            for (IndexType type : IndexType.values()) {
                long seed = 15_000 + type.ordinal();
                TreeStorage storage = new TreeStorage(store, "db/tree:" + seed, cache, SMALL);
                try {
                    run(seed, type, storage);
                } catch (Throwable t) {
                    throw new AssertionError("seed " + seed + ", " + type + ", " + kind + " store: " + t.getMessage(), t);
                }
            }
            assertTrue(cache.stats().evictionCount() > 1000, "the cache evicted all the time: " + cache.stats());
            assertTrue(cache.weightedBytes() <= cache.maxBytes());
        }
    }

    private void run(long seed, IndexType type, TreeStorage storage) {
        Comparator<Datom> cmp = type.comparator();
        RandomDatoms gen = new RandomDatoms(seed, 120);
        Random random = gen.random();
        List<Datom> initial = gen.sorted(type, 1200);
        PersistentSortedSet<Datom> set = PersistentSortedSet.fromSorted(cmp, initial);
        IndexTree tree = IndexTree.build(type, storage, initial.iterator());
        assertTrue(tree.depth() >= 3, "deep enough to test branches: " + tree);
        compare(set, tree, gen, "build");
        for (int round = 0; round < ROUNDS; round++) {
            List<Datom> present = toList(set);
            TreeSet<Datom> adds = new TreeSet<>(cmp);
            TreeSet<Datom> removes = new TreeSet<>(cmp);
            int shape = random.nextInt(10);
            int newOnes = shape == 0 ? 400 : random.nextInt(40);
            for (int i = 0; i < newOnes; i++) {
                adds.add(gen.datom());
            }
            for (int i = random.nextInt(10); i > 0 && !present.isEmpty(); i--) {
                adds.add(present.get(random.nextInt(present.size())));
            }
            if (shape == 1 && !present.isEmpty()) {
                // a long run goes: leaves and branches empty out and merge
                int from = random.nextInt(present.size());
                removes.addAll(present.subList(from, Math.min(present.size(), from + present.size() / 3)));
            }
            for (int i = random.nextInt(30); i > 0 && !present.isEmpty(); i--) {
                removes.add(present.get(random.nextInt(present.size())));
            }
            for (int i = random.nextInt(10); i > 0; i--) {
                removes.add(gen.datom());
            }
            if (!adds.isEmpty() && random.nextBoolean()) {
                removes.add(adds.first());
            }
            for (Datom d : removes) {
                set = set.without(d);
            }
            for (Datom d : adds) {
                set = set.with(d);
            }
            IndexTree before = tree;
            tree = tree.merge(adds, removes);
            compare(set, tree, gen, "round " + round);
            if (tree.root().equals(before.root())) {
                assertSame(before, tree, "a merge that changes nothing returns the tree");
            }
        }
        IndexTree reopened = IndexTree.open(type, new TreeStorage(storage.store(), storage.database(),
                SegmentCache.ofMaxBytes(1 << 20), SMALL), tree.root());
        assertEquals(toList(set), toList(reopened.slice(null, null)), "the tree read again by its root");
        IndexTree emptied = tree.merge(List.of(), toList(set));
        assertTrue(emptied.isEmpty() && emptied.root().isEmpty(), "removing everything leaves the empty tree");
        assertEquals(List.of(), toList(emptied.slice(null, null)));
        Datom some = gen.datom();
        assertTrue(emptied.floor(some) == null && emptied.ceiling(some) == null && !emptied.contains(some), "the empty tree holds nothing");
        assertEquals(toList(set), toList(emptied.merge(set, List.of()).slice(null, null)), "the empty tree merges like any");
    }

    private static void compare(PersistentSortedSet<Datom> set, IndexTree tree, RandomDatoms gen, String when) {
        List<Datom> all = toList(set);
        assertSameDatoms(all, toList(tree.slice(null, null)), () -> when + ": contents");
        assertEquals(set.size(), tree.size(), when + ": size");
        List<Datom> reversed = new ArrayList<>(all);
        Collections.reverse(reversed);
        assertSameDatoms(reversed, toList(tree.rslice(null, null)), () -> when + ": contents descending");
        List<Datom> leafFirsts = TreeChecks.check(tree, when).leafFirsts();
        Random random = gen.random();
        for (int i = 0; i < 12; i++) {
            Datom lo = random.nextInt(8) == 0 ? null : gen.bound(all);
            Datom hi = random.nextInt(8) == 0 ? null : gen.bound(all);
            // bounds may hold Values.MIN or MAX, which do not print as EDN
            Supplier<String> range = () -> when + ": [" + describe(lo) + ", " + describe(hi) + "]";
            assertSameDatoms(toList(set.slice(lo, hi)), toList(tree.slice(lo, hi)), () -> range.get() + " ascending");
            assertSameDatoms(toList(set.rslice(hi, lo)), toList(tree.rslice(hi, lo)), () -> range.get() + " descending");
            assertEquals(set.count(lo, hi), tree.count(lo, hi), () -> range.get() + " count");
            if (lo != null) {
                assertEquals(set.ceiling(lo), tree.ceiling(lo), () -> range.get() + " ceiling");
                assertSameDatoms(toList(set.slice(lo, null)), toList(tree.seek(lo)), () -> range.get() + " seek");
                assertPointReads(set, tree, lo, () -> range.get() + ", key " + describe(lo));
            }
            if (hi != null) {
                assertPointReads(set, tree, hi, () -> range.get() + ", key " + describe(hi));
            }
        }
        for (int i = 0; i < 16 && !leafFirsts.isEmpty(); i++) {
            Datom first = leafFirsts.get(random.nextInt(leafFirsts.size()));
            for (Datom key : List.of(first, justBelow(first), justAbove(first))) {
                assertPointReads(set, tree, key, () -> when + ": near the leaf starting at " + describe(first) + ", key " + describe(key));
            }
        }
    }

    /** The same ceiling, floor and membership of {@code key} in the set and the tree. */
    private static void assertPointReads(PersistentSortedSet<Datom> set, IndexTree tree, Datom key, Supplier<String> what) {
        assertEquals(set.ceiling(key), tree.ceiling(key), () -> what.get() + ": ceiling");
        assertEquals(set.floor(key), tree.floor(key), () -> what.get() + ": floor");
        assertEquals(set.contains(key), tree.contains(key), () -> what.get() + ": contains");
    }

    /** A key just below {@code d} in every index order: the same fact a transaction earlier. */
    private static Datom justBelow(Datom d) {
        return new Datom(d.e(), d.a(), d.v(), d.tx() - 1, d.added());
    }

    /** A key just above {@code d} in every index order: the same fact a transaction later. */
    private static Datom justAbove(Datom d) {
        return new Datom(d.e(), d.a(), d.v(), d.tx() + 1, d.added());
    }

    /** Equal lists, or a failure that says where they part (not the whole lists). */
    private static void assertSameDatoms(List<Datom> expected, List<Datom> actual, Supplier<String> what) {
        if (expected.equals(actual)) {
            return;
        }
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        throw new AssertionError(what.get() + ": " + expected.size() + " datoms expected, " + actual.size() + " read; first difference at "
                + i + ": expected " + (i < expected.size() ? describe(expected.get(i)) : "the end")
                + ", read " + (i < actual.size() ? describe(actual.get(i)) : "the end"));
    }

    private static String describe(Datom d) {
        return d == null ? "open" : "[" + d.e() + " " + d.a() + " " + d.v() + " " + d.tx() + " " + d.added() + "]";
    }

    private static List<Datom> toList(Iterable<Datom> datoms) {
        List<Datom> list = new ArrayList<>();
        datoms.forEach(list::add);
        return list;
    }
}
