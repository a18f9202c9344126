package io.chronon.db;

import io.chronon.edn.Keyword;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The db value's indexes, schema upkeep and time views, driven by raw resolved datoms. */
class DbValueTest {
    private static final long NAME = 72;
    private static final long FRIEND = 73;
    private static final long SECRET = 74;
    private static final long ALICE = Ids.entid(Ids.PART_USER, 1001);
    private static final long BOB = Ids.entid(Ids.PART_USER, 1002);

    private long t = Bootstrap.FIRST_T;

    private DbValue tx(DbValue db, Datom... datoms) {
        long txId = Ids.tToTx(t);
        List<Datom> list = new ArrayList<>();
        for (Datom d : datoms) {
            list.add(d.withTx(txId, d.added()));
        }
        list.add(new Datom(txId, Bootstrap.TX_INSTANT, new java.util.Date(t), txId, true));
        DbValue next = db.applyTransaction(t, list, t + 10, db.nextDbCounter() + 3, t);
        t += 10;
        return LayeredValues.maybeSplit(next);
    }

    private static Datom add(long e, long a, Object v) {
        return new Datom(e, a, v, 0, true);
    }

    private static Datom retract(long e, long a, Object v) {
        return new Datom(e, a, v, 0, false);
    }

    private DbValue schemaDb() {
        DbValue db = DbValue.empty();
        return tx(db,
                add(NAME, Bootstrap.IDENT, Keyword.of("person/name")),
                add(NAME, Bootstrap.VALUE_TYPE, ValueType.STRING.id()),
                add(NAME, Bootstrap.CARDINALITY, Bootstrap.CARDINALITY_ONE),
                add(NAME, Bootstrap.UNIQUE, Bootstrap.UNIQUE_IDENTITY),
                add(FRIEND, Bootstrap.IDENT, Keyword.of("person/friend")),
                add(FRIEND, Bootstrap.VALUE_TYPE, ValueType.REF.id()),
                add(FRIEND, Bootstrap.CARDINALITY, Bootstrap.CARDINALITY_MANY),
                add(SECRET, Bootstrap.IDENT, Keyword.of("person/secret")),
                add(SECRET, Bootstrap.VALUE_TYPE, ValueType.STRING.id()),
                add(SECRET, Bootstrap.CARDINALITY, Bootstrap.CARDINALITY_ONE),
                add(SECRET, Bootstrap.NO_HISTORY, true));
    }

