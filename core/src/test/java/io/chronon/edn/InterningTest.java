package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keywords and symbols are interned (one instance per text, so {@code ==} is equality) without
 * the table keeping them alive: a request body of distinct keywords, rejected or not, must not
 * stay in the heap (issue 16: nine 6 MB bodies ran a 512 MB node out of memory).
 */
class InterningTest {
    private static final int MANY = 100_000;

    @Test
    void oneInstancePerTextWhileHeld() {
        Keyword k = Keyword.of("interning/held");
        assertSame(k, Keyword.of(":interning/held"));
        assertSame(k, Keyword.of("interning", "held"));
        assertSame(k, EdnReader.read(":interning/held"));
        Symbol s = Symbol.of("interning/held");
        assertSame(s, Symbol.of("interning", "held"));
        assertSame(s, EdnReader.read("interning/held"));
    }

    @Test
    void keywordsAndSymbolsNobodyHoldsAreNotKeptAlive() {
        // only what is alive counts from here: what earlier tests left behind is collected first
        collectGarbage();
        int keywordsBefore = Keyword.internedCount();
        int symbolsBefore = Symbol.internedCount();
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < MANY; i++) {
            body.append(":hostile/k").append(i).append(" hostile/s").append(i).append(' ');
        }
        List<?> read = (List<?>) EdnReader.read(body.append(']').toString());
        assertEquals(2 * MANY, read.size());
        assertTrue(Keyword.internedCount() >= keywordsBefore + MANY);
        read = null;
        collectGarbage();
        // the table drops what was collected when it is next used
        Keyword.of("interning/after");
        Symbol.of("interning/after");
        assertTrue(Keyword.internedCount() < keywordsBefore + MANY / 10,
                "keywords still interned: " + Keyword.internedCount() + ", before: " + keywordsBefore);
        assertTrue(Symbol.internedCount() < symbolsBefore + MANY / 10,
                "symbols still interned: " + Symbol.internedCount() + ", before: " + symbolsBefore);
    }

    /** Runs the collector until an object nothing refers to is gone (a full collection has run). */
    private static void collectGarbage() {
        WeakReference<Object> probe = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && probe.get() != null; i++) {
            System.gc();
        }
        assertTrue(probe.get() == null, "no garbage collection happened");
    }
}
