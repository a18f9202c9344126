package io.chronon.storage.index;

import io.chronon.db.Datom;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * Merges a sorted batch of novelty into a tree, rewriting only the leaves it changes and the
 * branches above them: the novelty is cut among the children of each branch by their first
 * datoms, a child without novelty keeps its segment, and a branch none of whose children
 * changed is not rewritten. A node that grows past twice the target is cut into target-sized
 * nodes; a new node below a quarter of the target is merged with a neighbour; the root gets a
 * level when it splits and loses one when it is left with a single child, so all leaves stay at
 * one depth.
 */
final class TreeMerge {
    /** How full a merged node may grow before it is cut into target-sized ones. */
    private static final double MAX_FILL = 2;
    /** Below this a new node is merged with a neighbour. */
    private static final double MIN_FILL = 0.25;

    private final Comparator<Datom> cmp;
    private final NodeWriter writer;
    private final NodeLimits limits;
    /** The novelty, ascending; {@code adds[i]} says whether {@code keys[i]} is added or removed. */
    private final Datom[] keys;
    private final boolean[] adds;

    private TreeMerge(TreeStorage storage, TreeOrder type, List<Datom> keys, List<Boolean> adds) {
        this.cmp = type.comparator();
        this.writer = new NodeWriter(storage, type, true);
        this.limits = storage.limits();
        this.keys = keys.toArray(new Datom[0]);
        this.adds = new boolean[keys.size()];
        for (int i = 0; i < this.adds.length; i++) {
            this.adds[i] = adds.get(i);
        }
    }

    /** The tree after merging {@code added} and {@code removed} into the tree of {@code root} (null: the empty tree). */
    static Result merge(TreeStorage storage, TreeOrder type, Node root, Iterable<Datom> added, Iterable<Datom> removed) {
        List<Datom> keys = new ArrayList<>();
        List<Boolean> adds = new ArrayList<>();
        Comparator<Datom> cmp = type.comparator();
        Iterator<Datom> a = ascending(added.iterator(), cmp, "added");
        Iterator<Datom> r = ascending(removed.iterator(), cmp, "removed");
        Datom nextA = a.hasNext() ? a.next() : null;
        Datom nextR = r.hasNext() ? r.next() : null;
        while (nextA != null || nextR != null) {
            int c = nextA == null ? 1 : nextR == null ? -1 : cmp.compare(nextA, nextR);
            keys.add(c <= 0 ? nextA : nextR);
            adds.add(c <= 0);
            // a datom both removed and added is present afterwards: removals apply first
            if (c <= 0) {
                nextA = a.hasNext() ? a.next() : null;
            }
            if (c >= 0) {
                nextR = r.hasNext() ? r.next() : null;
            }
        }
        TreeMerge merge = new TreeMerge(storage, type, keys, adds);
        return merge.mergeRoot(root);
    }

    /** Whether the merge changed the tree, and its new root (null: the empty tree). */
    record Result(boolean changed, TreeStorage.Written root) {
        static final Result UNCHANGED = new Result(false, null);
    }

    private Result mergeRoot(Node root) {
        if (keys.length == 0) {
            return Result.UNCHANGED;
        }
        List<?> entries;
        int height;
        if (root == null) {
            List<Datom> added = new ArrayList<>();
            for (int i = 0; i < keys.length; i++) {
                if (adds[i]) {
                    added.add(keys[i]);
                }
            }
            if (added.isEmpty()) {
                return Result.UNCHANGED;
            }
            entries = added;
            height = 0;
        } else {
            entries = mergeEntries(root, 0, keys.length);
            if (entries == null) {
                return Result.UNCHANGED;
            }
            height = root.height();
        }
        // entries of a node of this height: write them, then levels above until one node is left
        List<ChildRef> level = height == 0 ? writer.writeAll(0, entries, MAX_FILL) : castRefs(entries);
        int levelHeight = height == 0 ? 0 : height - 1;
        while (level.size() > 1) {
            level = writer.writeAll(++levelHeight, level, MAX_FILL);
        }
        if (level.isEmpty()) {
            return new Result(true, null);
        }
        ChildRef top = level.get(0);
        Node topNode = writer.node(top.id());
        while (topNode instanceof Node.Branch b && b.children().length == 1) {
            top = b.children()[0];
            topNode = writer.node(top.id());
        }
        return new Result(true, new TreeStorage.Written(top.id(), topNode));
    }

    @SuppressWarnings("unchecked")
    private static List<ChildRef> castRefs(List<?> entries) {
        return new ArrayList<>((List<ChildRef>) entries);
    }

