package io.chronon.index;

/**
 * A batch of additions and removals to a sorted index, made persistent once at the end
 * ({@link PersistentSortedSet.Transient}, {@link LayeredIndex.Editor}). Not thread-safe.
 */
public interface IndexEditor<T> {
    /** Adds {@code x}; false if it was present. */
    boolean add(T x);

    /**
     * Adds {@code x}, which the caller knows was in no version of the index before this
     * editor's batch (in a db value: a datom of the transaction being applied, whose tx no
     * index built before it can hold); false if this batch already added it. Answers as
     * {@link #add} for such an {@code x}, and may cost less: a {@link LayeredIndex} does not
     * look for it in its base (a segment read when the base is durable). For any other
     * {@code x} the index may end up holding it twice: call {@link #add} unless it is certain.
     */
    default boolean addNew(T x) {
        return add(x);
    }

    /** Removes {@code x}; false if it was absent. */
    boolean remove(T x);

    /** True if {@code x} is in the index as it now stands. */
    default boolean contains(T x) {
        return snapshot().contains(x);
    }

    /** The least element {@code >= key} of the index as it now stands, or null. */
    default T ceiling(T key) {
        return snapshot().ceiling(key);
    }

    /** The index as it now stands, to read only until the next change (which may edit its nodes in place). */
    SortedIndex<T> snapshot();

    /** The index as it now stands; the editor must not be used afterwards. */
    SortedIndex<T> persistent();
}
