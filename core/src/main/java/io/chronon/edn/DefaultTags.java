package io.chronon.edn;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The tag readers every {@link EdnReader} starts with: EDN's {@code #inst} and
 * {@code #uuid}, and Chronon's own {@code #uri}, {@code #bytes} and {@code #float} for the
 * Datomic value types EDN has no literal for. Each throws {@link IllegalArgumentException}
 * for a value of the wrong kind; the reader turns that into an {@link EdnParseException}.
 */
final class DefaultTags {
    static final Symbol INST = Symbol.of("inst");
    static final Symbol UUID_TAG = Symbol.of("uuid");
    static final Symbol URI_TAG = Symbol.of("uri");
    static final Symbol BYTES = Symbol.of("bytes");
    static final Symbol FLOAT = Symbol.of("float");

    static final Map<Symbol, Function<Object, Object>> ALL = Map.of(
            INST, v -> EdnInstants.parse(string(INST, v)),
            UUID_TAG, v -> uuid(string(UUID_TAG, v)),
            URI_TAG, v -> uri(string(URI_TAG, v)),
            BYTES, v -> bytes(string(BYTES, v)),
            FLOAT, DefaultTags::toFloat);

    private DefaultTags() {
    }

    private static String string(Symbol tag, Object v) {
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("#" + tag + " needs a string, not " + kind(v));
    }

    static String kind(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof Keyword) {
            return "a keyword";
        }
        if (v instanceof Symbol) {
            return "a symbol";
        }
        if (v instanceof Long || v instanceof java.math.BigInteger) {
            return "an integer";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof EdnList) {
            return "a list";
        }
        if (v instanceof java.util.List) {
            return "a vector";
        }
        if (v instanceof Map) {
            return "a map";
        }
        if (v instanceof java.util.Set) {
            return "a set";
        }
        if (v instanceof String) {
            return "a string";
        }
        return "a " + v.getClass().getSimpleName();
    }

    /** Only the canonical 8-4-4-4-12 hex form; {@link UUID#fromString} accepts much more. */
    static UUID uuid(String s) {
        if (s.length() != 36 || s.charAt(8) != '-' || s.charAt(13) != '-' || s.charAt(18) != '-'
                || s.charAt(23) != '-') {
            throw new IllegalArgumentException("\"" + s + "\" is not a UUID (8-4-4-4-12 hex digits)");
        }
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0 || s.charAt(i) > 'f') {
                throw new IllegalArgumentException("\"" + s + "\" is not a UUID: '" + s.charAt(i) + "' is not a hex digit");
            }
            if (i < 19) {
                msb = msb << 4 | d;
            } else {
                lsb = lsb << 4 | d;
            }
        }
        return new UUID(msb, lsb);
    }

    private static URI uri(String s) {
        try {
            return new URI(s);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not a URI: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not base64: " + e.getMessage(), e);
        }
    }

    private static Float toFloat(Object v) {
        double d;
        if (v instanceof Double x) {
            d = x;
        } else if (v instanceof Long x) {
            d = x;
        } else {
            throw new IllegalArgumentException("#float needs a number, not " + kind(v));
        }
        float f = (float) d;
        if (Float.isInfinite(f) && !Double.isInfinite(d)) {
            throw new IllegalArgumentException(v + " is outside the range of a float");
        }
        return f;
    }
}
