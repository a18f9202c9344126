package io.chronon.tx;

import io.chronon.db.Ids;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chronon.tx.TxTestSupport.kw;
import static io.chronon.tx.TxTestSupport.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** List and map forms, nested maps, reverse attributes, collections, entity positions. */
class TxFormsTest {
    @Test
    void listFormsAddAndRetract() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[[:db/add \"a\" :p/key \"a\"] [:db/add \"a\" :p/name \"A\"]]");
        long a = s.id("p/key", "a");
        assertEquals(List.of(":p/key \"a\"", ":p/name \"A\""), s.facts(a));
        TxOutcome r = s.tx("[[:db/retract [:p/key \"a\"] :p/name \"A\"]]");
        assertEquals(List.of("[" + a + " :p/name \"A\" false]"), s.txData(r));
        assertEquals(List.of(":p/key \"a\""), s.facts(a));
    }

    @Test
    void mapFormWithCollectionsAndNestedComponents() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:db/id \"a\" :p/key \"a\" :p/tags [\"x\" \"y\" \"x\"] :p/addr {:a/street \"s1\"}"
                + " :p/addrs #{{:a/street \"s2\"}}}]");
        long a = r.tempid("a");
        assertEquals(List.of(":p/addr " + (a + 1), ":p/addrs " + (a + 2), ":p/key \"a\"", ":p/tags \"x\"",
                ":p/tags \"y\""), s.facts(a));
        assertEquals(List.of(":a/street \"s1\""), s.facts(a + 1));
    }

    @Test
    void mapWithoutDbIdGetsAFreshEntity() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:p/name \"x\"} {:p/name \"y\"}]");
        assertEquals(java.util.Map.of(), r.tempids());
        assertEquals(2, r.txData().size() - 1);
        assertTrue(r.txData().get(1).e() != r.txData().get(2).e());
    }

    @Test
    void nestedMapUnderPlainRefNeedsIdentityOrDbId() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/invalid-nested-entity", "[{:p/name \"A\" :p/friend {:p/name \"nokey\"}}]");
        // a :db.unique/value attribute is not enough, as in Datomic
        s.fails("db.error/invalid-nested-entity", "[{:p/name \"A\" :p/friend {:p/email \"e\"}}]");
        s.tx("[{:p/name \"A\" :p/friend {:p/key \"k1\"}} {:p/name \"B\" :p/friend {:db/id \"n\" :p/name \"n\"}}]");
        assertEquals(List.of(":p/key \"k1\""), s.facts(s.id("p/key", "k1")));
    }

    @Test
    void nestedMapUpsertsThroughIdentity() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"k1\" :p/name \"old\"}]");
        s.tx("[{:p/name \"A\" :p/addr {:p/key \"k1\" :p/name \"new\"}}]");
        assertEquals(List.of(":p/key \"k1\"", ":p/name \"new\""), s.facts(s.id("p/key", "k1")));
    }

    @Test
    void nestedMapsOnlyInMapForms() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/not-an-entity", "[[:db/add \"x\" :p/addr {:a/street \"s\"}]]");
    }

    @Test
    void cardinalityManyListIsACollectionNotALookupRef() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"k1\"}]");
        // Datomic reads [:p/key "k1"] under a many ref as two values: :p/key's id and tempid "k1"
        s.fails("db.error/tempid-not-an-entity", "[{:p/name \"A\" :p/friends [:p/key \"k1\"]}]");
        s.tx("[{:p/key \"a\" :p/friends [[:p/key \"k1\"]]}]");
        assertEquals(List.of(":p/friends " + s.id("p/key", "k1"), ":p/key \"a\""), s.facts(s.id("p/key", "a")));
    }

    @Test
    void reverseAttributes() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"b\"} {:p/key \"c\"}]");
        TxOutcome r = s.tx("[{:db/id \"a\" :p/key \"a\" :p/_friend [:p/key \"b\"] :p/_friends #{[:p/key \"b\"] [:p/key \"c\"]}}]");
        long a = r.tempid("a");
        assertTrue(s.facts(s.id("p/key", "b")).contains(":p/friend " + a));
        assertTrue(s.facts(s.id("p/key", "c")).contains(":p/friends " + a));
        s.fails("db.error/not-an-entity", "[{:p/key \"x\" :p/_friend {:p/key \"y\"}}]");
        s.fails("db.error/wrong-type-for-attribute", "[{:p/key \"x\" :p/_name \"y\"}]");
    }

    @Test
    void entityPositions() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        long a = s.id("p/key", "a");
        s.tx(List.of(List.of(kw("db/add"), a, kw("p/name"), "by-id")));
        s.tx(List.of(List.of(kw("db/add"), (int) 5, kw("p/name"), "int-id")));
        s.tx("[[:db/add :p/name :db/doc \"by ident\"]]");
        assertEquals(List.of(":p/key \"a\"", ":p/name \"by-id\""), s.facts(a));
        assertTrue(s.facts(5).contains(":p/name \"int-id\""));
        // ids not given out yet are invalid, as in Datomic
        s.fails("db.error/invalid-entity-id", List.of(List.of(kw("db/add"), Ids.entid(Ids.PART_USER, s.db.nextT()),
                kw("p/name"), "x")));
        s.fails("db.error/invalid-entity-id", "[[:db/add 12345678 :p/name \"x\"]]");
        // stricter than Datomic: :db.part/db ids not yet given to an attribute, and partitions that don't exist
        s.fails("db.error/invalid-entity-id", "[[:db/add 500 :p/name \"x\"]]");
        s.fails("db.error/invalid-entity-id", List.of(List.of(kw("db/add"), Ids.entid(7, 5), kw("p/name"), "x")));
        s.fails("db.error/not-an-entity", "[[:db/add :no/ident :p/name \"x\"]]");
        s.fails("db.error/not-an-entity", "[[:db/add [:p/key \"missing\"] :p/name \"x\"]]");
        s.fails("db.error/lookup-ref-attr-not-unique", "[[:db/add [:p/name \"x\"] :p/name \"x\"]]");
    }

    @Test
    void refValues() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        long a = s.id("p/key", "a");
        s.tx("[[:db/add [:p/key \"a\"] :p/friend :p/name]]");
        assertTrue(s.facts(a).contains(":p/friend " + s.db.entid(kw("p/name"))));
        // Datomic does not check that a ref value exists
        s.tx("[[:db/add [:p/key \"a\"] :p/friend 12345678]]");
        assertTrue(s.facts(a).contains(":p/friend 12345678"));
        s.fails("db.error/not-an-entity", "[[:db/add [:p/key \"a\"] :p/friend :no/such]]");
        s.fails("db.error/not-an-entity", "[[:db/add [:p/key \"a\"] :p/friend [:p/key \"nope\"]]]");
        s.fails("db.error/tempid-not-an-entity", "[[:db/add [:p/key \"a\"] :p/friend \"only-a-value\"]]");
    }

    @Test
    void lookupRefsDoNotSeeEntitiesOfTheSameTransaction() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/not-an-entity", "[{:p/key \"new\"} [:db/add [:p/key \"new\"] :p/name \"x\"]]");
    }

    @Test
    void transactionEntity() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:p/name \"x\"} [:db/add \"datomic.tx\" :p/name \"meta\"]]");
        long tx = r.tempid("datomic.tx");
        assertEquals(Ids.tToTx(r.t()), tx);
        assertTrue(s.facts(tx).contains(":p/name \"meta\""));
    }

    @Test
    void malformedData() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/not-transaction-data", "[\"foo\"]");
        s.fails("db.error/not-a-data-function", "[[:db/foo \"t\" :p/name \"x\"]]");
        s.fails("db.error/not-a-data-function", "[[\"b\" :p/name \"y\"]]");
        s.fails("db.error/invalid-statement", "[[:db/add \"t\" :p/name]]");
        s.fails("db.error/invalid-statement", "[[:db/add \"t\" :p/name \"x\" \"extra\"]]");
        s.fails("db.error/nil-value", "[[:db/add \"x\" :p/name nil]]");
        s.fails("db.error/nil-value", "[{:p/name nil}]");
        s.fails("db.error/not-an-entity", "[[:db/add \"t\" :p/nope \"x\"]]");
        s.fails("db.error/not-an-attribute", "[[:db/add \"t\" :db.part/db \"x\"]]");
        s.fails("db.error/not-an-attribute", "[[:db/add \"t\" 12345 \"x\"]]");
        s.fails("db.error/not-a-keyword", List.of(map("p/name", "x")));
        s.fails("db.error/not-an-entity", "[[:db/add nil :p/name \"x\"]]");
    }

    @Test
    void emptyTransactionsOnlyRecordTheirInstant() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[]");
        assertEquals(1, r.txData().size());
        r = s.tx("[{} {:db/id \"x\"}]");
        assertEquals(1, r.txData().size());
        assertEquals(java.util.Map.of(), r.tempids());
    }

    @Test
    void negativeNumbersAreTempids() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[[:db/add -1 :p/name \"neg\"] [:db/add \"a\" :p/friend -1]]");
        long neg = r.tempid("-1");
        assertEquals(Ids.PART_USER, Ids.part(neg));
        assertTrue(s.facts(r.tempid("a")).contains(":p/friend " + neg));
    }
}
