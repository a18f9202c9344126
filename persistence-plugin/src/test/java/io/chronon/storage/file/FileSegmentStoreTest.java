package io.chronon.storage.file;

import io.chronon.storage.segment.MissingSegmentException;
import io.chronon.storage.segment.SegmentCodec;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import io.chronon.storage.segment.SegmentStoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The segment store contract on segment files, and what only files have: the layout on disk, a
 * write cut short by a crash, and a store opened again on the same directory.
 */
class FileSegmentStoreTest extends SegmentStoreContract {
    @TempDir
    Path dir;
    private FileSegmentStore store;

    @BeforeEach
    void open() throws Exception {
        store = new FileSegmentStore(dir, true);
    }

    @Override
    protected SegmentStore store() {
        return store;
    }

    @Override
    protected void rewriteStored(String database, SegmentId id, UnaryOperator<byte[]> change) throws Exception {
        store.sync(database);
        Path file = store.file(database, id);
        Files.write(file, change.apply(Files.readAllBytes(file)));
    }

    @Test
    void aSegmentIsOneFileUnderItsDatabaseAndTheFirstTwoDigitsOfItsId() throws Exception {
        byte[] bytes = nodeLike(5_000, 1);
        SegmentId id = store.put("db/1", bytes);
        Path file = dir.resolve("db%2F1").resolve(id.hex().substring(0, 2)).resolve(id.hex());
        assertFalse(Files.exists(file), "under its name only once synced");
        assertArrayEquals(bytes, store.get("db/1", id), "but readable at once");
        store.sync("db/1");
        assertTrue(Files.isRegularFile(file), file.toString());
        assertArrayEquals(SegmentCodec.encode(bytes), Files.readAllBytes(file));
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void aCrashBeforeTheRenameLeavesNoSegmentAndLaterPutsWork() throws Exception {
        String db = db("crash");
        byte[] bytes = nodeLike(8_000, 2);
        SegmentId id = SegmentId.of(bytes);
        Path file = store.file(db, id);
        Files.createDirectories(file.getParent());
        byte[] stored = SegmentCodec.encode(bytes);
        // the temporary file of a put that died before its rename, half written
        Path temp = file.resolveSibling(id.hex() + ".tmp-4242-1");
        Files.write(temp, Arrays.copyOf(stored, stored.length / 2));
        FileSegmentStore reopened = new FileSegmentStore(dir, true);
        assertFalse(reopened.contains(db, id));
        assertThrows(MissingSegmentException.class, () -> reopened.get(db, id));
        assertEquals(List.of(), reopened.list(db));
        assertEquals(id, reopened.put(db, bytes));
        assertArrayEquals(bytes, reopened.get(db, id));
        assertEquals(List.of(id), reopened.list(db));
        reopened.sync(db);
        assertArrayEquals(bytes, reopened.get(db, id));
        assertEquals(List.of(id), reopened.list(db));
    }

    @Test
    void aStoreOpenedAgainFindsWhatWasPut() throws Exception {
        String db = db("reopen");
        SegmentId a = store.put(db, nodeLike(70_000, 3));
        SegmentId b = store.put(db, random(70_000, 4));
        SegmentId c = store.put(db, new byte[0]);
        store.sync(db);
        store.close();
        FileSegmentStore reopened = new FileSegmentStore(dir, false);
        assertEquals(Set.of(a, b, c), Set.copyOf(reopened.list(db)));
        assertArrayEquals(nodeLike(70_000, 3), reopened.get(db, a));
        assertArrayEquals(random(70_000, 4), reopened.get(db, b));
        assertArrayEquals(new byte[0], reopened.get(db, c));
    }
}
