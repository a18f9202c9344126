package io.chronon.index;

import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Merges two iterators that are each ordered by {@code order}; on a tie the first one's element comes first. */
public final class MergingIterator<T> implements Iterator<T> {
    private final Iterator<T> a;
    private final Iterator<T> b;
    private final Comparator<? super T> order;
    private T na;
    private T nb;

    public MergingIterator(Iterator<T> a, Iterator<T> b, Comparator<? super T> order) {
        this.a = a;
        this.b = b;
        this.order = order;
        na = a.hasNext() ? a.next() : null;
        nb = b.hasNext() ? b.next() : null;
    }

    @Override
    public boolean hasNext() {
        return na != null || nb != null;
    }

    @Override
    public T next() {
        if (na == null && nb == null) {
            throw new NoSuchElementException();
        }
        T r;
        if (nb == null || (na != null && order.compare(na, nb) <= 0)) {
            r = na;
            na = a.hasNext() ? a.next() : null;
        } else {
            r = nb;
            nb = b.hasNext() ? b.next() : null;
        }
        return r;
    }
}
