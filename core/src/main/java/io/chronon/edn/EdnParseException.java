package io.chronon.edn;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;

/**
 * Malformed EDN text. Always {@link ErrorCategory#INCORRECT} with code
 * {@code :edn.error/parse}; {@link #line()} and {@link #column()} (both 1-based, columns
 * counted in UTF-16 chars) point at where the problem was found, and the message says so
 * ({@code "line L, column C: ..."}). {@link #form()} is the offending text when there is
 * one, for example the token {@code 1.2.3}.
 */
public final class EdnParseException extends ChrononException {
    /** The error code of every EDN parse error. */
    public static final Keyword CODE = Keyword.of("edn.error", "parse");

    private final int line;
    private final int column;
    private final String reason;

    /**
     * A parse error at {@code line}, {@code column} (1-based) because of {@code reason}, a
     * sentence fragment such as {@code "unmatched ')'"}. {@code offendingText} and
     * {@code cause} may be null.
     */
    public EdnParseException(String reason, int line, int column, String offendingText, Throwable cause) {
        super(ErrorCategory.INCORRECT, CODE,
                "EDN parse error at line " + line + ", column " + column + ": " + reason,
                offendingText, cause);
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** As {@link #EdnParseException(String, int, int, String, Throwable)} without a cause. */
    public EdnParseException(String reason, int line, int column, String offendingText) {
        this(reason, line, column, offendingText, null);
    }

    /** The 1-based line where the problem was found. */
    public int line() {
        return line;
    }

    /** The 1-based column (in UTF-16 chars) where the problem was found. */
    public int column() {
        return column;
    }

    /** What was wrong, without the position prefix of {@link #getMessage()}. */
    public String reason() {
        return reason;
    }
}
