package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;
import io.chronon.sharding.wire.ChrononError;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error shape of the HTTP API, {@code {:category :incorrect :code :db.error/... :message "..." :form ...}},
 * and the status of each category.
 */
final class HttpError {
    private static final Logger log = LoggerFactory.getLogger(HttpError.class);
    /** Longer offending forms are cut to their start, as a string. */
    private static final int MAX_FORM_CHARS = 2000;
    /** Longer messages are cut to their start. */
    private static final int MAX_MESSAGE_CHARS = 2000;
    private HttpError() {
    }

    /** The HTTP status of an error category. */
    static int status(ErrorCategory category) {
        return switch (category) {
            case INCORRECT -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case BUSY -> 429;
            case UNAVAILABLE -> 503;
            case INTERRUPTED -> 504;
            case UNSUPPORTED -> 501;
            case FAULT -> 500;
        };
    }

    /** The error a failure reports (unwrapping futures' wrappers). */
    static ChrononException of(Throwable failure) {
        return ChrononError.of(failure);
    }

    /**
     * The body of an error: its category, code, message and the offending form when there is one.
     * An internal fault (a 500) says only that it happened and under which id it is in the node's
     * log, with its details (a Java exception's class and message may name internals or files).
     */
    static Map<Object, Object> body(ChrononException e) {
        Map<Object, Object> body = new LinkedHashMap<>();
        if (e.category() == ErrorCategory.FAULT) {
            String id = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
            log.error("Internal error {}: {}", id, e.getMessage(), e);
            body.put(Keyword.of("category"), Keyword.of("fault"));
            body.put(Keyword.of("code"), Keyword.of("chronon.error/fault"));
            body.put(Keyword.of("message"), "Internal error " + id + "; its details are in the node's log");
            body.put(Keyword.of("error-id"), id);
            return body;
        }
        body.put(Keyword.of("category"), Keyword.of(e.category().name().toLowerCase().replace('_', '-')));
        if (e.code() != null) {
            body.put(Keyword.of("code"), e.code());
        }
        String message = e.getMessage();
        // a message may quote what the client sent (a 12 MB query text): its start is enough
        body.put(Keyword.of("message"), message != null && message.length() > MAX_MESSAGE_CHARS
                ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message);
        if (e.form() != null) {
            Object form = e.form();
            StringBuilder printed = new StringBuilder();
            try {
                // printed no further than needed: a long form is sent as the start of its text
                EdnPrinter.print(form, printed, MAX_FORM_CHARS);
                if (printed.length() > MAX_FORM_CHARS) {
                    form = printed.substring(0, MAX_FORM_CHARS) + "...";
                } else {
                    JsonConvention.write(form);
                }
            } catch (EdnPrinter.TooLongException tooLong) {
                form = printed.substring(0, Math.min(MAX_FORM_CHARS, printed.length())) + "...";
            } catch (RuntimeException notData) {
                String described = EdnPrinter.printOrDescribe(form);
                form = described.length() > MAX_FORM_CHARS ? described.substring(0, MAX_FORM_CHARS) + "..." : described;
            }
            body.put(Keyword.of("form"), form);
        }
        return body;
    }
}
