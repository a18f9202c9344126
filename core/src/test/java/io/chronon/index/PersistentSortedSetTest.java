package io.chronon.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Model-based tests: every operation is replayed on a {@link TreeSet}, and after each step
 * the set must answer every question as the model does, keep its tree invariants, and leave
 * every earlier version as it was. A failure names its seed; rerun it with {@code -Dpss.seed=N}.
 */
class PersistentSortedSetTest {
    private static final Comparator<Integer> NATURAL = Comparator.naturalOrder();

    /** A few fixed seeds, plus a fresh one each run (or {@code -Dpss.seed}) to keep exploring. */
    static LongStream seeds() {
        long fresh = Long.getLong("pss.seed", System.nanoTime());
        return LongStream.of(1, 2, 3, 42, 20240601, fresh);
    }

    /** Fewer seeds for the 200k-element runs, which take a couple of seconds each. */
    static LongStream largeSeeds() {
        return LongStream.of(42, Long.getLong("pss.seed", System.nanoTime()));
    }

    private static void withSeed(long seed, Consumer<Random> body) {
        try {
            body.accept(new Random(seed));
        } catch (Throwable t) {
            System.err.println("PersistentSortedSetTest failed with seed " + seed);
            throw new AssertionError("failed with seed " + seed + " (rerun with -Dpss.seed=" + seed + ")", t);
        }
    }

    /** A remembered set and what it held when it was made. */
    private record Version<T>(PersistentSortedSet<T> set, List<T> contents) {}

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomOperationsMatchTreeSet(long seed) {
        withSeed(seed, rnd -> randomOperations(rnd, NATURAL));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomOperationsMatchTreeSetInReverseOrder(long seed) {
        withSeed(seed, rnd -> randomOperations(rnd, Comparator.reverseOrder()));
    }

    private static void randomOperations(Random rnd, Comparator<Integer> cmp) {
        int range = 20 + rnd.nextInt(rnd.nextBoolean() ? 300 : 20_000);
        TreeSet<Integer> model = new TreeSet<>(cmp);
        PersistentSortedSet<Integer> set = PersistentSortedSet.empty(cmp);
        List<Version<Integer>> versions = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
            int op = rnd.nextInt(100);
            if (op < 35) {
                int k = rnd.nextInt(range);
                PersistentSortedSet<Integer> next = set.with(k);
                if (model.add(k)) {
                    assertEquals(set.size() + 1, next.size());
                } else {
                    assertSame(set, next, "with of a present element returns the set itself");
                }
                set = next;
            } else if (op < 65) {
                int k = model.isEmpty() || rnd.nextInt(4) == 0 ? rnd.nextInt(range) : pick(model, rnd, range);
                PersistentSortedSet<Integer> next = set.without(k);
                if (model.remove(k)) {
                    assertEquals(set.size() - 1, next.size());
                } else {
                    assertSame(set, next, "without of an absent element returns the set itself");
                }
                set = next;
            } else if (op < 92) {
                set = transientBatch(set, model, rnd, range);
            } else if (op < 98) {
                set = PersistentSortedSet.fromSorted(cmp, new ArrayList<>(model));
            } else {
                set = PersistentSortedSet.empty(cmp);
                model.clear();
            }
            assertMatches(model, set, rnd, range);
            versions.add(new Version<>(set, new ArrayList<>(model)));
            if (step % 25 == 0) {
                assertVersionsUnchanged(versions);
            }
        }
        assertVersionsUnchanged(versions);
    }

