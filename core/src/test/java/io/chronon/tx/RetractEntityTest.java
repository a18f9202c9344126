package io.chronon.tx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** :db/retractEntity: the entity, the refs to it, and its components, recursively. */
class RetractEntityTest {
    @Test
    void retractsDatomsRefsAndComponentsRecursively() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:db/id \"a\" :p/key \"a\" :p/tags [\"t1\" \"t2\"]"
                + " :p/addr {:a/street \"s1\" :p/addr {:a/street \"deep\"}} :p/addrs [{:a/street \"x1\"}]}"
                + " {:db/id \"b\" :p/key \"b\" :p/friend \"a\" :p/friends [\"a\"]}]");
        long a = r.tempid("a");
        long b = r.tempid("b");
        int before = s.db.size();
        r = s.tx("[[:db/retractEntity [:p/key \"a\"]]]");
        assertEquals(11, s.txData(r).size());
        assertTrue(s.txData(r).stream().allMatch(d -> d.endsWith("false]")));
        assertEquals(List.of(), s.facts(a));
        assertEquals(List.of(), s.facts(a + 1));
        assertEquals(List.of(), s.facts(a + 2));
        assertEquals(List.of(":p/key \"b\""), s.facts(b));
        assertEquals(before - 11 + 1, s.db.size()); // plus the new txInstant
    }

    @Test
    void aMissingEntityIsNoError() {
        TxTestSupport s = TxTestSupport.withSchema();
        assertEquals(List.of(), s.txData(s.tx("[[:db/retractEntity [:p/key \"zz\"]] [:db.fn/retractEntity :no/ident]]")));
    }

    @Test
    void combinesWithOtherStatementsAsIfAtOnce() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"b\" :p/name \"B\"} {:p/key \"c\" :p/age 1}]");
        long b = s.id("p/key", "b");
        s.tx("[[:db/retractEntity [:p/key \"b\"]] [:db/add [:p/key \"b\"] :p/age 5]]");
        assertEquals(List.of(":p/age 5"), s.facts(b));
        s.fails("db.error/datoms-conflict", "[[:db/retractEntity [:p/key \"c\"]] [:db/add [:p/key \"c\"] :p/age 1]]");
        // duplicates of its retractions collapse
        TxOutcome r = s.tx("[[:db/retractEntity [:p/key \"c\"]] [:db/retract [:p/key \"c\"] :p/age 1]]");
        assertEquals(2, s.txData(r).size());
    }

    /** Once a StackOverflowError (one level of recursion per component), fatal to a writer's JVM. */
    @Test
    void aLongChainOfComponentsIsRetractedWithoutRecursion() {
        TxTestSupport s = TxTestSupport.withSchema();
        int n = 50_000;
        StringBuilder tx = new StringBuilder("[[:db/add \"c0\" :p/key \"head\"]");
        for (int i = 0; i < n; i++) {
            tx.append("[:db/add \"c").append(i).append("\" :p/addr \"c").append(i + 1).append("\"]");
        }
        tx.append("[:db/add \"c").append(n).append("\" :a/street \"end\"]]");
        TxOutcome made = s.tx(tx.toString());
        long last = made.tempid("c" + n);
        TxOutcome r = s.tx("[[:db/retractEntity [:p/key \"head\"]]]");
        assertEquals(n + 2, s.txData(r).size());
        assertEquals(List.of(), s.facts(made.tempid("c0")));
        assertEquals(List.of(), s.facts(last));
    }

    @Test
    void componentCycleTerminates() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:db/id \"a\" :p/key \"a\" :p/addr \"b\"} {:db/id \"b\" :a/street \"s\" :p/addr \"a\"}]");
        s.tx("[[:db/retractEntity [:p/key \"a\"]]]");
        assertEquals(List.of(), s.facts(r.tempid("a")));
        assertEquals(List.of(), s.facts(r.tempid("b")));
    }
}
