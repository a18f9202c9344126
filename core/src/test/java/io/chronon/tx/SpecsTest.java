package io.chronon.tx;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attribute predicates and entity specs (issue 18), with Datomic's codes and ex-data; the
 * generated comparison with Datomic is {@link SpecsDifferentialTest}. Before {@link Specs},
 * predicates were never called and {@code :db/ensure} was stored as an ordinary datom.
 */
class SpecsTest {
    TxTestSupport s;

    @BeforeEach
    void setUp() {
        s = TxTestSupport.withSchema();
        s.options = s.options
                .withAttrPredicate(Symbol.of("preds/even?"), v -> (Long) v % 2 == 0)
                .withAttrPredicate(Symbol.of("preds/throws"), v -> {
                    throw new IllegalStateException("no way");
                })
                .withEntityPredicate(Symbol.of("preds/adult?"), (db, e) -> {
                    for (var d : db.datoms(IndexType.EAVT, e, kw("p/age"))) {
                        return (Long) d.v() >= 18;
                    }
                    return false;
                });
        s.tx("""
                [{:db/ident :p/age :db.attr/preds preds/even?}
                 {:db/ident :p/d :db.attr/preds [preds/throws]}
                 {:db/ident :p/kw :db.attr/preds missing/pred}
                 {:db/ident :spec/person :db.entity/attrs [:p/key :p/name] :db.entity/preds preds/adult?}
                 {:db/ident :spec/unknown :db.entity/preds missing/pred}]""");
    }

    @Test
    void aValueMustPassItsAttributesPredicates() {
        s.tx("[{:p/key \"a\" :p/age 4}]");
        ChrononException e = s.fails("db.error/attr-pred", "[{:p/key \"b\" :p/age 3}]");
        assertEquals(ErrorCategory.INCORRECT, e.category());
        Map<?, ?> data = (Map<?, ?>) e.form();
        assertEquals(false, data.get(kw("db.error/pred-return")));
        assertEquals(Symbol.of("preds/even?"), data.get(kw("pred")));
        assertEquals(kw("p/age"), data.get(kw("attribute")));
        assertEquals(3L, data.get(kw("value")));
        assertTrue(e.getMessage().contains("attribute :p/age value 3 failed pred preds/even?"), e.getMessage());
        // retractions are not checked
        s.tx("[[:db/retract [:p/key \"a\"] :p/age 4]]");
    }

    @Test
    void aPredicateThatThrowsOrIsMissingIsAClearError() {
        ChrononException thrown = s.fails("db.error/attr-pred", "[{:p/key \"a\" :p/d 1.5}]");
        assertTrue(thrown.getMessage().contains("threw: no way"), thrown.getMessage());
        ChrononException missing = s.fails("chronon.error/unknown-predicate", "[{:p/key \"a\" :p/kw :x}]");
        assertEquals(ErrorCategory.NOT_FOUND, missing.category());
        assertTrue(missing.getMessage().contains("missing/pred"), missing.getMessage());
        s.fails("chronon.error/unknown-predicate", "[{:p/key \"a\" :db/ensure :spec/unknown}]");
    }

    @Test
    void ensureChecksTheSpecAndIsNeverStored() {
        ChrononException e = s.fails("db.error/entity-attr", "[{:db/id \"x\" :p/key \"a\" :p/age 20 :db/ensure :spec/person}]");
        assertEquals(List.of(kw("p/name")), ((Map<?, ?>) e.form()).get(kw("db.error/missing-attrs")));
        assertTrue(e.getMessage().contains("Entity x missing attributes [:p/name] of spec :spec/person"), e.getMessage());
        ChrononException young = s.fails("db.error/entity-pred", "[{:p/key \"a\" :p/name \"A\" :p/age 16 :db/ensure :spec/person}]");
        assertEquals(false, ((Map<?, ?>) young.form()).get(kw("db.error/pred-return")));
        TxOutcome ok = s.tx("[{:p/key \"a\" :p/name \"A\" :p/age 20 :db/ensure :spec/person}]");
        assertFalse(s.txData(ok).toString().contains(":db/ensure"), s.txData(ok).toString());
        assertFalse(s.db.datoms(IndexType.AEVT, Specs.ENSURE).iterator().hasNext());
        // the predicate sees the database the transaction makes
        s.fails("db.error/entity-pred", "[[:db/add [:p/key \"a\"] :p/age 12] [:db/add [:p/key \"a\"] :db/ensure :spec/person]]");
        // retracting an ensure does nothing
        assertEquals(List.of(), s.txData(s.tx("[[:db/retract [:p/key \"a\"] :db/ensure :spec/person]]")));
    }

    /**
     * A writer applies transactions to a value of its editing run, whose indexes a
     * transaction edits in place; a rejection must leave them as they were (the writer keeps
     * the run's value after a ChrononException). Specs are checked before the transaction
     * touches the run.
     */
    @Test
    void aRejectionByASpecOrPredicateLeavesAnEditingRunAsItWas() {
        // the run owns the index nodes its own transactions made: one first, then the rejected ones on top
        DbValue run = TxProcessor.transact(s.db.editingRun(), TxTestSupport.edn("[{:p/key \"q\" :p/name \"Q\" :p/age 30}]"),
                s.options).dbAfter();
        int size = run.size();
        for (String tx : List.of("[{:p/key \"r\" :p/name \"R\" :p/age 16 :db/ensure :spec/person}]",
                "[{:p/key \"r\" :p/age 20 :db/ensure :spec/person}]", "[{:p/key \"r\" :p/age 7}]")) {
            assertThrows(ChrononException.class, () -> TxProcessor.transact(run, TxTestSupport.edn(tx), s.options));
            assertEquals(size, run.size(), tx);
            assertFalse(run.datoms(IndexType.AVET, kw("p/key"), "r").iterator().hasNext(), tx);
        }
        DbValue after = TxProcessor.transact(run, TxTestSupport.edn("[{:p/key \"r\" :p/name \"R\" :p/age 20 :db/ensure :spec/person}]"),
                s.options).dbAfter();
        assertTrue(after.datoms(IndexType.AVET, kw("p/key"), "r").iterator().hasNext());
    }

    @Test
    void aSpecThatNamesNoEntityIsNotAnEntity() {
        s.fails("db.error/not-an-entity", "[{:p/key \"a\" :db/ensure :spec/nope}]");
        // an entity with no spec attributes (here an attribute) requires nothing
        s.tx("[{:p/key \"a\" :db/ensure :p/name}]");
        assertEquals(Keyword.of("p/key"), s.db.ident(s.db.attribute(kw("p/key")).id()));
    }
}
