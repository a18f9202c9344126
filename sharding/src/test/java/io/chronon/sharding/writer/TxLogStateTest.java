package io.chronon.sharding.writer;

import io.chronon.db.DbValue;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.persistence.typed.EventSeq;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TxLog}'s state as a pure function of the events ({@link TxLog.Rules#next}), without an
 * actor: the snapshot decisions are those of the rule it had when its counters were actor
 * fields, the request ids noted during a replay are the last window's, in bounded persistent
 * lists, and no state is ever changed. {@link TxLogSnapshotsTest} runs the same in the actor,
 * against what the earlier version did, on disk.
 */
class TxLogStateTest {

    /**
     * The TxLog of 698e3a5 as Pekko drove it: one counter field, which the event handler
     * increased and {@code shouldSnapshot} reset when it said yes. Pekko (1.x,
     * {@code Running.HandlingCommands.handleEventPersistAll}) asks before each entry of a journal
     * write, with the state before the entry, until the first yes; a replay never asks.
     */
    static final class OldLog {
        final long minDatoms;
        final double growth;
        long datomsSinceSnapshot;
        DbValue db;

        OldLog(long minDatoms, double growth, DbValue db) {
            this.minDatoms = minDatoms;
            this.growth = growth;
            this.db = db;
        }

        boolean shouldSnapshot(DbValue db) {
            double threshold = Math.max(minDatoms, growth * db.size());
            if (datomsSinceSnapshot >= threshold) {
                datomsSinceSnapshot = 0;
                return true;
            }
            return false;
        }

        void apply(TxLogEntry entry) {
            datomsSinceSnapshot += entry.txData().size();
            db = entry.hintAhead() > 0 ? db : entry.applyTo(db);
        }

        boolean write(List<TxLogEntry> entries) {
            boolean yes = false;
            for (TxLogEntry e : entries) {
                if (!yes) {
                    yes = shouldSnapshot(db);
                }
                apply(e);
            }
            return yes;
        }
    }

    /** The new log as Pekko drives it: {@code shouldSnapshot} is the state's {@code snapshotDue}. */
    static TxLog.LogState write(TxLog.Rules rules, TxLog.LogState state, List<TxLogEntry> entries, boolean[] snapshot) {
        boolean yes = false;
        for (int i = 0; i < entries.size(); i++) {
            if (!yes) {
                yes = state.snapshotDue();
            }
            state = rules.next(state, new TxLog.Appended(entries.get(i), i == 0));
        }
        snapshot[0] = yes;
        return state;
    }

    @Test
    void snapshotsAreDecidedWhereTheRuleOfTheFieldsDecidedThem() {
        int againInAWrite = 0;
        int crossedInAReplay = 0;
        for (long seed = 1; seed <= 4; seed++) {
            Random random = new Random(seed);
            long minDatoms = 5 + random.nextInt(30);
            double growth = 0.02 + random.nextDouble() * 0.1;
            TxLog.Rules rules = new TxLog.Rules(minDatoms, growth, 8);
            // the whole log, and the values after each entry (index = sequence number)
            List<TxLogEntry> log = new ArrayList<>();
            List<DbValue> values = new ArrayList<>(List.of(DbValue.empty()));
            long lastSnapshot = 0;
            OldLog old = new OldLog(minDatoms, growth, DbValue.empty());
            TxLog.LogState state = rules.initial(DbValue.empty());
            int[] counter = {0};
            int snapshots = 0;
            for (int w = 0; w < 150; w++) {
                if (random.nextInt(20) == 0) {
                    // a restart with other thresholds: both recover from the last snapshot and replay the log after it
                    minDatoms = 3 + random.nextInt(60);
                    growth = 0.005 + random.nextDouble() * 0.15;
                    rules = new TxLog.Rules(minDatoms, growth, 8);
                    old = new OldLog(minDatoms, growth, values.get((int) lastSnapshot));
                    state = TxLog.snapshotForm(rules).fromJournal(values.get((int) lastSnapshot));
                    boolean crossed = false;
                    for (int seqNr = (int) lastSnapshot + 1; seqNr <= log.size(); seqNr++) {
                        old.apply(log.get(seqNr - 1));
                        state = rules.next(state, new TxLog.Replayed(log.get(seqNr - 1)));
                        crossed |= state.snapshotDue() && seqNr < log.size();
                        assertEquals(old.datomsSinceSnapshot, state.datomsSinceSnapshot(), "seed " + seed + " replay " + seqNr);
                    }
                    crossedInAReplay += crossed ? 1 : 0;
                }
                int[] sizes = new int[1 + random.nextInt(random.nextInt(8) == 0 ? 6 : 3)];
                for (int i = 0; i < sizes.length; i++) {
                    sizes[i] = random.nextInt(10) == 0 ? 10 + random.nextInt(25) : 1 + random.nextInt(4);
                }
                List<TxLogEntry> entries = TxLogSnapshotsTest.write(values.get(values.size() - 1), sizes, counter);
                boolean oldYes = old.write(entries);
                boolean[] newYes = new boolean[1];
                state = write(rules, state, entries, newYes);
                for (TxLogEntry e : entries) {
                    log.add(e);
                    values.add(e.applyTo(values.get(values.size() - 1)));
                }
                assertEquals(oldYes, newYes[0], "seed " + seed + ", the write ending at " + log.size());
                assertEquals(old.datomsSinceSnapshot, state.datomsSinceSnapshot(), "seed " + seed + " at " + log.size());
                assertEquals(old.db.basisT(), state.db().basisT());
                if (oldYes) {
                    lastSnapshot = log.size();
                    snapshots++;
                    againInAWrite += state.snapshotDue() ? 1 : 0;
                }
            }
            assertTrue(snapshots > 10, "seed " + seed + ": " + snapshots + " snapshots");
        }
        // the corners were there: a write that reached the threshold again after its yes, a replay that crossed it
        assertTrue(againInAWrite > 0 && crossedInAReplay > 0, againInAWrite + " " + crossedInAReplay);
    }

