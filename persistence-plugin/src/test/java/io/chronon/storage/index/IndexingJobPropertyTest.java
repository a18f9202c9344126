package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.IndexedValue;
import io.chronon.db.SameReads;
import io.chronon.index.LayeredIndex;
import io.chronon.storage.memory.MemorySegmentStore;
import io.chronon.storage.segment.SegmentStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Random;
import java.util.TreeSet;

import static io.chronon.db.SameReads.assertSameReads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * Durable indexing differentially: random histories ({@link History}) are indexed at several
 * random t's in sequence, each {@link IndexingJob} merging onto the roots of the one before;
 * after each job a value is restored ({@link IndexRestore}, {@link io.chronon.storage.TxLogEntry#applyAll}) from the roots (read back from
 * their stored form) plus the log tail up to a later random point, in trees of tiny nodes
 * read through a cache of a few nodes, and every read of it is compared with the in-memory
 * value at that point ({@link io.chronon.db.SameReads}). Jobs run alternately from the in-memory value (its
 * log replayed onto the previous trees) and from a restored value (its novelty merged as it
 * is); both must name the same trees. Odd seeds store segments in files, even ones in memory.
 */
class IndexingJobPropertyTest {
    private static final int TXS = 240;
    private static final int JOBS = 5;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void valuesRestoredFromIndexedRootsAndALogTailReadAsTheValuesInMemory(long seed) throws Exception {
        Random r = new Random(seed);
        History history = new History(r, TXS, 40);
        int n = history.values.size() - 1;
        try (SegmentStore store = seed % 2 == 1 ? TreeStores.FILE.open(dir) : new MemorySegmentStore()) {
            TreeStorage storage = new TreeStorage(store, "db/jobs-" + seed, SegmentCache.ofMaxBytes(IndexTreeBases.CACHE_BYTES),
                    IndexTreeBases.TINY);
            TreeSet<Integer> points = new TreeSet<>();
            points.add(0);
            while (points.size() < JOBS) {
                points.add(1 + r.nextInt(n));
            }
            IndexRoots roots = null;
            int indexed = 0;
            for (int point : points) {
                String where = "seed " + seed + ", job at value " + point + " of " + n;
                DbValue plain = history.values.get(point);
                IndexRoots fromPlain = IndexingJob.run(storage, roots, plain);
                if (roots != null) {
                    DbValue layered = history.restored(storage, roots, indexed, point);
                    assertInstanceOf(LayeredIndex.class, IndexedValue.index(layered, IndexType.EAVT, true));
                    assertEquals(fromPlain, IndexingJob.run(storage, roots, layered), where + ": the job from a restored value");
                }
                roots = IndexRoots.decode(storage.database(), fromPlain.encode());
                indexed = point;
                assertEquals(plain.basisT(), roots.t(), where);
                assertTreesHold(plain, storage, roots, where);

                int to = point + r.nextInt(n - point + 1);
                DbValue restored = history.restored(storage, roots, point, to);
                assertSameReads(history.values.get(to), restored, new Random(r.nextLong()), where + ", restored at value " + to);
            }
            assertSameReads(history.values.get(n), history.restored(storage, roots, indexed, n), new Random(r.nextLong()), "seed " + seed + ", the last value");
        }
    }

    /** The trees a job names hold exactly the datoms of the value it indexed. */
    private static void assertTreesHold(DbValue db, TreeStorage storage, IndexRoots roots, String where) {
        for (IndexType type : IndexType.values()) {
            for (boolean current : new boolean[] {true, false}) {
                IndexTree tree = IndexTree.open(type, storage, roots.root(type, current));
                assertEquals(SameReads.all(IndexedValue.index(db, type, current)), SameReads.all((Iterable<Datom>) tree), where + ", " + (current ? "current " : "history ") + type);
            }
        }
    }
}
