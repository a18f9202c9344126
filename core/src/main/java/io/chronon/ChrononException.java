package io.chronon;

import io.chronon.edn.Keyword;

/**
 * The one exception type Chronon throws for anything a caller can act on. It carries a
 * {@link ErrorCategory category}, an error code in Datomic's style (for example
 * {@code :db.error/unique-conflict}), a message a person can act on, and the offending form
 * (a datom, a clause, a piece of transaction data) when there is one.
 */
public class ChrononException extends RuntimeException {
    private final ErrorCategory category;
    private final Keyword code;
    private final transient Object form;

    public ChrononException(ErrorCategory category, Keyword code, String message, Object form, Throwable cause) {
        super(message, cause);
        this.category = category;
        this.code = code;
        this.form = form;
    }

    public ChrononException(ErrorCategory category, Keyword code, String message, Object form) {
        this(category, code, message, form, null);
    }

    public ChrononException(ErrorCategory category, Keyword code, String message) {
        this(category, code, message, null, null);
    }

    /** An {@link ErrorCategory#INCORRECT} error with the given code, e.g. {@code "db.error/not-an-entity"}. */
    public static ChrononException incorrect(String code, String message, Object form) {
        return new ChrononException(ErrorCategory.INCORRECT, Keyword.of(code), message, form);
    }

    /** A {@link ErrorCategory#CONFLICT} error with the given code. */
    public static ChrononException conflict(String code, String message, Object form) {
        return new ChrononException(ErrorCategory.CONFLICT, Keyword.of(code), message, form);
    }

    /** A {@link ErrorCategory#NOT_FOUND} error with the given code. */
    public static ChrononException notFound(String code, String message, Object form) {
        return new ChrononException(ErrorCategory.NOT_FOUND, Keyword.of(code), message, form);
    }

    public ErrorCategory category() {
        return category;
    }

    /** The error code, e.g. {@code :db.error/unique-conflict}; never null. */
    public Keyword code() {
        return code;
    }

    /** The offending form, or null when the error is not about one form. */
    public Object form() {
        return form;
    }
}
