package io.chronon.storage.cassandra;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.storage.journal.LogRecord;
import io.chronon.storage.journal.PidWrite;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Cassandra log store on a real Cassandra, beyond the storage contract: fencing between two
 * nodes writing one log (two driver sessions), logs spanning many partitions, and the order of
 * the writes of one log. Partitions are tiny here (7 entries), so writes cross them often.
 */
@ExtendWith(SharedCassandra.class)
class CassandraLogStoreTest {
    static final String KEYSPACE = "chronon_logstore";
    static final long PARTITION = 7;
    static ExtendedActorSystem nodeA;
    static ExtendedActorSystem nodeB;
    static CassandraLogStore a;
    static CassandraLogStore b;

    @BeforeAll
    static void start() {
        String extra = "chronon.storage.cassandra.partition-size = " + PARTITION;
        nodeA = CassandraNodes.start("node-a", KEYSPACE, extra);
        nodeB = CassandraNodes.start("node-b", KEYSPACE, extra);
        a = new CassandraLogStore(nodeA, nodeA.settings().config().getConfig("chronon.cassandra.journal"));
        b = new CassandraLogStore(nodeB, nodeB.settings().config().getConfig("chronon.cassandra.journal"));
    }

    @AfterAll
    static void stop() throws Exception {
        CassandraNodes.stop(nodeA);
        CassandraNodes.stop(nodeB);
    }

    private static String pid(String name) {
        return "chronon-db|" + name + "|" + UUID.randomUUID();
    }

    private static LogRecord record(long seqNr, String writer, String text) {
        return new LogRecord(seqNr, System.currentTimeMillis(), writer, "", 4, "", text.getBytes(StandardCharsets.UTF_8));
    }