    private static List<Datom> list(Iterable<Datom> it) {
        List<Datom> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    @Test
    void bootstrapMatchesDatomicNumbering() {
        DbValue db = DbValue.empty();
        assertEquals(66, db.basisT());
        assertEquals(1000, db.nextT());
        assertEquals(10L, db.entid(Keyword.of("db/ident")));
        assertEquals(54L, db.entid(Keyword.of("db.fn/retractEntity")));
        assertEquals(Keyword.of("db/retractEntity"), db.ident(54L));
        Attribute ident = db.attribute(Keyword.of("db/ident"));
        assertEquals(Attribute.Unique.IDENTITY, ident.unique());
        assertEquals(ValueType.KEYWORD, ident.valueType());
        assertEquals(13194139534312L, Ids.tToTx(1000));
        assertEquals(1000, Ids.txToT(13194139534312L));
        assertEquals(1000, Ids.txToT(1000));
    }

    @Test
    void installsAttributesFromDatoms() {
        DbValue db = schemaDb();
        Attribute name = db.attribute(Keyword.of("person/name"));
        assertNotNull(name);
        assertEquals(NAME, name.id());
        assertEquals(Attribute.Unique.IDENTITY, name.unique());
        assertTrue(db.attribute(Keyword.of("person/friend")).many());
        assertTrue(db.attribute(SECRET).noHistory());
    }

    @Test
    void renamedIdentKeepsResolvingUntilReused() {
        DbValue db = schemaDb();
        db = tx(db, retract(NAME, Bootstrap.IDENT, Keyword.of("person/name")),
                add(NAME, Bootstrap.IDENT, Keyword.of("person/full-name")));
        assertEquals(NAME, db.entid(Keyword.of("person/full-name")));
        assertEquals(NAME, db.entid(Keyword.of("person/name")));
        assertEquals(Keyword.of("person/full-name"), db.ident(NAME));
        assertEquals(Keyword.of("person/full-name"), db.attribute(Keyword.of("person/name")).ident());
        db = tx(db, add(FRIEND, Bootstrap.IDENT, Keyword.of("person/name")),
                retract(FRIEND, Bootstrap.IDENT, Keyword.of("person/friend")));
        assertEquals(FRIEND, db.entid(Keyword.of("person/name")));
    }

    @Test
    void lookupRefsAndDatomsByComponents() {
        DbValue db = schemaDb();
        db = tx(db, add(ALICE, NAME, "alice"), add(BOB, NAME, "bob"), add(ALICE, FRIEND, BOB));
        assertEquals(ALICE, db.entid(List.of(Keyword.of("person/name"), "alice")));
        assertNull(db.entid(List.of(Keyword.of("person/name"), "nobody")));
        assertEquals(2, list(db.datoms(IndexType.EAVT, ALICE)).size());
        assertEquals(1, list(db.datoms(IndexType.VAET, BOB)).size());
        assertEquals(1, list(db.datoms(IndexType.AVET, Keyword.of("person/name"), "bob")).size());
        assertEquals(List.of("alice", "bob"),
                list(db.datoms(IndexType.AEVT, Keyword.of("person/name"))).stream().map(Datom::v).toList());
        assertEquals(List.of("bob"),
                list(db.indexRange(Keyword.of("person/name"), "b", null)).stream().map(Datom::v).toList());
        assertEquals(List.of("alice"),
                list(db.indexRange(Keyword.of("person/name"), null, "b")).stream().map(Datom::v).toList());
        assertTrue(list(db.datoms(IndexType.EAVT, List.of(Keyword.of("person/name"), "nobody"))).isEmpty());
    }

    @Test
    void timeViewsSeeThePast() {
        DbValue db = schemaDb();
        db = tx(db, add(ALICE, NAME, "alice"));
        long t1 = db.basisT();
        db = tx(db, retract(ALICE, NAME, "alice"), add(ALICE, NAME, "alicia"));
        long t2 = db.basisT();
        db = tx(db, retract(ALICE, NAME, "alicia"), add(ALICE, NAME, "alice"));

        assertEquals(List.of("alice"), values(db.datoms(IndexType.EAVT, ALICE, NAME)));
        assertEquals(List.of("alice"), values(db.asOf(t1).datoms(IndexType.EAVT, ALICE, NAME)));
        assertEquals(List.of("alicia"), values(db.asOf(t2).datoms(IndexType.EAVT, ALICE, NAME)));
        assertEquals(List.of("alicia"), values(db.asOf(Ids.tToTx(t2)).datoms(IndexType.EAVT, ALICE, NAME)));
        assertTrue(list(db.asOf(t1 - 1).datoms(IndexType.EAVT, ALICE)).isEmpty());
        assertEquals(List.of("alice"), values(db.since(t2).datoms(IndexType.EAVT, ALICE, NAME)));
        assertTrue(list(db.since(t2).asOf(t2).datoms(IndexType.EAVT, ALICE, NAME)).isEmpty());

        List<Datom> hist = list(db.history().datoms(IndexType.EAVT, ALICE, NAME));
        // alice +t1, alice -t2, alice +t3 ; alicia +t2, alicia -t3
        assertEquals(5, hist.size());
        assertEquals(2, hist.stream().filter(d -> !d.added()).count());
        assertEquals(3, list(db.history().asOf(t2).datoms(IndexType.EAVT, ALICE, NAME)).size());
        // the same through the AVET order
        assertEquals(List.of("alicia"), values(db.asOf(t2).datoms(IndexType.AVET, NAME)));
    }

    @Test
    void asOfAnInstantFindsTheLastTransactionAtOrBeforeIt() {
        DbValue db = schemaDb();
        db = tx(db, add(ALICE, NAME, "alice"));
        long t1 = db.basisT();
        db = tx(db, add(BOB, NAME, "bob"));
        // the test clock makes each tx's instant equal to its t in milliseconds
        assertEquals(t1, db.asOf(new java.util.Date(t1 + 5)).asOfT());
        // an ordinary entity carrying :db/txInstant is not a transaction
        db = tx(db, add(ALICE, Bootstrap.TX_INSTANT, new java.util.Date(t1 + 3)));
        assertEquals(t1, db.asOf(new java.util.Date(t1 + 5)).asOfT());
        assertEquals(1, list(db.asOf(new java.util.Date(t1 + 5)).datoms(IndexType.AEVT, NAME)).size());
    }

    @Test
    void noHistoryAttributesLeaveNoTrace() {
        DbValue db = schemaDb();
        db = tx(db, add(ALICE, SECRET, "a"));
        db = tx(db, retract(ALICE, SECRET, "a"), add(ALICE, SECRET, "b"));
        assertEquals(List.of("b"), values(db.history().datoms(IndexType.EAVT, ALICE, SECRET)));
    }

    @Test
    void valuesAreImmutableAcrossTransactions() {
        DbValue before = schemaDb();
        DbValue after = tx(before, add(ALICE, NAME, "alice"));
        assertTrue(list(before.datoms(IndexType.EAVT, ALICE)).isEmpty());
        assertEquals(1, list(after.datoms(IndexType.EAVT, ALICE)).size());
        assertSame(after, after.unfiltered());
        assertFalse(after.isFiltered());
    }

    @Test
    void restoreRebuildsAnIdenticalValue() {
        DbValue db = schemaDb();
        db = tx(db, add(ALICE, NAME, "alice"), add(BOB, NAME, "bob"), add(ALICE, FRIEND, BOB), add(ALICE, SECRET, "s"));
        long t1 = db.basisT();
        db = tx(db, retract(ALICE, NAME, "alice"), add(ALICE, NAME, "alicia"), retract(ALICE, FRIEND, BOB));
        db = tx(db, retract(SECRET, Bootstrap.IDENT, Keyword.of("person/secret")),
                add(SECRET, Bootstrap.IDENT, Keyword.of("person/hidden")));
        DbValue r = DbValue.restore(list(db.currentDatoms()), list(db.retractedDatoms()), list(db.logDatoms()),
                db.basisT(), db.nextT(), db.nextDbCounter(), db.lastTxInstant());
        for (IndexType type : IndexType.values()) {
            assertEquals(list(db.datoms(type)), list(r.datoms(type)), type.name());
            assertEquals(list(db.history().datoms(type)), list(r.history().datoms(type)), type.name());
            assertEquals(list(db.asOf(t1).datoms(type)), list(r.asOf(t1).datoms(type)), type.name());
        }
        assertEquals(list(db.txRange(null, null)), list(r.txRange(null, null)));
        assertEquals(db.basisT(), r.basisT());
        assertEquals(db.nextT(), r.nextT());
        assertEquals(db.nextDbCounter(), r.nextDbCounter());
        assertEquals(db.lastTxInstant(), r.lastTxInstant());
        assertEquals(db.schema().idents(), r.schema().idents());
        assertEquals(SECRET, r.entid(Keyword.of("person/secret")));
        assertEquals(db.attribute(Keyword.of("person/friend")), r.attribute(Keyword.of("person/friend")));
        assertEquals(db.schema().attributes().size(), r.schema().attributes().size());
    }

    @Test
    void txRangeReadsTheLog() {
        DbValue db = schemaDb();
        long first = db.basisT();
        db = tx(db, add(ALICE, NAME, "alice"));
        db = tx(db, add(BOB, NAME, "bob"));
        assertEquals(2, list(db.txRange(first + 1, db.basisT())).size());
        assertEquals(4, list(db.txRange(first + 1, null)).size());
        // the bootstrap transaction is not in the log, as in Datomic
        assertEquals(0, list(DbValue.empty().txRange(null, null)).size());
    }

    private static List<Object> values(Iterable<Datom> it) {
        return list(it).stream().map(Datom::v).toList();
    }
}
