package io.chronon.tx;

import io.chronon.ErrorCategory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** :db/cas compares the db before the transaction with the old value, literally. */
class CasTest {
    private TxTestSupport withA() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:db/id \"a\" :p/key \"a\" :p/age 1 :p/friend \"a\" :p/tags [\"t1\"]}]");
        return s;
    }

    @Test
    void swapsWhenTheOldValueMatches() {
        TxTestSupport s = withA();
        long a = s.id("p/key", "a");
        TxOutcome r = s.tx("[[:db/cas [:p/key \"a\"] :p/age 1 2]]");
        assertEquals(List.of("[" + a + " :p/age 2 true]", "[" + a + " :p/age 1 false]"), s.txData(r));
        s.tx("[[:db.fn/cas [:p/key \"a\"] :p/d nil 3.0]]");
        assertEquals(List.of(), s.txData(s.tx("[[:db/cas [:p/key \"a\"] :p/age 2 2]]")));
        s.tx(List.of(List.of(kw("db/cas"), List.of(kw("p/key"), "a"), kw("p/age"), 2, 4L)));
        // two identical cas collapse
        s.tx("[[:db/cas [:p/key \"a\"] :p/age 4 5] [:db/cas [:p/key \"a\"] :p/age 4 5]]");
    }

    @Test
    void failures() {
        TxTestSupport s = withA();
        long a = s.id("p/key", "a");
        var e = s.fails("db.error/cas-failed", "[[:db/cas [:p/key \"a\"] :p/age 7 3]]");
        assertEquals(ErrorCategory.CONFLICT, e.category());
        s.fails("db.error/cas-failed", "[[:db/cas [:p/key \"a\"] :p/age nil 3]]");
        // a lookup ref never equals the stored id
        s.fails("db.error/cas-failed", "[[:db/cas [:p/key \"a\"] :p/friend [:p/key \"a\"] " + a + "]]");
        s.fails("db.error/cas-failed", "[[:db/cas [:p/key \"missing\"] :p/age 1 2]]");
        s.fails("db.error/invalid-cas-many", "[[:db/cas [:p/key \"a\"] :p/tags \"t1\" \"t2\"]]");
        s.fails("db.error/invalid-cas", "[[:db/cas [:p/key \"a\"] :p/age 1 nil]]");
        s.fails("db.error/invalid-statement", "[[:db/cas [:p/key \"a\"] :p/age 1]]");
        s.fails("db.error/wrong-type-for-attribute", "[[:db/cas [:p/key \"a\"] :p/age 1 \"x\"]]");
        s.fails("db.error/datoms-conflict", "[[:db/cas [:p/key \"a\"] :p/age 1 5] [:db/add [:p/key \"a\"] :p/age 6]]");
    }

    @Test
    void seesTheDatabaseBeforeTheTransaction() {
        TxTestSupport s = withA();
        s.tx("[[:db/add [:p/key \"a\"] :p/name \"x\"] [:db/cas [:p/key \"a\"] :p/name nil \"x\"]]");
        s.fails("db.error/cas-failed", "[[:db/retractEntity [:p/key \"a\"]] [:db/cas [:p/key \"a\"] :p/age nil 2]]");
    }
}
