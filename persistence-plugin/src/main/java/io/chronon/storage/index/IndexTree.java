package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.index.SortedIndex;

import java.util.Comparator;
import java.util.Iterator;
import java.util.Objects;

/**
 * An immutable B+tree of datoms in the order of one {@link IndexType} or of the log ({@link TreeOrder}), whose nodes are segments
 * of a database in a segment store: a durable index. A leaf holds a sorted run of datoms; a
 * branch holds, per child, the child's segment, its first datom and its datom count. Every leaf
 * is at the same depth. A tree is named by its {@link IndexRoot}; the same datoms built the same
 * way give the same segments, and a merge shares every untouched subtree with the tree it
 * started from.
 *
 * <ul>
 *   <li>{@link #build}: O(n), streaming, writes every node once, nodes filled to the targets of
 *       {@link NodeLimits}.
 *   <li>{@link #merge}: writes only the leaves the novelty changes and the branches above them:
 *       O(k &middot; depth) segments for k datoms of novelty, whatever the size of the tree.
 *   <li>{@link #slice}, {@link #rslice}, {@link #seek}, {@link #ceiling}: O(depth) segment reads
 *       to the start, then one read per leaf walked; {@link #floor}, {@link #contains}: O(depth)
 *       reads; {@link #count}: O(depth) reads, by the counts in the branches.
 * </ul>
 *
 * <p>A tree is a {@link SortedIndex} in the order of its type, so a db value can read it as the
 * base of an index ({@link io.chronon.index.LayeredIndex}) exactly as it reads an index held in
 * memory. Datoms are matched by that order's comparator, as in
 * {@link io.chronon.index.PersistentSortedSet}.
 *
 * Reads go through the {@link SegmentCache} of its {@link TreeStorage}. A missing or corrupt
 * segment fails the read (or the iteration that reaches it) with a {@link ChrononException}
 * naming the database and the segment; it is never taken for an empty subtree. A tree is safe
 * to read from many threads at once; its iterators are not.
 */
public final class IndexTree implements SortedIndex<Datom> {
    private final TreeOrder type;
    private final TreeStorage storage;
    private final IndexRoot root;
    /** Null for the empty tree. */
    private final Node rootNode;

    private IndexTree(TreeOrder type, TreeStorage storage, IndexRoot root, Node rootNode) {
        this.type = Objects.requireNonNull(type, "type");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.root = root;
        this.rootNode = rootNode;
    }

    /** The tree with no datoms. */
    public static IndexTree empty(TreeOrder type, TreeStorage storage) {
        return new IndexTree(type, storage, IndexRoot.EMPTY, null);
    }

    /** The tree with no datoms in the order of {@code type}. */
    public static IndexTree empty(IndexType type, TreeStorage storage) {
        return empty(TreeOrder.of(type), storage);
    }

    /** The tree named by {@code root} in the order of {@code type}; reads its root segment (and fails if it cannot). */
    public static IndexTree open(IndexType type, TreeStorage storage, IndexRoot root) {
        return open(TreeOrder.of(type), storage, root);
    }

    /** The tree named by {@code root}; reads its root segment (and fails if it cannot). */
    public static IndexTree open(TreeOrder type, TreeStorage storage, IndexRoot root) {
        if (root.isEmpty()) {
            return empty(type, storage);
        }
        return new IndexTree(type, storage, root, storage.read(type, root.id()));
    }

    /** A tree of {@code sorted}, which must be strictly ascending in the order of {@code type}; writes every node. */
    public static IndexTree build(IndexType type, TreeStorage storage, Iterator<Datom> sorted) {
        return build(TreeOrder.of(type), storage, sorted);
    }

    /** A tree of {@code sorted}, which must be strictly ascending in {@code order}; writes every node. */
    public static IndexTree build(TreeOrder type, TreeStorage storage, Iterator<Datom> sorted) {
        TreeBuilder builder = new TreeBuilder(storage, type);
        while (sorted.hasNext()) {
            builder.add(sorted.next());
        }
        return at(type, storage, builder.finish());
    }

    private static IndexTree at(TreeOrder type, TreeStorage storage, TreeStorage.Written root) {
        return root == null ? empty(type, storage) : new IndexTree(type, storage, IndexRoot.of(root.id()), root.node());
    }

    /**
     * This tree with {@code removed} taken out and {@code added} put in (each strictly ascending
     * in this tree's order). A datom is matched by the order's comparator, as in
     * {@link io.chronon.index.PersistentSortedSet}: adding one already present keeps the one
     * present, removing an absent one does nothing, and one both removed and added is present
     * afterwards. Writes only the nodes that change; returns this tree if none does.
     */
    public IndexTree merge(Iterable<Datom> added, Iterable<Datom> removed) {
        TreeMerge.Result result = TreeMerge.merge(storage, type, rootNode, added, removed);
        return result.changed() ? at(type, storage, result.root()) : this;
    }

