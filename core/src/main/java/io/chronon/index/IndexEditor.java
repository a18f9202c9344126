package io.chronon.index;

/**
 * A batch of additions and removals to a sorted index, made persistent once at the end
 * ({@link PersistentSortedSet.Transient}, {@link LayeredIndex.Editor}). Not thread-safe.
 */
public interface IndexEditor<T> {
    /** Adds {@code x}; false if it was present. */
    boolean add(T x);

    /** Removes {@code x}; false if it was absent. */
    boolean remove(T x);

    /** True if {@code x} is in the index as it now stands. */
    boolean contains(T x);

    /** The least element {@code >= key} of the index as it now stands, or null. */
    T ceiling(T key);

    /** The index as it now stands; the editor must not be used afterwards. */
    SortedIndex<T> persistent();
}
