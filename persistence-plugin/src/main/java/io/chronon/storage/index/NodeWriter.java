package io.chronon.storage.index;

import io.chronon.storage.segment.SegmentId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the nodes of one build or merge: cuts runs of entries into nodes of the target size
 * and, for a merge, remembers what it wrote, so the merge can look at its new nodes again
 * without a read (a merge writes O(novelty &middot; depth) nodes; a build, which writes the
 * whole tree, keeps none).
 */
final class NodeWriter {
    private final TreeStorage storage;
    private final TreeOrder type;
    private final NodeLimits limits;
    /** The nodes written, or null if they are not kept. */
    private final Map<SegmentId, Node> written;

    NodeWriter(TreeStorage storage, TreeOrder type, boolean keepWritten) {
        this.storage = storage;
        this.type = type;
        this.limits = storage.limits();
        this.written = keepWritten ? new HashMap<>() : null;
    }

    /** One node of {@code entries} (datoms for height 0, else children). */
    ChildRef write(int height, List<?> entries) {
        TreeStorage.Written w = storage.write(type, height, entries);
        if (written != null) {
            written.put(w.id(), w.node());
        }
        return w.ref();
    }

    /**
     * {@code entries} as nodes: one if they fill at most {@code maxFill} of a target-sized node,
     * else as many target-sized nodes as they fill, evenly cut (so each is at least half full).
     */
    List<ChildRef> writeAll(int height, List<?> entries, double maxFill) {
        if (entries.isEmpty()) {
            return List.of();
        }
        int[] sizes = NodeCodec.entrySizes(type, height, entries);
        long total = 0;
        for (int size : sizes) {
            total += size;
        }
        int n = entries.size();
        double fill = limits.fill(total, n, height);
        if (fill <= maxFill || n == 1) {
            return List.of(write(height, entries));
        }
        int pieces = (int) Math.min(n, Math.ceil(fill));
        // cut where the limit that binds is: by bytes, or by entry counts
        boolean byBytes = (double) total / limits.targetBytes() >= limits.fill(0, n, height);
        List<ChildRef> refs = new ArrayList<>(pieces);
        int from = 0;
        long done = 0;
        for (int j = 1; j <= pieces; j++) {
            int to = from + 1;
            done += byBytes ? sizes[from] : 1;
            int mustLeave = pieces - j;
            double goal = (double) (byBytes ? total : n) * j / pieces;
            while (to < n - mustLeave && done + (byBytes ? sizes[to] : 1) <= goal + 1e-9) {
                done += byBytes ? sizes[to] : 1;
                to++;
            }
            if (j == pieces) {
                to = n;
            }
            refs.add(write(height, entries.subList(from, to)));
            from = to;
        }
        return refs;
    }

    /** The node of {@code id} if this writer wrote it and keeps what it writes, else null. */
    Node written(SegmentId id) {
        return written == null ? null : written.get(id);
    }

    /** Node {@code id}: one just written, or read through the cache. */
    Node node(SegmentId id) {
        Node node = written(id);
        return node != null ? node : storage.read(type, id);
    }
}
