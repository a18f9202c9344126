package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;
import io.chronon.storage.segment.CorruptSegmentException;
import io.chronon.storage.segment.MissingSegmentException;
import io.chronon.storage.segment.SegmentException;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A segment missing from the store, or damaged in it, fails every read that reaches it (a range
 * ascending or descending across it, a seek, floor or membership test into it, a count through
 * it, opening a tree at it) with an error naming the database and the segment; it is never read
 * as an empty leaf. Reads that do not reach it still answer.
 */
class IndexTreeIntegrityTest {
    private static final String DB = "db/integrity";

    @TempDir
    Path dir;

    @Test
    void aMissingLeafFailsTheReadsThatCrossItNamingTheDatabaseAndTheSegment() throws Exception {
        try (SegmentStore store = TreeStores.MEMORY.open(dir)) {
            Damaged damaged = buildAndPickALeaf(store);
            store.delete(DB, damaged.leaf);
            IndexTree tree = reopen(store, damaged.tree);
            assertFailsNaming(() -> drain(tree.slice(null, null)), damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertFailsNaming(() -> drain(tree.rslice(null, null)), damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertFailsNaming(() -> tree.ceiling(damaged.first), damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertFailsNaming(() -> tree.floor(damaged.second), damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertFailsNaming(() -> tree.contains(damaged.first), damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertFailsNaming(() -> tree.count(damaged.second, null), damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertFailsNaming(() -> tree.merge(List.of(damaged.first.withTx(damaged.first.tx() + 1, true)), List.of()),
                    damaged.leaf, "missing-segment", MissingSegmentException.class);
            assertEquals(damaged.before, drain(tree.slice(null, damaged.beforeLast)), "a range short of the missing leaf still reads");
            assertFailsNaming(() -> IndexTree.open(IndexType.EAVT, storage(store), IndexRoot.of(damaged.leaf)),
                    damaged.leaf, "missing-segment", MissingSegmentException.class);
        }
    }

    @Test
    void aLeafFileOverwrittenWithGarbageFailsAsCorruptNamingTheDatabaseAndTheSegment() throws Exception {
        try (SegmentStore store = TreeStores.FILE.open(dir)) {
            Damaged damaged = buildAndPickALeaf(store);
            Path file = TreeStores.fileOf(dir, damaged.leaf);
            byte[] garbage = new byte[(int) Files.size(file)];
            new Random(3).nextBytes(garbage);
            Files.write(file, garbage);
            IndexTree tree = reopen(store, damaged.tree);
            assertFailsNaming(() -> drain(tree.slice(null, null)), damaged.leaf, "corrupt-segment", CorruptSegmentException.class);
            assertFailsNaming(() -> drain(tree.rslice(null, null)), damaged.leaf, "corrupt-segment", CorruptSegmentException.class);
            assertFailsNaming(() -> tree.ceiling(damaged.first), damaged.leaf, "corrupt-segment", CorruptSegmentException.class);
            assertFailsNaming(() -> tree.floor(damaged.second), damaged.leaf, "corrupt-segment", CorruptSegmentException.class);
            assertFailsNaming(() -> tree.contains(damaged.first), damaged.leaf, "corrupt-segment", CorruptSegmentException.class);
            assertEquals(damaged.before, drain(tree.slice(null, damaged.beforeLast)));
        }
    }

    @Test
    void aNodeOfAnotherIndexOrderIsNotReadAsOneOfThisOrder() throws Exception {
        try (SegmentStore store = TreeStores.MEMORY.open(dir)) {
            Damaged built = buildAndPickALeaf(store);
            TreeStorage fresh = storage(store);
            ChrononException e = assertThrows(ChrononException.class,
                    () -> IndexTree.open(IndexType.AVET, fresh, built.tree.root()));
            assertTrue(e.getMessage().contains("EAVT") && e.getMessage().contains(built.tree.root().id().hex()), e.getMessage());
        }
    }

    /** A tree, one leaf in its middle, that leaf's first two datoms, and the datoms before it. */
    private record Damaged(IndexTree tree, SegmentId leaf, Datom first, Datom second, List<Datom> before, Datom beforeLast) {
    }

    private Damaged buildAndPickALeaf(SegmentStore store) {
        TreeStorage storage = storage(store);
        List<Datom> data = new RandomDatoms(11, 300).sorted(IndexType.EAVT, 2_000);
        IndexTree tree = IndexTree.build(IndexType.EAVT, storage, data.iterator());
        assertTrue(tree.depth() >= 3, tree.toString());
        Node node = storage.read(TreeOrder.EAVT, tree.root().id());
        ChildRef leaf = null;
        while (node instanceof Node.Branch b) {
            leaf = b.children()[b.children().length / 2];
            node = storage.read(TreeOrder.EAVT, leaf.id());
        }
        int at = data.indexOf(leaf.first());
        List<Datom> before = new ArrayList<>(data.subList(0, at));
        return new Damaged(tree, leaf.id(), leaf.first(), data.get(at + 1), before, before.get(before.size() - 1));
    }

    /** The tree on a storage with a cold cache: reads go to the store. */
    private static IndexTree reopen(SegmentStore store, IndexTree tree) {
        return IndexTree.open(IndexType.EAVT, storage(store), tree.root());
    }

    private static TreeStorage storage(SegmentStore store) {
        return new TreeStorage(store, DB, SegmentCache.ofMaxBytes(1 << 20), NodeLimits.ofEntries(16, 8));
    }

    private static void assertFailsNaming(Runnable read, SegmentId id, String code, Class<? extends SegmentException> cause) {
        ChrononException e = assertThrows(ChrononException.class, read::run);
        assertTrue(e.getMessage().contains(DB) && e.getMessage().contains(id.hex()), e.getMessage());
        assertEquals(ErrorCategory.FAULT, e.category());
        assertEquals(Keyword.of("db.error", code), e.code());
        assertInstanceOf(cause, e.getCause());
        assertEquals(id, ((SegmentException) e.getCause()).id());
    }

    private static List<Datom> drain(Iterable<Datom> datoms) {
        List<Datom> list = new ArrayList<>();
        datoms.forEach(list::add);
        return list;
    }
}
