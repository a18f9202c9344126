package io.chronon.tx;

import io.chronon.db.Attribute;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Installing attributes as data, and the alterations Datomic allows. */
class SchemaChangesTest {
    @Test
    void installAddsTheInstallDatom() {
        TxTestSupport s = new TxTestSupport();
        TxOutcome r = s.tx("[{:db/ident :s/a :db/valueType :db.type/string :db/cardinality :db.cardinality/many"
                + " :db/unique :db.unique/identity :db/doc \"doc\" :db/index true :db/noHistory true :db/fulltext true}]");
        assertTrue(s.txData(r).contains("[0 :db.install/attribute 72 true]"));
        Attribute a = s.db.attribute(kw("s/a"));
        assertTrue(a.many() && a.unique() == Attribute.Unique.IDENTITY && a.noHistory() && a.index());
        // an explicit install datom is not doubled
        r = s.tx("[{:db/id \"n\" :db/ident :s/b :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
                + " [:db/add :db.part/db :db.install/attribute \"n\"]]");
        assertEquals(1, s.txData(r).stream().filter(d -> d.contains(":db.install/attribute")).count());
        // an ident alone is an ordinary entity
        r = s.tx("[{:db/id \"e\" :db/ident :color/red}]");
        assertTrue(r.tempid("e") > 1L << 42);
    }

    @Test
    void invalidDefinitions() {
        TxTestSupport s = TxTestSupport.withSchema();
        String invalid = "db.error/invalid-install-attribute";
        s.fails(invalid, "[{:db/ident :s/a :db/valueType :db.type/string}]");
        s.fails(invalid, "[{:db/ident :s/a :db/cardinality :db.cardinality/one}]");
        s.fails(invalid, "[{:db/ident :s/a :db/unique :db.unique/identity}]");
        s.fails("db.error/attribute-ident-missing", "[{:db/valueType :db.type/string :db/cardinality :db.cardinality/one}]");
        s.fails("db.error/not-an-entity", "[{:db/ident :s/b :db/valueType :db.type/nope :db/cardinality :db.cardinality/one}]");
        s.fails("db.error/not-a-value-type", "[{:db/ident :s/b :db/valueType :db.cardinality/one :db/cardinality :db.cardinality/one}]");
        s.fails("db.error/not-a-cardinality", "[{:db/ident :s/b :db/valueType :db.type/string :db/cardinality :db.type/string}]");
        s.fails(invalid, "[{:db/ident :s/c :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/isComponent true}]");
        // Chronon rejects a :db/unique that is not a uniqueness (Datomic stores it)
        s.fails(invalid, "[{:db/ident :s/d :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.cardinality/one}]");
        s.fails("db.error/not-a-keyword", "[{:db/ident \"s/str\" :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]");
        s.tx("[{:db/id \"u\" :p/name \"u\"}]");
        long u = s.db.datoms(io.chronon.db.IndexType.AVET, kw("p/name"), "u").iterator().next().e();
        s.fails("db.error/not-in-system-partition", List.of(TxTestSupport.map(kw("db/id"), u, kw("db/ident"), kw("s/l"),
                kw("db/valueType"), kw("db.type/string"), kw("db/cardinality"), kw("db.cardinality/one"))));
    }

