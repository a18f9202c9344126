package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.ChrononException;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Datomic's log functions {@code tx-ids} and {@code tx-data} in queries; Chronon's log argument
 * is a db value. Checked against Datomic's peer (with {@code conn.log()}) on the same transactions.
 */
class LogFunctionsTest {
    static final String TX_IDS = "[:find ?tx :in ?log ?t1 ?t2 :where [(tx-ids ?log ?t1 ?t2) [?tx ...]]]";
    static final String TX_DATA = "[:find ?e ?a ?v ?t ?added :in ?log ?tx :where [(tx-data ?log ?tx) [[?e ?a ?v ?t ?added]]]]";
    static final String RETRACT = "[[:db/retract [:name \"Ivan\"] :age 15] [:db/add [:name \"Ivan\"] :age 16]]";

    static DatomicSide side;
    static Object datomicLog;

    @BeforeAll
    static void setUp() {
        side = new DatomicSide();
        side.transact(Fixtures.SCHEMA);
        side.transact(Fixtures.PEOPLE);
        side.transact(RETRACT);
        datomicLog = side.datomic.connection().log();
    }

    @AfterAll
    static void tearDown() {
        side.close();
    }

    private static long t(int k) {
        return side.chrononTs.get(k);
    }

    private static long tx(int k) {
        return Ids.tToTx(t(k));
    }

    @SuppressWarnings("unchecked")
    private static Set<List<Object>> rows(Object result) {
        return new HashSet<>((Collection<List<Object>>) result);
    }

    @Test
    void txIdsWithTsTxIdsAndOpenBounds() {
        DbValue db = side.chronon;
        assertEquals(Set.of(List.of(tx(1)), List.of(tx(2))), rows(Datalog.q(TX_IDS, db, t(1), t(2) + 1)));
        assertEquals(Set.of(List.of(tx(1))), rows(Datalog.q(TX_IDS, db, tx(1), tx(2))));
        // the end bound is exclusive
        assertEquals(Set.of(), rows(Datalog.q(TX_IDS, db, t(1), t(1))));
        // nil bounds (literal: nil is not a valid input, as in Datomic) are open
        Object all = Datalog.q("[:find ?tx :in ?log ?t1 :where [(tx-ids ?log ?t1 nil) [?tx ...]]]", db, t(0));
        assertEquals(Set.of(List.of(tx(0)), List.of(tx(1)), List.of(tx(2))), rows(all));
        Object upTo = Datalog.q("[:find ?tx :in ?log ?t2 :where [(tx-ids ?log nil ?t2) [?tx ...]]]", db, t(1));
        // as in Datomic, the log starts with the first user transaction (not the bootstrap)
        assertEquals(Set.of(List.of(tx(0))), rows(upTo));
    }

    @Test
    void txIdsOrderedCollectionAndJoin() {
        DbValue db = side.chronon;
        // tx-ids as a scalar binding gives the whole collection, in transaction order
        Object ids = Datalog.q("[:find ?ids . :in ?log ?t1 :where [(tx-ids ?log ?t1 nil) ?ids]]", db, t(0));
        assertEquals(List.of(tx(0), tx(1), tx(2)), ids);
        // joined with the db: the instants of the transactions in the range
        Object insts = Datalog.q("[:find (count ?inst) . :in $ ?log ?t1 ?t2 :where [(tx-ids ?log ?t1 ?t2) [?tx ...]]"
                + " [?tx :db/txInstant ?inst]]", db, db, t(1), t(2) + 1);
        assertEquals(2L, insts);
    }

    @Test
    void txData() {
        DbValue db = side.chronon;
        long ivan = db.entid(List.of(Keyword.of("name"), "Ivan"));
        long age = db.entid(Keyword.of("age"));
        long txInstant = db.entid(Keyword.of("db/txInstant"));
        Set<List<Object>> rows = rows(Datalog.q(TX_DATA, db, tx(2)));
        assertEquals(3, rows.size());
        assertTrue(rows.contains(List.of(ivan, age, 15L, tx(2), false)));
        assertTrue(rows.contains(List.of(ivan, age, 16L, tx(2), true)));
        assertTrue(rows.stream().anyMatch(r -> r.get(0).equals(tx(2)) && r.get(1).equals(txInstant)));
        // a t finds the same transaction (Datomic finds nothing for a t)
        assertEquals(rows, rows(Datalog.q(TX_DATA, db, t(2))));
        // the binding may repeat the input variable
        assertEquals(rows, rows(Datalog.q("[:find ?e ?a ?v ?tx ?added :in ?log ?tx"
                + " :where [(tx-data ?log ?tx) [[?e ?a ?v ?tx ?added]]]]", db, tx(2))));
        // shorter tuple bindings and blanks, as in Datomic
        assertEquals(Set.of(List.of(ivan, false), List.of(ivan, true), List.of(tx(2), true)),
                rows(Datalog.q("[:find ?e ?added :in ?log ?tx :where [(tx-data ?log ?tx) [[?e _ _ _ ?added]]]]", db, tx(2))));
        assertEquals(Set.of(List.of(ivan, age), List.of(tx(2), txInstant)),
                rows(Datalog.q("[:find ?e ?a :in ?log ?tx :where [(tx-data ?log ?tx) [[?e ?a]]]]", db, tx(2))));
        // a transaction that does not exist has no data
        assertEquals(Set.of(), rows(Datalog.q(TX_DATA, db, t(2) + 1)));
    }

