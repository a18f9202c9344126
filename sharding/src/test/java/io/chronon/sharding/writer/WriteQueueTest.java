package io.chronon.sharding.writer;

import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.storage.TxLogEntry;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit without a writer: which queued transactions go into a journal write, the
 * hints their entries carry, and what becomes of the queue when a write fails. Transactions
 * are processed for real against the queue's value.
 */
class WriteQueueTest {

    /** A processed transaction as the queue sees it, named for the assertions. */
    record Tx(String name, TxLogEntry entry, boolean runEnd) implements WriteQueue.Queued<Tx> {
        @Override
        public Tx sealedAs(TxLogEntry hinted, boolean end) {
            return new Tx(name, hinted, end);
        }
    }

    private static WriteQueue<Tx> recovered(int maxBatch) {
        WriteQueue<Tx> queue = new WriteQueue<>("test", maxBatch);
        queue.recovered(DbValue.empty(), 0);
        return queue;
    }

    /** Processes a transaction against the queue's value and queues it, as the writer does. */
    private static void process(WriteQueue<Tx> queue, String name) {
        TxOutcome report = TxProcessor.transact(queue.base(),
                (List<?>) EdnReader.read("[[:db/add \"x\" :db/doc \"" + name + "\"]]"), TxOptions.defaults());
        queue.add(new Tx(name, TxLogEntry.withoutHint(report.dbAfter(), report.txData()), false), report.dbAfter());
    }

    /** Like {@link #process}, with one datom more: another writer's transaction, which reads back unlike any of these. */
    private static void processWider(WriteQueue<Tx> queue, String name) {
        TxOutcome report = TxProcessor.transact(queue.base(), (List<?>) EdnReader.read(
                "[[:db/add \"x\" :db/doc \"" + name + "\"] [:db/add \"y\" :db/doc \"" + name + "\"]]"), TxOptions.defaults());
        queue.add(new Tx(name, TxLogEntry.withoutHint(report.dbAfter(), report.txData()), false), report.dbAfter());
    }

    private static List<String> names(WriteQueue.Write<Tx> write) {
        return write.batch().stream().map(Tx::name).toList();
    }

    @Test
    void eachTransactionIsProcessedAgainstTheValueAfterTheOnesBefore() {
        WriteQueue<Tx> queue = recovered(10);
        assertTrue(queue.base().inEditingRun());
        assertEquals(DbValue.empty().basisT(), queue.base().basisT());
        process(queue, "a");
        process(queue, "b");
        assertEquals(2, queue.size());
        assertFalse(queue.writing());
        assertTrue(queue.hasQueued());
        WriteQueue.Write<Tx> write = queue.nextWrite();
        assertEquals(write.batch().get(1).entry().t(), queue.base().basisT());
        assertTrue(write.batch().get(0).entry().t() < write.batch().get(1).entry().t());
    }

    @Test
    void whatIsQueuedGoesOutAsOneWriteHintedWithTheValueAfterItsLastTransaction() {
        WriteQueue<Tx> queue = recovered(10);
        process(queue, "a");
        process(queue, "b");
        process(queue, "c");
        WriteQueue.Write<Tx> write = queue.nextWrite();
        assertEquals(1, write.firstSeqNr());
        assertEquals(List.of("a", "b", "c"), names(write));
        assertTrue(queue.writing());
        assertFalse(queue.hasQueued());
        assertEquals(3, queue.size());
        assertEquals(3, queue.expectedLastSeqNr());

        DbValue last = write.batch().get(2).entry().dbAfterHint();
        assertNotNull(last);
        assertFalse(last.inEditingRun(), "only sealed values leave the writer");
        for (int i = 0; i < 3; i++) {
            Tx tx = write.batch().get(i);
            assertSame(last, tx.entry().dbAfterHint());
            assertEquals(2 - i, tx.entry().hintAhead());
            assertEquals(i == 2, tx.runEnd());
        }

        WriteQueue.Write<Tx> written = queue.written();
        assertEquals(write, written);
        assertSame(last, queue.committed());
        assertEquals(3, queue.committedSeqNr());
        assertFalse(queue.writing());
        assertEquals(0, queue.size());
    }