    /** Where the two differ from a rule that restarts the count wherever it crosses the threshold. */
    @Test
    void aYesAlreadyGivenInTheWriteAndAReplayRestartNothing() {
        TxLog.Rules rules = new TxLog.Rules(10, 0, 8);
        int[] counter = {0};
        DbValue db = DbValue.empty();
        TxLog.LogState state = rules.initial(db);
        boolean[] yes = new boolean[1];
        // 6 datoms (5 + txInstant), then a write of 3 x 6: asked before the 2nd entry (12 >= 10): yes, count restarts
        List<TxLogEntry> first = TxLogSnapshotsTest.write(db, new int[] {5, 5}, counter);
        state = write(rules, state, first, yes);
        assertFalse(yes[0]);
        assertTrue(state.snapshotDue());
        for (TxLogEntry e : first) {
            db = e.applyTo(db);
        }
        List<TxLogEntry> second = TxLogSnapshotsTest.write(db, new int[] {5, 5, 5}, counter);
        state = write(rules, state, second, yes);
        assertTrue(yes[0]);
        // 18 since that yes, which Pekko is not asked about within the write: the next write snapshots too
        assertEquals(18, state.datomsSinceSnapshot());
        assertTrue(state.snapshotInWrite());
        assertTrue(state.snapshotDue());
        for (TxLogEntry e : second) {
            db = e.applyTo(db);
        }
        state = write(rules, state, TxLogSnapshotsTest.write(db, new int[] {1}, counter), yes);
        assertTrue(yes[0]);
        assertEquals(2, state.datomsSinceSnapshot());

        // a replay counts everything (nobody asks): 3 x 6 after a snapshot, the first write snapshots
        TxLog.LogState replayed = rules.initial(DbValue.empty());
        DbValue v = DbValue.empty();
        for (TxLogEntry e : TxLogSnapshotsTest.write(v, new int[] {5, 5, 5}, new int[] {0})) {
            replayed = rules.next(replayed, new TxLog.Replayed(e));
            v = e.applyTo(v);
        }
        assertEquals(18, replayed.datomsSinceSnapshot());
        assertFalse(replayed.snapshotInWrite());
        write(rules, replayed, TxLogSnapshotsTest.write(v, new int[] {1}, new int[] {3}), yes);
        assertTrue(yes[0]);
    }

    /** An entry of the empty transaction {@code t} (no datoms, so that thousands apply fast). */
    static TxLogEntry bare(long t, String requestId) {
        return new TxLogEntry(t, 0, t + 1, DbValue.empty().nextDbCounter(), List.of(), requestId, Map.of());
    }

