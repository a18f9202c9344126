package io.chronon.storage.segment;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stored form of a segment and the form of its id. */
class SegmentCodecTest {
    @Test
    void theIdIsTheFirst20BytesOfTheSha256InHex() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a3", SegmentId.of("abc".getBytes(StandardCharsets.UTF_8)).hex());
        assertNull(SegmentId.parse("ba7816bf8f01cfea414140de5dae2223b00361a3.tmp-1-2"));
        assertNull(SegmentId.parse("BA7816BF8F01CFEA414140DE5DAE2223B00361A3"));
        assertThrows(IllegalArgumentException.class, () -> new SegmentId("xyz"));
    }

    @Test
    void compressibleBytesShrinkAndIncompressibleOnesGrowOnlyByTheHeader() throws Exception {
        byte[] node = SegmentStoreContract.nodeLike(100_000, 1);
        byte[] stored = SegmentCodec.encode(node);
        assertTrue(stored.length < node.length / 3, "stored " + stored.length);
        assertArrayEquals(node, SegmentCodec.decode("db", SegmentId.of(node), stored));
        byte[] random = SegmentStoreContract.random(100_000, 2);
        assertEquals(random.length + SegmentCodec.HEADER, SegmentCodec.encode(random).length);
        assertEquals(SegmentCodec.HEADER, SegmentCodec.encode(new byte[0]).length);
    }

    @Test
    void extraBytesAfterTheCompressedPayloadAreCorruption() {
        byte[] node = SegmentStoreContract.nodeLike(10_000, 3);
        byte[] stored = SegmentCodec.encode(node);
        byte[] longer = Arrays.copyOf(stored, stored.length + 1);
        assertThrows(CorruptSegmentException.class, () -> SegmentCodec.decode("db", SegmentId.of(node), longer));
    }
}