    /** The name of this tree. */
    public IndexRoot root() {
        return root;
    }

    /** The order of this tree. */
    public TreeOrder order() {
        return type;
    }

    /** Where this tree's nodes are read (and a merge writes new ones). */
    public TreeStorage storage() {
        return storage;
    }

    /** The order of the datoms: the comparator of {@link #type()}. */
    @Override
    public Comparator<Datom> comparator() {
        return type.comparator();
    }

    /** The number of datoms, from the root's count: no read. */
    @Override
    public long size() {
        return rootNode == null ? 0 : rootNode.count();
    }

    /** True for the tree with no datoms (which has no segment). */
    @Override
    public boolean isEmpty() {
        return rootNode == null;
    }

    /** Levels of nodes from the root to the leaves: 0 for the empty tree, 1 for a single leaf. */
    public int depth() {
        return rootNode == null ? 0 : rootNode.height() + 1;
    }

    /** The datoms {@code from <= d <= to} ascending; a null bound is open. */
    @Override
    public Iterable<Datom> slice(Datom from, Datom to) {
        return () -> new Cursor(storage, type, rootNode, from, to, true);
    }

    /** The datoms {@code to <= d <= from} descending, starting at {@code from}; a null bound is open. */
    @Override
    public Iterable<Datom> rslice(Datom from, Datom to) {
        return () -> new Cursor(storage, type, rootNode, from, to, false);
    }

    /** The datoms {@code >= key} ascending: Datomic's {@code seekDatoms}. */
    public Iterable<Datom> seek(Datom key) {
        return slice(key, null);
    }

    /** The least datom {@code >= key}, or null; reads the path to {@code key}'s place and, if that leaf ends below it, the next leaf. */
    @Override
    public Datom ceiling(Datom key) {
        Iterator<Datom> it = seek(key).iterator();
        return it.hasNext() ? it.next() : null;
    }

    /**
     * The greatest datom {@code <= key}, or null. Reads one path: the leaf that holds
     * {@code key}'s place starts at or below it (branches steer by their children's first
     * datoms), so it holds the answer whenever there is one.
     */
    @Override
    public Datom floor(Datom key) {
        Iterator<Datom> it = rslice(key, null).iterator();
        return it.hasNext() ? it.next() : null;
    }

    /** True if a datom equal to {@code key} in this tree's order is present; reads one path. */
    @Override
    public boolean contains(Datom key) {
        Datom floor = floor(key);
        return floor != null && type.comparator().compare(floor, key) == 0;
    }

    /** Every datom, ascending. */
    @Override
    public Iterator<Datom> iterator() {
        return slice(null, null).iterator();
    }

    /**
     * Calls {@code each} with the id of every segment of this tree: the root, every branch
     * (read) and every leaf (named by its parent, not read). What garbage collection keeps.
     */
    public void segments(java.util.function.Consumer<io.chronon.storage.segment.SegmentId> each) {
        if (rootNode == null) {
            return;
        }
        each.accept(root.id());
        java.util.ArrayDeque<Node> branches = new java.util.ArrayDeque<>();
        branches.push(rootNode);
        while (!branches.isEmpty()) {
            if (branches.pop() instanceof Node.Branch b) {
                for (ChildRef child : b.children()) {
                    each.accept(child.id());
                    if (b.height() > 1) {
                        branches.push(storage.read(type, child.id()));
                    }
                }
            }
        }
    }

    /** How many datoms lie in {@code from <= d <= to}; a null bound is open. Reads one path per bound, no leaf walk. */
    @Override
    public long count(Datom from, Datom to) {
        long upTo = to == null ? size() : rank(to, true);
        long below = from == null ? 0 : rank(from, false);
        return Math.max(0, upTo - below);
    }

    /** How many datoms are below {@code key}, or not above it if {@code inclusive}. */
    private long rank(Datom key, boolean inclusive) {
        Node node = rootNode;
        if (node == null) {
            return 0;
        }
        long rank = 0;
        var cmp = type.comparator();
        while (node instanceof Node.Branch b) {
            ChildRef[] children = b.children();
            int i = Cursor.bound(0, children.length, j -> children[j].first(), key, inclusive, cmp) - 1;
            if (i < 0) {
                return rank;
            }
            for (int j = 0; j < i; j++) {
                rank += children[j].count();
            }
            node = storage.read(type, children[i].id());
        }
        Datom[] datoms = ((Node.Leaf) node).datoms();
        return rank + Cursor.bound(0, datoms.length, j -> datoms[j], key, inclusive, cmp);
    }

    @Override
    public String toString() {
        return type + " tree " + root + " of " + storage.database() + " (" + size() + " datoms, depth " + depth() + ")";
    }
}
