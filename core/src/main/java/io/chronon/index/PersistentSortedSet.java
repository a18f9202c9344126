package io.chronon.index;

import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * An immutable sorted set. Every "modifying" call returns a new set that shares structure
 * with this one, so keeping many versions is cheap. Batches go through {@link #toTransient()}.
 *
 * <p>The set is a persistent B+tree in the manner of DataScript's
 * {@code me.tonsky.persistent_sorted_set}. Leaves hold up to {@value #MAX_LEAF} elements in
 * sorted arrays; a branch holds up to {@value #MAX_BRANCH} children together with each child's
 * greatest element (to steer searches) and each child's element count (to count ranges).
 * Every node but the root is at least half full, so the tree stays shallow: a million elements
 * fit in four levels.
 *
 * <ul>
 *   <li>{@link #contains}, {@link #ceiling}, {@link #floor}, {@link #count}: O(log n), nothing
 *       allocated.
 *   <li>{@link #with}, {@link #without}: O(log n); only the nodes on the path from the root to
 *       one leaf are copied (plus a sibling when a node splits, merges or borrows), everything
 *       else is shared with the original, which stays valid and unchanged.
 *   <li>{@link #slice}, {@link #rslice}, {@link #iterator}: O(log n) to find the start, then
 *       O(1) amortized per element, walking the leaf arrays with a stack of branch positions;
 *       nothing is allocated per element.
 *   <li>{@link #toTransient()}: adds and removes mutate in place the nodes that the transient
 *       itself created, so a batch copies each path once rather than once per change.
 *   <li>{@link #fromSorted}: O(n), leaves packed nearly full.
 * </ul>
 *
 * <p>A set is safe to read from many threads at once; a {@link Transient} is not.
 */
public final class PersistentSortedSet<T> implements SortedIndex<T> {
    // Chosen by measurement (100k random Long keys, leaves 16..128 x branches 32..128): 64/64
    // balances the costs. 32-key leaves iterate ~75% slower (each leaf hop is a cache miss);
    // 128-key leaves iterate ~12% faster but make persistent inserts 6-15% slower, as every
    // insert copies a whole leaf. Branch width barely mattered between 32 and 128.
    static final int MAX_LEAF = 64;
    static final int MIN_LEAF = MAX_LEAF / 2;
    static final int MAX_BRANCH = 64;
    static final int MIN_BRANCH = MAX_BRANCH / 2;

    private static final Leaf EMPTY_ROOT = new Leaf(new Object[0], 0, null);

    private final Comparator<? super T> cmp;
    // Final fields: a set published through a data race is still seen with all its nodes.
    private final Node root;
    private final int size;

    private PersistentSortedSet(Comparator<? super T> cmp, Node root, int size) {
        this.cmp = cmp;
        this.root = root;
        this.size = size;
    }

    /** The empty set ordered by {@code cmp}. */
    public static <T> PersistentSortedSet<T> empty(Comparator<? super T> cmp) {
        return new PersistentSortedSet<>(Objects.requireNonNull(cmp, "cmp"), EMPTY_ROOT, 0);
    }

    /** A set of {@code sorted}, which must be strictly ascending under {@code cmp}. */
    public static <T> PersistentSortedSet<T> fromSorted(Comparator<? super T> cmp, List<T> sorted) {
        Objects.requireNonNull(cmp, "cmp");
        Object[] items = sorted.toArray();
        int n = items.length;
        if (n == 0) {
            return empty(cmp);
        }
        assert isStrictlyAscending(items, cmp) : "fromSorted needs strictly ascending elements";
        // Spread the elements evenly over as few leaves as possible, so every leaf is at least
        // half full (the invariant removal relies on) and most are (nearly) packed.
        int leafCount = ceilDiv(n, MAX_LEAF);
        Node[] level = new Node[leafCount];
        for (int j = 0, from = 0; j < leafCount; j++) {
            int to = from + share(n, leafCount, j);
            level[j] = Leaf.of(items, from, to, null);
            from = to;
        }
        while (level.length > 1) {
            int m = level.length;
            int branchCount = ceilDiv(m, MAX_BRANCH);
            Node[] up = new Node[branchCount];
            for (int j = 0, from = 0; j < branchCount; j++) {
                int len = share(m, branchCount, j);
                Object[] keys = new Object[len];
                Node[] children = new Node[len];
                int[] sizes = new int[len];
                for (int k = 0; k < len; k++) {
                    Node child = level[from + k];
                    keys[k] = child.maxKey();
                    children[k] = child;
                    sizes[k] = child.size();
                }
                up[j] = new Branch(keys, children, sizes, len, null);
                from += len;
            }
            level = up;
        }
        return new PersistentSortedSet<>(cmp, level[0], n);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** How many of {@code total} items part {@code j} of {@code parts} even parts gets. */
    private static int share(int total, int parts, int j) {
        return total / parts + (j < total % parts ? 1 : 0);
    }

    @SuppressWarnings("unchecked")
    private static <T> boolean isStrictlyAscending(Object[] items, Comparator<? super T> cmp) {
        for (int i = 1; i < items.length; i++) {
            if (cmp.compare((T) items[i - 1], (T) items[i]) >= 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Comparator<? super T> comparator() {
        return cmp;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    @SuppressWarnings("unchecked")
    private Comparator<Object> objCmp() {
        return (Comparator<Object>) cmp;
    }

    @Override
    public boolean contains(T key) {
        Comparator<Object> c = objCmp();
        Node n = root;
        while (n instanceof Branch b) {
            int i = lowerBound(b.keys, b.len, key, c);
            if (i == b.len) {
                return false;
            }
            n = b.children[i];
        }
        return search(n.keys, n.len, key, c) >= 0;
    }

    /** The least element {@code >= key}, or null. */
    @Override
    @SuppressWarnings("unchecked")
    public T ceiling(T key) {
        Comparator<Object> c = objCmp();
        Node n = root;
        while (n instanceof Branch b) {
            int i = lowerBound(b.keys, b.len, key, c);
            if (i == b.len) {
                return null;
            }
            n = b.children[i];
        }
        int i = lowerBound(n.keys, n.len, key, c);
        return i < n.len ? (T) n.keys[i] : null;
    }

    /** The greatest element {@code <= key}, or null. */
    @Override
    @SuppressWarnings("unchecked")
    public T floor(T key) {
        Comparator<Object> c = objCmp();
        // The greatest element of the subtree left of the path is the branch key just left of
        // the chosen child, so the answer never needs a step back up the tree.
        Object best = null;
        Node n = root;
        while (n instanceof Branch b) {
            int i = upperBound(b.keys, b.len, key, c);
            if (i == b.len) {
                return (T) b.keys[b.len - 1];
            }
            if (i > 0) {
                best = b.keys[i - 1];
            }
            n = b.children[i];
        }
        int i = upperBound(n.keys, n.len, key, c);
        return i > 0 ? (T) n.keys[i - 1] : (T) best;
    }

    /** This set with {@code x} added; this set itself if {@code x} was present. */
    public PersistentSortedSet<T> with(T x) {
        Node r = insertAtRoot(root, Objects.requireNonNull(x), new Op(objCmp(), null));
        return r == null ? this : new PersistentSortedSet<>(cmp, r, size + 1);
    }

    /** This set without {@code x}; this set itself if {@code x} was absent. */
    public PersistentSortedSet<T> without(T x) {
        Node r = removeAtRoot(root, x, new Op(objCmp(), null));
        return r == null ? this : new PersistentSortedSet<>(cmp, r, size - 1);
    }

    @Override
    public Iterator<T> iterator() {
        return ascending(null, null);
    }

    /** The elements {@code from <= x <= to} ascending; a null bound is open. */
    @Override
    public Iterable<T> slice(T from, T to) {
        return () -> ascending(from, to);
    }

    /** The elements {@code to <= x <= from} descending, starting at {@code from}; a null bound is open. */
    @Override
    public Iterable<T> rslice(T from, T to) {
        return () -> descending(from, to);
    }

    /** How many elements lie in {@code from <= x <= to}; a null bound is open. */
    @Override
    public long count(T from, T to) {
        if (from == null && to == null) {
            return size;
        }
        return Math.max(0, position(to, true, null, null) - position(from, false, null, null));
    }

    /** A mutable builder starting from this set; {@link Transient#persistent()} ends it. */
    public Transient<T> toTransient() {
        return new Transient<>(this, new Object());
    }

    /**
     * A builder that also edits in place the nodes made by earlier transients with the same
     * {@code token}: a run of batches, each made persistent, that copies a path once for the
     * whole run instead of once per batch. The price: a set made persistent in the run sees
     * the changes of later batches of the run (its nodes are shared and edited), so only the
     * last set of a run may be kept; the caller must drop the others, and must stop using
     * the token (take a new one) before the last set is shared. For a single writer that
     * publishes only the value at the end of each run.
     */
    public Transient<T> toTransient(Object token) {
        return new Transient<>(this, Objects.requireNonNull(token, "token"));
    }

    /**
     * A batch of additions and removals, made persistent once at the end. Not thread-safe.
     *
     * <p>The set it started from never changes: nodes are copied on first touch, and only those
     * copies, owned by this transient, are then changed in place.
     */
    public static final class Transient<T> implements IndexEditor<T> {
        private final PersistentSortedSet<T> origin;
        private Node root;
        private int size;
        private Op op; // null once persistent() has been called

        private Transient(PersistentSortedSet<T> origin, Object token) {
            this.origin = origin;
            this.root = origin.root;
            this.size = origin.size;
            // Nodes it creates carry the token and may be edited in place (by it, or by a later
            // transient given the same token: see toTransient(Object)).
            this.op = new Op(origin.objCmp(), token);
        }

        private Op live() {
            if (op == null) {
                throw new IllegalStateException("transient used after persistent()");
            }
            return op;
        }

        @Override
        public boolean add(T x) {
            Node r = insertAtRoot(root, Objects.requireNonNull(x), live());
            if (r == null) {
                return false;
            }
            root = r;
            size++;
            return true;
        }

        @Override
        public boolean remove(T x) {
            Node r = removeAtRoot(root, x, live());
            if (r == null) {
                return false;
            }
            root = r;
            size--;
            return true;
        }

        @Override
        public PersistentSortedSet<T> snapshot() {
            live();
            return new PersistentSortedSet<>(origin.cmp, root, size);
        }

        @Override
        public PersistentSortedSet<T> persistent() {
            live();
            op = null; // its nodes keep the token: nothing can edit them unless given that token again
            // (in a run the root may be the same node edited in place: then the size tells)
            return root == origin.root && size == origin.size ? origin : new PersistentSortedSet<>(origin.cmp, root, size);
        }
    }

    // ---- tree operations -----------------------------------------------------------------

    /** What one insert or remove needs: the order, the editing transient's token, a side result. */
    private static final class Op {
        final Comparator<Object> cmp;
        /** The token of the transient doing the edit; null for a persistent (copying) edit. */
        final Object edit;
        /** Set by {@link Node#insert} when the node split: the new right half. */
        Node split;

        Op(Comparator<Object> cmp, Object edit) {
            this.cmp = cmp;
            this.edit = edit;
        }
    }

    /** The new root with {@code x} added, or null if {@code x} was present. */
    private static Node insertAtRoot(Node root, Object x, Op op) {
        Node r = root.insert(x, op);
        if (r == null) {
            return null;
        }
        Node right = op.split;
        if (right == null) {
            return r;
        }
        op.split = null;
        Object[] keys = new Object[op.edit == null ? 2 : MAX_BRANCH];
        Node[] children = new Node[keys.length];
        int[] sizes = new int[keys.length];
        keys[0] = r.maxKey();
        keys[1] = right.maxKey();
        children[0] = r;
        children[1] = right;
        sizes[0] = r.size();
        sizes[1] = right.size();
        return new Branch(keys, children, sizes, 2, op.edit);
    }

    /** The new root with {@code x} removed, or null if {@code x} was absent. */
    private static Node removeAtRoot(Node root, Object x, Op op) {
        Node r = root.remove(x, op);
        if (r instanceof Branch b && b.len == 1) {
            return b.children[0]; // the root's two children merged: the tree gets one level lower
        }
        return r;
    }

    /**
     * Locates the position before the first element {@code >= key} ({@code upper} false) or
     * {@code > key} ({@code upper} true) and returns its rank (how many elements lie before
     * it). A null key means minus infinity when {@code upper} is false, plus infinity when
     * true. When {@code path} is given, records the branches and child indexes passed, and in
     * {@code pos[height]} the index within the leaf.
     */
    private int position(T key, boolean upper, Branch[] path, int[] pos) {
        Comparator<Object> c = objCmp();
        int rank = 0;
        int depth = 0;
        Node n = root;
        while (n instanceof Branch b) {
            int i;
            if (key == null) {
                i = upper ? b.len - 1 : 0;
            } else {
                i = upper ? upperBound(b.keys, b.len, key, c) : lowerBound(b.keys, b.len, key, c);
                if (i == b.len) {
                    i = b.len - 1; // beyond every element: the position is the end of the last leaf
                }
            }
            int[] sizes = b.sizes;
            for (int j = 0; j < i; j++) {
                rank += sizes[j];
            }
            if (path != null) {
                path[depth] = b;
                pos[depth] = i;
            }
            depth++;
            n = b.children[i];
        }
        int i;
        if (key == null) {
            i = upper ? n.len : 0;
        } else {
            i = upper ? upperBound(n.keys, n.len, key, c) : lowerBound(n.keys, n.len, key, c);
        }
        if (pos != null) {
            pos[depth] = i;
        }
        return rank + i;
    }

    /** Levels of branches above the leaves: 0 for a single leaf. */
    int height() {
        int h = 0;
        for (Node n = root; n instanceof Branch b; n = b.children[0]) {
            h++;
        }
        return h;
    }

    private Iterator<T> ascending(T from, T to) {
        int h = height();
        Branch[] path = new Branch[h];
        int[] pos = new int[h + 1];
        int lo = position(from, false, path, pos);
        int hi = to == null ? size : position(to, true, null, null);
        return new Ascending<>(root, path, pos, Math.max(0, hi - lo));
    }

    private Iterator<T> descending(T from, T to) {
        int h = height();
        Branch[] path = new Branch[h];
        int[] pos = new int[h + 1];
        int hi = position(from, true, path, pos);
        int lo = to == null ? 0 : position(to, false, null, null);
        return new Descending<>(root, path, pos, Math.max(0, hi - lo));
    }

    /** Walks leaf arrays forward; {@code remaining} says when to stop, so no element is compared. */
    private static final class Ascending<T> implements Iterator<T> {
        private final Branch[] path;
        private final int[] pos;
        private Object[] keys;
        private int len;
        private int i;
        private int remaining;

        Ascending(Node root, Branch[] path, int[] pos, int remaining) {
            this.path = path;
            this.pos = pos;
            int h = path.length;
            Node leaf = h == 0 ? root : path[h - 1].children[pos[h - 1]];
            this.keys = leaf.keys;
            this.len = leaf.len;
            this.i = pos[h];
            this.remaining = remaining;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T next() {
            if (remaining <= 0) {
                throw new NoSuchElementException();
            }
            if (i == len) {
                nextLeaf();
            }
            remaining--;
            return (T) keys[i++];
        }

        private void nextLeaf() {
            int d = path.length - 1;
            while (pos[d] == path[d].len - 1) {
                d--; // never past the root: remaining > 0 means a next leaf exists
            }
            Node n = path[d].children[++pos[d]];
            for (d++; d < path.length; d++) {
                Branch b = (Branch) n;
                path[d] = b;
                pos[d] = 0;
                n = b.children[0];
            }
            keys = n.keys;
            len = n.len;
            i = 0;
        }
    }

    /** Walks leaf arrays backward from just after the start position. */
    private static final class Descending<T> implements Iterator<T> {
        private final Branch[] path;
        private final int[] pos;
        private Object[] keys;
        private int i;
        private int remaining;

        Descending(Node root, Branch[] path, int[] pos, int remaining) {
            this.path = path;
            this.pos = pos;
            int h = path.length;
            this.keys = (h == 0 ? root : path[h - 1].children[pos[h - 1]]).keys;
            this.i = pos[h];
            this.remaining = remaining;
        }

        @Override
        public boolean hasNext() {
            return remaining > 0;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T next() {
            if (remaining <= 0) {
                throw new NoSuchElementException();
            }
            if (i == 0) {
                previousLeaf();
            }
            remaining--;
            return (T) keys[--i];
        }

        private void previousLeaf() {
            int d = path.length - 1;
            while (pos[d] == 0) {
                d--;
            }
            Node n = path[d].children[--pos[d]];
            for (d++; d < path.length; d++) {
                Branch b = (Branch) n;
                path[d] = b;
                pos[d] = b.len - 1;
                n = b.children[b.len - 1];
            }
            keys = n.keys;
            i = n.len;
        }
    }

    // ---- searching sorted arrays ----------------------------------------------------------

    /** The index of {@code key} in {@code a[0, len)}, or {@code -(insertion point + 1)}. */
    private static int search(Object[] a, int len, Object key, Comparator<Object> cmp) {
        int lo = 0;
        int hi = len - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = cmp.compare(a[mid], key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The first index in {@code a[0, len)} holding an element {@code >= key}, or len. */
    private static int lowerBound(Object[] a, int len, Object key, Comparator<Object> cmp) {
        int lo = 0;
        int hi = len;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cmp.compare(a[mid], key) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The first index in {@code a[0, len)} holding an element {@code > key}, or len. */
    private static int upperBound(Object[] a, int len, Object key, Comparator<Object> cmp) {
        int lo = 0;
        int hi = len;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cmp.compare(a[mid], key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---- nodes ----------------------------------------------------------------------------

    /**
     * A tree node. Arrays may be longer than {@code len} (nodes a transient owns are allocated
     * full size so they can grow in place); only {@code [0, len)} is meaningful. A node whose
     * {@code edit} is null or a dead transient's token is never changed again, so frozen nodes
     * may share arrays with each other.
     */
    private abstract static class Node {
        /** Leaf: the elements. Branch: each child's greatest element. Ascending. */
        final Object[] keys;
        int len;
        /** The token of the transient that created this node and may change it in place. */
        final Object edit;

        Node(Object[] keys, int len, Object edit) {
            this.keys = keys;
            this.len = len;
            this.edit = edit;
        }

        final Object maxKey() {
            return keys[len - 1];
        }

        final boolean editableBy(Object token) {
            return token != null && edit == token;
        }

        /** Elements in this subtree. */
        abstract int size();

        abstract int minLen();

        abstract int maxLen();

        /**
         * This subtree with {@code key} added, or null if it was present. The result is this
         * node itself if edited in place; if the node had to split, the result is the left half
         * and {@code op.split} the right.
         */
        abstract Node insert(Object key, Op op);

        /** This subtree without {@code key} (possibly under-full), or null if it was absent. */
        abstract Node remove(Object key, Op op);

        /** One node holding this node's entries and then {@code right}'s. */
        abstract Node merge(Node right, Object edit);

        /** Two nodes sharing this node's and {@code right}'s entries evenly. */
        abstract Node[] redistribute(Node right, Object edit);
    }

    private static int capacity(Object edit, int len, int max) {
        return edit == null ? len : max;
    }

    private static final class Leaf extends Node {
        Leaf(Object[] keys, int len, Object edit) {
            super(keys, len, edit);
        }

        static Leaf of(Object[] src, int from, int to, Object edit) {
            int n = to - from;
            Object[] keys = new Object[capacity(edit, n, MAX_LEAF)];
            System.arraycopy(src, from, keys, 0, n);
            return new Leaf(keys, n, edit);
        }

        @Override
        int size() {
            return len;
        }

        @Override
        int minLen() {
            return MIN_LEAF;
        }

        @Override
        int maxLen() {
            return MAX_LEAF;
        }

        @Override
        Node insert(Object key, Op op) {
            int found = search(keys, len, key, op.cmp);
            if (found >= 0) {
                return null;
            }
            int at = -found - 1;
            if (len < MAX_LEAF && editableBy(op.edit)) {
                System.arraycopy(keys, at, keys, at + 1, len - at);
                keys[at] = key;
                len++;
                return this;
            }
            Object[] all = new Object[len < MAX_LEAF ? capacity(op.edit, len + 1, MAX_LEAF) : len + 1];
            System.arraycopy(keys, 0, all, 0, at);
            all[at] = key;
            System.arraycopy(keys, at, all, at + 1, len - at);
            if (len < MAX_LEAF) {
                return new Leaf(all, len + 1, op.edit);
            }
            int half = all.length >>> 1;
            op.split = Leaf.of(all, half, all.length, op.edit);
            return Leaf.of(all, 0, half, op.edit);
        }

        @Override
        Node remove(Object key, Op op) {
            int at = search(keys, len, key, op.cmp);
            if (at < 0) {
                return null;
            }
            if (editableBy(op.edit)) {
                System.arraycopy(keys, at + 1, keys, at, len - at - 1);
                keys[--len] = null;
                return this;
            }
            Object[] k = new Object[capacity(op.edit, len - 1, MAX_LEAF)];
            System.arraycopy(keys, 0, k, 0, at);
            System.arraycopy(keys, at + 1, k, at, len - at - 1);
            return new Leaf(k, len - 1, op.edit);
        }

        private Object[] concat(Leaf right) {
            Object[] all = new Object[len + right.len];
            System.arraycopy(keys, 0, all, 0, len);
            System.arraycopy(right.keys, 0, all, len, right.len);
            return all;
        }

        @Override
        Node merge(Node right, Object edit) {
            Object[] all = concat((Leaf) right);
            return Leaf.of(all, 0, all.length, edit);
        }

        @Override
        Node[] redistribute(Node right, Object edit) {
            Object[] all = concat((Leaf) right);
            int half = all.length >>> 1;
            return new Node[] {Leaf.of(all, 0, half, edit), Leaf.of(all, half, all.length, edit)};
        }
    }

    private static final class Branch extends Node {
        final Node[] children;
        /** Element count of each child's subtree, for counting ranges in O(log n). */
        final int[] sizes;

        Branch(Object[] keys, Node[] children, int[] sizes, int len, Object edit) {
            super(keys, len, edit);
            this.children = children;
            this.sizes = sizes;
        }

        static Branch of(Object[] keys, Node[] children, int[] sizes, int from, int to, Object edit) {
            int n = to - from;
            int cap = capacity(edit, n, MAX_BRANCH);
            Object[] k = new Object[cap];
            Node[] c = new Node[cap];
            int[] s = new int[cap];
            System.arraycopy(keys, from, k, 0, n);
            System.arraycopy(children, from, c, 0, n);
            System.arraycopy(sizes, from, s, 0, n);
            return new Branch(k, c, s, n, edit);
        }

        /** This node if {@code edit} owns it, else a copy that {@code edit} owns (or a frozen one). */
        private Branch editable(Object edit) {
            return editableBy(edit) ? this : Branch.of(keys, children, sizes, 0, len, edit);
        }

        @Override
        int size() {
            int s = 0;
            for (int i = 0; i < len; i++) {
                s += sizes[i];
            }
            return s;
        }

        @Override
        int minLen() {
            return MIN_BRANCH;
        }

        @Override
        int maxLen() {
            return MAX_BRANCH;
        }

        /** This branch with child {@code i} replaced by {@code child} of {@code delta} more elements. */
        private Branch replaceChild(int i, Node child, int delta, Object edit) {
            Object max = child.maxKey();
            Branch b;
            if (editableBy(edit)) {
                b = this;
            } else if (edit == null) {
                // A frozen copy shares the keys array unless the child's greatest element changed.
                Object[] k = keys;
                if (max != keys[i]) {
                    k = new Object[len];
                    System.arraycopy(keys, 0, k, 0, len);
                }
                Node[] c = new Node[len];
                System.arraycopy(children, 0, c, 0, len);
                int[] s = new int[len];
                System.arraycopy(sizes, 0, s, 0, len);
                b = new Branch(k, c, s, len, null);
            } else {
                b = editable(edit);
            }
            b.keys[i] = max;
            b.children[i] = child;
            b.sizes[i] += delta;
            return b;
        }

        @Override
        Node insert(Object key, Op op) {
            int i = lowerBound(keys, len, key, op.cmp);
            if (i == len) {
                i = len - 1; // greater than every element: it goes at the end of the last child
            }
            Node child = children[i].insert(key, op);
            if (child == null) {
                return null;
            }
            Node right = op.split;
            if (right == null) {
                return replaceChild(i, child, 1, op.edit);
            }
            op.split = null;
            int leftSize = child.size();
            int rightSize = sizes[i] + 1 - leftSize;
            if (len < MAX_BRANCH && editableBy(op.edit)) {
                int tail = len - i - 1;
                System.arraycopy(keys, i + 1, keys, i + 2, tail);
                System.arraycopy(children, i + 1, children, i + 2, tail);
                System.arraycopy(sizes, i + 1, sizes, i + 2, tail);
                set(this, i, child, leftSize);
                set(this, i + 1, right, rightSize);
                len++;
                return this;
            }
            // Lay out the grown entry list once, then keep it whole or cut it in two.
            int n = len + 1;
            int cap = n <= MAX_BRANCH ? capacity(op.edit, n, MAX_BRANCH) : n;
            Branch all = new Branch(new Object[cap], new Node[cap], new int[cap], n, op.edit);
            System.arraycopy(keys, 0, all.keys, 0, i);
            System.arraycopy(children, 0, all.children, 0, i);
            System.arraycopy(sizes, 0, all.sizes, 0, i);
            set(all, i, child, leftSize);
            set(all, i + 1, right, rightSize);
            System.arraycopy(keys, i + 1, all.keys, i + 2, len - i - 1);
            System.arraycopy(children, i + 1, all.children, i + 2, len - i - 1);
            System.arraycopy(sizes, i + 1, all.sizes, i + 2, len - i - 1);
            if (n <= MAX_BRANCH) {
                return all;
            }
            int half = n >>> 1;
            op.split = Branch.of(all.keys, all.children, all.sizes, half, n, op.edit);
            return Branch.of(all.keys, all.children, all.sizes, 0, half, op.edit);
        }

        private static void set(Branch b, int i, Node child, int size) {
            b.keys[i] = child.maxKey();
            b.children[i] = child;
            b.sizes[i] = size;
        }

        @Override
        Node remove(Object key, Op op) {
            int i = lowerBound(keys, len, key, op.cmp);
            if (i == len) {
                return null;
            }
            Node child = children[i].remove(key, op);
            if (child == null) {
                return null;
            }
            if (child.len >= child.minLen()) {
                return replaceChild(i, child, -1, op.edit);
            }
            // The child fell below half full: merge it with a sibling, or borrow from one.
            int l = i > 0 ? i - 1 : i;
            Node left = l == i ? child : children[l];
            Node right = l == i ? children[i + 1] : child;
            int pairSize = sizes[l] + sizes[l + 1] - 1;
            Branch b = editable(op.edit);
            if (left.len + right.len <= left.maxLen()) {
                set(b, l, left.merge(right, op.edit), pairSize);
                int tail = b.len - l - 2;
                System.arraycopy(b.keys, l + 2, b.keys, l + 1, tail);
                System.arraycopy(b.children, l + 2, b.children, l + 1, tail);
                System.arraycopy(b.sizes, l + 2, b.sizes, l + 1, tail);
                b.len--;
                b.keys[b.len] = null;
                b.children[b.len] = null;
            } else {
                Node[] pair = left.redistribute(right, op.edit);
                int leftSize = pair[0].size();
                set(b, l, pair[0], leftSize);
                set(b, l + 1, pair[1], pairSize - leftSize);
            }
            return b;
        }

        private void concatInto(Branch right, Object[] k, Node[] c, int[] s) {
            System.arraycopy(keys, 0, k, 0, len);
            System.arraycopy(children, 0, c, 0, len);
            System.arraycopy(sizes, 0, s, 0, len);
            System.arraycopy(right.keys, 0, k, len, right.len);
            System.arraycopy(right.children, 0, c, len, right.len);
            System.arraycopy(right.sizes, 0, s, len, right.len);
        }

        @Override
        Node merge(Node right, Object edit) {
            Branch r = (Branch) right;
            int n = len + r.len;
            int cap = capacity(edit, n, MAX_BRANCH);
            Branch m = new Branch(new Object[cap], new Node[cap], new int[cap], n, edit);
            concatInto(r, m.keys, m.children, m.sizes);
            return m;
        }

        @Override
        Node[] redistribute(Node right, Object edit) {
            Branch r = (Branch) right;
            int n = len + r.len;
            Object[] k = new Object[n];
            Node[] c = new Node[n];
            int[] s = new int[n];
            concatInto(r, k, c, s);
            int half = n >>> 1;
            return new Node[] {Branch.of(k, c, s, 0, half, edit), Branch.of(k, c, s, half, n, edit)};
        }
    }

    /**
     * Checks the tree's invariants and throws {@link IllegalStateException} naming the first
     * broken one; for tests. All leaves at one depth, every node but the root at least half
     * full, a root branch with two children or more, keys strictly ascending, each branch key
     * the very object that is its child's greatest element, each recorded size exact, slots past
     * {@code len} cleared, and {@link #size()} the element count.
     */
    void checkInvariants() {
        int counted = checkNode(root, height(), true, null);
        if (counted != size) {
            throw new IllegalStateException("size() is " + size + " but the tree holds " + counted);
        }
    }

    /** Checks {@code n}, whose elements must all be greater than {@code above}; its size. */
    private int checkNode(Node n, int depth, boolean isRoot, Object above) {
        Comparator<Object> c = objCmp();
        if ((depth == 0) != (n instanceof Leaf)) {
            throw new IllegalStateException("leaves at different depths");
        }
        if (n.len > n.maxLen() || (!isRoot && n.len < n.minLen())
                || (isRoot && n instanceof Branch && n.len < 2)) {
            throw new IllegalStateException("node of " + n.len + " entries");
        }
        for (int i = 0; i < n.len; i++) {
            Object prev = i == 0 ? above : n.keys[i - 1];
            if (prev != null && c.compare(prev, n.keys[i]) >= 0) {
                throw new IllegalStateException("keys out of order: " + prev + ", " + n.keys[i]);
            }
        }
        for (int i = n.len; i < n.keys.length; i++) {
            if (n.keys[i] != null) {
                throw new IllegalStateException("stale key past len: " + n.keys[i]);
            }
        }
        if (!(n instanceof Branch b)) {
            return n.len;
        }
        int total = 0;
        for (int i = 0; i < b.len; i++) {
            Node child = b.children[i];
            if (child.maxKey() != b.keys[i]) {
                throw new IllegalStateException("branch key " + b.keys[i] + " is not its child's greatest");
            }
            int s = checkNode(child, depth - 1, false, i == 0 ? above : b.keys[i - 1]);
            if (s != b.sizes[i]) {
                throw new IllegalStateException("recorded size " + b.sizes[i] + ", actual " + s);
            }
            total += s;
        }
        for (int i = b.len; i < b.children.length; i++) {
            if (b.children[i] != null) {
                throw new IllegalStateException("stale child past len");
            }
        }
        return total;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (T t : this) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(t);
        }
        return sb.append(']').toString();
    }
}
