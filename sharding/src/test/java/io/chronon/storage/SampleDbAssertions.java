package io.chronon.storage;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Two db values hold the same data: counters, every index, history and the log. */
public final class SampleDbAssertions {
    private SampleDbAssertions() {
    }

    static List<Datom> all(Iterable<Datom> it) {
        List<Datom> l = new ArrayList<>();
        it.forEach(l::add);
        return l;
    }

    public static void assertSameDb(DbValue expected, DbValue actual) {
        assertEquals(expected.basisT(), actual.basisT());
        assertEquals(expected.nextT(), actual.nextT());
        assertEquals(expected.nextDbCounter(), actual.nextDbCounter());
        assertEquals(expected.lastTxInstant(), actual.lastTxInstant());
        for (IndexType index : IndexType.values()) {
            assertEquals(all(expected.datoms(index)), all(actual.datoms(index)), "current " + index);
            assertEquals(all(expected.history().datoms(index)), all(actual.history().datoms(index)), "history " + index);
        }
        assertEquals(all(expected.txRange(null, null)), all(actual.txRange(null, null)), "log");
    }
}
