package io.chronon.sharding.writer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of the request-id window, without a writer: which ids are remembered, for how
 * many entries, what a retry is told, and how the window is completed after a recovery.
 * The waiters are plain strings here.
 */
class RequestIdWindowTest {

    private static TxLog.RequestIdAt at(String requestId, long seqNr) {
        return new TxLog.RequestIdAt(requestId, seqNr);
    }

    @Test
    void anUnknownIdIsNewAndACommittedOneIsAnsweredFromItsEntry() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        assertEquals(new RequestIdWindow.New<String>(), window.check("a", null, 0));

        window.queued("a", "callers of a");
        window.committed("a", 1);
        window.evict(1);
        assertEquals(new RequestIdWindow.Committed<String>(1), window.check("a", null, 1));
        assertEquals(new RequestIdWindow.New<String>(), window.check("b", null, 1));
    }

    @Test
    void aQueuedIdJoinsTheFirstTransactionButNotItself() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        window.queued("a", "callers of a");
        assertEquals(new RequestIdWindow.Waiting<>("callers of a"), window.check("a", "callers of the retry", 0));
        // the same transaction processed again (its entry did not reach the log) is not a retry of itself
        assertEquals(new RequestIdWindow.New<String>(), window.check("a", "callers of a", 0));

        window.notWaiting("a"); // rejected or failed: a retry runs again
        assertEquals(new RequestIdWindow.New<String>(), window.check("a", "callers of the retry", 0));
    }

    @Test
    void idsOlderThanTheWindowAreForgotten() {
        RequestIdWindow<String> window = new RequestIdWindow<>(3);
        window.committed("a", 1);
        window.committed("b", 2);
        window.committed("c", 3);
        window.evict(3);
        assertEquals(new RequestIdWindow.Committed<String>(1), window.check("a", null, 3));

        // entries 4 and 5 carry no id: the window is 3..5
        window.evict(5);
        assertEquals(new RequestIdWindow.New<String>(), window.check("a", null, 5));
        assertEquals(new RequestIdWindow.New<String>(), window.check("b", null, 5));
        assertEquals(new RequestIdWindow.Committed<String>(3), window.check("c", null, 5));
        assertTrue(window.complete(5));
    }

    @Test
    void anIdCommittedAgainAfterLeavingTheWindowIsKeptByItsNewEntry() {
        RequestIdWindow<String> window = new RequestIdWindow<>(2);
        window.committed("a", 1);
        window.committed("b", 2);
        window.evict(2);
        window.committed("a", 3); // "a" left the window at 3 and committed again
        window.evict(3);
        assertEquals(new RequestIdWindow.Committed<String>(3), window.check("a", null, 3));
        window.evict(4);
        // order is by sequence number: "b" (2) is evicted, "a" (3) stays
        assertEquals(new RequestIdWindow.New<String>(), window.check("b", null, 4));
        assertEquals(new RequestIdWindow.Committed<String>(3), window.check("a", null, 4));
    }

    @Test
    void afterRecoveringFromASnapshotEveryIdWaitsUntilTheWindowIsRead() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        // a log of 20 entries, recovered from a snapshot at 15: entries 16..20 replayed
        window.recovered(16, List.of(at("r18", 18)), 0, 20);
        assertFalse(window.complete(20));
        assertEquals(new RequestIdWindow.Unread<String>(), window.check("r18", null, 20));
        window.queued("q", "callers of q");
        assertEquals(new RequestIdWindow.Unread<String>(), window.check("q", "callers of the retry", 20));

        RequestIdWindow.Read read = window.nextRead(20);
        assertEquals(new RequestIdWindow.Read(11, 15), read);
        assertNull(window.nextRead(20), "one read at a time");

        window.read(11, 15, List.of(at("r12", 12)), 20);
        assertTrue(window.complete(20));
        assertEquals(new RequestIdWindow.Committed<String>(12), window.check("r12", null, 20));
        assertEquals(new RequestIdWindow.Committed<String>(18), window.check("r18", null, 20));
        assertEquals(new RequestIdWindow.Waiting<>("callers of q"), window.check("q", "callers of the retry", 20));
        assertNull(window.nextRead(20));
    }

    @Test
    void aWindowWithinTheReplayIsCompleteAtOnce() {
        RequestIdWindow<String> window = new RequestIdWindow<>(3);
        // entries 11..20 replayed; the window 18..20 lies within them, and ids before it are dropped
        window.recovered(11, List.of(at("r12", 12), at("r19", 19)), 0, 20);
        assertTrue(window.complete(20));
        assertNull(window.nextRead(20));
        assertEquals(new RequestIdWindow.New<String>(), window.check("r12", null, 20));
        assertEquals(new RequestIdWindow.Committed<String>(19), window.check("r19", null, 20));
    }

    @Test
    void aRecoveryAfterAFailedWriteKeepsWhatWasKnownAndAddsTheReplay() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        window.committed("a", 1);
        window.evict(1);
        // the log recovered to 3 (another writer stored 2 and 3); its replay starts after the
        // snapshot, and only the ids after what was known (1) are new
        window.recovered(1, List.of(at("a", 1), at("other", 3)), 1, 3);
        assertTrue(window.complete(3));
        assertEquals(new RequestIdWindow.Committed<String>(1), window.check("a", null, 3));
        assertEquals(new RequestIdWindow.Committed<String>(3), window.check("other", null, 3));
    }

    @Test
    void aReadThatNoLongerJoinsIsDroppedAndTheMissingPartIsReadAgain() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        window.recovered(16, List.of(), 0, 20);
        assertEquals(new RequestIdWindow.Read(11, 15), window.nextRead(20));
        // meanwhile the log failed and recovered from a newer snapshot: entries 38..40 replayed
        window.recovered(38, List.of(at("r39", 39)), 20, 40);
        window.read(11, 15, List.of(at("r12", 12)), 40);
        assertFalse(window.complete(40));
        assertEquals(new RequestIdWindow.Unread<String>(), window.check("r39", null, 40));
        assertEquals(new RequestIdWindow.Read(31, 37), window.nextRead(40));
        window.read(31, 37, List.of(at("r33", 33)), 40);
        assertTrue(window.complete(40));
        assertEquals(new RequestIdWindow.New<String>(), window.check("r12", null, 40));
        assertEquals(new RequestIdWindow.Committed<String>(33), window.check("r33", null, 40));
        assertEquals(new RequestIdWindow.Committed<String>(39), window.check("r39", null, 40));
    }

    @Test
    void aFailedReadCanBeStartedAgain() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        window.recovered(16, List.of(), 0, 20);
        assertEquals(new RequestIdWindow.Read(11, 15), window.nextRead(20));
        window.readAbandoned();
        assertFalse(window.complete(20));
        assertEquals(new RequestIdWindow.Read(11, 15), window.nextRead(20));
    }

    @Test
    void theLogGrowingDuringTheReadShrinksWhatIsMissing() {
        RequestIdWindow<String> window = new RequestIdWindow<>(10);
        window.recovered(16, List.of(), 0, 20);
        RequestIdWindow.Read read = window.nextRead(20);
        // entries 21..23 committed while reading 11..15
        window.committed("n", 22);
        window.evict(23);
        window.read(read.from(), read.to(), List.of(at("old", 11), at("kept", 14)), 23);
        assertTrue(window.complete(23));
        assertEquals(new RequestIdWindow.New<String>(), window.check("old", null, 23), "11 left the window (14..23)");
        assertEquals(new RequestIdWindow.Committed<String>(14), window.check("kept", null, 23));
        assertEquals(new RequestIdWindow.Committed<String>(22), window.check("n", null, 23));
    }
}
