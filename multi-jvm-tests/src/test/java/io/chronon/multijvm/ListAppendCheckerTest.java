package io.chronon.multijvm;

import io.chronon.multijvm.ListAppendChecker.Elem;
import io.chronon.multijvm.ListAppendChecker.History;
import io.chronon.multijvm.ListAppendChecker.KeyElem;
import io.chronon.multijvm.ListAppendChecker.LogTx;
import io.chronon.multijvm.ListAppendChecker.Op;
import io.chronon.multijvm.ListAppendChecker.Result;
import io.chronon.multijvm.ListAppendChecker.Type;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ListAppendChecker} on hand-made histories: a clean one passes, each anomaly is flagged. */
class ListAppendCheckerTest {
    static final long X = 1;
    static final long Y = 2;

    // ------------------------------------------------------------------ building histories

    /** An append, serial in id order (invoked at 10 id, completed at 10 id + 5); {@code kv}: key, element, key, element. */
    static Op append(long id, Type type, long t, long... kv) {
        Map<Long, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return Op.append(id, 0, type, id * 10, id * 10 + 5, m, t);
    }

    static Op ok(long id, long t, long... kv) {
        return append(id, Type.OK, t, kv);
    }

    /** Elements {@code v@t} (t -1: unknown). */
    static List<Elem> list(long... vt) {
        List<Elem> l = new ArrayList<>();
        for (int i = 0; i < vt.length; i += 2) {
            l.add(new Elem(vt[i], vt[i + 1]));
        }
        return l;
    }

    /** Elements with unknown t. */
    static List<Elem> vs(long... v) {
        return Arrays.stream(v).mapToObj(x -> new Elem(x, -1)).toList();
    }

    static Map<Long, List<Elem>> lists(Object... kl) {
        Map<Long, List<Elem>> m = new TreeMap<>();
        for (int i = 0; i < kl.length; i += 2) {
            @SuppressWarnings("unchecked")
            List<Elem> l = (List<Elem>) kl[i + 1];
            m.put(((Number) kl[i]).longValue(), l);
        }
        return m;
    }

    static Op read(long id, long basis, Map<Long, List<Elem>> reads) {
        return Op.read(id, 1, id * 10, id * 10 + 5, reads, -1, basis, "n1");
    }

    static Op fin(long id, String node, long basis, Map<Long, List<Elem>> reads) {
        return Op.finalRead(id, reads, basis, node);
    }

