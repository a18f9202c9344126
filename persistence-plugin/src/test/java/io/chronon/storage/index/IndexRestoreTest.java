package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.SameReads;
import io.chronon.edn.Keyword;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.memory.MemorySegmentStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edges of {@link IndexRestore}, {@link TxLogEntry#applyAll} and {@link IndexingJob}: missing segments, tails that start early or run backwards, old values. */
class IndexRestoreTest {
    private final History history = new History(new Random(11), 80, 20);
    private final MemorySegmentStore store = new MemorySegmentStore();
    private final TreeStorage storage = new TreeStorage(store, "db/restore", SegmentCache.ofMaxBytes(IndexTreeBases.CACHE_BYTES),
            IndexTreeBases.TINY);

    @Test
    void aMissingRootSegmentFailsTheRestoreNamingTheDatabaseAndTheSegment() throws Exception {
        int point = history.values.size() / 2;
        IndexRoots roots = IndexingJob.run(storage, null, history.values.get(point));
        IndexRoot avet = roots.root(IndexType.AVET, true);
        store.delete(storage.database(), avet.id());
        // a node that starts afresh: nothing cached
        TreeStorage elsewhere = new TreeStorage(store, storage.database(), SegmentCache.ofMaxBytes(IndexTreeBases.CACHE_BYTES), IndexTreeBases.TINY);
        ChrononException e = assertThrows(ChrononException.class,
                () -> history.restored(elsewhere, roots, point, history.values.size() - 1));
        assertEquals(Keyword.of("db.error", "missing-segment"), e.code());
        assertTrue(e.getMessage().contains("db/restore") && e.getMessage().contains(avet.id().hex()), e.getMessage());
    }

    @Test
    void aTailThatStartsBeforeTheRootsSkipsWhatTheTreesHoldAndOneThatRunsBackwardsFails() {
        int point = history.values.size() / 2;
        int last = history.values.size() - 1;
        DbValue indexed = history.values.get(point);
        IndexRoots roots = IndexingJob.run(storage, null, indexed);
        DbValue restored = TxLogEntry.applyAll(IndexRestore.at(storage, roots), history.tail(0, last));
        SameReads.assertSameReads(history.values.get(last), restored, new Random(1), "a tail from the first transaction");

        List<TxLogEntry> backwards = new ArrayList<>(history.tail(point, last));
        backwards.add(backwards.get(0));
        assertThrows(IllegalArgumentException.class, () -> TxLogEntry.applyAll(IndexRestore.at(storage, roots), backwards));
    }

    @Test
    void aJobAtTheRootsTReturnsThemAndOneOnAnOlderValueFails() {
        IndexRoots roots = IndexingJob.run(storage, null, history.values.get(10));
        assertSame(roots, IndexingJob.run(storage, roots, history.values.get(10)));
        assertThrows(IllegalArgumentException.class, () -> IndexingJob.run(storage, roots, history.values.get(9)));
        assertEquals(IndexingJob.bootstrap(storage), IndexingJob.run(storage, null, DbValue.empty()));
    }
}