    /** A write of {@code count} entries from {@code from}, each payload naming the writer and the attempt. */
    private static PidWrite write(String pid, long from, int count, String writer, int attempt) {
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(record(from + i, writer, writer + "/" + attempt + "/" + (from + i)));
        }
        return new PidWrite(pid, records, new CompletableFuture<>());
    }

    private static Map<Long, LogRecord> readAll(CassandraLogStore store, String pid) throws Exception {
        Map<Long, LogRecord> out = new HashMap<>();
        List<Long> order = new ArrayList<>();
        store.replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> {
            order.add(r.seqNr());
            out.put(r.seqNr(), r);
        });
        for (int i = 0; i < order.size(); i++) {
            assertEquals(i + 1, order.get(i), "replay gives every sequence number once, in order");
        }
        return out;
    }

    private static List<Long> seqNrs(CassandraLogStore store, String pid) throws Exception {
        List<Long> out = new ArrayList<>();
        store.replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> out.add(r.seqNr()));
        return out;
    }

    private static Throwable failureOf(PidWrite w) throws Exception {
        try {
            w.done().get(60, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void twoNodesWritingOneLogNeverBothStoreAnEntryAndAcknowledgedWritesReadBackExactly() throws Exception {
        String pid = pid("contested");
        Random random = new Random(7);
        List<PidWrite> acked = new ArrayList<>();
        List<PidWrite> failed = new ArrayList<>();
        int staleRejected = 0;
        long previousHighest = 0;
        for (int round = 0; round < 40; round++) {
            // both nodes see the end of the log, then both append there at once (a race of two writers);
            // every fifth round node B writes from an end it read a round earlier (a writer paused meanwhile)
            long seenByA = a.highestSequenceNr(pid);
            long seenByB = round % 5 == 4 ? previousHighest : b.highestSequenceNr(pid);
            PidWrite fromA = write(pid, seenByA + 1, 1 + random.nextInt(4), "A", round);
            PidWrite fromB = write(pid, seenByB + 1, 1 + random.nextInt(4), "B", round);
            a.append(List.of(fromA));
            b.append(List.of(fromB));
            for (PidWrite w : List.of(fromA, fromB)) {
                Throwable error = failureOf(w);
                if (error == null) {
                    acked.add(w);
                } else {
                    failed.add(w);
                    ChrononException conflict = assertInstanceOf(ChrononException.class, error, "a lost race is a conflict: " + error);
                    assertEquals(ErrorCategory.CONFLICT, conflict.category());
                    assertTrue(conflict.getMessage().contains("this writer is stale"), conflict.getMessage());
                }
            }
            if (round % 5 == 4 && seenByB < seenByA) {
                assertTrue(failed.contains(fromB), "a writer behind the log's end cannot write");
                staleRejected++;
            }
            previousHighest = seenByA;
        }
        assertTrue(staleRejected > 0 && !acked.isEmpty() && failed.size() >= staleRejected,
                acked.size() + " acknowledged, " + failed.size() + " failed");

        Map<Long, LogRecord> stored = readAll(a, pid);
        assertEquals(stored.size(), a.highestSequenceNr(pid), "the log is contiguous and its end is found across partitions");
        assertEquals(stored.size(), b.highestSequenceNr(pid));
        long acknowledgedEntries = 0;
        for (PidWrite w : acked) {
            for (LogRecord r : w.records()) {
                LogRecord back = stored.get(r.seqNr());
                assertArrayEquals(r.payload(), back.payload(), "acknowledged entry " + r.seqNr() + " reads back as written");
                assertEquals(r.writerUuid(), back.writerUuid());
                acknowledgedEntries++;
            }
        }
        assertEquals(stored.size(), acknowledgedEntries, "every stored entry belongs to an acknowledged write");
        for (PidWrite w : failed) {
            for (LogRecord r : w.records()) {
                LogRecord back = stored.get(r.seqNr());
                assertTrue(back == null || !new String(back.payload(), StandardCharsets.UTF_8)
                        .equals(new String(r.payload(), StandardCharsets.UTF_8)), "nothing of a failed write is stored: " + r.seqNr());
            }
        }
        System.out.printf("two writers, 40 rounds: %d writes acknowledged, %d rejected (%d of a stale writer), %d entries%n",
                acked.size(), failed.size(), staleRejected, stored.size());
    }

    @Test
    void twoNodesRacingFreelyLeaveOneContiguousLogOfAcknowledgedWrites() throws Exception {
        String pid = pid("free-race");
        List<PidWrite> acked = new ArrayList<>();
        List<PidWrite> failed = new ArrayList<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (CassandraLogStore store : List.of(a, b)) {
            String name = store == a ? "A" : "B";
            writers.add(CompletableFuture.runAsync(() -> {
                Random random = new Random(name.hashCode());
                for (int attempt = 0; attempt < 30; attempt++) {
                    try {
                        PidWrite w = write(pid, store.highestSequenceNr(pid) + 1, 1 + random.nextInt(9), name, attempt);
                        store.append(List.of(w));
                        Throwable error = failureOf(w);
                        synchronized (acked) {
                            (error == null ? acked : failed).add(w);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }
            }));
        }
        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);

        Map<Long, LogRecord> stored = readAll(b, pid);
        assertEquals(stored.size(), a.highestSequenceNr(pid));
        long acknowledgedEntries = 0;
        for (PidWrite w : acked) {
            for (LogRecord r : w.records()) {
                assertArrayEquals(r.payload(), stored.get(r.seqNr()).payload(), "acknowledged entry " + r.seqNr());
                acknowledgedEntries++;
            }
        }
        // a failed write that crossed a partition may have stored its first part (whole entries, a prefix)
        for (PidWrite w : failed) {
            long bucket = -1;
            boolean partStored = false;
            boolean partMissing = false;
            for (LogRecord r : w.records()) {
                LogRecord back = stored.get(r.seqNr());
                boolean mine = back != null && new String(back.payload(), StandardCharsets.UTF_8)
                        .equals(new String(r.payload(), StandardCharsets.UTF_8));
                if (r.seqNr() / PARTITION != bucket) {
                    partMissing |= bucket >= 0 && !partStored;
                    bucket = r.seqNr() / PARTITION;
                    partStored = mine;
                    assertTrue(!mine || !partMissing, "only a prefix of a failed write's parts may be stored: " + r.seqNr());
                }
                assertEquals(partStored, mine, "a failed write's entry " + r.seqNr() + " is stored only with its whole partition part");
                if (mine) {
                    acknowledgedEntries++;
                }
            }
        }
        assertEquals(stored.size(), acknowledgedEntries, "every stored entry is from an acknowledged write or a stored part of one");
        System.out.printf("free race: %d writes acknowledged, %d rejected, %d entries%n", acked.size(), failed.size(), stored.size());
    }

    @Test
    void aLogSpanningManyPartitionsReadsBackDeletesAndPurges() throws Exception {
        String pid = pid("long");
        long seq = 1;
        int attempt = 0;
        for (int count : List.of(3, 9, 1, 6, 4)) {
            PidWrite w = write(pid, seq, count, "A", attempt++);
            a.append(List.of(w));
            w.done().get(60, TimeUnit.SECONDS);
            seq += count;
        }
        assertEquals(23, a.highestSequenceNr(pid));
        assertEquals(23, readAll(b, pid).size());
        List<Long> range = new ArrayList<>();
        assertEquals(12, b.replay(pid, 6, 17, 100, r -> range.add(r.seqNr())));
        assertEquals(6L, range.get(0));
        assertEquals(17L, range.get(11));
        List<Long> bounded = new ArrayList<>();
        assertEquals(5, b.replay(pid, 5, 23, 5, r -> bounded.add(r.seqNr())));
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L), bounded);

        a.deleteTo(pid, 12).get(60, TimeUnit.SECONDS);
        assertEquals(23, b.highestSequenceNr(pid), "the end stays where it was");
        List<Long> rest = seqNrs(b, pid);
        assertEquals(13L, rest.get(0));
        assertEquals(11, rest.size());
        a.deleteTo(pid, 100).get(60, TimeUnit.SECONDS);
        assertEquals(23, b.highestSequenceNr(pid), "all entries deleted: the end is still known");
        assertEquals(0, b.replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> { }));
        PidWrite next = write(pid, 24, 2, "A", attempt++);
        a.append(List.of(next));
        next.done().get(60, TimeUnit.SECONDS);
        assertEquals(25, b.highestSequenceNr(pid));
        PidWrite stale = write(pid, 20, 1, "B", attempt);
        b.append(List.of(stale));
        assertInstanceOf(ChrononException.class, failureOf(stale), "a deleted entry's sequence number stays taken: no stale writer reuses it");
        assertEquals(List.of(24L, 25L), seqNrs(b, pid));

        a.purge(pid).get(60, TimeUnit.SECONDS);
        assertEquals(0, b.highestSequenceNr(pid));
        assertEquals(0, b.replay(pid, 1, Long.MAX_VALUE, Long.MAX_VALUE, r -> { }));
    }

    @Test
    void aWriteAfterAFailedWriteOfTheSameLogFailsTooSoTheLogHasNoGap() throws Exception {
        String pid = pid("ordered");
        PidWrite first = write(pid, 1, 2, "A", 0);
        a.append(List.of(first));
        first.done().get(60, TimeUnit.SECONDS);

        // node B, unaware of A, writes 1..2 and then 3..4 in one go: the first conflicts, the second must not land
        PidWrite conflicting = write(pid, 1, 2, "B", 1);
        PidWrite after = write(pid, 3, 2, "B", 2);
        b.append(List.of(conflicting, after));
        assertInstanceOf(ChrononException.class, failureOf(conflicting));
        assertTrue(failureOf(after) != null, "the later write of the same log fails with the earlier");
        assertEquals(2, a.highestSequenceNr(pid));

        // many writes of one log handed over at once are stored in order
        List<PidWrite> many = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            many.add(write(pid, 3 + 2L * i, 2, "A", 10 + i));
        }
        a.append(many);
        for (PidWrite w : many) {
            w.done().get(60, TimeUnit.SECONDS);
        }
        assertEquals(62, readAll(b, pid).size());
    }

    @Test
    void aWriteLargerThanTheBatchLimitIsStoredInSeveralBatches() throws Exception {
        ExtendedActorSystem small = CassandraNodes.start("small-batches", KEYSPACE,
                "chronon.storage.cassandra.partition-size = " + PARTITION + "\nchronon.storage.cassandra.max-batch-size = 10 KiB");
        try {
            CassandraLogStore store = new CassandraLogStore(small, small.settings().config().getConfig("chronon.cassandra.journal"));
            String pid = pid("large");
            List<LogRecord> records = new ArrayList<>();
            byte[] payload = new byte[6000];
            new Random(1).nextBytes(payload);
            for (int i = 1; i <= 5; i++) {
                records.add(new LogRecord(i, 1, "A", "", 4, "", payload));
            }
            PidWrite w = new PidWrite(pid, records, new CompletableFuture<>());
            store.append(List.of(w));
            w.done().get(60, TimeUnit.SECONDS);
            Map<Long, LogRecord> back = readAll(a, pid);
            assertEquals(5, back.size());
            assertArrayEquals(payload, back.get(5L).payload());
        } finally {
            CassandraNodes.stop(small);
        }
    }

    @Test
    void badSettingsAreRefusedWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CassandraSettings.from(
                nodeA.settings().config().getConfig("chronon.storage.cassandra")
                        .withValue("serial-consistency", com.typesafe.config.ConfigValueFactory.fromAnyRef("QUORUM"))));
        assertTrue(e.getMessage().contains("SERIAL or LOCAL_SERIAL"), e.getMessage());
    }
}
