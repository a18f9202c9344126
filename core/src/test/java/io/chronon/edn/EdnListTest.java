package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import org.junit.jupiter.api.Test;

class EdnListTest {

    @Test
    void equalsAnyListWithTheSameElementsAsInClojure() {
        EdnList l = EdnList.of(1L, "a", null);
        assertEquals(Arrays.asList(1L, "a", null), l);
        assertEquals(l, Arrays.asList(1L, "a", null));
        assertEquals(Arrays.asList(1L, "a", null).hashCode(), l.hashCode());
        assertNotEquals(EdnList.of(1L), EdnList.of(1L, 2L));
        assertEquals(List.of(), EdnList.of());
    }

    @Test
    void isImmutableAndRandomAccess() {
        EdnList l = EdnList.of(1L, 2L);
        assertTrue(l instanceof RandomAccess);
        assertThrows(UnsupportedOperationException.class, () -> l.add(3L));
        assertThrows(UnsupportedOperationException.class, () -> l.set(0, 3L));
        assertThrows(UnsupportedOperationException.class, () -> l.remove(0));
        assertThrows(UnsupportedOperationException.class, l::clear);
        assertThrows(IndexOutOfBoundsException.class, () -> l.get(2));
        Object[] source = {1L, 2L};
        EdnList copy = EdnList.of(source);
        source[0] = 9L;
        assertEquals(1L, copy.get(0), "of copies its array");
        copy.toArray()[0] = 9L;
        assertEquals(1L, copy.get(0), "toArray copies too");
    }

    @Test
    void fromCopiesACollectionInItsOrder() {
        List<Object> source = new ArrayList<>(List.of(3L, 1L, 2L));
        EdnList l = EdnList.from(source);
        source.clear();
        assertEquals(List.of(3L, 1L, 2L), l);
        assertSame(l, EdnList.from(l));
        assertEquals(List.of(1L), EdnList.from(new java.util.TreeSet<>(List.of(1L))));
    }

    @Test
    void printsAsAnEdnList() {
        assertEquals("(1 nil \"a\" [])", EdnList.of(1L, null, "a", List.of()).toString());
        assertEquals("()", EdnList.of().toString());
        assertEquals("#t (1)", new Tagged(Symbol.of("t"), EdnList.of(1L)).toString());
    }
}
