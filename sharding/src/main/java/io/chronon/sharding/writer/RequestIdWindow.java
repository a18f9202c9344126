package io.chronon.sharding.writer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's memory of request ids, so that a transaction sent again with the id of one
 * already committed, queued or in flight is answered with that one's outcome instead of
 * committing twice.
 *
 * <p><b>What is remembered, how long:</b> the ids of the committed entries among the last
 * {@code size} sequence numbers of the log (the window), in log order; as the log grows the
 * older ones are forgotten, and a transaction carrying one of those commits again. Besides
 * them, the ids of the transactions still queued or in flight, each with what waits for its
 * outcome ({@code W}: the writer's callers of the same id).
 *
 * <p><b>After a recovery</b> only the ids of the entries replayed after the snapshot are
 * known; the window's earlier entries are read from the log ({@link #nextRead},
 * {@link #read}), and until they are a transaction with a request id cannot be told
 * apart from a retry ({@link Unread}).
 *
 * <p>The window does not count the log itself: every call that depends on its end takes
 * {@code lastSeqNr}, the sequence number of the last durable entry. One writer's, used on
 * its thread only.
 */
final class RequestIdWindow<W> {

    /** What a transaction's request id says about it ({@link #check}). */
    sealed interface Seen<W> {
    }

    /** The id is new: process the transaction. */
    record New<W>() implements Seen<W> {
    }

    /** Committed as entry {@code seqNr}: answer with that entry's result, read back from the log. */
    record Committed<W>(long seqNr) implements Seen<W> {
    }

    /** Queued or in flight: answer with that transaction's outcome, through {@code waiting}. */
    record Waiting<W>(W waiting) implements Seen<W> {
    }

    /** Not known yet: the window is still being read from the log; the transaction waits for it. */
    record Unread<W>() implements Seen<W> {
    }

    /** The entries {@code from}..{@code to} (inclusive) whose request ids are to be read from the log. */
    record Read(long from, long to) {
    }

    private final int size;
    /** The request ids of committed entries, by id, in log order: those of {@link #knownFrom}.. within the window. */
    private final LinkedHashMap<String, Long> committed = new LinkedHashMap<>();
    private long knownFrom = 1;
    /** The request ids of queued and in-flight transactions, with what waits for them. */
    private final Map<String, W> pending = new HashMap<>();
    private boolean reading;

    /** A window of the last {@code size} entries of a log that is empty or whose ids are all to be read. */
    RequestIdWindow(int size) {
        this.size = size;
    }

    /**
     * What {@code requestId} is, {@code own} being what waits for the transaction that
     * carries it (a transaction processed again is not a retry of itself). While the window
     * is incomplete every id is {@link Unread}, even one queued: it may have been committed
     * before it was queued.
     */
    Seen<W> check(String requestId, W own, long lastSeqNr) {
        if (!complete(lastSeqNr)) {
            return new Unread<>();
        }
        Long seqNr = committed.get(requestId);
        if (seqNr != null) {
            return new Committed<>(seqNr);
        }
        W waiting = pending.get(requestId);
        if (waiting != null && waiting != own) {
            return new Waiting<>(waiting);
        }
        return new New<>();
    }

    /** The transaction with {@code requestId} is queued: a retry of it waits on {@code waiting}. */
    void queued(String requestId, W waiting) {
        pending.put(requestId, waiting);
    }

    /**
     * The transaction with {@code requestId} no longer waits (it failed, or is to be
     * processed again): a retry is not joined to it.
     */
    void notWaiting(String requestId) {
        pending.remove(requestId);
    }

    /**
     * The transaction with {@code requestId} is durable as entry {@code seqNr}: from now on a
     * retry is answered from the log. Call {@link #evict} once the write's entries are counted.
     */
    void committed(String requestId, long seqNr) {
        pending.remove(requestId);
        remember(requestId, seqNr);
    }

    /**
     * The log recovered to {@code lastSeqNr}, replaying its entries from {@code replayedFrom}
     * (after its snapshot), whose request ids are {@code replayedIds}; the ids of the entries
     * up to {@code knownTo} are known already. Call {@link #nextRead} next.
     */
    void recovered(long replayedFrom, List<TxLog.RequestIdAt> replayedIds, long knownTo, long lastSeqNr) {
        if (replayedFrom > knownTo + 1) {
            // the first recovery (from a snapshot): what was known is not contiguous with the replay
            committed.clear();
            knownFrom = replayedFrom;
        }
        for (TxLog.RequestIdAt id : replayedIds) {
            if (id.seqNr() > knownTo) {
                remember(id.requestId(), id.seqNr());
            }
        }
        evict(lastSeqNr);
    }

    /** Forgets the ids of the entries that the log, now ending at {@code lastSeqNr}, has left behind the window. */
    void evict(long lastSeqNr) {
        long start = start(lastSeqNr);
        Iterator<Long> it = committed.values().iterator();
        while (it.hasNext() && it.next() < start) {
            it.remove();
        }
        knownFrom = Math.max(knownFrom, start);
    }

    /** True when the ids of every entry of the window are known. */
    boolean complete(long lastSeqNr) {
        return knownFrom <= start(lastSeqNr);
    }

    /**
     * The entries whose ids are to be read from the log now, or null: the window is
     * complete, or a read is under way. Once it returns a range, it returns null until that
     * read ends ({@link #read} or {@link #readAbandoned}).
     */
    Read nextRead(long lastSeqNr) {
        if (reading || complete(lastSeqNr)) {
            return null;
        }
        reading = true;
        return new Read(start(lastSeqNr), knownFrom - 1);
    }

    /**
     * The ids read from the log for the entries {@code from}..{@code to}. They are taken only if
     * they join those known: a recovery meanwhile may have replaced what was known.
     */
    void read(long from, long to, List<TxLog.RequestIdAt> ids, long lastSeqNr) {
        reading = false;
        if (from < knownFrom && to + 1 >= knownFrom) {
            LinkedHashMap<String, Long> newer = new LinkedHashMap<>(committed);
            committed.clear();
            for (TxLog.RequestIdAt id : ids) {
                remember(id.requestId(), id.seqNr());
            }
            newer.forEach(this::remember);
            knownFrom = from;
            evict(lastSeqNr);
        }
    }

    /** The read under way failed or is no longer wanted: the next {@link #nextRead} starts another. */
    void readAbandoned() {
        reading = false;
    }

    /** The lowest sequence number whose request id the window holds. */
    private long start(long lastSeqNr) {
        return Math.max(1, lastSeqNr - size + 1);
    }

    private void remember(String requestId, long seqNr) {
        committed.remove(requestId); // an id older than the window may have committed again: keep the order by seqNr
        committed.put(requestId, seqNr);
    }
}
