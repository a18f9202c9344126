package io.chronon.sharding.writer;

import io.chronon.db.DbValue;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.persistence.typed.EventSeq;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import io.chronon.storage.index.IndexRoot;
import io.chronon.storage.index.IndexRoots;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TxLog}'s state as a pure function of the events ({@link TxLog.Rules#next}), without an
 * actor: the request ids noted during a replay are the last window's, in bounded persistent
 * lists, no state is ever changed, and what a recovery starts from is an index roots record or
 * (a database stored before the durable indexes) a whole value.
 */
class TxLogStateTest {

    /** An entry of the empty transaction {@code t} (no datoms, so that thousands apply fast). */
    static TxLogEntry bare(long t, String requestId) {
        return new TxLogEntry(t, 0, t + 1, DbValue.empty().nextDbCounter(), List.of(), requestId, Map.of());
    }

    @Test
    void aReplayNotesTheRequestIdsOfTheLastWindowOfEntries() {
        long t0 = DbValue.empty().basisT();
        for (int window : new int[] {1, 2, 5, 64}) {
            TxLog.Rules rules = new TxLog.Rules(window);
            for (int replayed : new int[] {0, 1, window - 1, window, window + 1, 2 * window, 2 * window + 1, 5 * window + 3}) {
                // a snapshot at 1000, then the replay: 1001 ... 1000 + replayed; ids on entries not divisible by 3
                TxLog.LogState state = rules.initial(DbValue.empty(), null);
                List<TxLog.RequestIdAt> expected = new ArrayList<>();
                for (int i = 1; i <= replayed; i++) {
                    String id = i % 3 == 0 ? null : "r" + i;
                    state = rules.next(state, new TxLog.Replayed(bare(t0 + i, id)));
                    if (id != null && i > replayed - window) {
                        expected.add(new TxLog.RequestIdAt(id, 1000 + i));
                    }
                }
                TxLog.Recovered r = rules.recovered(state, 1000 + replayed);
                assertEquals(expected, r.requestIds(), "window " + window + ", " + replayed + " replayed");
                assertEquals(1001, r.replayedFrom());
                assertEquals(1000 + replayed, r.seqNr());
                assertSame(state.db(), r.db());
            }
        }
    }

    @Test
    void theIdsOfAReplayTakeTwoWindowsAtMostAndAreNeverCopied() {
        int window = 100;
        TxLog.Rules rules = new TxLog.Rules(window);
        long t0 = DbValue.empty().basisT();
        TxLog.LogState state = rules.initial(DbValue.empty(), null);
        for (int i = 1; i <= 20_000; i++) {
            TxLog.LogState next = rules.next(state, new TxLog.Replayed(bare(t0 + i, "r" + i)));
            TxLog.Replay before = state.replay();
            TxLog.Replay after = next.replay();
            // one new cell on the lists that were (or the newer of them): nothing copied
            if (after.older() == before.older()) {
                assertSame(before.recent(), after.recent().next());
            } else {
                assertSame(before.recent(), after.older());
                assertSame(null, after.recent().next());
            }
            assertTrue(length(after.recent()) + length(after.older()) <= 2 * window);
            state = next;
        }
        List<TxLog.RequestIdAt> ids = rules.recovered(state, 20_000).requestIds();
        assertEquals(window, ids.size());
        assertEquals(new TxLog.RequestIdAt("r19901", 19_901), ids.get(0));
        assertEquals(new TxLog.RequestIdAt("r20000", 20_000), ids.get(window - 1));
    }

    static int length(TxLog.IdCell cell) {
        int n = 0;
        for (TxLog.IdCell c = cell; c != null; c = c.next()) {
            n++;
        }
        return n;
    }

