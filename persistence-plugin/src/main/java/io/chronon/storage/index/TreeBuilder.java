package io.chronon.storage.index;

import io.chronon.db.Datom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds a tree bottom-up from datoms in ascending order, streaming: each level keeps at most
 * about two nodes' worth of entries, writes a target-sized node whenever it has more, and hands
 * the node up to the level above. At the end each level cuts what it holds into one or two
 * nodes at least half full, so every node but the root is.
 */
final class TreeBuilder {
    private final NodeWriter writer;
    private final TreeOrder type;
    private final Comparator<Datom> cmp;
    private final NodeLimits limits;
    private final List<Level> levels = new ArrayList<>();
    private Datom last;

    TreeBuilder(TreeStorage storage, TreeOrder type) {
        this.writer = new NodeWriter(storage, type, false);
        this.type = type;
        this.cmp = type.comparator();
        this.limits = storage.limits();
        levels.add(new Level(0));
    }

    void add(Datom d) {
        if (last != null && cmp.compare(last, d) >= 0) {
            throw new IllegalArgumentException("Datoms to build a " + type + " tree must be strictly ascending: " + d + " after " + last);
        }
        last = d;
        levels.get(0).add(d);
    }

    /** The root of the tree built, or null if no datom was added. */
    TreeStorage.Written finish() {
        for (int h = 0; h < levels.size(); h++) {
            levels.get(h).finish();
        }
        ChildRef root = levels.get(levels.size() - 1).held;
        return root == null ? null : new TreeStorage.Written(root.id(), writer.node(root.id()));
    }

    /** The entries of one level not yet written. */
    private final class Level {
        private final int height;
        private final NodeCodec.Encoder sizer;
        private final List<Object> entries = new ArrayList<>();
        private final List<Integer> sizes = new ArrayList<>();
        private long bytes;
        /** The first node written at this level, handed up only once a second one shows it is not the root. */
        private ChildRef held;
        private int written;

        Level(int height) {
            this.height = height;
            this.sizer = new NodeCodec.Encoder(type, height);
        }

        void add(Object entry) {
            int size = height == 0 ? sizer.datom((Datom) entry) : sizer.child((ChildRef) entry);
            if (sizer.size() > 1 << 20) {
                sizer.dropBytes();
            }
            entries.add(entry);
            sizes.add(size);
            bytes += size;
            if (limits.fill(bytes, entries.size(), height) > 2) {
                writeFullNode();
            }
        }

        /** Writes the longest prefix that fits a target-sized node (at least one entry). */
        private void writeFullNode() {
            int n = 1;
            long prefix = sizes.get(0);
            while (n < entries.size() && limits.fill(prefix + sizes.get(n), n + 1, height) <= 1) {
                prefix += sizes.get(n);
                n++;
            }
            written(writer.write(height, entries.subList(0, n)));
            entries.subList(0, n).clear();
            sizes.subList(0, n).clear();
            bytes -= prefix;
        }

        void finish() {
            for (ChildRef ref : writer.writeAll(height, entries, 1)) {
                written(ref);
            }
            entries.clear();
        }

        private void written(ChildRef ref) {
            written++;
            if (written == 1) {
                held = ref;
                return;
            }
            if (levels.size() == height + 1) {
                levels.add(new Level(height + 1));
            }
            Level up = levels.get(height + 1);
            if (written == 2) {
                up.add(held);
            }
            up.add(ref);
        }
    }
}