    @Test
    void txDataOfEveryTransactionInARange() {
        DbValue db = side.chronon;
        Object ages = Datalog.q("[:find [?v ...] :in $ ?log ?t1 :where [(tx-ids ?log ?t1 nil) [?tx ...]]"
                + " [(tx-data ?log ?tx) [[_ ?a ?v _ ?added]]] [(true? ?added)] [?a :db/ident :age]]", db, db, t(0));
        assertEquals(Set.of(15L, 37L, 20L, 10L, 16L), new HashSet<>((Collection<?>) ages));
    }

    @Test
    void errors() {
        DbValue db = side.chronon;
        ChrononException e = assertThrows(ChrononException.class, () -> Datalog.q(TX_IDS, "not a log", 0L, 1L));
        assertEquals(Keyword.of("db.error/function-failed"), e.code());
        e = assertThrows(ChrononException.class, () -> Datalog.q(TX_IDS, db, "a", 1L));
        assertEquals(Keyword.of("db.error/function-failed"), e.code());
        e = assertThrows(ChrononException.class, () -> Datalog.q(
                "[:find ?tx :in ?log :where [(tx-ids ?log 1) [?tx ...]]]", db));
        assertEquals(Keyword.of("db.error/invalid-clause"), e.code());
    }

    // ------------------------------------------------------------------ differential

    @Test
    void txIdsMatchDatomic() {
        for (int from = 0; from < 3; from++) {
            for (int to = from; to <= 3; to++) {
                for (boolean asTx : new boolean[] {false, true}) {
                    Set<Integer> c = txIndexes(Datalog.q(TX_IDS, side.chronon, bound(side.chrononTs, from, asTx),
                            bound(side.chrononTs, to, asTx)), side.chrononTs);
                    Set<Integer> d = txIndexes(DatomicSide.datomicQ(TX_IDS, datomicLog, bound(side.datomicTs, from, asTx),
                            bound(side.datomicTs, to, asTx)), side.datomicTs);
                    assertEquals(d, c, "tx-ids from " + from + " to " + to + (asTx ? " as tx ids" : " as ts"));
                }
            }
        }
        // open bounds as literal nils, starting at the first user transaction
        String open = "[:find ?tx :in ?log ?t1 :where [(tx-ids ?log ?t1 nil) [?tx ...]]]";
        assertEquals(txIndexes(DatomicSide.datomicQ(open, datomicLog, side.datomicTs.get(1)), side.datomicTs),
                txIndexes(Datalog.q(open, side.chronon, t(1)), side.chrononTs));
    }

    @Test
    void txDataMatchesDatomic() {
        for (int k = 0; k < 3; k++) {
            Set<List<Object>> c = facts(Datalog.q(TX_DATA, side.chronon, tx(k)), side.chrononTs, chrononIdents());
            Set<List<Object>> d = facts(DatomicSide.datomicQ(TX_DATA, datomicLog, Ids.tToTx(side.datomicTs.get(k))),
                    side.datomicTs, datomicIdents());
            assertEquals(d, c, "tx-data of transaction " + k);
            assertTrue(c.size() > 2);
        }
    }

    /** The k-th transaction's t or tx id; k == size is one past the last. */
    private static long bound(List<Long> ts, int k, boolean asTx) {
        long t = k < ts.size() ? ts.get(k) : ts.get(ts.size() - 1) + 1;
        return asTx ? Ids.tToTx(t) : t;
    }

    private static Set<Integer> txIndexes(Object result, List<Long> ts) {
        Set<Integer> out = new HashSet<>();
        for (Object row : (Collection<?>) result) {
            long tx = ((Number) ((List<?>) row).get(0)).longValue();
            out.add(ts.indexOf(Ids.txToT(tx)));
        }
        return out;
    }

    private static Map<Long, Object> chrononIdents() {
        return idents(Datalog.q("[:find ?a ?i :where [?a :db/ident ?i]]", side.chronon));
    }

    private static Map<Long, Object> datomicIdents() {
        return idents(DatomicSide.datomicQ("[:find ?a ?i :where [?a :db/ident ?i]]", side.datomic.db()));
    }

    private static Map<Long, Object> idents(Object result) {
        Map<Long, Object> out = new HashMap<>();
        for (Object row : (Collection<?>) result) {
            out.put(((Number) ((List<?>) row).get(0)).longValue(), ((List<?>) row).get(1));
        }
        return out;
    }

    /**
     * Datoms as (k-th transaction, attribute ident, value, added), where the entity is only "tx"
     * or "entity" and a value that is an entity id or an instant becomes a marker: ids and
     * clocks differ between the systems.
     */
    private static Set<List<Object>> facts(Object result, List<Long> ts, Map<Long, Object> idents) {
        Set<List<Object>> out = new HashSet<>();
        for (Object row : (Collection<?>) result) {
            List<?> r = (List<?>) row;
            long e = ((Number) r.get(0)).longValue();
            Object a = idents.get(((Number) r.get(1)).longValue());
            Object v = r.get(2);
            if (v instanceof java.util.Date) {
                v = "inst";
            } else if (v instanceof Number n && (n.longValue() > 1000L || idents.containsKey(n.longValue()))) {
                long l = n.longValue();
                // refs (and the numeric values of this data are all small)
                v = idents.containsKey(l) && ((Keyword) idents.get(l)).namespace() != null ? idents.get(l) : "ref";
            }
            List<Object> fact = new ArrayList<>();
            fact.add(ts.indexOf(Ids.txToT(((Number) r.get(3)).longValue())));
            fact.add(Ids.isTx(e) ? "tx" : "entity");
            fact.add(a);
            fact.add(v);
            fact.add(r.get(4));
            out.add(fact);
        }
        return out;
    }
}
