package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.IndexType;
import io.chronon.storage.segment.SegmentId;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored form of {@link IndexRoots}: it reads back exactly, and any damage fails the read by name. */
class IndexRootsTest {
    @Test
    void randomRootsReadBackExactly() {
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            IndexRoots roots = random(r);
            byte[] bytes = roots.encode();
            assertEquals(roots, IndexRoots.decode("db/x", bytes));
            assertArrayEquals(bytes, IndexRoots.decode("db/x", bytes).encode());
        }
    }

    @Test
    void nineRootsAndTheCountersTakeAFewHundredBytes() {
        IndexRoots full = random(new Random(1), false);
        assertEquals(4 + 1 + 32 + 9 * 21 + 4, full.encode().length);
    }

    @Test
    void everyDamagedByteAndEveryTruncationFailsNamingTheDatabase() {
        byte[] bytes = random(new Random(3), false).encode();
        for (int i = 0; i < bytes.length; i++) {
            for (int bit : new int[] {0, 7}) {
                byte[] damaged = bytes.clone();
                damaged[i] ^= (byte) (1 << bit);
                assertCorrupt(damaged, "checksum mismatch");
            }
        }
        for (int n = 0; n < bytes.length; n++) {
            assertCorrupt(Arrays.copyOf(bytes, n), "");
        }
    }

    @Test
    void anUnknownVersionOrAForeignRecordFailsEvenWithAValidChecksum() {
        byte[] bytes = random(new Random(4), false).encode();
        bytes[4] = 9;
        assertCorrupt(withChecksum(bytes), "unknown format version 9");
        byte[] foreign = random(new Random(4), false).encode();
        System.arraycopy("XXXX".getBytes(StandardCharsets.US_ASCII), 0, foreign, 0, 4);
        assertCorrupt(withChecksum(foreign), "not an index roots record");
    }

    @Test
    void aRecordNeedsEightIndexRootsAndALogRoot() {
        assertThrows(IllegalArgumentException.class, () -> new IndexRoots(1, 2, 3, 4, List.of(), List.of(), IndexRoot.EMPTY));
    }

    private static void assertCorrupt(byte[] bytes, String reason) {
        ChrononException e = assertThrows(ChrononException.class, () -> IndexRoots.decode("db/x", bytes));
        assertEquals(ErrorCategory.FAULT, e.category());
        assertTrue(e.getMessage().contains("database db/x") && e.getMessage().contains(reason), e.getMessage());
    }

    private static byte[] withChecksum(byte[] bytes) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        java.nio.ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    private static IndexRoots random(Random r) {
        return random(r, true);
    }

    private static IndexRoots random(Random r, boolean someEmpty) {
        List<IndexRoot> roots = new ArrayList<>();
        for (int i = 0; i < 2 * IndexType.values().length + 1; i++) {
            byte[] content = new byte[8];
            r.nextBytes(content);
            roots.add(someEmpty && r.nextInt(3) == 0 ? IndexRoot.EMPTY : IndexRoot.of(SegmentId.of(content)));
        }
        return new IndexRoots(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), roots.subList(0, 4), roots.subList(4, 8), roots.get(8));
    }
}