    /** The nodes replacing {@code ref} after merging {@code keys[lo..hi)} into it: itself if unchanged, none if emptied. */
    private List<ChildRef> mergeNode(ChildRef ref, int lo, int hi) {
        if (lo == hi) {
            return List.of(ref);
        }
        Node node = writer.node(ref.id());
        List<?> entries = mergeEntries(node, lo, hi);
        return entries == null ? List.of(ref) : writer.writeAll(node.height(), entries, MAX_FILL);
    }

    /** The entries of {@code node} after merging {@code keys[lo..hi)} into it, or null if they do not change. */
    private List<?> mergeEntries(Node node, int lo, int hi) {
        if (node instanceof Node.Leaf leaf) {
            return mergeLeaf(leaf.datoms(), lo, hi);
        }
        Node.Branch branch = (Node.Branch) node;
        ChildRef[] children = branch.children();
        List<ChildRef> out = new ArrayList<>(children.length + 4);
        boolean changed = false;
        int start = lo;
        for (int i = 0; i < children.length; i++) {
            // child i takes the novelty below the next child's first datom
            int end = i == children.length - 1 ? hi : lowerBound(start, hi, children[i + 1].first());
            List<ChildRef> replaced = mergeNode(children[i], start, end);
            changed |= replaced.size() != 1 || replaced.get(0) != children[i];
            out.addAll(replaced);
            start = end;
        }
        if (!changed) {
            return null;
        }
        mergeSmallNodes(out, branch.height() - 1);
        return out;
    }

    /** The datoms of a leaf after the novelty, or null if it changes none. */
    private List<Datom> mergeLeaf(Datom[] datoms, int lo, int hi) {
        List<Datom> out = new ArrayList<>(datoms.length + hi - lo);
        boolean changed = false;
        int i = 0;
        for (int k = lo; k < hi; k++) {
            Datom key = keys[k];
            while (i < datoms.length && cmp.compare(datoms[i], key) < 0) {
                out.add(datoms[i++]);
            }
            boolean present = i < datoms.length && cmp.compare(datoms[i], key) == 0;
            if (adds[k]) {
                // as PersistentSortedSet: adding an element equal to one present keeps the one present
                out.add(present ? datoms[i++] : key);
                changed |= !present;
            } else if (present) {
                i++;
                changed = true;
            }
        }
        while (i < datoms.length) {
            out.add(datoms[i++]);
        }
        return changed ? out : null;
    }

    /** Merges each new node of {@code refs} below the minimum fill with a neighbour (the node after it, or before the last). */
    private void mergeSmallNodes(List<ChildRef> refs, int height) {
        int i = 0;
        while (i < refs.size() && refs.size() > 1) {
            Node node = writer.written(refs.get(i).id());
            if (node == null || limits.fill(node.bytes(), node.entries(), height) >= MIN_FILL) {
                i++;
                continue;
            }
            int left = i + 1 < refs.size() ? i : i - 1;
            List<Object> entries = new ArrayList<>();
            entries.addAll(entriesOf(writer.node(refs.get(left).id())));
            entries.addAll(entriesOf(writer.node(refs.get(left + 1).id())));
            if (height > 0) {
                // a branch is small when its children were emptied; a small new child of it now has neighbours
                mergeSmallNodes(castEntries(entries), height - 1);
            }
            List<ChildRef> replaced = writer.writeAll(height, entries, MAX_FILL);
            refs.subList(left, left + 2).clear();
            refs.addAll(left, replaced);
            // one node: look at it again (it may still be small); several: each is at least half full
            i = replaced.size() == 1 ? left : left + replaced.size();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<ChildRef> castEntries(List<Object> entries) {
        return (List<ChildRef>) (List<?>) entries;
    }

    private static List<?> entriesOf(Node node) {
        return node instanceof Node.Leaf leaf ? leaf.datomList() : ((Node.Branch) node).childList();
    }

    /** The first index in {@code keys[lo..hi)} not below {@code key}. */
    private int lowerBound(int lo, int hi, Datom key) {
        return Cursor.bound(lo, hi, i -> keys[i], key, false, cmp);
    }

    private static Iterator<Datom> ascending(Iterator<Datom> it, Comparator<Datom> cmp, String what) {
        return new Iterator<>() {
            private Datom last;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Datom next() {
                Datom d = it.next();
                if (last != null && cmp.compare(last, d) >= 0) {
                    throw new IllegalArgumentException("Datoms " + what + " must be strictly ascending: " + d + " after " + last);
                }
                last = d;
                return d;
            }
        };
    }
}
