package io.chronon.tx;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Tempid numbering (Datomic's, down to the ids) and upserts. */
class TempidsTest {
    private static final long USER = 17592186045418L - 1002; // :db.part/user counter 0

    @Test
    void numberingMirrorsDatomic() {
        TxTestSupport s = new TxTestSupport();
        TxOutcome r = s.tx("[{:db/id \"n\" :db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]");
        assertEquals(1000, r.t());
        assertEquals(72L, r.tempid("n"));
        assertEquals(13194139534312L, r.txData().get(0).tx());
        r = s.tx("[[:db/add \"z\" :p/name \"z\"] [:db/add \"a\" :p/name \"a\"] [:db/add \"m\" :p/name \"m\"]]");
        assertEquals(1001, r.t());
        assertEquals(17592186045418L, r.tempid("z"));
        assertEquals(USER + 1003, r.tempid("a"));
        assertEquals(USER + 1004, r.tempid("m"));
        r = s.tx("[{:p/name \"next\"}]");
        assertEquals(1005, r.t());
        assertEquals(1006, r.txData().get(1).e() - USER);
    }

    @Test
    void newIdsFollowTheFirstUseInAnEntityPosition() {
        TxTestSupport s = TxTestSupport.withSchema();
        long t = s.db.nextT();
        TxOutcome r = s.tx("[[:db/add \"a\" :p/friend \"m\"] [:db/add \"z\" :p/name \"z\"] [:db/add \"m\" :p/name \"m\"]]");
        assertEquals(List.of(t + 1, t + 2, t + 3),
                List.of(r.tempid("a") - USER, r.tempid("z") - USER, r.tempid("m") - USER));
    }

    @Test
    void attributesTakeIdsInTheDbPartition() {
        TxTestSupport s = TxTestSupport.withSchema();
        long t = s.db.nextT();
        TxOutcome r = s.tx("[{:db/id \"u\" :p/name \"u\"}"
                + " {:db/id \"x\" :db/ident :n/x :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
                + " {:db/id \"v\" :p/name \"v\"}]");
        assertEquals(t + 1, r.tempid("u") - USER);
        assertEquals(t + 2, r.tempid("v") - USER);
        assertEquals(72 + 21, r.tempid("x"));
    }

    @Test
    void upsertThroughIdentity() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\" :p/name \"A\"}]");
        long a = s.id("p/key", "a");
        TxOutcome r = s.tx("[{:db/id \"x\" :p/key \"a\" :p/age 3} {:db/id \"y\" :p/key \"a\" :p/name \"A2\"}]");
        assertEquals(a, r.tempid("x"));
        assertEquals(a, r.tempid("y"));
        assertEquals(List.of(":p/age 3", ":p/key \"a\"", ":p/name \"A2\""), s.facts(a));
    }

    @Test
    void tempidsAssertingOneNewIdentityValueAreOneEntity() {
        TxTestSupport s = TxTestSupport.withSchema();
        long t = s.db.nextT();
        TxOutcome r = s.tx("[{:db/id \"x\" :p/key \"n\" :p/age 1} {:db/id \"y\" :p/key \"n\" :p/name \"N\"}]");
        assertEquals(r.tempid("x"), r.tempid("y"));
        assertEquals(t + 1, r.tempid("x") - USER);
        assertEquals(t + 2, s.db.nextT());
    }

    @Test
    void uniqueValuesNeverUpsert() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\" :p/email \"a@\"}]");
        s.fails("db.error/unique-conflict", "[{:db/id \"y\" :p/email \"a@\" :p/age 4}]");
        s.fails("db.error/datoms-conflict", "[{:db/id \"x\" :p/email \"n@\"} {:db/id \"y\" :p/email \"n@\"}]");
    }

    @Test
    void anUpsertAfterANewIdSkipsThatId() {
        // Datomic gives "t" a new id at its first datom, then upserts it; the id is not reused
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"k10\"}]");
        long t = s.db.nextT();
        TxOutcome r = s.tx("[[:db/add \"t\" :p/name \"x1\"] [:db/add \"t\" :p/key \"k10\"] [:db/add \"u\" :p/key \"n2\"]]");
        assertEquals(s.id("p/key", "k10"), r.tempid("t"));
        assertEquals(t + 2, r.tempid("u") - USER);
    }

    @Test
    void aTempidHeldByTwoEntitiesIsAUniqueConflict() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:db/ident :p/key2 :db/valueType :db.type/string :db/cardinality :db.cardinality/one"
                + " :db/unique :db.unique/identity}]");
        s.tx("[{:p/key \"a\"} {:p/key2 \"b\"}]");
        s.fails("db.error/unique-conflict", "[{:db/id \"x\" :p/key \"a\" :p/key2 \"b\"}]");
    }

    @Test
    void identityValuesThatAreTempidsDoNotUpsert() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:db/ident :p/refkey :db/valueType :db.type/ref :db/cardinality :db.cardinality/one"
                + " :db/unique :db.unique/identity}]");
        s.tx("[{:db/id \"a\" :p/key \"a\"} {:db/id \"r\" :p/refkey \"a\"}]");
        s.fails("db.error/unique-conflict", "[{:db/id \"y\" :p/key \"a\"} {:db/id \"z\" :p/refkey \"y\" :p/name \"v\"}]");
    }

    @Test
    void aTempidOnlyInARetractionStillGetsAnId() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[[:db/retract \"t\" :p/name \"x\"]]");
        assertEquals(s.db.basisT() + 1, r.tempid("t") - USER);
        assertEquals(1, r.txData().size());
    }

    @Test
    void tempidsInFunctionsThatNeedAnEntityAreRejected() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/not-an-entity", "[[:db/retractEntity \"tmp\"]]");
        s.fails("db.error/not-an-entity", "[[:db/cas \"new\" :p/age nil 1]]");
        s.fails("db.error/not-an-entity", "[[:db/retract \"t\" :p/name]]");
    }
}
