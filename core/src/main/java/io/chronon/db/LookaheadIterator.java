package io.chronon.db;

import java.util.Iterator;
import java.util.NoSuchElementException;

/** An iterator that computes its next element one step ahead; null marks the end. */
abstract class LookaheadIterator<T> implements Iterator<T> {
    private T next;
    private boolean started;

    /** The next element, or null when there are no more. */
    protected abstract T computeNext();

    @Override
    public final boolean hasNext() {
        if (!started) {
            started = true;
            next = computeNext();
        }
        return next != null;
    }

    @Override
    public final T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        T t = next;
        next = computeNext();
        return t;
    }
}
