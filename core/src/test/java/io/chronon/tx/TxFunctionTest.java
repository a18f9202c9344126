package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Writer-side transaction functions: called by name with the db at the start of the transaction. */
class TxFunctionTest {
    @Test
    void expandsRecursivelyWithTheDatabaseBeforeTheTransaction() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"acc\" :p/age 10}]");
        var seen = new Object[1];
        s.options = s.options
                .withFunction(kw("acc/inc"), (db, args) -> {
                    seen[0] = db;
                    long cur = 0;
                    for (Datom d : db.datoms(IndexType.EAVT, args.get(0), kw("p/age"))) {
                        cur = (Long) d.v();
                    }
                    return List.of(List.of(kw("db/add"), args.get(0), kw("p/age"), cur + (Long) args.get(1)));
                })
                .withFunction(kw("acc/twice"), (db, args) -> List.of(
                        List.of(kw("acc/inc"), args.get(0), 1L), List.of(kw("db/add"), "n", kw("p/name"), "new")));
        var before = s.db;
        s.tx("[[:acc/inc [:p/key \"acc\"] 5]]");
        assertSame(before, seen[0]);
        assertEquals(List.of(":p/age 15", ":p/key \"acc\""), s.facts(s.id("p/key", "acc")));
        TxOutcome r = s.tx("[[:acc/twice [:p/key \"acc\"]] [:db/add [:p/key \"acc\"] :p/name \"n\"]]");
        assertEquals(List.of(":p/age 16", ":p/key \"acc\"", ":p/name \"n\""), s.facts(s.id("p/key", "acc")));
        assertEquals(List.of(":p/name \"new\""), s.facts(r.tempid("n")));
    }

    @Test
    void unknownFunctionsAndFailures() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/not-a-data-function", "[[:no/fn 1 2]]");
        s.options = s.options
                .withFunction(kw("f/boom"), (db, args) -> {
                    throw new IllegalStateException("boom");
                })
                .withFunction(kw("f/deny"), (db, args) -> {
                    throw ChrononException.conflict("app/denied", "no", args);
                })
                .withFunction(kw("f/loop"), (db, args) -> List.of(List.of(kw("f/loop"))));
        s.fails("db.error/transaction-function-failed", "[[:f/boom]]");
        s.fails("app/denied", "[[:f/deny]]");
        s.fails("db.error/transaction-too-deep", "[[:f/loop]]");
    }

    /**
     * A function that overflows the stack (here, Java recursion without end) rejects its
     * transaction and nothing else; before, the StackOverflowError left the processor, and on a
     * writer it is fatal to the JVM.
     */
    @Test
    void aFunctionThatOverflowsTheStackOnlyRejectsItsTransaction() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.options = s.options.withFunction(kw("f/deep"), (db, args) -> List.of(List.of(kw("db/add"), "x", kw("p/age"),
                depth(0))));
        s.fails("db.error/transaction-too-deep", "[[:f/deep]]");
        TxOutcome r = s.tx("[{:db/id \"y\" :p/key \"y\"}]");
        assertEquals(List.of(":p/key \"y\""), s.facts(r.tempid("y")));
    }

    private static long depth(long n) {
        return depth(n + 1) + 1;
    }
}
