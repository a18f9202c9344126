package io.chronon.storage.segment;

/** A segment that is not in the store (never written, or deleted). */
public final class MissingSegmentException extends SegmentException {
    public MissingSegmentException(String database, SegmentId id) {
        super(database, id, "Segment " + id + " of database " + database + " is missing", null);
    }
}