    static LogTx log(long t, long... kv) {
        List<KeyElem> l = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            l.add(new KeyElem(kv[i], kv[i + 1]));
        }
        return new LogTx(t, l, List.of());
    }

    static Result check(Op... ops) {
        return ListAppendChecker.check(new History(List.of(ops)));
    }

    static void assertFlags(Result r, String... kinds) {
        assertFalse(r.valid(), "expected " + List.of(kinds) + ", passed:\n" + r.report());
        for (String k : kinds) {
            assertTrue(r.counts().containsKey(k), "expected " + k + ":\n" + r.report());
        }
    }

    // ------------------------------------------------------------------ a clean history

    /**
     * Appends at t 10 to 13 (one of them unknown but present at t 13, one unknown and absent,
     * one failed), reads at their bases, final reads of two nodes, both logs, a transaction of
     * the other workload at t 9.
     */
    static History clean() {
        List<Op> ops = List.of(
                ok(1, 10, X, 1),
                ok(2, 11, X, 2, Y, 3),
                Op.read(3, 1, 30, 35, lists(X, list(1, 10, 2, 11), Y, list(3, 11)), 11, 11, "n2"),
                ok(4, 12, Y, 4),
                append(5, Type.INFO, -1, X, 5),
                append(6, Type.INFO, -1, Y, 6),
                append(7, Type.FAIL, -1, X, 7),
                read(8, 13, lists(X, list(1, 10, 2, 11), Y, list(3, 11, 4, 12, 6, 13))),
                read(9, 10, lists(Y, list())),
                fin(10, "n1", 13, lists(X, list(1, 10, 2, 11), Y, list(3, 11, 4, 12, 6, 13))),
                fin(11, "n2", 13, lists(X, list(1, 10, 2, 11), Y, list(3, 11, 4, 12, 6, 13))));
        List<LogTx> log = List.of(new LogTx(9, List.of(), List.of(100L)), log(10, X, 1), log(11, X, 2, Y, 3), log(12, Y, 4),
                log(13, Y, 6));
        return new History(ops, Map.of(100L, 9L), Map.of("n1", log, "n2", log));
    }

    @Test
    void aCleanSerialHistoryPasses() {
        Result r = ListAppendChecker.check(clean());
        assertTrue(r.valid(), r.report());
        assertEquals(3, r.stats().appendsOk());
        assertEquals(1, r.stats().appendsFailed());
        assertEquals(2, r.stats().appendsInfo());
        assertEquals(1, r.stats().infoPresent());
        assertEquals(3, r.stats().reads());
        assertEquals(2, r.stats().finalReads());
        assertEquals(10, r.stats().logTxs());
    }

    @Test
    void aCleanHistoryWithoutTimesPasses() {
        Result r = check(ok(1, -1, X, 1), ok(2, -1, X, 2, Y, 3), read(3, -1, lists(X, vs(1), Y, vs())),
                read(4, -1, lists(X, vs(1, 2), Y, vs(3))));
        assertTrue(r.valid(), r.report());
    }

    // ------------------------------------------------------------------ cycles

    @Test
    void g0WriteCycle() {
        // x says 1 then 2, y says 4 then 3: T1 before T2 and T2 before T1
        Result r = check(ok(1, -1, X, 1, Y, 3), ok(2, -1, X, 2, Y, 4), read(3, -1, lists(X, vs(1, 2), Y, vs(4, 3))));
        assertFlags(r, "G0");
        assertTrue(r.examples().get("G0").get(0).startsWith("append#"), r.report());
    }

    @Test
    void g1cCircularInformationFlow() {
        // two transactions that read and append: each saw the other's append
        Op t1 = new Op(1, 0, Type.OK, 0, 10, Map.of(X, 1L), -1, lists(Y, vs(2)), -1, -1, null, false);
        Op t2 = new Op(2, 1, Type.OK, 0, 10, Map.of(Y, 2L), -1, lists(X, vs(1)), -1, -1, null, false);
        Result r = check(t1, t2, read(3, -1, lists(X, vs(1), Y, vs(2))));
        assertFlags(r, "G1c");
        assertFalse(r.counts().containsKey("G0"), r.report());
    }

    @Test
    void gSingleReadSkew() {
        // a read saw T1's append to x and not its append to y
        Result r = check(ok(1, -1, X, 1, Y, 2), read(2, -1, lists(X, vs(1), Y, vs())), read(3, -1, lists(X, vs(1), Y, vs(2))));
        assertFlags(r, "G-single");
        assertFalse(r.counts().containsKey("G2"), r.report());
    }

    @Test
    void aDuplicateElementDoesNotHideACycle() {
        Result r = check(ok(1, -1, X, 1, Y, 2), read(2, -1, lists(X, vs(1, 1), Y, vs())), read(3, -1, lists(X, vs(1), Y, vs(2))));
        assertFlags(r, "duplicate-element", "G-single");
        assertFalse(r.counts().containsKey("incompatible-order"), r.report());
    }

    @Test
    void aKeyWithIncompatibleReadsStillGivesDependencies() {
        // read 5 is no prefix of x's order [1 3]; read 2's fractured read of append 1 is still a G-single
        Result r = check(ok(1, -1, X, 1, Y, 2), read(2, -1, lists(X, vs(1), Y, vs())), ok(3, -1, X, 3), read(4, -1, lists(X, vs(1, 3), Y, vs(2))),
                read(5, -1, lists(X, vs(3))));
        assertFlags(r, "incompatible-order", "G-single");
    }

    @Test
    void g2LongFork() {
        // two reads saw the two appends in opposite orders
        Result r = check(ok(1, -1, X, 1), ok(2, -1, Y, 2), read(3, -1, lists(X, vs(), Y, vs(2))), read(4, -1, lists(X, vs(1), Y, vs())),
                read(5, -1, lists(X, vs(1), Y, vs(2))));
        assertFlags(r, "G2");
        assertFalse(r.counts().containsKey("G-single"), r.report());
    }

    @Test
    void aCycleThroughTheOrderOfT() {
        // the read at basis 5 saw the append acknowledged at t 7 (its element's t not given): wr, then t 5 < 6 < 7
        Result r = check(ok(1, 5, X, 1), ok(2, 6, X, 2), ok(3, 7, Y, 3), read(4, 5, lists(X, vs(1), Y, vs(3))),
                read(5, 7, lists(X, vs(1, 2), Y, vs(3))));
        assertFlags(r, "future-read");
        assertTrue(r.counts().keySet().stream().anyMatch(k -> k.endsWith("-t")), r.report());
    }

    // ------------------------------------------------------------------ orders and elements

    @Test
    void incompatibleOrders() {
        Result r = check(ok(1, -1, X, 1), ok(2, -1, X, 2), ok(3, -1, X, 3), read(4, -1, lists(X, vs(1, 2, 3))), read(5, -1, lists(X, vs(1, 3))));
        assertFlags(r, "incompatible-order");
    }

    @Test
    void anElementTwiceInAList() {
        Result r = check(ok(1, 5, X, 1), read(2, 5, lists(X, list(1, 5, 1, 5))));
        assertFlags(r, "duplicate-element");
    }

    @Test
    void aFailedAppendThatWasRead() {
        Result r = check(append(1, Type.FAIL, -1, X, 1), read(2, -1, lists(X, vs(1))));
        assertFlags(r, "G1a");
    }

    @Test
    void anElementNobodyAppended() {
        Result r = check(ok(1, 5, X, 1), read(2, 5, lists(X, list(1, 5), Y, list(1, 5))), read(3, 9, lists(X, list(99, 9))));
        assertFlags(r, "garbage");
        assertEquals(2, r.counts().get("garbage"), r.report());
    }

    @Test
    void anAcknowledgedAppendMissingFromAFinalRead() {
        Result r = check(ok(1, 5, X, 1), ok(2, 6, X, 2), fin(3, "n1", 6, lists(X, list(1, 5, 2, 6))), fin(4, "n2", 6, lists(X, list(1, 5))));
        assertFlags(r, "lost", "stale-read");
        assertTrue(r.examples().get("lost").get(0).startsWith("n2"), r.report());
    }

    @Test
    void anUnknownAppendMayBePresentOrNotButWholly() {
        assertTrue(check(append(1, Type.INFO, -1, X, 1, Y, 2), fin(2, "n1", 5, lists(X, list(), Y, list()))).valid());
        assertTrue(check(append(1, Type.INFO, -1, X, 1, Y, 2), fin(2, "n1", 5, lists(X, list(1, 5), Y, list(2, 5)))).valid());
        Result half = check(append(1, Type.INFO, -1, X, 1, Y, 2), fin(2, "n1", 5, lists(X, list(1, 5), Y, list())));
        assertFlags(half, "stale-read");
    }

    // ------------------------------------------------------------------ Chronon's order of t

    @Test
    void aReadThatMissesAnAppendAtOrBeforeItsBasis() {
        Result r = check(ok(1, 5, X, 1), read(2, 6, lists(X, list())));
        assertFlags(r, "stale-read");
    }

    @Test
    void aReadThatSeesAnAppendAfterItsBasis() {
        Result r = check(ok(1, 5, X, 1), read(2, 4, lists(X, list(1, 5))));
        assertFlags(r, "future-read");
    }

    @Test
    void twoTransactionsAtOneT() {
        assertFlags(check(ok(1, 5, X, 1), ok(2, 5, Y, 2)), "shared-t");
        assertFlags(ListAppendChecker.check(new History(List.of(ok(1, 5, X, 1)), Map.of(100L, 5L), Map.of())), "shared-t");
        // an unknown append read at the t of an acknowledged one
        assertFlags(check(ok(1, 5, X, 1), append(2, Type.INFO, -1, Y, 2), read(3, 5, lists(X, list(1, 5), Y, list(2, 5)))), "shared-t");
    }

    @Test
    void anAcknowledgedAppendReadAtAnotherT() {
        assertFlags(check(ok(1, 5, X, 1), read(2, 6, lists(X, list(1, 6)))), "t-mismatch");
        assertFlags(check(ok(1, -1, X, 1, Y, 2), read(2, 6, lists(X, list(1, 5), Y, list(2, 6)))), "t-mismatch");
    }

    @Test
    void aListOutOfTheOrderOfT() {
        assertFlags(check(ok(1, 5, X, 1), ok(2, 6, X, 2), read(3, 6, lists(X, list(2, 6, 1, 5)))), "read-order");
    }

    @Test
    void aLaterAppendWithASmallerT() {
        // append 1 acknowledged (at 15) before append 2 was sent (at 20), yet committed after it
        Result r = check(ok(1, 6, X, 1), ok(2, 5, Y, 2));
        assertFlags(r, "realtime");
    }

    @Test
    void aReadBelowTheBasisItAskedFor() {
        Result r = check(ok(1, 5, X, 1), Op.read(2, 0, 20, 25, lists(X, list(1, 5)), 7, 6, "n1"));
        assertFlags(r, "basis-regressed");
    }

    // ------------------------------------------------------------------ the log

    @Test
    void aReadThatDiffersFromTheLog() {
        // the log holds an unknown append at t 6 that no read saw: the read at 6 misses it
        History h = new History(List.of(ok(1, 5, X, 1), append(2, Type.INFO, -1, X, 2), read(3, 6, lists(X, list(1, 5)))), Map.of(),
                Map.of("n1", List.of(log(5, X, 1), log(6, X, 2))));
        assertFlags(ListAppendChecker.check(h), "read-vs-log");
    }

    @Test
    void anAcknowledgedAppendMissingFromTheLogOrAtAnotherT() {
        Op a = ok(1, 5, X, 1);
        assertFlags(ListAppendChecker.check(new History(List.of(a), Map.of(), Map.of("n1", List.of(log(5))))), "lost");
        assertFlags(ListAppendChecker.check(new History(List.of(a), Map.of(), Map.of("n1", List.of(log(5), log(6, X, 1))))),
                "t-mismatch");
    }

    @Test
    void twoWritersAtOneT() {
        // the append was acknowledged at t 5, where the log holds another transaction (of the other workload)
        History h = new History(List.of(ok(1, 5, X, 1)), Map.of(100L, 5L),
                Map.of("n1", List.of(new LogTx(5, List.of(), List.of(100L)))));
        assertFlags(ListAppendChecker.check(h), "log-mismatch", "lost", "shared-t");
        History other = new History(List.of(), Map.of(100L, 5L, 101L, 6L),
                Map.of("n1", List.of(new LogTx(5, List.of(), List.of(100L)), new LogTx(6, List.of(), List.of()))));
        assertFlags(ListAppendChecker.check(other), "lost");
    }

    @Test
    void aFailedAppendInTheLog() {
        History h = new History(List.of(append(1, Type.FAIL, -1, X, 1)), Map.of(), Map.of("n1", List.of(log(5, X, 1))));
        assertFlags(ListAppendChecker.check(h), "G1a");
    }

    @Test
    void nodesWithDifferentLogs() {
        History h = new History(List.of(append(1, Type.INFO, -1, X, 1), append(2, Type.INFO, -1, X, 2)), Map.of(),
                Map.of("n1", List.of(log(5, X, 1)), "n2", List.of(log(5, X, 2))));
        Result r = ListAppendChecker.check(h);
        assertFlags(r, "logs-differ");
    }

    @Test
    void theCleanHistoryWithOneAcknowledgedAppendDroppedOrDoubledIsFlagged() {
        History h = clean();
        // the final read of n2 lost element 4 (acknowledged at t 12)
        List<Op> dropped = new ArrayList<>(h.ops());
        dropped.set(10, fin(11, "n2", 13, lists(X, list(1, 10, 2, 11), Y, list(3, 11, 6, 13))));
        Result r = ListAppendChecker.check(new History(dropped, h.others(), h.logs()));
        assertFlags(r, "lost", "stale-read", "incompatible-order", "read-vs-log");
        // ... or holds it twice
        List<Op> doubled = new ArrayList<>(h.ops());
        doubled.set(10, fin(11, "n2", 13, lists(X, list(1, 10, 2, 11), Y, list(3, 11, 4, 12, 4, 12, 6, 13))));
        assertFlags(ListAppendChecker.check(new History(doubled, h.others(), h.logs())), "duplicate-element");
        assertEquals(Set.of(), Set.copyOf(ListAppendChecker.check(h).counts().keySet()));
    }
}
