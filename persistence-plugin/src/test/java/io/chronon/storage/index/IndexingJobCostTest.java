package io.chronon.storage.index;

import io.chronon.db.DbValue;
import io.chronon.db.SameReads;
import io.chronon.edn.EdnReader;
import io.chronon.storage.memory.MemorySegmentStore;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an indexing job costs: the segments it writes depend on the novelty it merges, not on
 * the size of the database. The same novelty (ten small transactions) is indexed onto
 * databases of two sizes, 4x apart; the segments written are counted in the store.
 */
class IndexingJobCostTest {
    private static final int NOVELTY_TXS = 10;

    @Test
    void aJobWritesSegmentsForItsNoveltyNotForTheDatabase() throws IOException {
        Cost small = cost(10_000);
        Cost large = cost(40_000);
        System.out.println("indexing job cost: " + small + "; " + large);
        assertTrue(large.segments() > 3 * small.segments(), "the larger database is larger: " + small + ", " + large);
        // 4x the database, the same novelty: at most one more level of branches on each path
        assertTrue(large.written() < 2 * small.written(), "the job cost grew with the database: " + small + ", " + large);
        assertTrue(large.written() * 10 < large.segments(), "a job rewrote much of the database: " + large);
        for (Cost c : List.of(small, large)) {
            // each datom of novelty reaches at most 8 trees, and a merge writes a path per changed leaf
            assertTrue(c.written() <= 8L * c.noveltyDatoms() * c.depth(), c.toString());
        }
    }

    /** Novelty of ten transactions indexed onto a database of {@code people} people. */
    private static Cost cost(int people) throws IOException {
        long[] clock = {1_700_000_000_000L};
        TxOptions options = new TxOptions(() -> clock[0]++, Map.of());
        DbValue db = TxProcessor.transact(DbValue.empty(), (List<?>) EdnReader.read(History.SCHEMA), options).dbAfter();
        Random r = new Random(people);
        for (int from = 0; from < people; from += 1000) {
            StringBuilder tx = new StringBuilder("[");
            for (int id = from; id < from + 1000; id++) {
                tx.append("{:p/id ").append(id).append(" :p/name \"n").append(r.nextInt(10_000)).append("\" :p/tags [:t").append(r.nextInt(5))
                        .append("] :p/friend [{:p/id ").append(r.nextInt(Math.max(1, id))).append("}]}");
            }
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx.append("]").toString()), options).dbAfter();
        }
        try (MemorySegmentStore store = new MemorySegmentStore()) {
            TreeStorage storage = new TreeStorage(store, "db/cost", SegmentCache.ofMaxBytes(1 << 20), NodeLimits.ofEntries(64, 64));
            IndexRoots roots = IndexingJob.run(storage, null, db);
            int segments = store.list("db/cost").size();
            int datoms = db.size();
            DbValue before = db;
            for (int i = 0; i < NOVELTY_TXS; i++) {
                String tx = "[{:p/id " + r.nextInt(people) + " :p/name \"m" + i + "\"} [:db/retract [:p/id " + r.nextInt(people) + "] :p/tags :t"
                        + r.nextInt(5) + "] {:p/id " + (people + i) + " :p/name \"new\" :p/friend [{:p/id 1}]}]";
                db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), options).dbAfter();
            }
            int novelty = SameReads.all(db.txRange(before.basisT() + 1, null)).size();
            long start = System.nanoTime();
            IndexRoots next = IndexingJob.run(storage, roots, db);
            long micros = (System.nanoTime() - start) / 1000;
            assertEquals(db.basisT(), next.t());
            int written = store.list("db/cost").size() - segments;
            int depth = IndexTree.open(io.chronon.db.IndexType.EAVT, storage, next.root(io.chronon.db.IndexType.EAVT, true)).depth();
            return new Cost(datoms, segments, novelty, written, depth, micros);
        }
    }

    private record Cost(int datoms, int segments, int noveltyDatoms, int written, int depth, long micros) {
        @Override
        public String toString() {
            return datoms + " datoms in " + segments + " segments (EAVT depth " + depth + "): " + noveltyDatoms + " datoms of novelty wrote "
                    + written + " segments in " + micros / 1000 + " ms";
        }
    }
}