    /** A batch of random adds and removes through one transient, each checked against the model. */
    private static PersistentSortedSet<Integer> transientBatch(
            PersistentSortedSet<Integer> set, TreeSet<Integer> model, Random rnd, int range) {
        List<Integer> before = toList(set);
        PersistentSortedSet.Transient<Integer> t = set.toTransient();
        int n = rnd.nextInt(4) == 0 ? rnd.nextInt(5) : rnd.nextInt(3_000);
        int addPercent = rnd.nextInt(101);
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(100) < addPercent) {
                int k = rnd.nextInt(range);
                assertEquals(model.add(k), t.add(k), "add " + k);
            } else {
                int k = model.isEmpty() || rnd.nextInt(4) == 0 ? rnd.nextInt(range) : pick(model, rnd, range);
                assertEquals(model.remove(k), t.remove(k), "remove " + k);
            }
        }
        PersistentSortedSet<Integer> result = t.persistent();
        assertEquals(before, toList(set), "the set a transient started from never changes");
        assertThrows(IllegalStateException.class, () -> t.add(0));
        return result;
    }

    /** A random element of a non-empty model. */
    private static int pick(NavigableSet<Integer> model, Random rnd, int range) {
        int k = rnd.nextInt(range);
        Integer near = model.ceiling(k);
        return near != null ? near : model.floor(k);
    }

    private static void assertVersionsUnchanged(List<Version<Integer>> versions) {
        for (Version<Integer> v : versions) {
            v.set().checkInvariants();
            assertEquals(v.contents().size(), v.set().size());
            assertEquals(v.contents(), toList(v.set()), "an earlier version changed");
        }
    }

    /** Everything the set can be asked, compared with the model, for random keys and bounds. */
    private static void assertMatches(NavigableSet<Integer> model, PersistentSortedSet<Integer> set, Random rnd, int range) {
        set.checkInvariants();
        assertReadsMatch(model, set, rnd, range);
    }

    /** Every read of a {@link SortedIndex}, compared with the model, for random keys and bounds in and around 0..range. */
    static void assertReadsMatch(NavigableSet<Integer> model, SortedIndex<Integer> set, Random rnd, int range) {
        assertEquals(model.size(), set.size());
        assertEquals(model.isEmpty(), set.isEmpty());
        assertEquals(new ArrayList<>(model), toList(set));
        for (int i = 0; i < 30; i++) {
            int k = rnd.nextInt(range + 20) - 10; // a little outside the range too
            assertEquals(model.contains(k), set.contains(k), "contains " + k);
            assertEquals(model.ceiling(k), set.ceiling(k), "ceiling " + k);
            assertEquals(model.floor(k), set.floor(k), "floor " + k);
        }
        for (int i = 0; i < 15; i++) {
            Integer from = randomBound(rnd, range);
            Integer to = randomBound(rnd, range);
            List<Integer> expected = expectedSlice(model, from, to);
            assertEquals(expected, toList(set.slice(from, to)), "slice " + from + " " + to);
            assertEquals(expected.size(), set.count(from, to), "count " + from + " " + to);
            List<Integer> reversed = expectedSlice(model.descendingSet(), from, to);
            assertEquals(reversed, toList(set.rslice(from, to)), "rslice " + from + " " + to);
        }
    }

    /** Null (open) now and then, otherwise a key in or a little outside the range. */
    private static Integer randomBound(Random rnd, int range) {
        return rnd.nextInt(8) == 0 ? null : rnd.nextInt(range + 20) - 10;
    }

    /** The elements from {@code from} to {@code to} inclusive, in the order of {@code model}. */
    private static List<Integer> expectedSlice(NavigableSet<Integer> model, Integer from, Integer to) {
        Comparator<? super Integer> c = model.comparator();
        if (from != null && to != null && c.compare(from, to) > 0) {
            return List.of();
        }
        NavigableSet<Integer> view = model;
        if (from != null) {
            view = view.tailSet(from, true);
        }
        if (to != null) {
            view = view.headSet(to, true);
        }
        return new ArrayList<>(view);
    }

    private static <T> List<T> toList(Iterable<T> it) {
        List<T> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    /** The fewest elements a tree of this height can hold with every non-root node half full. */
    private static long minSizeForHeight(int height) {
        if (height == 0) {
            return 0;
        }
        long n = 2L * PersistentSortedSet.MIN_LEAF;
        for (int i = 1; i < height; i++) {
            n *= PersistentSortedSet.MIN_BRANCH;
        }
        return n;
    }

    private static void assertShallow(PersistentSortedSet<?> set) {
        set.checkInvariants();
        assertTrue(set.size() >= minSizeForHeight(set.height()),
                "height " + set.height() + " is too tall for " + set.size() + " elements");
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("largeSeeds")
    void largeTreeShrinksToEmptyAndGrowsAgain(long seed) {
        withSeed(seed, rnd -> {
            int n = 200_000;
            List<Integer> keys = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                keys.add(i * 3); // gaps, so probes between elements miss
            }
            Collections.shuffle(keys, rnd);
            TreeSet<Integer> model = new TreeSet<>(NATURAL);
            PersistentSortedSet<Integer> set = PersistentSortedSet.empty(NATURAL);
            for (int i = 0; i < n / 2; i++) {
                set = set.with(keys.get(i));
                model.add(keys.get(i));
            }
            for (int i = n / 2; i < n; i += 1_000) {
                PersistentSortedSet.Transient<Integer> t = set.toTransient();
                for (int k : keys.subList(i, i + 1_000)) {
                    assertTrue(t.add(k));
                    model.add(k);
                }
                set = t.persistent();
            }
            assertTrue(set.height() >= 2, "200k elements make several levels");
            assertShallow(set);
            assertMatches(model, set, rnd, 3 * n);
            PersistentSortedSet<Integer> full = set;
            List<Integer> fullContents = new ArrayList<>(model);

            Collections.shuffle(keys, rnd);
            for (int i = 0; i < n; ) {
                if (rnd.nextBoolean()) {
                    for (int end = Math.min(n, i + 5_000); i < end; i++) {
                        set = set.without(keys.get(i));
                        model.remove(keys.get(i));
                    }
                } else {
                    PersistentSortedSet.Transient<Integer> t = set.toTransient();
                    for (int end = Math.min(n, i + 5_000); i < end; i++) {
                        assertTrue(t.remove(keys.get(i)));
                        model.remove(keys.get(i));
                    }
                    set = t.persistent();
                }
                assertShallow(set);
                assertEquals(model.size(), set.size());
                if (i % 50_000 == 0 || model.size() < 20_000) {
                    assertMatches(model, set, rnd, 3 * n);
                }
            }
            assertTrue(set.isEmpty());
            assertEquals(0, set.height());
            assertFalse(set.iterator().hasNext());
            assertEquals(fullContents, toList(full), "the full version survives removing everything");
            full.checkInvariants();

            PersistentSortedSet.Transient<Integer> t = set.toTransient();
            for (int i = 0; i < n / 4; i++) {
                t.add(keys.get(i));
                model.add(keys.get(i));
            }
            set = t.persistent();
            assertShallow(set);
            assertMatches(model, set, rnd, 3 * n);
        });
    }

    @Test
    void fromSortedBuildsPackedShallowTrees() {
        for (int n : new int[] {0, 1, 63, 64, 65, 127, 128, 129, 4_096, 4_097, 200_000}) {
            List<Integer> sorted = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                sorted.add(i * 2);
            }
            PersistentSortedSet<Integer> set = PersistentSortedSet.fromSorted(NATURAL, sorted);
            set.checkInvariants();
            assertEquals(n, set.size());
            assertEquals(sorted, toList(set));
            // Packed leaves: no taller than the fullest possible tree of n elements.
            int height = 0;
            for (long cap = PersistentSortedSet.MAX_LEAF; cap < n; cap *= PersistentSortedSet.MAX_BRANCH) {
                height++;
            }
            assertEquals(height, set.height(), "height for " + n);
            if (n > 0) {
                assertEquals((n + 1) / 2, set.count(null, n - 1));
                assertEquals(n * 2 - 2, set.floor(Integer.MAX_VALUE));
            }
        }
    }

    @Test
    void fromSortedSetsSurviveRemovingEveryOtherElement() {
        List<Integer> sorted = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            sorted.add(i);
        }
        PersistentSortedSet<Integer> set = PersistentSortedSet.fromSorted(NATURAL, sorted);
        PersistentSortedSet.Transient<Integer> t = set.toTransient();
        for (int i = 0; i < 100_000; i += 2) {
            assertTrue(t.remove(i));
        }
        PersistentSortedSet<Integer> odd = t.persistent();
        assertShallow(odd);
        assertEquals(50_000, odd.size());
        assertEquals(sorted, toList(set));
        int expected = 1;
        for (int x : odd) {
            assertEquals(expected, x);
            expected += 2;
        }
    }

    /** A datom-like triple ordered by every field in turn, as the real indexes order datoms. */
    private record Triple(long e, long a, long tx) {}

    private static final Comparator<Triple> EAT =
            Comparator.comparingLong(Triple::e).thenComparingLong(Triple::a).thenComparingLong(Triple::tx);

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void multiFieldComparatorAndPrefixSlices(long seed) {
        withSeed(seed, rnd -> {
            TreeSet<Triple> model = new TreeSet<>(EAT);
            PersistentSortedSet.Transient<Triple> t = PersistentSortedSet.empty(EAT).toTransient();
            for (int i = 0; i < 30_000; i++) {
                Triple d = new Triple(rnd.nextInt(500), rnd.nextInt(20), rnd.nextInt(1_000));
                assertEquals(model.add(d), t.add(d));
            }
            PersistentSortedSet<Triple> set = t.persistent();
            set.checkInvariants();
            assertEquals(new ArrayList<>(model), toList(set));
            for (int i = 0; i < 300; i++) {
                long e = rnd.nextInt(510);
                long a = rnd.nextInt(22);
                // Everything about entity e, attribute a: bounds that no stored triple equals.
                Triple from = new Triple(e, a, Long.MIN_VALUE);
                Triple to = new Triple(e, a, Long.MAX_VALUE);
                List<Triple> expected = new ArrayList<>(model.subSet(from, true, to, true));
                assertEquals(expected, toList(set.slice(from, to)));
                assertEquals(expected.size(), set.count(from, to));
                Collections.reverse(expected);
                assertEquals(expected, toList(set.rslice(to, from)));
                List<Triple> entity = new ArrayList<>(model.subSet(
                        new Triple(e, Long.MIN_VALUE, Long.MIN_VALUE), true,
                        new Triple(e, Long.MAX_VALUE, Long.MAX_VALUE), true));
                assertEquals(entity.size(), set.count(
                        new Triple(e, Long.MIN_VALUE, Long.MIN_VALUE), new Triple(e, Long.MAX_VALUE, Long.MAX_VALUE)));
            }
            // An equal element (a different object) is "present": the set and its object stay.
            Triple stored = set.iterator().next();
            Triple twin = new Triple(stored.e(), stored.a(), stored.tx());
            assertSame(set, set.with(twin));
            assertSame(stored, set.ceiling(twin));
            assertEquals(set.size() - 1, set.without(twin).size());
        });
    }

    @Test
    void transientUsedAfterPersistentThrows() {
        PersistentSortedSet.Transient<Integer> t = PersistentSortedSet.empty(NATURAL).toTransient();
        t.add(1);
        PersistentSortedSet<Integer> set = t.persistent();
        assertThrows(IllegalStateException.class, () -> t.add(2));
        assertThrows(IllegalStateException.class, () -> t.remove(1));
        assertThrows(IllegalStateException.class, t::persistent);
        assertEquals(List.of(1), toList(set));
    }

    @Test
    void transientsNeverChangeTheSetTheyStartedFrom() {
        List<Integer> sorted = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            sorted.add(i);
        }
        PersistentSortedSet<Integer> base = PersistentSortedSet.fromSorted(NATURAL, sorted);
        PersistentSortedSet.Transient<Integer> grow = base.toTransient();
        PersistentSortedSet.Transient<Integer> shrink = base.toTransient();
        for (int i = 0; i < 10_000; i++) {
            grow.add(10_000 + i);
            shrink.remove(i * 7 % 10_000);
        }
        PersistentSortedSet<Integer> grown = grow.persistent();
        PersistentSortedSet<Integer> shrunk = shrink.persistent();
        assertEquals(sorted, toList(base));
        assertEquals(20_000, grown.size());
        assertTrue(shrunk.isEmpty());
        // A transient over a set another transient produced (nodes carrying a dead token).
        PersistentSortedSet.Transient<Integer> again = grown.toTransient();
        for (int i = 0; i < 20_000; i += 3) {
            again.remove(i);
        }
        PersistentSortedSet<Integer> thinned = again.persistent();
        assertEquals(20_000, grown.size());
        assertEquals(20_000, toList(grown).size());
        grown.checkInvariants();
        thinned.checkInvariants();
        assertEquals(20_000 - 6_667, thinned.size());
    }

    @Test
    void transientWithoutChangesGivesBackTheSameSet() {
        PersistentSortedSet<Integer> set = PersistentSortedSet.<Integer>empty(NATURAL).with(1).with(2);
        PersistentSortedSet.Transient<Integer> t = set.toTransient();
        assertFalse(t.add(1));
        assertFalse(t.remove(3));
        assertSame(set, t.persistent());
    }

    @Test
    void emptySetAnswersEverything() {
        PersistentSortedSet<Integer> set = PersistentSortedSet.empty(NATURAL);
        set.checkInvariants();
        assertTrue(set.isEmpty());
        assertFalse(set.contains(1));
        assertNull(set.ceiling(1));
        assertNull(set.floor(1));
        assertEquals(0, set.count(null, null));
        assertEquals(0, set.count(0, 10));
        assertFalse(set.iterator().hasNext());
        assertFalse(set.slice(null, null).iterator().hasNext());
        assertFalse(set.rslice(null, null).iterator().hasNext());
        assertSame(set, set.without(1));
        assertEquals("[]", set.toString());
        assertEquals("[1, 2]", set.with(2).with(1).toString());
    }

    @Test
    void iteratorsStopAtTheEndAndSlicesCanBeIteratedAgain() {
        PersistentSortedSet<Integer> set = PersistentSortedSet.empty(NATURAL);
        for (int i = 0; i < 1_000; i++) {
            set = set.with(i);
        }
        Iterable<Integer> slice = set.slice(100, 199);
        assertEquals(toList(slice), toList(slice));
        Iterator<Integer> it = set.rslice(5, null).iterator();
        for (int expected = 5; expected >= 0; expected--) {
            assertEquals(expected, it.next());
        }
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
        Iterator<Integer> empty = set.slice(10, 5).iterator();
        assertFalse(empty.hasNext());
        assertThrows(NoSuchElementException.class, empty::next);
        assertEquals(0, set.count(10, 5));
        assertFalse(set.rslice(5, 10).iterator().hasNext());
    }

    @Test
    void oldVersionsCanBeReadFromManyThreadsWhileNewOnesAreMade() throws Exception {
        List<Integer> sorted = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            sorted.add(i * 2);
        }
        PersistentSortedSet<Integer> base = PersistentSortedSet.fromSorted(NATURAL, sorted);
        List<Thread> readers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int r = 0; r < 4; r++) {
            Thread reader = new Thread(() -> {
                try {
                    for (int round = 0; round < 20; round++) {
                        assertEquals(sorted, toList(base));
                        assertEquals(25_000, base.count(50_000, null));
                        assertEquals(1_001, toList(base.slice(1_000, 3_000)).size());
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            });
            readers.add(reader);
            reader.start();
        }
        Random rnd = new Random(7);
        PersistentSortedSet<Integer> set = base;
        for (int batch = 0; batch < 50; batch++) {
            PersistentSortedSet.Transient<Integer> t = set.toTransient();
            for (int i = 0; i < 1_000; i++) {
                int k = rnd.nextInt(100_000);
                if (!t.add(k)) {
                    t.remove(k);
                }
            }
            set = t.persistent().with(-1).without(0);
        }
        for (Thread reader : readers) {
            reader.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(sorted, toList(base));
    }
}
