package io.chronon.storage.segment;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract every {@link SegmentStore} keeps, run against each implementation by a subclass
 * (file, memory, Cassandra): round trips of segments of every size and kind of content, idempotent
 * puts, a missing and a damaged segment each failing with its own error naming the database and
 * the segment, deletion, listing per database, isolation of databases, and many threads at once.
 * Each test uses databases of its own, so the suite may share one store.
 */
public abstract class SegmentStoreContract {
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** The store under test. */
    protected abstract SegmentStore store();

    /** Replaces the stored form of segment {@code id} of {@code database} by {@code change} of it (damage). */
    protected abstract void rewriteStored(String database, SegmentId id, UnaryOperator<byte[]> change) throws Exception;

    /** A database name unique to this test run (with characters a file name could not hold). */
    protected String db(String name) {
        return "db/" + name + ":" + run;
    }

    /** Random bytes: incompressible. */
    protected static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Bytes like an index node: sorted, repetitive, compressible. */
    protected static byte[] nodeLike(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 64);
        long e = r.nextInt(1_000_000);
        while (sb.length() < size) {
            e += r.nextInt(3);
            sb.append("[").append(e).append(" :person/name \"name-").append(r.nextInt(1000)).append("\" ")
                    .append(13194139534312L + r.nextInt(100)).append(" true]\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void segmentsOfEverySizeAndContentComeBackAsTheyWere() throws Exception {
        String db = db("round-trip");
        Random r = new Random(1);
        List<byte[]> contents = new ArrayList<>(List.of(new byte[0], new byte[] {42}, random(15, 2), random(16, 3),
                nodeLike(17, 4), nodeLike(4096, 5), random(65_536, 6), nodeLike(1 << 20, 7), random(1 << 20, 8)));
        for (int i = 0; i < 150; i++) {
            int size = r.nextInt(i % 10 == 0 ? 200_000 : 5_000);
            contents.add(i % 2 == 0 ? random(size, 100 + i) : nodeLike(size, 100 + i));
        }
        Map<SegmentId, byte[]> put = new HashMap<>();
        for (byte[] bytes : contents) {
            SegmentId id = store().put(db, bytes);
            assertEquals(SegmentId.of(bytes), id, "the id is the hash of the content");
            put.put(id, bytes);
        }
        for (Map.Entry<SegmentId, byte[]> e : put.entrySet()) {
            assertArrayEquals(e.getValue(), store().get(db, e.getKey()), "segment " + e.getKey());
            assertTrue(store().contains(db, e.getKey()));
        }
        assertEquals(put.keySet(), Set.copyOf(store().list(db)));
    }

    @Test
    void puttingTheSameBytesAgainGivesTheSameIdAndOneSegment() throws Exception {
        String db = db("idempotent");
        byte[] bytes = nodeLike(10_000, 1);
        SegmentId first = store().put(db, bytes);
        SegmentId second = store().put(db, bytes.clone());
        assertEquals(first, second);
        assertEquals(List.of(first), store().list(db));
        assertArrayEquals(bytes, store().get(db, first));
    }

    @Test
    void distinctContentHasDistinctIds() throws Exception {
        String db = db("distinct");
        byte[] a = nodeLike(5_000, 1);
        byte[] b = a.clone();
        b[4_999] ^= 1;
        Set<SegmentId> ids = new HashSet<>();
        for (byte[] bytes : List.of(a, b, new byte[0], new byte[1], new byte[2])) {
            ids.add(store().put(db, bytes));
        }
        assertEquals(5, ids.size());
        assertNotEquals(store().get(db, SegmentId.of(a))[4_999], store().get(db, SegmentId.of(b))[4_999]);
    }

    @Test
    void aMissingSegmentFailsNamingTheDatabaseAndTheSegment() throws Exception {
        String db = db("missing");
        store().put(db, nodeLike(100, 1));
        SegmentId absent = SegmentId.of("never stored".getBytes(StandardCharsets.UTF_8));
        MissingSegmentException e = assertThrows(MissingSegmentException.class, () -> store().get(db, absent));
        assertNames(e, db, absent);
        assertFalse(store().contains(db, absent));
        assertThrows(MissingSegmentException.class, () -> store().get(db("never-written"), absent));
    }

    @Test
    void aDamagedSegmentFailsAsCorruptNamingTheDatabaseAndTheSegment() throws Exception {
        String db = db("corrupt");
        Map<String, UnaryOperator<byte[]>> damages = new LinkedHashMap<>();
        damages.put("a flipped payload byte", s -> flip(s, s.length - 1));
        damages.put("a flipped version", s -> flip(s, 0));
        damages.put("a flipped length", s -> flip(s, 4));
        damages.put("a flipped checksum", s -> flip(s, 7));
        damages.put("truncated", s -> Arrays.copyOf(s, s.length / 2));
        damages.put("emptied", s -> new byte[0]);
        int seed = 0;
        for (Map.Entry<String, UnaryOperator<byte[]>> damage : damages.entrySet()) {
            for (byte[] bytes : List.of(nodeLike(20_000, ++seed), random(3_000, ++seed))) {
                SegmentId id = store().put(db, bytes);
                rewriteStored(db, id, damage.getValue());
                CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> store().get(db, id), damage.getKey());
                assertNames(e, db, id);
            }
        }
    }

