package io.chronon.storage.file;

import io.chronon.storage.journal.LogRecord;
import io.chronon.storage.journal.LogStore;
import io.chronon.storage.journal.PidWrite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileLogStoreTest {
    @TempDir
    Path dir;

    private static final String WRITER = UUID.randomUUID().toString();

    static LogRecord rec(long seq) {
        return new LogRecord(seq, 1000 + seq, WRITER, "", 1, "m", ("payload-" + seq).getBytes(StandardCharsets.UTF_8));
    }

    static void write(LogStore store, String pid, long from, long to) throws Exception {
        List<LogRecord> records = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            records.add(rec(s));
        }
        PidWrite w = new PidWrite(pid, records);
        store.append(List.of(w));
        w.done().get(10, TimeUnit.SECONDS);
    }

    static List<Long> seqs(LogStore store, String pid, long from, long to, long max) throws IOException {
        List<Long> out = new ArrayList<>();
        store.replay(pid, from, to, max, r -> {
            assertArrayEquals(("payload-" + r.seqNr()).getBytes(StandardCharsets.UTF_8), r.payload());
            assertEquals(WRITER, r.writerUuid());
            assertEquals(1000 + r.seqNr(), r.timestamp());
            out.add(r.seqNr());
        });
        return out;
    }

    static List<Long> range(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            l.add(s);
        }
        return l;
    }

    @Test
    void appendsReplayAndSurviveReopening() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            assertEquals(0, store.highestSequenceNr("db|a"));
            write(store, "db|a", 1, 3);
            write(store, "db|a", 4, 4);
            write(store, "other/ü id", 1, 2);
            assertEquals(4, store.highestSequenceNr("db|a"));
            assertEquals(range(1, 4), seqs(store, "db|a", 1, Long.MAX_VALUE, Long.MAX_VALUE));
            assertEquals(range(2, 3), seqs(store, "db|a", 2, 3, Long.MAX_VALUE));
            assertEquals(range(2, 3), seqs(store, "db|a", 2, Long.MAX_VALUE, 2));
        }
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            assertEquals(4, store.highestSequenceNr("db|a"));
            assertEquals(2, store.highestSequenceNr("other/ü id"));
            assertEquals(range(1, 4), seqs(store, "db|a", 0, Long.MAX_VALUE, Long.MAX_VALUE));
            write(store, "db|a", 5, 6);
            assertEquals(range(1, 6), seqs(store, "db|a", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void withoutFsyncWritesAreAcknowledgedAtOnceAndSurviveReopening() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 300, false)) {
            for (long s = 1; s <= 20; s++) {
                PidWrite w = new PidWrite("p", List.of(rec(s)));
                store.append(List.of(w));
                assertTrue(w.done().isDone(), "acknowledged on the caller's thread");
            }
            store.deleteTo("p", 5).get(10, TimeUnit.SECONDS);
            assertEquals(range(6, 20), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
        try (FileLogStore store = new FileLogStore(dir, 300, false)) {
            assertEquals(20, store.highestSequenceNr("p"));
            assertEquals(range(6, 20), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefused() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            assertThrows(IOException.class, () -> new FileLogStore(dir, 1 << 20, true));
        }
    }

    @Test
    void outOfOrderSequenceNumbersAreRefused() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            write(store, "p", 1, 2);
            ExecutionException e = assertThrows(ExecutionException.class, () -> write(store, "p", 2, 3));
            assertTrue(e.getCause() instanceof IllegalStateException);
            write(store, "p", 3, 3);
            assertEquals(range(1, 3), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    private Path onlySegment(String pid) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(PathNames.encode(pid)))) {
            List<Path> segs = files.filter(p -> p.toString().endsWith(".log")).sorted().toList();
            return segs.get(segs.size() - 1);
        }
    }

    @Test
    void aTornTailIsCutOffAndWritingGoesOn() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            write(store, "p", 1, 5);
        }
        Path seg = onlySegment("p");
        long goodSize = Files.size(seg);
        // a crash in the middle of a write: half a frame at the end
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, 0, 50, 1, 2, 3}));
        }
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            assertEquals(5, store.highestSequenceNr("p"));
            assertEquals(goodSize, Files.size(seg));
            write(store, "p", 6, 7);
            assertEquals(range(1, 7), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void theActiveSegmentIsPreallocatedAndTheZerosAreCutAtOpenAsAfterAKill() throws Exception {
        Path copy = dir.resolve("copy");
        long dataEnd;
        try (FileLogStore store = new FileLogStore(dir.resolve("live"), 1 << 20, true)) {
            write(store, "p", 1, 3);
            Path seg = segmentOf(dir.resolve("live"), "p");
            long size = Files.size(seg);
            assertTrue(size >= FileLogStore.PREALLOCATE, "preallocated ahead of the data: " + size);
            // reads stop at the zeros
            assertEquals(range(1, 3), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
            // what a kill -9 leaves: the file as it is now, zeros and all
            Files.createDirectories(copy.resolve("p"));
            Files.copy(seg, copy.resolve("p").resolve(seg.getFileName()));
            write(store, "p", 4, 4);
        }
        // closing cuts the zeros off
        Path seg = segmentOf(dir.resolve("live"), "p");
        try (FileLogStore store = new FileLogStore(dir.resolve("live"), 1 << 20, true)) {
            assertEquals(4, store.highestSequenceNr("p"));
        }
        dataEnd = Files.size(seg);
        assertTrue(dataEnd < FileLogStore.PREALLOCATE, "closed segments end at their last record: " + dataEnd);
        try (FileLogStore store = new FileLogStore(copy, 1 << 20, true)) {
            assertEquals(3, store.highestSequenceNr("p"));
            assertTrue(Files.size(segmentOf(copy, "p")) < FileLogStore.PREALLOCATE, "the zeros were cut off at open");
            write(store, "p", 4, 6);
            assertEquals(range(1, 6), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
        try (FileLogStore store = new FileLogStore(copy, 1 << 20, true)) {
            assertEquals(range(1, 6), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    private static Path segmentOf(Path root, String pid) throws IOException {
        try (Stream<Path> files = Files.list(root.resolve(PathNames.encode(pid)))) {
            return files.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
    }

    @Test
    void aCorruptLastRecordIsCutOff() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            write(store, "p", 1, 3);
        }
        Path seg = onlySegment("p");
        byte[] bytes = Files.readAllBytes(seg);
        bytes[bytes.length - 2] ^= 0x55; // inside the payload of record 3
        Files.write(seg, bytes);
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            assertEquals(2, store.highestSequenceNr("p"));
            assertEquals(range(1, 2), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    /**
     * A bit flipped in an acknowledged record with acknowledged records after it: the log is
     * not opened (before: cut silently at the damage, dropping records 3 to 5); the operator
     * may choose to cut it.
     */
    @Test
    void damageBeforeGoodRecordsIsRefusedUnlessTheOperatorChoosesToCut() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            write(store, "p", 1, 5);
        }
        Path seg = onlySegment("p");
        byte[] bytes = Files.readAllBytes(seg);
        int third = recordStart(bytes, 3);
        bytes[third + 8 + 10] ^= 0x55; // inside the body of record 3 of 5
        Files.write(seg, bytes);
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            CorruptLogException e = assertThrows(CorruptLogException.class, () -> store.highestSequenceNr("p"));
            assertTrue(e.getMessage().contains("bad record at byte " + third), e.getMessage());
            assertTrue(e.getMessage().contains("sequence number 4"), e.getMessage());
        }
        assertEquals(bytes.length, Files.size(seg), "nothing was cut");
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true, true)) {
            assertEquals(2, store.highestSequenceNr("p"));
            write(store, "p", 3, 3);
            assertEquals(range(1, 3), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    /**
     * An Error while writing (out of memory, here one thrown by the records themselves) fails
     * that write and nothing else: the writer thread goes on. Before, it ended the thread and
     * every later write waited forever.
     */
    @Test
    void anErrorWhileWritingFailsThatWriteAndTheJournalGoesOn() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            write(store, "p", 1, 2);
            List<LogRecord> poisoned = new java.util.AbstractList<>() {
                @Override
                public LogRecord get(int index) {
                    throw new OutOfMemoryError("simulated: no memory for record " + index);
                }

                @Override
                public int size() {
                    return 1;
                }
            };
            PidWrite bad = new PidWrite("p", poisoned);
            store.append(List.of(bad));
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> bad.done().get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof IOException, String.valueOf(e.getCause()));
            write(store, "p", 3, 4);
            write(store, "q", 1, 1);
            assertEquals(range(1, 4), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            assertEquals(range(1, 4), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    /** The byte offset of the {@code n}-th record (1-based) of a segment. */
    private static int recordStart(byte[] segment, int n) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(segment);
        int pos = 8;
        for (int i = 1; i < n; i++) {
            pos += 8 + b.getInt(pos);
        }
        return pos;
    }

    @Test
    void segmentsRollAndReadsCrossThem() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 200, true)) {
            for (long s = 1; s <= 40; s++) {
                write(store, "p", s, s);
            }
            long segments;
            try (Stream<Path> files = Files.list(dir.resolve("p"))) {
                segments = files.filter(p -> p.toString().endsWith(".log")).count();
            }
            assertTrue(segments > 5, "segments: " + segments);
            assertEquals(range(1, 40), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
            assertEquals(range(17, 23), seqs(store, "p", 17, 23, Long.MAX_VALUE));
        }
        try (FileLogStore store = new FileLogStore(dir, 200, true)) {
            assertEquals(40, store.highestSequenceNr("p"));
            assertEquals(range(30, 40), seqs(store, "p", 30, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void deleteToHidesEntriesAndKeepsTheHighestSequenceNumber() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 200, true)) {
            for (long s = 1; s <= 30; s++) {
                write(store, "p", s, s);
            }
            store.deleteTo("p", 25).get(10, TimeUnit.SECONDS);
            assertEquals(range(26, 30), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
            store.deleteTo("p", 100).get(10, TimeUnit.SECONDS);
            assertEquals(List.of(), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
            assertEquals(30, store.highestSequenceNr("p"));
        }
        try (FileLogStore store = new FileLogStore(dir, 200, true)) {
            assertEquals(30, store.highestSequenceNr("p"));
            write(store, "p", 31, 31);
            assertEquals(List.of(31L), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void purgeRemovesEverything() throws Exception {
        try (FileLogStore store = new FileLogStore(dir, 1 << 20, true)) {
            write(store, "p", 1, 3);
            store.purge("p").get(10, TimeUnit.SECONDS);
            assertEquals(0, store.highestSequenceNr("p"));
            assertTrue(Files.notExists(dir.resolve("p")));
            write(store, "p", 1, 1);
            assertEquals(List.of(1L), seqs(store, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE));
        }
    }

    @Test
    void concurrentWritersToManyLogsAreAllDurableAndOrdered() throws Exception {
        int logs = 8;
        int perLog = 300;
        try (FileLogStore store = new FileLogStore(dir, 4096, true)) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int l = 0; l < logs; l++) {
                String pid = "db-" + l;
                Thread t = new Thread(() -> {
                    for (long s = 1; s <= perLog; s++) {
                        PidWrite w = new PidWrite(pid, List.of(rec(s)));
                        synchronized (all) {
                            all.add(w.done());
                        }
                        store.append(List.of(w));
                        // readers may run while the writer appends
                        if (s % 50 == 0) {
                            try {
                                long n = store.replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> { });
                                assertTrue(n <= s);
                            } catch (IOException e) {
                                throw new RuntimeException(e);
                            }
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        }
        try (FileLogStore store = new FileLogStore(dir, 4096, true)) {
            for (int l = 0; l < logs; l++) {
                assertEquals(range(1, perLog), seqs(store, "db-" + l, 1, Long.MAX_VALUE, Long.MAX_VALUE));
            }
        }
    }

    @Test
    void pathNamesRoundTrip() {
        for (String pid : List.of("chronon-db|people|0a1b", "a/b\\c", ".hidden", "ünï ✓", "plain-name_1.2")) {
            String enc = PathNames.encode(pid);
            assertTrue(enc.matches("[A-Za-z0-9._%-]+") && !enc.startsWith("."), enc);
            assertEquals(pid, PathNames.decode(enc));
        }
    }
}
