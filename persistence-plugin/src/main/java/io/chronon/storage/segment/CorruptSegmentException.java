package io.chronon.storage.segment;

/**
 * A segment whose stored bytes are damaged: a bad header, a checksum mismatch, a payload that
 * does not decompress to its length, or content that does not hash to its id.
 */
public final class CorruptSegmentException extends SegmentException {
    public CorruptSegmentException(String database, SegmentId id, String reason) {
        this(database, id, reason, null);
    }

    public CorruptSegmentException(String database, SegmentId id, String reason, Throwable cause) {
        super(database, id, "Segment " + id + " of database " + database + " is corrupt: " + reason, cause);
    }
}
