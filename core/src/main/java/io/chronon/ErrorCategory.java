package io.chronon;

import io.chronon.edn.Keyword;

/**
 * What kind of failure a {@link ChrononException} is, following Cognitect's anomaly
 * categories that Datomic uses. The category tells a caller what to do next: fix the
 * request ({@link #INCORRECT}), retry later ({@link #BUSY}, {@link #UNAVAILABLE}), and so on.
 */
public enum ErrorCategory {
    /** The request is wrong: bad syntax, bad types, a schema violation. Do not retry as is. */
    INCORRECT,
    /** The request contradicts the current state: a unique conflict, a failed compare-and-swap. */
    CONFLICT,
    /** Something named by the request does not exist: a database, an entity, an attribute. */
    NOT_FOUND,
    /** The caller may not do this. */
    FORBIDDEN,
    /** The system is overloaded; retry later. */
    BUSY,
    /** The system cannot answer now (a node or store is down, a wait timed out); retry later. */
    UNAVAILABLE,
    /** The work was stopped before it finished (a timeout or a cancellation). */
    INTERRUPTED,
    /** The operation is not supported. */
    UNSUPPORTED,
    /** A bug or an unexpected failure inside Chronon. */
    FAULT;

    /** The Datomic/Cognitect keyword for this category, e.g. {@code :cognitect.anomalies/incorrect}. */
    public Keyword keyword() {
        return Keyword.of("cognitect.anomalies", name().toLowerCase().replace('_', '-'));
    }
}