    @Test
    void transactionsArrivingDuringAWriteGoOutTogetherInTheNext() {
        WriteQueue<Tx> queue = recovered(10);
        process(queue, "a");
        assertEquals(List.of("a"), names(queue.nextWrite()));
        process(queue, "b");
        process(queue, "c");
        assertEquals(3, queue.size());
        assertEquals(1, queue.inFlightCount());
        assertEquals(1, queue.expectedLastSeqNr());
        queue.written();
        assertEquals(1, queue.committedSeqNr());

        WriteQueue.Write<Tx> next = queue.nextWrite();
        assertEquals(2, next.firstSeqNr());
        assertEquals(List.of("b", "c"), names(next));
        queue.written();
        assertEquals(3, queue.committedSeqNr());
        assertEquals(next.batch().get(1).entry().t(), queue.committed().basisT());
    }

    @Test
    void aRunReachingMaxBatchIsSealedAndAWriteHoldsAtMostMaxBatch() {
        WriteQueue<Tx> queue = recovered(2);
        process(queue, "a");
        process(queue, "b"); // the run reaches max-batch: sealed
        process(queue, "c");
        WriteQueue.Write<Tx> first = queue.nextWrite();
        assertEquals(List.of("a", "b"), names(first));
        assertEquals(0, first.batch().get(1).entry().hintAhead());
        assertTrue(first.batch().get(1).runEnd());
        assertEquals(2, queue.inFlightCount());
        queue.written();

        WriteQueue.Write<Tx> second = queue.nextWrite();
        assertEquals(3, second.firstSeqNr());
        assertEquals(List.of("c"), names(second));
        assertTrue(second.batch().get(0).runEnd());
    }

    @Test
    void aWriteNeverSplitsARun() {
        WriteQueue<Tx> queue = recovered(3);
        process(queue, "a");
        process(queue, "b");
        process(queue, "c"); // run a..c sealed at max-batch
        process(queue, "d");
        process(queue, "e");
        assertEquals(List.of("a", "b", "c"), names(queue.nextWrite())); // seals d..e
        process(queue, "f");
        process(queue, "g");
        process(queue, "h"); // run f..h sealed at max-batch
        queue.written();

        // d, e, f would be three, but f's run goes on to h: the write stops after e
        WriteQueue.Write<Tx> next = queue.nextWrite();
        assertEquals(List.of("d", "e"), names(next));
        assertEquals(0, next.batch().get(1).entry().hintAhead());
        queue.written();
        assertEquals(List.of("f", "g", "h"), names(queue.nextWrite()));
    }

    @Test
    void afterAFailedWriteTheQueueIsTakenBackAndStartsFromTheRecoveredValue() {
        WriteQueue<Tx> queue = recovered(10);
        process(queue, "a");
        queue.nextWrite();
        process(queue, "b");
        process(queue, "c");

        assertEquals(List.of("a"), queue.dropInFlight().stream().map(Tx::name).toList());
        assertEquals(0, queue.committedSeqNr(), "the durable end stays until the log says otherwise");
        assertEquals(List.of("b", "c"), queue.dropQueued().stream().map(Tx::name).toList());
        assertEquals(0, queue.size());
        assertFalse(queue.writing());
        assertFalse(queue.hasQueued());

        // the log recovered: another writer's five entries
        WriteQueue<Tx> other = recovered(10);
        for (String name : List.of("v", "w", "x", "y", "z")) {
            process(other, name);
        }
        other.nextWrite();
        other.written();
        queue.recovered(other.committed(), 5);
        assertSame(other.committed(), queue.committed());
        assertEquals(5, queue.committedSeqNr());
        assertEquals(other.committed().basisT(), queue.base().basisT());
        process(queue, "b");
        WriteQueue.Write<Tx> again = queue.nextWrite();
        assertEquals(6, again.firstSeqNr());
        assertTrue(again.batch().get(0).entry().t() > other.committed().basisT());
    }

