package io.chronon.sharding.wire;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;

/**
 * The failure carried by a {@code StatusReply} of the actor protocol: a
 * {@link ChrononException} (category, code, message, offending form) that can cross the
 * network. Callers using {@code askWithStatus} get it as the failure of their future.
 */
public final class ChrononError extends ChrononException {
    public ChrononError(ErrorCategory category, Keyword code, String message, Object form) {
        super(category, code, message, form);
    }

    /** The error that reports {@code e} to a caller; a ChrononException keeps its category and code. */
    public static ChrononError of(Throwable e) {
        if (e instanceof ChrononError c) {
            return c;
        }
        if (e instanceof ChrononException c) {
            return new ChrononError(c.category(), c.code(), c.getMessage(), c.form());
        }
        if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            return of(e.getCause());
        }
        if (e instanceof java.util.concurrent.TimeoutException) {
            // not the ask's own message: it names Pekko's internals (entity refs, type keys, actor paths)
            return unavailable("chronon.error/timeout", "No answer in time; retry (a transaction with the same :request-id, which is answered once)");
        }
        return new ChrononError(ErrorCategory.FAULT, Keyword.of("chronon.error/fault"),
                "Unexpected failure: " + e, null);
    }

    public static ChrononError busy(String code, String message) {
        return new ChrononError(ErrorCategory.BUSY, Keyword.of(code), message, null);
    }

    public static ChrononError unavailable(String code, String message) {
        return new ChrononError(ErrorCategory.UNAVAILABLE, Keyword.of(code), message, null);
    }

    public static ChrononError notFound(String code, String message, Object form) {
        return new ChrononError(ErrorCategory.NOT_FOUND, Keyword.of(code), message, form);
    }

    public static ChrononError incorrect(String code, String message, Object form) {
        return new ChrononError(ErrorCategory.INCORRECT, Keyword.of(code), message, form);
    }

    public static ChrononError interrupted(String code, String message) {
        return new ChrononError(ErrorCategory.INTERRUPTED, Keyword.of(code), message, null);
    }

    @Override
    public String toString() {
        return "ChrononError{" + category() + " " + code() + ": " + getMessage() + "}";
    }
}
