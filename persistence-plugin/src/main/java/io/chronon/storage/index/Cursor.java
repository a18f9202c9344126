package io.chronon.storage.index;

import io.chronon.db.Datom;

import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.IntFunction;

/**
 * Walks the datoms of a tree between two bounds, ascending or descending, one leaf at a time:
 * a stack of branch positions from the root to the current leaf, nodes read through the cache
 * only when the walk reaches them. It holds the nodes on its path, so eviction from the cache
 * does not disturb a walk. Not thread-safe (an iterator).
 */
final class Cursor implements Iterator<Datom> {
    private final TreeStorage storage;
    private final TreeOrder type;
    private final Comparator<Datom> cmp;
    private final boolean ascending;
    /** The bound where the walk stops (inclusive), or null. */
    private final Datom end;
    private final ArrayDeque<Frame> path = new ArrayDeque<>();
    private Datom[] leaf;
    private int pos;
    /**
     * Where the walk of the current leaf stops: ascending, the first index past the end bound
     * (the leaf's length if the bound is beyond it); descending, the last index below it (-1).
     * Found by one binary search per leaf, so a datom costs an array read, not a comparison.
     */
    private int stop;
    private Datom next;
    private boolean done;

    private static final class Frame {
        final Node.Branch branch;
        int index;

        Frame(Node.Branch branch, int index) {
            this.branch = branch;
            this.index = index;
        }
    }

    /** From {@code start} (the first datom {@code >= start} ascending, {@code <= start} descending; null: the end of the tree) to {@code end}. */
    Cursor(TreeStorage storage, TreeOrder type, Node root, Datom start, Datom end, boolean ascending) {
        this.storage = storage;
        this.type = type;
        this.cmp = type.comparator();
        this.ascending = ascending;
        this.end = end;
        if (root == null) {
            done = true;
            return;
        }
        Node node = root;
        while (node instanceof Node.Branch b) {
            int i;
            if (start == null) {
                i = ascending ? 0 : b.children().length - 1;
            } else {
                // the last child whose first datom is <= start holds start's place
                i = upperBound(b.children(), start) - 1;
                if (i < 0) {
                    if (!ascending) {
                        done = true;
                        return;
                    }
                    i = 0;
                }
            }
            path.push(new Frame(b, i));
            node = storage.read(type, b.children()[i].id());
        }
        leaf = ((Node.Leaf) node).datoms();
        if (start == null) {
            pos = ascending ? 0 : leaf.length - 1;
        } else {
            pos = ascending ? lowerBound(leaf, start, cmp) : upperBound(leaf, start, cmp) - 1;
        }
        stop = stopOf(leaf);
    }

    /** {@link #stop} of {@code datoms}. */
    private int stopOf(Datom[] datoms) {
        if (end == null) {
            return ascending ? datoms.length : -1;
        }
        return ascending ? upperBound(datoms, end, cmp) : lowerBound(datoms, end, cmp) - 1;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = advance();
            done = next == null;
        }
        return next != null;
    }

    @Override
    public Datom next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Datom d = next;
        next = null;
        return d;
    }

    private Datom advance() {
        while (true) {
            if (ascending ? pos < stop : pos > stop) {
                Datom d = leaf[pos];
                pos += ascending ? 1 : -1;
                return d;
            }
            if (ascending ? stop < leaf.length : stop >= 0) {
                return null; // the end bound lies within this leaf
            }
            if (!nextLeaf()) {
                return null;
            }
        }
    }

    /** Moves to the leaf after (or before) the current one; false at the end of the tree or past the end bound. */
    private boolean nextLeaf() {
        while (!path.isEmpty()) {
            Frame top = path.peek();
            if (!ascending && end != null && cmp.compare(top.branch.children()[top.index].first(), end) <= 0) {
                // the children before this one hold only datoms below its first, so below the end
                return false;
            }
            int i = top.index + (ascending ? 1 : -1);
            if (i < 0 || i >= top.branch.children().length) {
                path.pop();
                continue;
            }
            top.index = i;
            ChildRef child = top.branch.children()[i];
            if (ascending && end != null && cmp.compare(child.first(), end) > 0) {
                return false;
            }
            Node node = storage.read(type, child.id());
            while (node instanceof Node.Branch b) {
                int j = ascending ? 0 : b.children().length - 1;
                path.push(new Frame(b, j));
                node = storage.read(type, b.children()[j].id());
            }
            leaf = ((Node.Leaf) node).datoms();
            pos = ascending ? 0 : leaf.length - 1;
            stop = stopOf(leaf);
            return true;
        }
        return false;
    }

    /** The first index of {@code children} whose first datom is above {@code key}. */
    private int upperBound(ChildRef[] children, Datom key) {
        return bound(0, children.length, i -> children[i].first(), key, true, cmp);
    }

    static int lowerBound(Datom[] datoms, Datom key, Comparator<Datom> cmp) {
        return bound(0, datoms.length, i -> datoms[i], key, false, cmp);
    }

    static int upperBound(Datom[] datoms, Datom key, Comparator<Datom> cmp) {
        return bound(0, datoms.length, i -> datoms[i], key, true, cmp);
    }

    /**
     * The first index in {@code [lo, hi)} whose datom ({@code at}, ascending) is above
     * {@code key} ({@code above}) or not below it (otherwise); {@code hi} if there is none.
     */
    static int bound(int lo, int hi, IntFunction<Datom> at, Datom key, boolean above, Comparator<Datom> cmp) {
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = cmp.compare(at.apply(mid), key);
            if (c < 0 || above && c == 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