    @Test
    void aSegmentHoldingAnotherSegmentsBytesFailsAsCorrupt() throws Exception {
        String db = db("swapped");
        SegmentId a = store().put(db, nodeLike(2_000, 1));
        byte[] b = nodeLike(2_000, 2);
        byte[] storedB = SegmentCodec.encode(b);
        rewriteStored(db, a, s -> storedB);
        CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> store().get(db, a));
        assertNames(e, db, a);
        assertTrue(e.getMessage().contains("hash"), e.getMessage());
    }

    @Test
    void aDeletedSegmentIsMissing() throws Exception {
        String db = db("delete");
        SegmentId kept = store().put(db, nodeLike(1_000, 1));
        SegmentId gone = store().put(db, nodeLike(1_000, 2));
        store().delete(db, gone);
        assertThrows(MissingSegmentException.class, () -> store().get(db, gone));
        assertFalse(store().contains(db, gone));
        assertEquals(List.of(kept), store().list(db));
        store().delete(db, gone);
        store().delete(db("never-written"), gone);
        assertEquals(gone, store().put(db, nodeLike(1_000, 2)), "a deleted segment may be stored again");
        assertArrayEquals(nodeLike(1_000, 2), store().get(db, gone));
    }

    @Test
    void databasesAreSeparate() throws Exception {
        String one = db("one");
        String two = db("two");
        byte[] shared = nodeLike(3_000, 1);
        SegmentId s = store().put(one, shared);
        assertEquals(s, store().put(two, shared));
        SegmentId onlyOne = store().put(one, nodeLike(3_000, 2));
        SegmentId onlyTwo = store().put(two, random(3_000, 3));
        assertEquals(Set.of(s, onlyOne), Set.copyOf(store().list(one)));
        assertEquals(Set.of(s, onlyTwo), Set.copyOf(store().list(two)));
        assertThrows(MissingSegmentException.class, () -> store().get(two, onlyOne));
        assertFalse(store().contains(one, onlyTwo));
        store().delete(one, s);
        assertArrayEquals(shared, store().get(two, s), "deleting from one database leaves the other's copy");
        assertEquals(List.of(), store().list(db("empty")));
    }

    @Test
    void manyThreadsPutAndGetAtOnce() throws Exception {
        String db = db("concurrent");
        int threads = 6;
        int perThread = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<SegmentId, byte[]>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    Map<SegmentId, byte[]> mine = new HashMap<>();
                    for (int i = 0; i < perThread; i++) {
                        // every third segment is put by every thread at once
                        long seed = i % 3 == 0 ? i : 1_000L * (thread + 1) + i;
                        byte[] bytes = i % 2 == 0 ? nodeLike(1_000 + 97 * i, seed) : random(500 + 31 * i, seed);
                        SegmentId id = store().put(db, bytes);
                        mine.put(id, bytes);
                        assertArrayEquals(bytes, store().get(db, id));
                    }
                    for (Map.Entry<SegmentId, byte[]> e : mine.entrySet()) {
                        assertArrayEquals(e.getValue(), store().get(db, e.getKey()));
                    }
                    return mine;
                }));
            }
            Map<SegmentId, byte[]> all = new HashMap<>();
            for (Future<Map<SegmentId, byte[]>> f : results) {
                all.putAll(f.get(120, TimeUnit.SECONDS));
            }
            assertEquals(all.keySet(), Set.copyOf(store().list(db)));
            assertEquals(threads * (perThread - 14) + 14, all.size());
            for (Map.Entry<SegmentId, byte[]> e : all.entrySet()) {
                assertArrayEquals(e.getValue(), store().get(db, e.getKey()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    protected static byte[] flip(byte[] stored, int position) {
        stored[position] ^= (byte) 0xFF;
        return stored;
    }

    private static void assertNames(IOException e, String db, SegmentId id) {
        assertTrue(e.getMessage().contains(db) && e.getMessage().contains(id.hex()), e.getMessage());
        SegmentException s = (SegmentException) e;
        assertEquals(db, s.database());
        assertEquals(id, s.id());
    }
}
