package io.chronon.tx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Cardinality one and many, redundancy, conflicts within a transaction. */
class CardinalityTest {
    private TxTestSupport withA() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\" :p/age 10 :p/tags [\"x\" \"y\"]} {:p/key \"b\"}]");
        return s;
    }

    @Test
    void aNewValueRetractsTheOldOne() {
        TxTestSupport s = withA();
        long a = s.id("p/key", "a");
        TxOutcome r = s.tx("[[:db/add [:p/key \"a\"] :p/age 11]]");
        assertEquals(List.of("[" + a + " :p/age 11 true]", "[" + a + " :p/age 10 false]"), s.txData(r));
    }

    @Test
    void explicitAndImplicitRetractionCollapse() {
        TxTestSupport s = withA();
        long a = s.id("p/key", "a");
        TxOutcome r = s.tx("[[:db/retract [:p/key \"a\"] :p/age 10] [:db/add [:p/key \"a\"] :p/age 13]]");
        assertEquals(List.of("[" + a + " :p/age 10 false]", "[" + a + " :p/age 13 true]"), s.txData(r));
    }

    @Test
    void redundantAssertionsAndAbsentRetractionsAreDropped() {
        TxTestSupport s = withA();
        assertEquals(List.of(), s.txData(s.tx("[[:db/add [:p/key \"a\"] :p/age 10] [:db/add [:p/key \"a\"] :p/tags \"x\"]]")));
        assertEquals(List.of(), s.txData(s.tx("[[:db/retract [:p/key \"a\"] :p/age 99] [:db/retract [:p/key \"a\"] :p/tags \"q\"]]")));
        assertEquals(1, s.txData(s.tx("[[:db/add [:p/key \"a\"] :p/age 12] [:db/add [:p/key \"a\"] :p/age 12]]")).size() - 1);
    }

    @Test
    void conflicts() {
        TxTestSupport s = withA();
        String conflict = "db.error/datoms-conflict";
        s.fails(conflict, "[[:db/add [:p/key \"a\"] :p/age 1] [:db/add [:p/key \"a\"] :p/age 2]]");
        s.fails(conflict, "[[:db/add [:p/key \"a\"] :p/age 12] [:db/retract [:p/key \"a\"] :p/age 12]]");
        s.fails(conflict, "[[:db/add [:p/key \"a\"] :p/age 10] [:db/retract [:p/key \"a\"] :p/age 10]]");
        // two retractions of different values of a cardinality-one attribute, as Datomic
        s.fails(conflict, "[[:db/retract [:p/key \"a\"] :p/age 10] [:db/retract [:p/key \"a\"] :p/age 2]]");
        // two tempids upserting into one entity
        s.fails(conflict, "[{:db/id \"x\" :p/key \"a\" :p/age 6} {:db/id \"y\" :p/key \"a\" :p/age 7}]");
        s.fails(conflict, "[[:db/add \"x\" :p/key \"n1\"] [:db/add \"x\" :p/key \"n2\"]]");
    }

    @Test
    void cardinalityManyAddsAndRetractAllRemovesAll() {
        TxTestSupport s = withA();
        long a = s.id("p/key", "a");
        s.tx("[[:db/add [:p/key \"a\"] :p/tags \"z\"]]");
        assertEquals(List.of(":p/age 10", ":p/key \"a\"", ":p/tags \"x\"", ":p/tags \"y\"", ":p/tags \"z\""), s.facts(a));
        s.fails("db.error/datoms-conflict", "[[:db/retract [:p/key \"a\"] :p/tags] [:db/add [:p/key \"a\"] :p/tags \"x\"]]");
        TxOutcome r = s.tx("[[:db/retract [:p/key \"a\"] :p/tags] [:db/add [:p/key \"a\"] :p/tags \"w\"]]");
        assertEquals(4, s.txData(r).size());
        assertEquals(List.of(":p/age 10", ":p/key \"a\"", ":p/tags \"w\""), s.facts(a));
    }

    @Test
    void swappingUniqueValuesInOneTransaction() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\" :p/email \"a@\"} {:p/key \"b\" :p/email \"b@\"}]");
        s.tx("[[:db/add [:p/key \"b\"] :p/email \"a@\"] [:db/add [:p/key \"a\"] :p/email \"b@\"]]");
        s.tx("[[:db/add [:p/key \"b\"] :p/key \"a\"] [:db/add [:p/key \"a\"] :p/key \"b\"]]");
        // after both swaps the entity keyed "a" is the one that was "b", now with "a@"
        assertEquals(List.of(":p/email \"a@\"", ":p/key \"a\""), s.facts(s.id("p/key", "a")));
        s.fails("db.error/unique-conflict", "[[:db/add [:p/key \"b\"] :p/key \"a\"]]");
        s.fails("db.error/unique-conflict", "[[:db/add [:p/key \"b\"] :p/email \"a@\"]]");
    }
}