    @Test
    void appendingDropsTheReplayAndAReaderNotesNothing() {
        long t0 = DbValue.empty().basisT();
        TxLog.Rules writer = new TxLog.Rules(10);
        TxLog.LogState state = writer.initial(DbValue.empty(), null);
        state = writer.next(state, new TxLog.Replayed(bare(t0 + 1, "a")));
        state = writer.next(state, new TxLog.Replayed(bare(t0 + 2, "b")));
        assertEquals(2, state.replay().count());
        // the writer has had them (RecoveryCompleted comes before any command): the first append lets them go
        state = writer.next(state, new TxLog.Appended(bare(t0 + 3, "c")));
        assertSame(TxLog.Replay.NONE, state.replay());
        state = writer.next(state, new TxLog.Appended(bare(t0 + 4, "d")));
        assertSame(TxLog.Replay.NONE, state.replay());

        // a reader (window 0) counts no replayed entry, as before: replayedFrom is after the last
        TxLog.Rules reader = new TxLog.Rules(0);
        TxLog.LogState loaded = reader.initial(DbValue.empty(), null);
        for (int i = 1; i <= 5; i++) {
            loaded = reader.next(loaded, new TxLog.Replayed(bare(t0 + i, "r" + i)));
        }
        assertEquals(new TxLog.Recovered(loaded.db(), 5, 6, List.of(), null), reader.recovered(loaded, 5));
    }

    @Test
    void theHandlerReturnsANewStateAndLeavesTheOldOneAsItWas() {
        TxLog.Rules rules = new TxLog.Rules(4);
        int[] counter = {0};
        DbValue db = DbValue.empty();
        List<TxLogEntry> entries = TxLogSnapshotsTest.write(db, new int[] {2, 2, 2}, counter);
        TxLog.LogState state = rules.initial(db, null);
        List<TxLog.Event> events = List.of(new TxLog.Replayed(entries.get(0)), new TxLog.Appended(entries.get(1)),
                new TxLog.Appended(entries.get(2)));
        for (TxLog.Event event : events) {
            DbValue dbBefore = state.db();
            TxLog.Replay replay = state.replay();
            TxLog.LogState next = rules.next(state, event);
            TxLog.LogState again = rules.next(state, event);
            assertNotSame(state, next);
            assertNotSame(state.db(), next.db());
            // the old state is as it was
            assertSame(dbBefore, state.db());
            assertSame(replay, state.replay());
            // and the same state and event give the same next state
            assertEquals(next.replay().count(), again.replay().count());
            assertEquals(next.replay().ids(4, 0), again.replay().ids(4, 0));
            assertEquals(next.db().basisT(), again.db().basisT());
            assertEquals(next.db().size(), again.db().size());
            state = next;
        }
    }

    @Test
    void theStoredFormsAreTheBareEntryAndARecoveryStartsFromRootsOrAWholeValue() {
        TxLogEntry entry = TxLogSnapshotsTest.write(DbValue.empty(), new int[] {1}, new int[] {0}).get(0);
        assertSame(entry, TxLog.JOURNAL_FORM.toJournal(new TxLog.Appended(entry)));
        assertEquals("", TxLog.JOURNAL_FORM.manifest(new TxLog.Appended(entry)));
        EventSeq<TxLog.Event> back = TxLog.JOURNAL_FORM.fromJournal(entry, "");
        assertEquals(List.of(new TxLog.Replayed(entry)), scala.jdk.javaapi.CollectionConverters.asJava(back.events()));

        TxLog.Rules rules = new TxLog.Rules(4);
        DbValue db = entry.applyTo(DbValue.empty());
        IndexRoots roots = new IndexRoots(db.basisT(), db.nextT(), db.nextDbCounter(), db.lastTxInstant(),
                java.util.Collections.nCopies(4, IndexRoot.EMPTY), java.util.Collections.nCopies(4, IndexRoot.EMPTY), IndexRoot.EMPTY);
        SnapshotAdapter<TxLog.LogState> form = TxLog.snapshotForm(rules, r -> r == roots ? db : null);
        // a roots record is opened; a whole value (stored before the durable indexes) is taken as it is
        assertEquals(new TxLog.LogState(db, roots, TxLog.Replay.NONE), form.fromJournal(roots));
        assertEquals(new TxLog.LogState(db, null, TxLog.Replay.NONE), form.fromJournal(db));
        // and the log never snapshots its value
        assertThrows(IllegalStateException.class, () -> form.toJournal(new TxLog.LogState(db, null, TxLog.Replay.NONE)));
    }
}
