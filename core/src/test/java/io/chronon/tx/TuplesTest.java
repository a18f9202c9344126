package io.chronon.tx;

import io.chronon.edn.EdnList;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heterogeneous, homogeneous and composite tuples. */
class TuplesTest {
    private static TxTestSupport withTuples() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:db/ident :t/comp :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one"
                + " :db/tupleAttrs [:p/name :p/age] :db/unique :db.unique/identity}"
                + " {:db/ident :t/het :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one"
                + " :db/tupleTypes [:db.type/string :db.type/long]}"
                + " {:db/ident :t/hom :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleType :db.type/long}"
                + " {:db/ident :t/homr :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleType :db.type/ref}]");
        return s;
    }

    @Test
    void compositesAreDerived() {
        TxTestSupport s = withTuples();
        long a = s.tx("[{:db/id \"a\" :p/key \"a\" :p/name \"A\" :p/age 1}]").tempid("a");
        assertTrue(s.facts(a).contains(":t/comp [A, 1]"), s.facts(a).toString());
        TxOutcome r = s.tx("[[:db/retract [:p/key \"a\"] :p/age 1]]");
        assertEquals(List.of("[" + a + " :p/age 1 false]", "[" + a + " :t/comp [A, 1] false]",
                "[" + a + " :t/comp [A, null] true]"), s.txData(r));
        r = s.tx("[[:db/retract [:p/key \"a\"] :p/name \"A\"]]");
        assertEquals(List.of("[" + a + " :p/name \"A\" false]", "[" + a + " :t/comp [A, null] false]"), s.txData(r));
        // written directly: silently dropped
        r = s.tx("[{:db/id \"e\" :p/key \"e\" :t/comp [\"E\" 5]}]");
        assertEquals(List.of(":p/key \"e\""), s.facts(r.tempid("e")));
        s.tx("[[:db/add [:p/key \"a\"] :p/name \"A\"] [:db/add [:p/key \"a\"] :p/age 1]]");
        assertTrue(s.facts(a).contains(":t/comp [A, 1]"));
        s.fails("db.error/unique-conflict", "[{:db/id \"b\" :p/name \"A\" :p/age 1}]");
        s.fails("db.error/datoms-conflict", "[{:db/id \"b\" :p/name \"B\" :p/age 2} {:db/id \"c\" :p/name \"B\" :p/age 2}]");
        r = s.tx("[[:db/retractEntity [:p/key \"a\"]]]");
        assertEquals(4, s.txData(r).size());
    }

    @Test
    void heterogeneousAndHomogeneous() {
        TxTestSupport s = withTuples();
        String bad = "db.error/invalid-tuple-value";
        s.tx("[{:p/key \"i\" :t/het [\"x\" 1] :t/hom [1 2 3]}]");
        s.tx(List.of(List.of(kw("db/add"), List.of(kw("p/key"), "i"), kw("t/het"), Arrays.asList("x", null))));
        s.tx(List.of(List.of(kw("db/add"), List.of(kw("p/key"), "i"), kw("t/het"), List.of("y", 3))));
        assertTrue(s.facts(s.id("p/key", "i")).contains(":t/het [y, 3]"), s.facts(s.id("p/key", "i")).toString());
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/het [\"x\" \"y\"]]]");
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/het [\"x\"]]]");
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/het [\"x\" 1 2]]]");
        s.fails(bad, List.of(List.of(kw("db/add"), List.of(kw("p/key"), "i"), kw("t/het"), EdnList.of("x", 1L))));
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/hom []]]");
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/hom [1]]]");
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/hom [1 2 3 4 5 6 7 8 9]]]");
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/hom [1 \"x\"]]]");
        s.fails(bad, "[[:db/add [:p/key \"i\"] :t/het [\"" + "x".repeat(300) + "\" 1]]]");
    }

    @Test
    void refTuplesResolveEntities() {
        TxTestSupport s = withTuples();
        s.tx("[{:p/key \"d\"}]");
        long d = s.id("p/key", "d");
        TxOutcome r = s.tx("[{:db/id \"k\" :p/name \"k\" :t/homr [[:p/key \"d\"] \"k\"]}]");
        long k = r.tempid("k");
        assertTrue(s.facts(k).contains(":t/homr [" + d + ", " + k + "]"), s.facts(k).toString());
        s.fails("db.error/not-an-entity", "[{:db/id \"k\" :p/name \"z\" :t/homr [:p/nope :p/name]}]");
    }

    @Test
    void tupleDefinitions() {
        TxTestSupport s = TxTestSupport.withSchema();
        String invalid = "db.error/invalid-install-attribute";
        s.tx("[{:db/ident :n/a :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
                + " {:db/ident :n/b :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
                + " {:db/ident :t/c1 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleAttrs [:n/a :n/b]}]");
        s.fails("db.error/invalid-tuple-value", "[{:db/ident :t/c2 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleAttrs [:p/name]}]");
        s.fails(invalid, "[{:db/ident :t/c4 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleAttrs [:p/name :p/tags]}]");
        s.fails(invalid, "[{:db/ident :t/c5 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleAttrs [:p/name :p/nope]}]");
        s.fails(invalid, "[{:db/ident :t/c6 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleAttrs [:p/name :p/f]}]");
        s.fails(invalid, "[{:db/ident :t/c7 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/many :db/tupleAttrs [:p/name :p/age]}]");
        s.fails(invalid, "[{:db/ident :t/c8 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one}]");
        s.fails(invalid, "[{:db/ident :t/c9 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleType :db.type/tuple}]");
        s.fails(invalid, "[{:db/ident :t/c10 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleType :db.type/bytes}]");
        s.fails(invalid, "[{:db/ident :t/c12 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleTypes [:db.type/long :db.type/float]}]");
        s.fails(invalid, "[{:db/ident :t/c13 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleTypes [:db.type/long :db.type/long] :db/tupleType :db.type/long}]");
        s.fails(invalid, "[{:db/ident :t/c14 :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/tupleType :db.type/long}]");
        s.fails("db.error/invalid-tuple-value", "[{:db/ident :t/c21 :db/valueType :db.type/tuple :db/cardinality :db.cardinality/one :db/tupleAttrs [74 75]}]");
        s.fails("db.error/invalid-alter-attribute", "[{:db/id :t/c1 :db/tupleAttrs [:n/a :p/name]}]");
    }
}
