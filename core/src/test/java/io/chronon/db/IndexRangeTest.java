package io.chronon.db;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How known components become an index, its bounds and the components left to check. */
class IndexRangeTest {
    private static final long MIN = Long.MIN_VALUE;
    private static final long MAX = Long.MAX_VALUE;

    private static Datom lo(long e, long a, Object v, long tx) {
        return new Datom(e, a, v, tx, false);
    }

    private static Datom hi(long e, long a, Object v, long tx) {
        return new Datom(e, a, v, tx, true);
    }

    /** e, a, v, tx, added; null where unknown. */
    private static Object[] known(Long e, Long a, Object v, Long tx, Boolean added) {
        return new Object[] {e, a, v, tx, added};
    }

    @Test
    void componentsFollowTheIndexOrder() {
        int[][] expected = {
            {IndexRange.E, IndexRange.A, IndexRange.V, IndexRange.TX},
            {IndexRange.A, IndexRange.E, IndexRange.V, IndexRange.TX},
            {IndexRange.A, IndexRange.V, IndexRange.E, IndexRange.TX},
            {IndexRange.V, IndexRange.A, IndexRange.E, IndexRange.TX},
        };
        for (IndexType index : IndexType.values()) {
            for (int i = 0; i < 4; i++) {
                assertEquals(expected[index.ordinal()][i], IndexRange.component(index, i), index + " " + i);
            }
        }
    }

    @Test
    void anOpenRangeSpansTheWholeIndex() {
        IndexRange r = IndexRange.on(IndexType.AVET).build();
        assertEquals(IndexType.AVET, r.index());
        assertEquals(lo(MIN, MIN, Values.MIN, MIN), r.from());
        assertEquals(hi(MAX, MAX, Values.MAX, MAX), r.to());
    }

    @Test
    void eachSetComponentBoundsItsPlace() {
        IndexRange r = IndexRange.on(IndexType.EAVT).e(5).a(7).v("x").tx(9).build();
        assertEquals(lo(5, 7, "x", 9), r.from());
        assertEquals(hi(5, 7, "x", 9), r.to());
        // also after an open component, as DbValue.datoms(EAVT, nil, a) has always done
        r = IndexRange.on(IndexType.EAVT).a(7).build();
        assertEquals(lo(MIN, 7, Values.MIN, MIN), r.from());
        assertEquals(hi(MAX, 7, Values.MAX, MAX), r.to());
        // nothing is left to check
        assertTrue(r.admits(lo(1, 2, "y", 3), known(5L, 7L, "x", 9L, true)));
    }

    @Test
    void valuesMayBeARangeWithOpenEnds() {
        IndexRange r = IndexRange.on(IndexType.AVET).a(7).values(10L, 20L).build();
        assertEquals(lo(MIN, 7, 10L, MIN), r.from());
        assertEquals(hi(MAX, 7, 20L, MAX), r.to());
        r = IndexRange.on(IndexType.AVET).a(7).values(10L, null).build();
        assertEquals(lo(MIN, 7, 10L, MIN), r.from());
        assertEquals(hi(MAX, 7, Values.MAX, MAX), r.to());
        r = IndexRange.on(IndexType.AVET).a(7).values(null, 20L).build();
        assertEquals(lo(MIN, 7, Values.MIN, MIN), r.from());
        assertEquals(hi(MAX, 7, 20L, MAX), r.to());
    }

    @Test
    void aKnownEntityReadsEavt() {
        IndexRange r = IndexRange.forKnown(known(5L, 7L, "x", null, null), null, null);
        assertEquals(IndexType.EAVT, r.index());
        assertEquals(lo(5, 7, "x", MIN), r.from());
        assertEquals(hi(5, 7, "x", MAX), r.to());
    }

    @Test
    void anAttributeAloneReadsAevtAndWithAValueAvet() {
        IndexRange r = IndexRange.forKnown(known(null, 7L, null, null, null), null, null);
        assertEquals(IndexType.AEVT, r.index());
        assertEquals(lo(MIN, 7, Values.MIN, MIN), r.from());
        r = IndexRange.forKnown(known(null, 7L, "x", null, null), null, null);
        assertEquals(IndexType.AVET, r.index());
        assertEquals(lo(MIN, 7, "x", MIN), r.from());
        assertEquals(hi(MAX, 7, "x", MAX), r.to());
        r = IndexRange.forKnown(known(null, 7L, null, null, null), 10L, null);
        assertEquals(IndexType.AVET, r.index());
        assertEquals(lo(MIN, 7, 10L, MIN), r.from());
        assertEquals(hi(MAX, 7, Values.MAX, MAX), r.to());
    }

    @Test
    void nothingKnownReadsAllOfEavt() {
        IndexRange r = IndexRange.forKnown(known(null, null, null, null, null), null, null);
        assertEquals(IndexType.EAVT, r.index());
        assertEquals(lo(MIN, MIN, Values.MIN, MIN), r.from());
        assertEquals(hi(MAX, MAX, Values.MAX, MAX), r.to());
    }

    @Test
    void knownComponentsAfterAnUnknownOneAreChecked() {
        // a value without its attribute: all of EAVT, the value checked on each datom
        Object[] k = known(null, null, "x", null, null);
        IndexRange r = IndexRange.forKnown(k, null, null);
        assertEquals(IndexType.EAVT, r.index());
        assertEquals(lo(MIN, MIN, Values.MIN, MIN), r.from());
        assertTrue(r.admits(lo(1, 2, "x", 3), k));
        assertFalse(r.admits(lo(1, 2, "y", 3), k));
        // entity and tx: the entity bounds, the tx is checked
        k = known(5L, null, null, 9L, null);
        r = IndexRange.forKnown(k, null, null);
        assertEquals(lo(5, MIN, Values.MIN, MIN), r.from());
        assertEquals(hi(5, MAX, Values.MAX, MAX), r.to());
        assertTrue(r.admits(lo(5, 2, "x", 9), k));
        assertFalse(r.admits(lo(5, 2, "x", 8), k));
    }

    @Test
    void theAddedFlagIsAlwaysChecked() {
        Object[] k = known(5L, 7L, "x", 9L, false);
        IndexRange r = IndexRange.forKnown(k, null, null);
        assertEquals(lo(5, 7, "x", 9), r.from());
        assertTrue(r.admits(lo(5, 7, "x", 9), k));
        assertFalse(r.admits(hi(5, 7, "x", 9), k));
    }

    @Test
    void aValueRangeBoundsOnlyAnUnknownValueRightAfterThePrefix() {
        // the value is known: the range is not used
        IndexRange r = IndexRange.forKnown(known(null, 7L, "x", null, null), "a", "z");
        assertEquals(lo(MIN, 7, "x", MIN), r.from());
        // entity known, attribute not: the value does not follow the prefix
        r = IndexRange.forKnown(known(5L, null, null, null, null), "a", "z");
        assertEquals(IndexType.EAVT, r.index());
        assertEquals(lo(5, MIN, Values.MIN, MIN), r.from());
        assertEquals(hi(5, MAX, Values.MAX, MAX), r.to());
        // entity and attribute known: the value follows them
        r = IndexRange.forKnown(known(5L, 7L, null, null, null), "a", "z");
        assertEquals(lo(5, 7, "a", MIN), r.from());
        assertEquals(hi(5, 7, "z", MAX), r.to());
    }
}