    @Test
    void anAttributeCannotBeUsedInTheTransactionThatInstallsIt() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.fails("db.error/not-an-entity", "[{:db/ident :s/i :db/valueType :db.type/string :db/cardinality :db.cardinality/one} {:s/i \"v\"}]");
    }

    @Test
    void reinstallingTheSameDefinitionChangesNothing() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]");
        assertEquals(List.of(), s.txData(r));
        s.fails("db.error/invalid-alter-attribute", "[{:db/ident :p/name :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]");
    }

    @Test
    void allowedAlterations() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\" :p/name \"A\" :p/age 5 :p/tags [\"x\" \"y\"]} {:p/key \"b\" :p/name \"A\" :p/age 6 :p/tags [\"z\"]}]");
        long name = s.db.entid(kw("p/name"));
        long age = s.db.entid(kw("p/age"));
        // rename
        TxOutcome r = s.tx("[{:db/id :p/name :db/ident :p/fullname}]");
        assertEquals(List.of("[" + name + " :db/ident :p/fullname true]", "[" + name + " :db/ident :p/name false]"), s.txData(r));
        assertEquals(name, s.db.attribute(kw("p/fullname")).id());
        // doc: no alter datom
        assertEquals(1, s.txData(s.tx("[{:db/id :p/fullname :db/doc \"the name\"}]")).size());
        // one -> many -> one
        r = s.tx("[{:db/id :p/age :db/cardinality :db.cardinality/many}]");
        assertTrue(s.txData(r).contains("[0 :db.alter/attribute " + age + " true]"));
        assertTrue(s.db.attribute(kw("p/age")).many());
        s.tx("[[:db/add [:p/key \"a\"] :p/age 7]]");
        s.fails("db.error/invalid-alter-attribute", "[{:db/id :p/age :db/cardinality :db.cardinality/one}]");
        s.tx("[[:db/retract [:p/key \"a\"] :p/age 7]]");
        s.tx("[{:db/id :p/age :db/cardinality :db.cardinality/one}]");
        assertTrue(!s.db.attribute(kw("p/age")).many());
        // adding uniqueness needs an index and unique values
        var e = s.fails("db.error/invalid-alter-attribute", "[{:db/id :p/age :db/unique :db.unique/identity}]");
        assertTrue(e.getMessage().contains("unique-without-index"), e.getMessage());
        e = s.fails("db.error/invalid-alter-attribute", "[{:db/id :p/fullname :db/index true :db/unique :db.unique/value}]");
        assertTrue(e.getMessage().contains("unique-violation"), e.getMessage());
        s.tx("[{:db/id :p/age :db/index true :db/unique :db.unique/identity}]");
        assertEquals(Attribute.Unique.IDENTITY, s.db.attribute(kw("p/age")).unique());
        assertEquals(s.id("p/key", "a"), s.tx("[{:db/id \"x\" :p/age 5 :p/name2 \"y\"}]".replace(" :p/name2 \"y\"", "")).tempid("x"));
        s.tx("[{:db/id :p/age :db/unique :db.unique/value}]");
        s.tx("[[:db/retract :p/age :db/unique :db.unique/value]]");
        assertEquals(Attribute.Unique.NONE, s.db.attribute(kw("p/age")).unique());
        // component, noHistory, index
        s.tx("[{:db/id :p/friend :db/isComponent true} {:db/id :p/age :db/noHistory true :db/index false}]");
        assertTrue(s.db.attribute(kw("p/friend")).isComponent());
        assertTrue(s.db.attribute(kw("p/age")).noHistory());
        s.tx("[[:db/retract :p/friend :db/isComponent true]]");
    }

    @Test
    void rejectedAlterations() {
        TxTestSupport s = TxTestSupport.withSchema();
        String invalid = "db.error/invalid-alter-attribute";
        s.fails(invalid, "[{:db/id :p/age :db/valueType :db.type/string}]");
        s.fails(invalid, "[[:db/retract :p/age :db/valueType :db.type/long]]");
        s.fails(invalid, "[[:db/retract :p/age :db/cardinality :db.cardinality/one]]");
        s.fails(invalid, "[{:db/id :a/street :db/fulltext true}]");
        s.fails(invalid, "[{:db/id :p/age :db/isComponent true}]");
        s.fails(invalid, "[[:db/retract :p/age :db/ident :p/age]]");
        s.fails(invalid, "[{:db/id :db/ident :db/doc \"bootstrap\"}]");
        s.fails("db.error/unique-conflict", "[{:db/id :p/name :db/ident :p/age}]");
        s.fails("db.error/datoms-conflict", "[{:db/id :p/name :db/ident :p/n2} {:db/id :p/name :db/ident :p/n3}]");
    }

    @Test
    void identsOfOrdinaryEntities() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome r = s.tx("[{:db/id \"w\" :db/ident :s/enum :p/name \"enum\"}]");
        assertEquals(r.tempid("w"), s.db.entid(kw("s/enum")));
        s.tx("[[:db/retract :s/enum :db/ident :s/enum]]");
        assertNull(s.db.attribute(kw("s/enum")));
    }
}
