package io.chronon.index;

import java.util.Comparator;
import java.util.Iterator;

/**
 * A read-only sorted set, as a db value reads its indexes: ranges both ways with inclusive
 * or open bounds, neighbours of a key, membership and counts. Everything a query, pull,
 * {@code datoms}, a view or the log API asks of an index goes through this, so an index may
 * be held in memory ({@link PersistentSortedSet}), be a durable tree, or be layered
 * ({@link LayeredIndex}: a base plus the novelty since it was built) without its readers
 * knowing.
 *
 * <p>In every range call a null bound is open, and a bound need not be an element: any
 * value the comparator orders will do (the index reads pass synthetic boundary datoms).
 * Sizes and counts are longs because a durable index may outgrow an int.
 */
public interface SortedIndex<T> extends Iterable<T> {
    /** The order of the elements. */
    Comparator<? super T> comparator();

    /** How many elements there are. */
    long size();

    default boolean isEmpty() {
        return size() == 0;
    }

    boolean contains(T key);

    /** The least element {@code >= key}, or null. */
    T ceiling(T key);

    /** The greatest element {@code <= key}, or null. */
    T floor(T key);

    /** The elements {@code from <= x <= to} ascending. */
    Iterable<T> slice(T from, T to);

    /** The elements {@code to <= x <= from} descending, starting at {@code from}. */
    Iterable<T> rslice(T from, T to);

    /** How many elements lie in {@code from <= x <= to}. */
    long count(T from, T to);

    /** Every element, ascending. */
    @Override
    Iterator<T> iterator();
}