    @Test
    void aReplayNotesTheRequestIdsOfTheLastWindowOfEntries() {
        long t0 = DbValue.empty().basisT();
        for (int window : new int[] {1, 2, 5, 64}) {
            TxLog.Rules rules = new TxLog.Rules(Long.MAX_VALUE, 0, window);
            for (int replayed : new int[] {0, 1, window - 1, window, window + 1, 2 * window, 2 * window + 1, 5 * window + 3}) {
                // a snapshot at 1000, then the replay: 1001 ... 1000 + replayed; ids on entries not divisible by 3
                TxLog.LogState state = rules.initial(DbValue.empty());
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
        TxLog.Rules rules = new TxLog.Rules(Long.MAX_VALUE, 0, window);
        long t0 = DbValue.empty().basisT();
        TxLog.LogState state = rules.initial(DbValue.empty());
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
        TxLog.Rules writer = new TxLog.Rules(Long.MAX_VALUE, 0, 10);
        TxLog.LogState state = writer.initial(DbValue.empty());
        state = writer.next(state, new TxLog.Replayed(bare(t0 + 1, "a")));
        state = writer.next(state, new TxLog.Replayed(bare(t0 + 2, "b")));
        assertEquals(2, state.replay().count());
        // the writer has had them (RecoveryCompleted comes before any command): the first append lets them go
        state = writer.next(state, new TxLog.Appended(bare(t0 + 3, "c"), true));
        assertSame(TxLog.Replay.NONE, state.replay());
        state = writer.next(state, new TxLog.Appended(bare(t0 + 4, "d"), false));
        assertSame(TxLog.Replay.NONE, state.replay());

        // a reader (window 0) counts no replayed entry, as before: replayedFrom is after the last
        TxLog.Rules reader = new TxLog.Rules(Long.MAX_VALUE, Double.MAX_VALUE, 0);
        TxLog.LogState loaded = reader.initial(DbValue.empty());
        for (int i = 1; i <= 5; i++) {
            loaded = reader.next(loaded, new TxLog.Replayed(bare(t0 + i, "r" + i)));
            assertFalse(loaded.snapshotDue());
        }
        assertEquals(new TxLog.Recovered(loaded.db(), 5, 6, List.of()), reader.recovered(loaded, 5));
    }

    @Test
    void theHandlerReturnsANewStateAndLeavesTheOldOneAsItWas() {
        TxLog.Rules rules = new TxLog.Rules(3, 0, 4);
        int[] counter = {0};
        DbValue db = DbValue.empty();
        List<TxLogEntry> entries = TxLogSnapshotsTest.write(db, new int[] {2, 2, 2}, counter);
        TxLog.LogState state = rules.initial(db);
        List<TxLog.Event> events = List.of(new TxLog.Replayed(entries.get(0)), new TxLog.Appended(entries.get(1), true),
                new TxLog.Appended(entries.get(2), false));
        for (TxLog.Event event : events) {
            DbValue dbBefore = state.db();
            long datoms = state.datomsSinceSnapshot();
            boolean due = state.snapshotDue();
            boolean inWrite = state.snapshotInWrite();
            TxLog.Replay replay = state.replay();
            TxLog.LogState next = rules.next(state, event);
            TxLog.LogState again = rules.next(state, event);
            assertNotSame(state, next);
            assertNotSame(state.db(), next.db());
            // the old state is as it was
            assertSame(dbBefore, state.db());
            assertEquals(datoms, state.datomsSinceSnapshot());
            assertEquals(due, state.snapshotDue());
            assertEquals(inWrite, state.snapshotInWrite());
            assertSame(replay, state.replay());
            // and the same state and event give the same next state
            assertEquals(next.datomsSinceSnapshot(), again.datomsSinceSnapshot());
            assertEquals(next.snapshotDue(), again.snapshotDue());
            assertEquals(next.snapshotInWrite(), again.snapshotInWrite());
            assertEquals(next.replay().count(), again.replay().count());
            assertEquals(next.replay().ids(4, 0), again.replay().ids(4, 0));
            assertEquals(next.db().basisT(), again.db().basisT());
            assertEquals(next.db().size(), again.db().size());
            state = next;
        }
    }

    @Test
    void theStoredFormsAreTheBareEntryAndTheBareValue() {
        TxLogEntry entry = TxLogSnapshotsTest.write(DbValue.empty(), new int[] {1}, new int[] {0}).get(0);
        assertSame(entry, TxLog.JOURNAL_FORM.toJournal(new TxLog.Appended(entry, true)));
        assertEquals("", TxLog.JOURNAL_FORM.manifest(new TxLog.Appended(entry, true)));
        EventSeq<TxLog.Event> back = TxLog.JOURNAL_FORM.fromJournal(entry, "");
        assertEquals(List.of(new TxLog.Replayed(entry)), scala.jdk.javaapi.CollectionConverters.asJava(back.events()));

        TxLog.Rules rules = new TxLog.Rules(10, 0.5, 4);
        SnapshotAdapter<TxLog.LogState> form = TxLog.snapshotForm(rules);
        DbValue db = entry.applyTo(DbValue.empty());
        TxLog.LogState state = new TxLog.LogState(db, 7, true, true, TxLog.Replay.NONE.add(entry, 4));
        assertSame(db, form.toJournal(state));
        assertEquals(new TxLog.LogState(db, 0, false, false, TxLog.Replay.NONE), form.fromJournal(db));
    }
}
