package io.chronon.index;

import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * An index as a base plus novelty: the base is any {@link SortedIndex} (a durable tree built
 * at some point), the novelty is held in memory as the elements {@code added} since the base
 * was built and the elements of the base {@code removed} since. It reads as the set
 * {@code (base - removed) + added}, exactly: a removed element is never returned, an added
 * one appears in order, and counts, ceilings and floors agree with the ranges.
 *
 * <p>Invariants, kept by {@link Editor}: every removed element is in the base and no added
 * one is, so counts are sums and differences of the three parts' counts. Reads cost what
 * the base's cost, plus O(log n) in the novelty per range and per element of the novelty
 * the range holds.
 */
public final class LayeredIndex<T> implements SortedIndex<T> {
    private final SortedIndex<T> base;
    private final PersistentSortedSet<T> added;
    private final PersistentSortedSet<T> removed;

    private LayeredIndex(SortedIndex<T> base, PersistentSortedSet<T> added, PersistentSortedSet<T> removed) {
        this.base = base;
        this.added = added;
        this.removed = removed;
    }

    /** {@code base} with no novelty. */
    public static <T> LayeredIndex<T> over(SortedIndex<T> base) {
        return new LayeredIndex<>(base, PersistentSortedSet.empty(base.comparator()),
                PersistentSortedSet.empty(base.comparator()));
    }

    /**
     * {@code base} with the given novelty; {@code added} must hold no element of the base and
     * {@code removed} only elements of the base (checked in O(novelty log n)). Both must be
     * ordered as the base is.
     */
    public static <T> LayeredIndex<T> of(SortedIndex<T> base, PersistentSortedSet<T> added, PersistentSortedSet<T> removed) {
        for (T x : added) {
            if (base.contains(x)) {
                throw new IllegalArgumentException("an added element is in the base: " + x);
            }
        }
        for (T x : removed) {
            if (!base.contains(x)) {
                throw new IllegalArgumentException("a removed element is not in the base: " + x);
            }
        }
        return new LayeredIndex<>(base, added, removed);
    }

    public SortedIndex<T> base() {
        return base;
    }

    /** The elements added since the base was built; none of them is in the base. */
    public PersistentSortedSet<T> added() {
        return added;
    }

    /** The elements of the base removed since it was built. */
    public PersistentSortedSet<T> removed() {
        return removed;
    }

    @Override
    public Comparator<? super T> comparator() {
        return base.comparator();
    }

    @Override
    public long size() {
        return base.size() - removed.size() + added.size();
    }

    @Override
    public boolean contains(T key) {
        return added.contains(key) || (!removed.contains(key) && base.contains(key));
    }

    @Override
    public T ceiling(T key) {
        T fromAdded = added.ceiling(key);
        T fromBase = first(base.slice(key, fromAdded).iterator(), removed.slice(key, fromAdded).iterator(), comparator());
        return fromBase != null ? fromBase : fromAdded;
    }

    @Override
    public T floor(T key) {
        T fromAdded = added.floor(key);
        T fromBase = first(base.rslice(key, fromAdded).iterator(), removed.rslice(key, fromAdded).iterator(),
                Collections.reverseOrder(comparator()));
        return fromBase != null ? fromBase : fromAdded;
    }

    /** The first element of {@code in} that {@code skip} (a subsequence of it) does not hold. */
    private static <T> T first(Iterator<T> in, Iterator<T> skip, Comparator<? super T> order) {
        Iterator<T> kept = new Without<>(in, skip, order);
        return kept.hasNext() ? kept.next() : null;
    }

    @Override
    public Iterable<T> slice(T from, T to) {
        return range(from, to, comparator(), false);
    }

    @Override
    public Iterable<T> rslice(T from, T to) {
        return range(from, to, Collections.reverseOrder(comparator()), true);
    }

