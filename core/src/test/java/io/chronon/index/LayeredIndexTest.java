package io.chronon.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * A layered index (base plus novelty) against a {@link TreeSet} model: after random adds and
 * removes through its editors (of elements in the base, in the novelty, and in neither), it
 * must answer every read as the model does, and earlier versions and the base stay as they
 * were. Rerun a failing seed with {@code -Dlayered.seed=N}.
 */
class LayeredIndexTest {
    static LongStream seeds() {
        return LongStream.of(1, 2, 3, 42, Long.getLong("layered.seed", System.nanoTime()));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readsAsTheBaseWithTheNoveltyApplied(long seed) {
        randomEdits(seed, Comparator.naturalOrder());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void readsAsTheBaseWithTheNoveltyAppliedInReverseOrder(long seed) {
        randomEdits(seed, Comparator.<Integer>naturalOrder().reversed());
    }

    private static void randomEdits(long seed, Comparator<Integer> order) {
        Random rnd = new Random(seed);
        try {
            for (int round = 0; round < 20; round++) {
                int range = 1 + rnd.nextInt(round < 10 ? 60 : 3000);
                TreeSet<Integer> model = new TreeSet<>(order);
                for (int i = 0; i < range; i++) {
                    if (rnd.nextInt(3) > 0) {
                        model.add(i);
                    }
                }
                PersistentSortedSet<Integer> base = PersistentSortedSet.fromSorted(order, new ArrayList<>(model));
                List<Integer> baseContents = new ArrayList<>(model);
                LayeredIndex<Integer> index = LayeredIndex.over(base);
                Object token = rnd.nextBoolean() ? new Object() : null;
                List<LayeredIndex<Integer>> versions = new ArrayList<>();
                List<List<Integer>> versionContents = new ArrayList<>();
                for (int batch = 0; batch < 12; batch++) {
                    LayeredIndex.Editor<Integer> editor = index.editor(token != null ? token : new Object());
                    int edits = rnd.nextInt(range / 4 + 2);
                    for (int i = 0; i < edits; i++) {
                        int x = rnd.nextInt(range + 10) - 5;
                        if (x >= range && rnd.nextBoolean()) {
                            // above everything the base can hold: added without a look in it
                            assertEquals(model.add(x), editor.addNew(x), "addNew " + x);
                        } else if (rnd.nextBoolean()) {
                            assertEquals(model.add(x), editor.add(x), "add " + x);
                        } else {
                            assertEquals(model.remove(x), editor.remove(x), "remove " + x);
                        }
                        int k = rnd.nextInt(range + 10) - 5;
                        assertEquals(model.contains(k), editor.contains(k), "editor contains " + k);
                        assertEquals(model.ceiling(k), editor.ceiling(k), "editor ceiling " + k);
                    }
                    index = editor.persistent();
                    PersistentSortedSetTest.assertReadsMatch(model, index, rnd, range);
                    if (token == null) {
                        versions.add(index);
                        versionContents.add(new ArrayList<>(model));
                    }
                }
                for (int v = 0; v < versions.size(); v++) {
                    assertEquals(versionContents.get(v), list(versions.get(v)), "an earlier version changed");
                }
                assertEquals(baseContents, list(base), "the base changed");
            }
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
        }
    }

    @Test
    void noveltyMustAgreeWithTheBase() {
        PersistentSortedSet<Integer> base = PersistentSortedSet.fromSorted(Comparator.naturalOrder(), List.of(1, 2, 3));
        PersistentSortedSet<Integer> none = PersistentSortedSet.empty(Comparator.naturalOrder());
        PersistentSortedSet<Integer> two = none.with(2);
        PersistentSortedSet<Integer> four = none.with(4);
        assertThrows(IllegalArgumentException.class, () -> LayeredIndex.of(base, two, none));
        assertThrows(IllegalArgumentException.class, () -> LayeredIndex.of(base, none, four));
        LayeredIndex<Integer> ok = LayeredIndex.of(base, four, two);
        assertEquals(List.of(1, 3, 4), list(ok));
        assertEquals(List.of(4, 3, 1), list(ok.rslice(null, null)));
        assertEquals(3, ok.size());
    }

    private static <T> List<T> list(Iterable<T> it) {
        List<T> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }
}