    /** A queue with a, b and c in flight as entries 1..3, and the entries another writer made for 1..3. */
    private record Overlap(WriteQueue<Tx> queue, List<TxLogEntry> mine, List<TxLogEntry> others) {
        static Overlap of() {
            WriteQueue<Tx> queue = recovered(10);
            WriteQueue<Tx> other = recovered(10);
            for (String name : List.of("a", "b", "c")) {
                process(queue, name);
                processWider(other, "other " + name);
            }
            List<TxLogEntry> mine = queue.nextWrite().batch().stream().map(tx -> tx.entry().withoutHint()).toList();
            List<TxLogEntry> others = other.nextWrite().batch().stream().map(tx -> tx.entry().withoutHint()).toList();
            return new Overlap(queue, mine, others);
        }

        /** The log as read back: {@code entries} at 1, 2, ... (null: nothing there). */
        static Map<Long, TxLogEntry> log(TxLogEntry... entries) {
            Map<Long, TxLogEntry> log = new HashMap<>();
            for (int i = 0; i < entries.length; i++) {
                if (entries[i] != null) {
                    log.put(i + 1L, entries[i]);
                }
            }
            return log;
        }
    }

    private static List<String> names(List<Tx> txs) {
        return txs.stream().map(Tx::name).toList();
    }

    @Test
    void aFailedWriteFoundInTheLogIsStored() {
        Overlap o = Overlap.of();
        WriteQueue.FailedWrite<Tx> failed = o.queue().takeBackFailedWrite(
                Overlap.log(o.mine().get(0), o.mine().get(1), o.mine().get(2)), false, 3);
        assertEquals(List.of("a", "b", "c"), names(failed.stored()));
        assertEquals(List.of(), failed.taken());
        assertEquals(List.of(), failed.unknown());
        assertFalse(o.queue().writing());
        assertEquals(0, o.queue().committedSeqNr(), "the durable end moves when the log has recovered");
    }

    @Test
    void entriesOfAnotherWriterWhereTheWriteWasToGoMeanItWasNotStoredFromThereOn() {
        Overlap o = Overlap.of();
        WriteQueue.FailedWrite<Tx> failed = o.queue().takeBackFailedWrite(
                Overlap.log(o.mine().get(0), o.others().get(1), o.others().get(2)), false, 3);
        assertEquals(List.of("a"), names(failed.stored()));
        assertEquals(List.of("b", "c"), names(failed.taken()));
        assertEquals(List.of(), failed.unknown());

        // once a place is taken, the later ones are too, whatever reads back there
        o = Overlap.of();
        failed = o.queue().takeBackFailedWrite(Overlap.log(o.others().get(0), o.mine().get(1), o.mine().get(2)), false, 3);
        assertEquals(List.of(), failed.stored());
        assertEquals(List.of("a", "b", "c"), names(failed.taken()));
    }

    @Test
    void anEmptyPlaceOrAFailedReadLeavesTheOutcomeUnknown() {
        Overlap o = Overlap.of();
        WriteQueue.FailedWrite<Tx> failed = o.queue().takeBackFailedWrite(Overlap.log(o.mine().get(0)), false, 1);
        assertEquals(List.of("a"), names(failed.stored()));
        assertEquals(List.of(), failed.taken());
        assertEquals(List.of("b", "c"), names(failed.unknown()));

        o = Overlap.of();
        failed = o.queue().takeBackFailedWrite(Map.of(), true, 3);
        assertEquals(List.of(), failed.stored());
        assertEquals(List.of("a", "b", "c"), names(failed.unknown()));

        // an entry read back beyond the end the log recovered to is not counted as taking the place
        o = Overlap.of();
        failed = o.queue().takeBackFailedWrite(Overlap.log(o.others().get(0)), false, 0);
        assertEquals(List.of("a", "b", "c"), names(failed.unknown()));
    }

    @Test
    void anEntryAlikeInAllButEqualityIsNotTakenForAnotherWritersEntry() {
        Overlap o = Overlap.of();
        TxLogEntry a = o.mine().get(0);
        TxLogEntry alike = new TxLogEntry(a.t(), a.txInstant(), a.nextT(), a.nextDbCounter() + 1, a.txData());
        WriteQueue.FailedWrite<Tx> failed = o.queue().takeBackFailedWrite(Overlap.log(alike, o.others().get(1)), false, 3);
        assertEquals(List.of(), failed.stored());
        assertEquals(List.of(), failed.taken());
        assertEquals(List.of("a", "b", "c"), names(failed.unknown()));
    }
}
