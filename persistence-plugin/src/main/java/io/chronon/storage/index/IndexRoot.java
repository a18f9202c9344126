package io.chronon.storage.index;

import io.chronon.storage.segment.SegmentId;

import java.util.Objects;

/**
 * The name of an index tree: the id of its root segment, or {@link #EMPTY} for the tree with no
 * datoms (which has no segment). Two trees with the same root hold the same datoms, as segments
 * are named by their content.
 */
public record IndexRoot(SegmentId id) {
    /** The empty tree. */
    public static final IndexRoot EMPTY = new IndexRoot(null);

    private static final String EMPTY_TEXT = "empty";

    /** The tree whose root segment is {@code id}. */
    public static IndexRoot of(SegmentId id) {
        return new IndexRoot(Objects.requireNonNull(id, "id"));
    }

    /** The root named by {@link #toString()}: a segment id, or {@code "empty"}. */
    public static IndexRoot parse(String text) {
        if (EMPTY_TEXT.equals(text)) {
            return EMPTY;
        }
        SegmentId id = SegmentId.parse(text);
        if (id == null) {
            throw new IllegalArgumentException("Not an index root (a segment id or \"empty\"): " + text);
        }
        return of(id);
    }

    /** True for the tree with no datoms. */
    public boolean isEmpty() {
        return id == null;
    }

    /** The root segment's id in hex, or {@code "empty"}. */
    @Override
    public String toString() {
        return id == null ? EMPTY_TEXT : id.hex();
    }
}
