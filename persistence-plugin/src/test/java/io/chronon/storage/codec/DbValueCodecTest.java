package io.chronon.storage.codec;

import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.ValueType;
import io.chronon.edn.Keyword;
import io.chronon.edn.EdnReader;
import io.chronon.storage.SampleDb;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DbValueCodecTest {

    @Test
    void emptyDbRoundTrips() {
        DbValue back = DbValueCodec.decode(DbValueCodec.encode(DbValue.empty()));
        SampleDb.assertSameDb(DbValue.empty(), back);
    }

    @Test
    void aDbWithSchemaDataAndRetractionsRoundTrips() {
        DbValue db = SampleDb.sampleDb();
        DbValue back = DbValueCodec.decode(DbValueCodec.encode(db));
        SampleDb.assertSameDb(db, back);
        assertNotNull(back.attribute(Keyword.of("person/tags")));
        assertEquals(db.attribute(Keyword.of("person/tags")).many(), back.attribute(Keyword.of("person/tags")).many());
    }

    @Test
    void corruptSnapshotsAreRejected() {
        byte[] bytes = DbValueCodec.encode(SampleDb.sampleDb());
        bytes[0] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> DbValueCodec.decode(bytes));
        byte[] cut = java.util.Arrays.copyOf(DbValueCodec.encode(SampleDb.sampleDb()), 40);
        assertThrows(IllegalArgumentException.class, () -> DbValueCodec.decode(cut));
    }

    /** Transactions with every way a datom leaves the current set: retraction, update, noHistory, renamed idents, retractEntity. */
    static DbValue transactedDb(int people) {
        long[] clock = {1_700_000_000_000L};
        TxOptions options = new TxOptions(() -> clock[0] += 1000, java.util.Map.of());
        DbValue db = DbValue.empty();
        for (String tx : List.of(
                "[{:db/ident :p/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
                        + " {:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
                        + " {:db/ident :p/secret :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/noHistory true}"
                        + " {:db/ident :p/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}"
                        + " {:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}]")) {
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), options).dbAfter();
        }
        for (int i = 0; i < people; i++) {
            String tx = "[{:p/id " + i + " :p/name \"n" + i + "\" :p/secret \"s" + i + "\" :p/tags [:a :b]"
                    + (i > 0 ? " :p/friend [[:p/id " + (i - 1) + "]]" : "") + "}]";
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), options).dbAfter();
        }
        for (int i = 0; i < people; i += 3) {
            String tx = "[{:p/id " + i + " :p/name \"renamed" + i + "\" :p/secret \"t" + i + "\"} [:db/retract [:p/id " + i + "] :p/tags :a]]";
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), options).dbAfter();
        }
        db = TxProcessor.transact(db, (List<?>) EdnReader.read("[[:db/retractEntity [:p/id 1]]]"), options).dbAfter();
        db = TxProcessor.transact(db, (List<?>) EdnReader.read("[{:db/id :p/tags :db/ident :p/labels}]"), options).dbAfter();
        return db;
    }

    @Test
    void aTransactedDbRoundTripsWithoutReplay() {
        DbValue db = transactedDb(60);
        DbValue back = DbValueCodec.decode(DbValueCodec.encode(db));
        SampleDb.assertSameDb(db, back);
        assertEquals(db.schema().idents(), back.schema().idents());
        assertEquals(db.entid(Keyword.of("p/tags")), back.entid(Keyword.of("p/tags")), "a retired ident still resolves");
        assertEquals(db.attribute(Keyword.of("p/secret")), back.attribute(Keyword.of("p/secret")));
        // the restored value transacts like the original
        List<?> next = (List<?>) EdnReader.read("[{:p/id 2 :p/name \"again\"} {:p/id 1000 :p/labels :z}]");
        TxOptions options = new TxOptions(() -> 1_800_000_000_000L, java.util.Map.of());
        assertEquals(TxProcessor.transact(db, next, options).txData(), TxProcessor.transact(back, next, options).txData());
    }

    @Test
    void snapshotsOfTheFirstFormatAreStillRead() {
        DbValue db = transactedDb(20);
        DbValue back = DbValueCodec.decode(encodeFirstFormat(db));
        SampleDb.assertSameDb(db, back);
    }

    /** What DbValueCodec wrote before "CDB2": the log only, replayed on read. */
    private static byte[] encodeFirstFormat(DbValue db) {
        ByteWriter out = new ByteWriter(1024);
        out.writeInt(0x43444231);
        out.writeVarLong(db.basisT());
        out.writeVarLong(db.nextT());
        out.writeVarLong(db.nextDbCounter());
        out.writeVarLong(db.lastTxInstant());
        List<Datom> group = new ArrayList<>();
        for (Datom d : db.txRange(Bootstrap.BOOTSTRAP_T + 1, null)) {
            if (!group.isEmpty() && group.get(0).tx() != d.tx()) {
                writeGroup(out, group);
            }
            group.add(d);
        }
        writeGroup(out, group);
        out.writeVarInt(0);
        return out.toByteArray();
    }

    private static void writeGroup(ByteWriter out, List<Datom> group) {
        out.writeVarInt(group.size());
        out.writeVarLong(Ids.txToT(group.get(0).tx()));
        ValueCodec.writeDatomBodies(out, group, group.get(0).tx());
        group.clear();
    }
}
