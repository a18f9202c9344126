package io.chronon.edn;

import java.util.AbstractList;
import java.util.Collection;
import java.util.RandomAccess;

/**
 * An EDN list {@code (a b c)}: an immutable {@link java.util.List} that prints with
 * parentheses, as opposed to a vector {@code [a b c]}, which is read as any other
 * {@code List}. Equality and hash code follow the {@code java.util.List} contract, so, as in
 * Clojure, a list equals a vector with the same elements. Elements may be null (EDN
 * {@code nil}). Every mutator throws {@link UnsupportedOperationException}.
 */
public final class EdnList extends AbstractList<Object> implements RandomAccess {
    private static final EdnList EMPTY = new EdnList(new Object[0]);

    private final Object[] items;

    private EdnList(Object[] items) {
        this.items = items;
    }

    /** The list of the given elements, in order (the array is copied). */
    public static EdnList of(Object... items) {
        return items.length == 0 ? EMPTY : new EdnList(items.clone());
    }

    /** The list of the elements of {@code items}, in its iteration order. */
    public static EdnList from(Collection<?> items) {
        if (items instanceof EdnList l) {
            return l;
        }
        Object[] a = items.toArray();
        return a.length == 0 ? EMPTY : new EdnList(a);
    }

    /** Takes ownership of {@code items} without copying; for the reader. */
    static EdnList wrap(Object[] items) {
        return items.length == 0 ? EMPTY : new EdnList(items);
    }

    @Override
    public Object get(int index) {
        return items[index];
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public Object[] toArray() {
        return items.clone();
    }

    /** The EDN text, e.g. {@code (1 :a "b")}. */
    @Override
    public String toString() {
        return EdnPrinter.printOrDescribe(this);
    }
}
