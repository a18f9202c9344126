package io.chronon.storage.segment;

import java.io.IOException;

/** A segment could not be read: it is missing or corrupt. Names the database and the segment. */
public abstract class SegmentException extends IOException {
    private final String database;
    private final SegmentId id;

    protected SegmentException(String database, SegmentId id, String message, Throwable cause) {
        super(message, cause);
        this.database = database;
        this.id = id;
    }

    /** The database whose segment it is. */
    public String database() {
        return database;
    }

    /** The segment. */
    public SegmentId id() {
        return id;
    }
}
