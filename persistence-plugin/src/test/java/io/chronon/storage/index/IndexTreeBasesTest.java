package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Db values split over durable index trees ({@link IndexTreeBases}, what core's suites run on
 * in this module): the bases really are deep trees read through a cache that evicts, every view
 * reads as the plain value, and a transaction of new datoms adds them without reading a segment
 * of a base, while one that retracts looks in the bases it must.
 */
class IndexTreeBasesTest {
    private static final String SCHEMA = "[{:db/ident :p/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}]";

    @Test
    void aValueSplitOverTreesReadsAsThePlainOneInEveryView() {
        DbValue plain = people(40);
        IndexTreeBases bases = new IndexTreeBases();
        long indexT = plain.basisT() - 5;
        DbValue layered = LayeredValues.split(plain, indexT, bases);
        List<UnaryOperator<DbValue>> views = List.of(db -> db, db -> db.asOf(indexT - 3), db -> db.since(indexT - 3), DbValue::history);
        for (UnaryOperator<DbValue> view : views) {
            for (IndexType type : IndexType.values()) {
                assertEquals(all(view.apply(plain).datoms(type)), all(view.apply(layered).datoms(type)), view.apply(plain) + " " + type);
            }
        }
        IndexTree eavt = new IndexTreeBases().base(IndexType.EAVT, true, toSet(plain.currentDatoms()));
        assertTrue(eavt.depth() >= 3, "deep trees: " + eavt);
        assertTrue(bases.cache().stats().evictionCount() > 100, "the cache evicts all the time: " + bases.cache().stats());
    }

    @Test
    void newDatomsAreAddedWithoutASegmentReadAndRetractionsLookInTheBase() {
        DbValue plain = people(40);
        IndexTreeBases bases = new IndexTreeBases();
        DbValue layered = LayeredValues.split(plain, plain.basisT(), bases);
        long friend = plain.entid(Keyword.of("p/friend"));
        long name = plain.entid(Keyword.of("p/name"));
        long t = plain.nextT();
        long person = plain.entid(List.of(Keyword.of("p/id"), 7L));
        List<Datom> assertions = List.of(
                new Datom(person, name, "renamed", Ids.tToTx(t), true),
                new Datom(person, friend, plain.entid(List.of(Keyword.of("p/id"), 9L)), Ids.tToTx(t), true));
        long before = bases.cache().stats().requestCount();
        DbValue after = layered.applyTransaction(t, assertions, t + 1, plain.nextDbCounter(), plain.lastTxInstant() + 1);
        assertEquals(before, bases.cache().stats().requestCount(), "datoms of the new transaction are added without a look in a base");
        assertEquals(all(plain.applyTransaction(t, assertions, t + 1, plain.nextDbCounter(), plain.lastTxInstant() + 1).datoms(IndexType.AVET)),
                all(after.datoms(IndexType.AVET)));

        Datom old = all(plain.datoms(IndexType.AEVT, name, person)).get(0);
        List<Datom> retraction = List.of(new Datom(person, name, old.v(), Ids.tToTx(t + 1), false));
        long beforeRetraction = bases.cache().stats().requestCount();
        after.applyTransaction(t + 1, retraction, t + 2, plain.nextDbCounter(), plain.lastTxInstant() + 2);
        assertTrue(bases.cache().stats().requestCount() > beforeRetraction, "a retraction finds its fact in the bases");
    }

    /**
     * The bases the factories of the real stores make (what the differential suites run on in
     * this module's build) are read from the store, not from a copy in memory: the same answers as
     * the plain value through the tiny cache, and once the store's segments are deleted, a read
     * that misses the cache fails with {@code :db.error/missing-segment}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"file", "cassandra"})
    void theBasesOfARealStoreAreReadFromIt(String kind) throws Exception {
        IndexTreeBases bases = kind.equals("file") ? new io.chronon.storage.file.FileIndexTreeBases()
                : new io.chronon.storage.cassandra.CassandraIndexTreeBases();
        DbValue plain = people(40);
        DbValue layered = LayeredValues.split(plain, plain.basisT() - 5, bases);
        long misses = bases.cache().stats().missCount();
        for (IndexType type : IndexType.values()) {
            assertEquals(all(plain.datoms(type)), all(layered.datoms(type)), kind + " " + type);
        }
        assertTrue(bases.cache().stats().missCount() - misses > 10, "reads miss the cache and go to the store: " + bases.cache().stats());

        for (var id : bases.store().list(bases.database())) {
            bases.store().delete(bases.database(), id);
        }
        bases.cache().clear();
        io.chronon.ChrononException e = org.junit.jupiter.api.Assertions.assertThrows(io.chronon.ChrononException.class,
                () -> all(layered.datoms(IndexType.AVET)));
        assertEquals(Keyword.of("db.error", "missing-segment"), e.code(), e.getMessage());
    }

    /** {@code n} people, each in a transaction of its own, with names and friends. */
    private static DbValue people(int n) {
        DbValue db = transact(DbValue.empty(), SCHEMA);
        for (int i = 0; i < n; i++) {
            db = transact(db, "[{:p/id " + i + " :p/name \"p" + i + "\" :p/friend [{:p/id " + (i * 7 % n) + "}]}]");
            if (i % 4 == 3) {
                db = transact(db, "[{:p/id " + (i - 2) + " :p/name \"again" + i + "\"}]");
            }
        }
        return db;
    }

    private static DbValue transact(DbValue db, String edn) {
        return TxProcessor.transact(db, (List<?>) EdnReader.read(edn), TxOptions.defaults()).dbAfter();
    }

    private static io.chronon.index.PersistentSortedSet<Datom> toSet(Iterable<Datom> eavt) {
        return io.chronon.index.PersistentSortedSet.fromSorted(IndexType.EAVT.comparator(), all(eavt));
    }

    private static List<Datom> all(Iterable<Datom> datoms) {
        List<Datom> out = new ArrayList<>();
        datoms.forEach(out::add);
        return out;
    }
}
