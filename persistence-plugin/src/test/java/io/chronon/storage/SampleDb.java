package io.chronon.storage;

import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.ValueType;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A small db built with {@link DbValue#applyTransaction} (no transaction processor needed), and db comparison. */
public final class SampleDb {
    private SampleDb() {
    }

    /** A db with a schema, assertions, a cardinality-one update, a retraction and many value types. */
    public static DbValue sampleDb() {
        DbValue db = DbValue.empty();
        long t = Bootstrap.FIRST_T;
        long tx = Ids.tToTx(t);
        List<Datom> schema = new ArrayList<>();
        schema.add(new Datom(tx, Bootstrap.TX_INSTANT, new Date(1_700_000_000_000L), tx, true));
        long name = 72;
        long age = 73;
        long tags = 74;
        addAttr(schema, name, "person/name", ValueType.STRING, false, tx);
        addAttr(schema, age, "person/age", ValueType.LONG, false, tx);
        addAttr(schema, tags, "person/tags", ValueType.KEYWORD, true, tx);
        db = db.applyTransaction(t, schema, t + 1, 75, 1_700_000_000_000L);

        long ann = Ids.entid(Ids.PART_USER, 1001);
        long bob = Ids.entid(Ids.PART_USER, 1002);
        t = 1003;
        tx = Ids.tToTx(t);
        db = db.applyTransaction(t, List.of(
                new Datom(tx, Bootstrap.TX_INSTANT, new Date(1_700_000_001_000L), tx, true),
                new Datom(ann, name, "Ann", tx, true),
                new Datom(ann, age, 40L, tx, true),
                new Datom(ann, tags, Keyword.of("x"), tx, true),
                new Datom(bob, name, "Bob ✓", tx, true)), t + 1, 75, 1_700_000_001_000L);
        long t3 = 1004;
        long tx3 = Ids.tToTx(t3);
        db = db.applyTransaction(t3, List.of(
                new Datom(tx3, Bootstrap.TX_INSTANT, new Date(1_700_000_002_000L), tx3, true),
                new Datom(ann, age, 40L, tx3, false),
                new Datom(ann, age, 41L, tx3, true),
                new Datom(bob, name, "Bob ✓", tx3, false)), t3 + 5, 75, 1_700_000_002_000L);
        return db;
    }

    private static void addAttr(List<Datom> out, long id, String ident, ValueType type, boolean many, long tx) {
        out.add(new Datom(id, Bootstrap.IDENT, Keyword.of(ident), tx, true));
        out.add(new Datom(id, Bootstrap.VALUE_TYPE, type.id(), tx, true));
        out.add(new Datom(id, Bootstrap.CARDINALITY, many ? Bootstrap.CARDINALITY_MANY : Bootstrap.CARDINALITY_ONE, tx, true));
        out.add(new Datom(Ids.PART_DB, Bootstrap.INSTALL_ATTRIBUTE, id, tx, true));
    }

    public static List<Datom> all(Iterable<Datom> it) {
        List<Datom> l = new ArrayList<>();
        it.forEach(l::add);
        return l;
    }

    public static void assertSameDb(DbValue expected, DbValue actual) {
        assertEquals(expected.basisT(), actual.basisT());
        assertEquals(expected.nextT(), actual.nextT());
        assertEquals(expected.nextDbCounter(), actual.nextDbCounter());
        assertEquals(expected.lastTxInstant(), actual.lastTxInstant());
        for (IndexType index : IndexType.values()) {
            assertEquals(all(expected.datoms(index)), all(actual.datoms(index)), "current " + index);
            assertEquals(all(expected.history().datoms(index)), all(actual.history().datoms(index)), "history " + index);
        }
        assertEquals(all(expected.txRange(null, null)), all(actual.txRange(null, null)), "log");
        assertEquals(all(expected.asOf(1003L).datoms(IndexType.EAVT)), all(actual.asOf(1003L).datoms(IndexType.EAVT)), "as-of");
    }

}