    /**
     * A slice or an rslice: the base's, merged only with the parts of the novelty the range
     * holds (most ranges a query reads hold none: they read as the base's, at its cost).
     */
    private Iterable<T> range(T from, T to, Comparator<? super T> order, boolean descending) {
        T lo = descending ? to : from;
        T hi = descending ? from : to;
        boolean anyRemoved = removed.count(lo, hi) > 0;
        boolean anyAdded = added.count(lo, hi) > 0;
        Iterable<T> inBase = descending ? base.rslice(from, to) : base.slice(from, to);
        if (!anyRemoved && !anyAdded) {
            return inBase;
        }
        return () -> {
            Iterator<T> kept = inBase.iterator();
            if (anyRemoved) {
                kept = new Without<>(kept, (descending ? removed.rslice(from, to) : removed.slice(from, to)).iterator(), order);
            }
            if (anyAdded) {
                kept = new MergingIterator<>(kept, (descending ? added.rslice(from, to) : added.slice(from, to)).iterator(), order);
            }
            return kept;
        };
    }

    @Override
    public long count(T from, T to) {
        return base.count(from, to) - removed.count(from, to) + added.count(from, to);
    }

    @Override
    public Iterator<T> iterator() {
        return slice(null, null).iterator();
    }

    /**
     * An editor of this index's novelty. With a {@code token}, the novelty's nodes made by
     * earlier editors with the same token are edited in place, with the price and the rules
     * of {@link PersistentSortedSet#toTransient(Object)}. The base is never changed.
     */
    public Editor<T> editor(Object token) {
        return new Editor<>(base, added.toTransient(token), removed.toTransient(token));
    }

    @Override
    public String toString() {
        return "LayeredIndex{base " + base.size() + ", +" + added.size() + ", -" + removed.size() + "}";
    }

    /** Changes to the novelty of a layered index, keeping its invariants. */
    public static final class Editor<T> implements IndexEditor<T> {
        private final SortedIndex<T> base;
        private final PersistentSortedSet.Transient<T> added;
        private final PersistentSortedSet.Transient<T> removed;

        private Editor(SortedIndex<T> base, PersistentSortedSet.Transient<T> added, PersistentSortedSet.Transient<T> removed) {
            this.base = base;
            this.added = added;
            this.removed = removed;
        }

        /** Adds {@code x}: back from the removed, or into the added if the base lacks it (one look in the base). */
        @Override
        public boolean add(T x) {
            Objects.requireNonNull(x);
            if (removed.remove(x)) {
                return true;
            }
            return !base.contains(x) && added.add(x);
        }

        /** {@link #add} without looking in the base: {@code x} must be in none of it (see {@link IndexEditor#addNew}). */
        @Override
        public boolean addNew(T x) {
            Objects.requireNonNull(x);
            // the removed are all the base's, so x is not among them; the look costs no segment read
            // and keeps a wrongly new datom that was removed from showing twice
            return removed.remove(x) || added.add(x);
        }

        /** Removes {@code x}: out of the added, or into the removed if the base holds it (one look in the base). */
        @Override
        public boolean remove(T x) {
            if (added.remove(x)) {
                return true;
            }
            return base.contains(x) && removed.add(x);
        }

        @Override
        public LayeredIndex<T> snapshot() {
            return new LayeredIndex<>(base, added.snapshot(), removed.snapshot());
        }

        @Override
        public LayeredIndex<T> persistent() {
            return new LayeredIndex<>(base, added.persistent(), removed.persistent());
        }
    }

    /** The elements of {@code in} not in {@code skip}, a subsequence of {@code in} in the same order. */
    private static final class Without<T> implements Iterator<T> {
        private final Iterator<T> in;
        private final Iterator<T> skip;
        private final Comparator<? super T> order;
        private T nextSkip;
        private T next;

        Without(Iterator<T> in, Iterator<T> skip, Comparator<? super T> order) {
            this.in = in;
            this.skip = skip;
            this.order = order;
            this.nextSkip = skip.hasNext() ? skip.next() : null;
            advance();
        }

        private void advance() {
            while (in.hasNext()) {
                T x = in.next();
                while (nextSkip != null && order.compare(nextSkip, x) < 0) {
                    nextSkip = skip.hasNext() ? skip.next() : null;
                }
                if (nextSkip != null && order.compare(nextSkip, x) == 0) {
                    nextSkip = skip.hasNext() ? skip.next() : null;
                    continue;
                }
                next = x;
                return;
            }
            next = null;
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public T next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            T x = next;
            advance();
            return x;
        }
    }
}
