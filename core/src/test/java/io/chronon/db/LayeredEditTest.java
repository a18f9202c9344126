package io.chronon.db;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction applied to a layered value adds the datoms of that transaction without a look
 * in the bases (their tx is after the value's basis, which no base can hold) and looks up every
 * other datom. Tx data that repeats datoms the bases hold (old tx: a current fact, the assertion
 * of a retracted fact, entries of the log) must leave the layered value equal to the plain one;
 * a skip decided on anything but the tx would put them in the novelty a second time.
 */
class LayeredEditTest {
    private static final TxOptions OPTIONS = TxOptions.defaults();

    @Test
    void datomsABaseMayHoldAreLookedUpWhenATransactionRepeatsThem() {
        DbValue plain = transact(DbValue.empty(), EditingRunTest.SCHEMA);
        plain = transact(plain, "[{:p/id 1 :p/name \"a\" :p/tags [:t0 :t1] :p/friend [{:p/id 2}]}]");
        plain = transact(plain, "[[:db/retract [:p/id 1] :p/tags :t1]]");
        long person = plain.entid(List.of(Keyword.of("p/id"), 1L));
        long tags = plain.entid(Keyword.of("p/tags"));
        Datom name = only(plain.datoms(IndexType.AEVT, Keyword.of("p/name"), person), d -> true);
        Datom friend = only(plain.datoms(IndexType.AEVT, Keyword.of("p/friend"), person), d -> true);
        Datom retractedTag = only(plain.history().datoms(IndexType.EAVT, person, tags, Keyword.of("t1")), Datom::added);
        // every index's base holds all of it: only what the transactions below add is novelty
        DbValue layered = LayeredSplit.at(plain, plain.basisT());

        long t = plain.nextT();
        Datom newTag = new Datom(person, tags, Keyword.of("t2"), Ids.tToTx(t), true);
        List<Datom> repeating = List.of(name, friend, retractedTag, newTag);
        plain = apply(plain, t, repeating);
        layered = apply(layered, t, repeating);
        assertSame(plain, layered, "after re-asserting a current fact, a ref and a retracted fact with their old tx");

        // the re-asserted fact retracted again: its assertion goes to a history whose base holds it
        long t2 = t + 1;
        List<Datom> retraction = List.of(new Datom(person, tags, Keyword.of("t1"), Ids.tToTx(t2), false));
        plain = apply(plain, t2, retraction);
        layered = apply(layered, t2, retraction);
        assertSame(plain, layered, "after retracting the re-asserted fact");
    }

    private static void assertSame(DbValue plain, DbValue layered, String when) {
        assertEquals(plain.size(), layered.size(), when + ": size");
        for (IndexType type : IndexType.values()) {
            assertEquals(plain.count(type, null, null), layered.count(type, null, null), when + ": count of " + type);
            assertEquals(size(plain.history().datoms(type)), size(layered.history().datoms(type)), when + ": history of " + type);
        }
        List<List<Datom>> expected = EditingRunTest.contents(plain);
        List<List<Datom>> actual = EditingRunTest.contents(layered);
        for (int i = 0; i < expected.size(); i++) {
            // the lists are long: a failure names the list and its size, not all of it
            assertTrue(expected.get(i).equals(actual.get(i)), when + ": contents of list " + i + " of EditingRunTest.contents ("
                    + expected.get(i).size() + " datoms expected, " + actual.get(i).size() + " read)");
        }
    }

    private static DbValue apply(DbValue db, long t, List<Datom> txData) {
        return db.applyTransaction(t, txData, t + 1, db.nextDbCounter(), db.lastTxInstant() + 1);
    }

    private static DbValue transact(DbValue db, String edn) {
        return TxProcessor.transact(db, (List<?>) EdnReader.read(edn), OPTIONS).dbAfter();
    }

    /** The one datom of {@code datoms} that {@code which} accepts. */
    private static Datom only(Iterable<Datom> datoms, Predicate<Datom> which) {
        List<Datom> list = new ArrayList<>();
        for (Datom d : datoms) {
            if (which.test(d)) {
                list.add(d);
            }
        }
        assertEquals(1, list.size(), "one datom: " + list);
        return list.get(0);
    }

    private static long size(Iterable<Datom> datoms) {
        long n = 0;
        for (Datom ignored : datoms) {
            n++;
        }
        return n;
    }
}
