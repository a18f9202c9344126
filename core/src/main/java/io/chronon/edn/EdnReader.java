package io.chronon.edn;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads EDN text into Java values. The mapping is fixed: {@code nil} is null, booleans are
 * {@link Boolean}, strings {@link String}, characters {@link Character}, integers
 * {@link Long} ({@link BigInteger} with the {@code N} suffix; an integer too big for a long
 * without it is an error, never silently promoted), floating-point numbers {@link Double}
 * (also {@code ##Inf}, {@code ##-Inf}, {@code ##NaN}; {@link BigDecimal} with {@code M}),
 * {@link Symbol}, {@link Keyword}, vectors an unmodifiable {@link List}, lists an
 * {@link EdnList}, maps an unmodifiable {@link Map} and sets an unmodifiable
 * {@link java.util.Set}, both keeping the order they were read in. Tagged elements go
 * through the tag readers of the {@link Options}; those without one are read as
 * {@link Tagged}.
 *
 * <p>Malformed text always throws {@link EdnParseException} with the line and column of the
 * problem, never another exception. Hostile input can neither overflow the stack nor make
 * the reader hang: nesting is limited ({@link Options#maxDepth()}) and the reader keeps its
 * own stack of open collections instead of recursing; big numbers are limited to
 * {@value #MAX_BIG_NUMBER_LENGTH} chars.
 *
 * <p>An instance reads one stream form by form with {@link #next(Object)}; it is not
 * thread-safe. The static {@link #read(String)} and {@link #readAll(String)} cover texts
 * held in memory.
 */
public final class EdnReader {

    /**
     * How an {@link EdnReader} interprets tags and how deep it lets forms nest. Immutable:
     * each {@code with...} returns a new instance.
     */
    public static final class Options {
        /** The default limit of nesting, see {@link #maxDepth()}. */
        public static final int DEFAULT_MAX_DEPTH = 2000;
        /**
         * The default limit of values in one form, see {@link #maxValues()}: the JVM system
         * property {@code chronon.edn.max-values}, by default the maximum heap / 2048 (at least
         * 10,000; 131,072 on a 256 MB heap, a million on 2 GB). A value read costs up to some
         * hundreds of bytes (a keyword not seen before: its object, its strings, its entry in the
         * intern table), so a 16 MB body of distinct keywords took 400 MB to read and ran a 256 MB
         * node out of memory (issue 16); one form now takes at most about a sixth of the heap.
         */
        public static final long DEFAULT_MAX_VALUES = Long.getLong("chronon.edn.max-values",
                Math.max(10_000, Runtime.getRuntime().maxMemory() / 2048));

        private static final Options DEFAULTS = new Options(DefaultTags.ALL, DEFAULT_MAX_DEPTH, DEFAULT_MAX_VALUES);

        private final Map<Symbol, Function<Object, Object>> tags;
        private final int maxDepth;
        private final long maxValues;

        private Options(Map<Symbol, Function<Object, Object>> tags, int maxDepth, long maxValues) {
            this.tags = tags;
            this.maxDepth = maxDepth;
            this.maxValues = maxValues;
        }

        /**
         * The tags {@code #inst} ({@link java.util.Date}), {@code #uuid}
         * ({@link java.util.UUID}), {@code #uri} ({@link java.net.URI}), {@code #bytes}
         * (base64 to {@code byte[]}) and {@code #float} ({@link Float}), and a depth limit of
         * {@value #DEFAULT_MAX_DEPTH}.
         */
        public static Options defaults() {
            return DEFAULTS;
        }

        /**
         * These options with {@code reader} as the reader of {@code #tag}: it receives the
         * element that follows the tag (already read) and returns the value to use. Replaces
         * a default tag reader of the same tag. A null {@code reader} removes the tag, so it
         * is read as {@link Tagged}. A reader that throws makes the read fail with an
         * {@link EdnParseException} pointing at the tag.
         */
        public Options withTag(Symbol tag, Function<Object, Object> reader) {
            Objects.requireNonNull(tag, "tag");
            Map<Symbol, Function<Object, Object>> copy = new HashMap<>(tags);
            if (reader == null) {
                copy.remove(tag);
            } else {
                copy.put(tag, reader);
            }
            return new Options(Map.copyOf(copy), maxDepth, maxValues);
        }

        /**
         * These options with a nesting limit of {@code maxDepth} (at least 1): collections,
         * tags and discards nested deeper fail with an {@link EdnParseException}. Reading and
         * printing work at any depth, but Java's equality and hashing of nested collections
         * recurse (the reader hashes map keys and set elements), so keep it modest.
         */
        public Options withMaxDepth(int maxDepth) {
            if (maxDepth < 1) {
                throw new IllegalArgumentException("maxDepth must be at least 1, not " + maxDepth);
            }
            return new Options(tags, maxDepth, maxValues);
        }

        /** How many collections, tags and discards may be open at once. */
        public int maxDepth() {
            return maxDepth;
        }

        /**
         * These options with a limit of {@code maxValues} (at least 1) values in one form:
         * scalars, collections (each counts once, besides its elements) and tagged values; a
         * form with more fails with an {@link EdnParseException}.
         */
        public Options withMaxValues(long maxValues) {
            if (maxValues < 1) {
                throw new IllegalArgumentException("maxValues must be at least 1, not " + maxValues);
            }
            return new Options(tags, maxDepth, maxValues);
        }

        /** How many values one form may hold. */
        public long maxValues() {
            return maxValues;
        }

        /** The reader of {@code #tag}, or null when the tag is read as {@link Tagged}. */
        public Function<Object, Object> tagReader(Symbol tag) {
            return tags.get(tag);
        }
    }

    /**
     * The longest big integer ({@code N}) or big decimal ({@code M}) literal read, in chars;
     * longer ones are an {@link EdnParseException}, since parsing them takes quadratic time.
     */
    public static final int MAX_BIG_NUMBER_LENGTH = 10_000;

    private static final Object NOTHING = new Object();
    private static final Object END = new Object();

    private static final byte VECTOR = 0, LIST = 1, MAP = 2, SET = 3, TAG = 4, DISCARD = 5;

    /** An open collection, tag or discard, waiting for its elements. Reused across forms. */
    private static final class Frame {
        byte kind;
        char closer;
        int line;
        int column;
        ArrayList<Object> items;
        LinkedHashMap<Object, Object> map;
        LinkedHashSet<Object> set;
        String namespace;
        Object key;
        boolean hasKey;
        int keyLine;
        int keyColumn;
        Symbol tag;
    }

    private final Reader in;
    private final Options options;
    private char[] buf;
    private int pos;
    private int limit;
    /** Start of the token being scanned, kept in the buffer when it is refilled; -1 if none. */
    private int mark = -1;
    /** Offset in the whole input of {@code buf[0]}. */
    private long bufStart;
    private int line = 1;
    /** Offset in the whole input of the first char of the current line. */
    private long lineStart;
    private boolean eof;

    private static final int TOKEN_CACHE_SIZE = 256;
    private final String[] cachedTokens = new String[TOKEN_CACHE_SIZE];
    private final Object[] cachedValues = new Object[TOKEN_CACHE_SIZE];

    private Frame[] stack = new Frame[8];
    private int depth;
    private int discards;
    /** Values read in the current form. */
    private long values;

    /**
     * A reader of the EDN forms in {@code in}, read on demand with {@link #next(Object)}.
     * The caller keeps ownership of {@code in} (this never closes it).
     */
    public EdnReader(Reader in, Options options) {
        this.in = Objects.requireNonNull(in, "in");
        this.options = Objects.requireNonNull(options, "options");
        this.buf = new char[8192];
    }

    /** A reader of {@code in} with {@link Options#defaults()}. */
    public EdnReader(Reader in) {
        this(in, Options.defaults());
    }

    private EdnReader(String text, Options options) {
        this.in = null;
        this.options = Objects.requireNonNull(options, "options");
        this.buf = text.toCharArray();
        this.limit = buf.length;
        this.eof = true;
    }

    /** The single form of {@code text}, read with {@link Options#defaults()}. */
    public static Object read(String text) {
        return read(text, Options.defaults());
    }

    /**
     * The single form of {@code text}. Whitespace, comments and discarded forms may surround
     * it; anything else is an error, as is a text without a form.
     *
     * @throws EdnParseException if the text is not exactly one well-formed form
     */
    public static Object read(String text, Options options) {
        EdnReader r = new EdnReader(text, options);
        Object value = r.next(END);
        if (value == END) {
            throw r.error("expected a form, found only whitespace and comments", null);
        }
        int c = r.skipWhitespace();
        if (c >= 0) {
            int l = r.line;
            int col = r.column();
            if (r.next(END) != END) {
                throw new EdnParseException("expected a single form, but another form follows", l, col,
                        null);
            }
        }
        return value;
    }

    /** All forms of {@code text}, in order, read with {@link Options#defaults()}. */
    public static List<Object> readAll(String text) {
        return readAll(text, Options.defaults());
    }

    /**
     * All forms of {@code text}, in order (empty for a text of only whitespace and comments).
     *
     * @throws EdnParseException at the first malformed form
     */
    public static List<Object> readAll(String text, Options options) {
        EdnReader r = new EdnReader(text, options);
        List<Object> forms = new ArrayList<>();
        for (Object v = r.next(END); v != END; v = r.next(END)) {
            forms.add(v);
        }
        return Collections.unmodifiableList(forms);
    }

    /**
     * The next form, or {@code eofValue} when only whitespace, comments and discarded forms
     * remain. After an {@link EdnParseException} the position in the stream is unspecified.
     *
     * @throws EdnParseException    if the next form is malformed
     * @throws UncheckedIOException if the underlying reader fails
     */
    public Object next(Object eofValue) {
        depth = 0;
        discards = 0;
        values = 0;
        mark = -1;
        try {
            return readForm(eofValue);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ the form loop

    private Object readForm(Object eofValue) throws IOException {
        forms:
        for (;;) {
            int c = skipWhitespace();
            if (c < 0) {
                if (depth == 0) {
                    return eofValue;
                }
                throw endInside();
            }
            int l = line;
            int col = column();
            Object value;
            switch (c) {
                case '[' -> {
                    pos++;
                    push(VECTOR, ']', l, col).items = new ArrayList<>();
                    continue;
                }
                case '(' -> {
                    pos++;
                    push(LIST, ')', l, col).items = new ArrayList<>();
                    continue;
                }
                case '{' -> {
                    pos++;
                    push(MAP, '}', l, col).map = new LinkedHashMap<>();
                    continue;
                }
                case ']', ')', '}' -> {
                    pos++;
                    Frame f = close((char) c, l, col);
                    value = build(f, l, col);
                    l = f.line;
                    col = f.column;
                }
                case '"' -> {
                    pos++;
                    value = readString(l, col);
                }
                case '\\' -> {
                    pos++;
                    value = readCharacter(l, col);
                }
                case '#' -> {
                    pos++;
                    value = dispatch(l, col);
                    if (value == NOTHING) {
                        continue;
                    }
                }
                default -> value = readAtom(l, col);
            }
            if (++values > options.maxValues) {
                throw new EdnParseException("the form holds more than " + options.maxValues + " values, the most one form may hold"
                        + " (chronon.edn.max-values)", l, col, null);
            }
            // Hand the value to the innermost open frame; tags apply and pass it on outwards.
            for (;;) {
                if (depth == 0) {
                    return value;
                }
                Frame f = stack[depth - 1];
                switch (f.kind) {
                    case DISCARD -> {
                        depth--;
                        discards--;
                        continue forms;
                    }
                    case TAG -> {
                        depth--;
                        value = applyTag(f, value);
                        l = f.line;
                        col = f.column;
                    }
                    default -> {
                        add(f, value, l, col);
                        continue forms;
                    }
                }
            }
        }
    }

    private Frame push(byte kind, char closer, int l, int col) {
        if (depth >= options.maxDepth) {
            throw new EdnParseException("forms nest deeper than the limit of " + options.maxDepth + " levels",
                    l, col, null);
        }
        if (depth == stack.length) {
            stack = Arrays.copyOf(stack, depth * 2);
        }
        Frame f = stack[depth];
        if (f == null) {
            f = new Frame();
            stack[depth] = f;
        }
        depth++;
        f.kind = kind;
        f.closer = closer;
        f.line = l;
        f.column = col;
        f.items = null;
        f.map = null;
        f.set = null;
        f.namespace = null;
        f.key = null;
        f.hasKey = false;
        f.tag = null;
        return f;
    }

    /** Pops the frame that {@code closer} (at l, col) closes, or explains why it closes none. */
    private Frame close(char closer, int l, int col) {
        if (depth == 0) {
            throw new EdnParseException("unmatched '" + closer + "' (nothing is open)", l, col, null);
        }
        Frame f = stack[depth - 1];
        if (f.kind == TAG) {
            throw new EdnParseException("the tag #" + f.tag + " at " + at(f) + " has no value before '"
                    + closer + "'", l, col, null);
        }
        if (f.kind == DISCARD) {
            throw new EdnParseException("#_ at " + at(f) + " has nothing to discard before '" + closer + "'",
                    l, col, null);
        }
        if (f.closer != closer) {
            throw new EdnParseException("unmatched '" + closer + "': expected '" + f.closer + "' to close '"
                    + opener(f) + "' at " + at(f), l, col, null);
        }
        depth--;
        return f;
    }

    private Object build(Frame f, int l, int col) {
        switch (f.kind) {
            case VECTOR:
                return f.items.isEmpty() ? Collections.emptyList() : Collections.unmodifiableList(f.items);
            case LIST:
                return EdnList.wrap(f.items.toArray());
            case SET:
                return f.set.isEmpty() ? Collections.emptySet() : Collections.unmodifiableSet(f.set);
            default:
                if (f.hasKey) {
                    throw new EdnParseException("the map at " + at(f) + " has an odd number of forms: the key "
                            + EdnPrinter.snippet(f.key) + " has no value", l, col, null);
                }
                return f.map.isEmpty() ? Collections.emptyMap() : Collections.unmodifiableMap(f.map);
        }
    }

    private void add(Frame f, Object value, int l, int col) {
        switch (f.kind) {
            case VECTOR, LIST -> f.items.add(value);
            case SET -> {
                if (!f.set.add(value)) {
                    throw new EdnParseException("duplicate set element " + EdnPrinter.snippet(value), l, col,
                            null);
                }
            }
            default -> {
                if (f.hasKey) {
                    // One hash lookup per entry: a duplicate key shows as a map that did not grow.
                    int size = f.map.size();
                    f.map.put(f.key, value);
                    if (f.map.size() == size) {
                        throw new EdnParseException("duplicate map key " + EdnPrinter.snippet(f.key), f.keyLine,
                                f.keyColumn, null);
                    }
                    f.hasKey = false;
                    f.key = null;
                } else {
                    if (f.namespace != null && value instanceof Symbol s && s.namespace() == null && s.name().equals("/")) {
                        // it would become the symbol ns//, which is not EDN
                        throw new EdnParseException("the symbol / cannot take the namespace of " + opener(f) + " at "
                                + at(f), l, col, "/");
                    }
                    f.key = f.namespace == null ? value : qualify(f.namespace, value);
                    f.hasKey = true;
                    f.keyLine = l;
                    f.keyColumn = col;
                }
            }
        }
    }

    /** The key of a namespaced map {@code #:ns{...}}: {@code :a} becomes {@code :ns/a}, {@code :_/a} becomes {@code :a}. */
    private static Object qualify(String ns, Object key) {
        if (key instanceof Keyword k) {
            if (k.namespace() == null) {
                return Keyword.of(ns, k.name());
            }
            return "_".equals(k.namespace()) ? Keyword.of(null, k.name()) : k;
        }
        if (key instanceof Symbol s) {
            if (s.namespace() == null) {
                return Symbol.of(ns, s.name());
            }
            return "_".equals(s.namespace()) ? Symbol.of(null, s.name()) : s;
        }
        return key;
    }

    private Object applyTag(Frame f, Object value) {
        Function<Object, Object> reader = discards > 0 ? null : options.tagReader(f.tag);
        if (reader == null) {
            // Unknown tags, and any tag inside a discarded form, are kept as data.
            return new Tagged(f.tag, value);
        }
        try {
            return reader.apply(value);
        } catch (RuntimeException e) {
            String why = e instanceof EdnParseException p ? p.reason() : e.getMessage();
            throw new EdnParseException("#" + f.tag + " cannot read " + EdnPrinter.snippet(value)
                    + (why == null ? "" : ": " + why), f.line, f.column, EdnPrinter.snippet(value), e);
        }
    }

    private EdnParseException endInside() {
        Frame f = stack[depth - 1];
        String what = switch (f.kind) {
            case TAG -> "the tag #" + f.tag + " at " + at(f) + " has no value";
            case DISCARD -> "#_ at " + at(f) + " has nothing to discard";
            default -> "'" + opener(f) + "' at " + at(f) + " is not closed";
        };
        return error("unexpected end of input: " + what, null);
    }

    private static String at(Frame f) {
        return "line " + f.line + ", column " + f.column;
    }

    private static String opener(Frame f) {
        return switch (f.kind) {
            case VECTOR -> "[";
            case LIST -> "(";
            case SET -> "#{";
            default -> f.namespace == null ? "{" : "#:" + f.namespace + "{";
        };
    }

    // ------------------------------------------------------------------ dispatch (#)

    /** After '#': a set, discard, namespaced map or tag (NOTHING: a frame was pushed), or ##Inf etc. */
    private Object dispatch(int l, int col) throws IOException {
        if (pos >= limit && !fill()) {
            throw error("unexpected end of input after '#'", null);
        }
        char c = buf[pos];
        switch (c) {
            case '{' -> {
                pos++;
                push(SET, '}', l, col).set = new LinkedHashSet<>();
                return NOTHING;
            }
            case '_' -> {
                pos++;
                push(DISCARD, '\0', l, col);
                discards++;
                return NOTHING;
            }
            case '#' -> {
                pos++;
                String name = scanToken();
                switch (name) {
                    case "Inf":
                        return Double.POSITIVE_INFINITY;
                    case "-Inf":
                        return Double.NEGATIVE_INFINITY;
                    case "NaN":
                        return Double.NaN;
                    default:
                        throw new EdnParseException("unknown symbolic value ##" + name
                                + " (expected ##Inf, ##-Inf or ##NaN)", l, col, "##" + name);
                }
            }
            case ':' -> {
                pos++;
                return namespacedMap(l, col);
            }
            default -> {
                if (Character.isLetter(c)) {
                    String name = scanToken();
                    String problem = EdnSyntax.nameProblem(name, false);
                    if (problem == null && (name.equals("nil") || name.equals("true") || name.equals("false"))) {
                        // a tag is a symbol, and these read as values (Clojure: "Reader tag must be a symbol")
                        problem = "it is not a symbol but " + name;
                    }
                    if (problem != null) {
                        throw new EdnParseException("invalid tag '#" + name + "': " + problem, l, col, "#" + name);
                    }
                    push(TAG, '\0', l, col).tag = Symbol.of(name);
                    return NOTHING;
                }
                throw new EdnParseException("unknown dispatch '#" + c + "' (EDN has #{, #_, #:, ## and #tag)",
                        l, col, "#" + c);
            }
        }
    }

    private Object namespacedMap(int l, int col) throws IOException {
        if (pos < limit || fill()) {
            if (buf[pos] == ':') {
                throw new EdnParseException("auto-resolved namespaced maps (#::) are not EDN", l, col, "#::");
            }
        }
        String ns = scanToken();
        String problem = ns.indexOf('/') >= 0 ? "it has a '/'" : EdnSyntax.nameProblem(ns, false);
        if (problem != null) {
            throw new EdnParseException("invalid namespace in '#:" + ns + "': " + problem, l, col, "#:" + ns);
        }
        if (skipWhitespace() != '{') {
            throw error("#:" + ns + " at line " + l + ", column " + col + " must be followed by a map", null);
        }
        pos++;
        Frame f = push(MAP, '}', l, col);
        f.map = new LinkedHashMap<>();
        f.namespace = ns;
        return NOTHING;
    }

    // ------------------------------------------------------------------ atoms

    /** Numbers, keywords, symbols, nil, true and false. */
    private Object readAtom(int l, int col) throws IOException {
        int start = scan();
        int len = pos - start;
        mark = -1;
        if (len == 0) {
            // Unreachable while every token end is handled by readForm; a guard against looping.
            throw new EdnParseException("unexpected " + EdnSyntax.describe(buf[pos]), l, col, null);
        }
        char c0 = buf[start];
        if (EdnSyntax.isDigit(c0)
                || (c0 == '+' || c0 == '-') && len > 1 && EdnSyntax.isDigit(buf[start + 1])) {
            return number(start, len, l, col);
        }
        // Data repeats its keywords and symbols: a small cache of recent tokens skips building,
        // validating and interning the same text again.
        int h = 0;
        for (int i = start; i < start + len; i++) {
            h = 31 * h + buf[i];
        }
        int slot = (h ^ (h >>> 11)) & (TOKEN_CACHE_SIZE - 1);
        String cached = cachedTokens[slot];
        if (cached != null && cached.length() == len && sameChars(cached, start)) {
            return cachedValues[slot];
        }
        String text = new String(buf, start, len);
        Object value = nameOrLiteral(text, c0, l, col);
        cachedTokens[slot] = text;
        cachedValues[slot] = value;
        return value;
    }

    private boolean sameChars(String s, int start) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) != buf[start + i]) {
                return false;
            }
        }
        return true;
    }

    private static Object nameOrLiteral(String text, char c0, int l, int col) {
        if (c0 == ':') {
            String name = text.substring(1);
            String problem = EdnSyntax.nameProblem(name, true);
            if (problem != null) {
                if (name.isEmpty()) {
                    problem = "nothing follows the colon";
                } else if (name.startsWith(":")) {
                    problem = "auto-resolved keywords (::) are not EDN";
                }
                throw new EdnParseException("invalid keyword '" + text + "': " + problem, l, col, text);
            }
            return Keyword.of(name);
        }
        switch (text) {
            case "nil":
                return null;
            case "true":
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            default:
                break;
        }
        String problem = EdnSyntax.nameProblem(text, false);
        if (problem != null) {
            throw new EdnParseException("invalid symbol '" + text + "': " + problem, l, col, text);
        }
        return Symbol.of(text);
    }

    private Object number(int start, int len, int l, int col) {
        int end = start + len;
        int i = start;
        boolean negative = buf[i] == '-';
        if (buf[i] == '+' || negative) {
            i++;
        }
        int digitsStart = i;
        while (i < end && EdnSyntax.isDigit(buf[i])) {
            i++;
        }
        boolean leadingZero = buf[digitsStart] == '0' && i - digitsStart > 1;
        if (i == end || buf[i] == 'N' && i + 1 == end) {
            if (leadingZero) {
                throw badNumber(start, len, l, col, "leading zeros are not allowed (octal is not EDN)");
            }
            if (i == end) {
                return Long.valueOf(parseLong(digitsStart, end, negative, start, l, col));
            }
            checkBigNumberLength(start, len, l, col);
            return new BigInteger(new String(buf, start, i - start));
        }
        boolean floating = false;
        if (buf[i] == '.') {
            floating = true;
            i++;
            while (i < end && EdnSyntax.isDigit(buf[i])) {
                i++;
            }
        }
        if (i < end && (buf[i] == 'e' || buf[i] == 'E')) {
            floating = true;
            i++;
            if (i < end && (buf[i] == '+' || buf[i] == '-')) {
                i++;
            }
            int expStart = i;
            while (i < end && EdnSyntax.isDigit(buf[i])) {
                i++;
            }
            if (i == expStart) {
                throw badNumber(start, len, l, col, "the exponent has no digits");
            }
        }
        boolean decimal = i < end && buf[i] == 'M';
        if (decimal) {
            i++;
        }
        if (i != end || !(floating || decimal)) {
            String hint = new String(buf, start, len).indexOf('/') >= 0 ? " (ratios are not EDN)" : "";
            throw badNumber(start, len, l, col, "not an integer or floating-point number" + hint);
        }
        if (leadingZero) {
            throw badNumber(start, len, l, col, "leading zeros are not allowed");
        }
        if (decimal) {
            checkBigNumberLength(start, len, l, col);
            try {
                return new BigDecimal(buf, start, len - 1);
            } catch (NumberFormatException | ArithmeticException e) {
                throw badNumber(start, len, l, col, "the exponent is out of range");
            }
        }
        return Double.parseDouble(new String(buf, start, len));
    }

    /** Parsing a big number takes time quadratic in its length; a limit keeps hostile input from hanging the reader. */
    private void checkBigNumberLength(int start, int len, int l, int col) {
        if (len > MAX_BIG_NUMBER_LENGTH) {
            throw new EdnParseException("a number with N or M may have at most " + MAX_BIG_NUMBER_LENGTH
                    + " characters, this one has " + len, l, col, new String(buf, start, 20) + "...");
        }
    }

    private long parseLong(int from, int end, boolean negative, int start, int l, int col) {
        // Accumulate negatively, as Long.parseLong does, so Long.MIN_VALUE fits.
        long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        long multmin = limit / 10;
        long result = 0;
        for (int i = from; i < end; i++) {
            int d = buf[i] - '0';
            if (result < multmin || result * 10 < limit + d) {
                throw badNumber(start, end - start, l, col,
                        "the integer does not fit in a long (add N for a big integer)");
            }
            result = result * 10 - d;
        }
        return negative ? result : -result;
    }

    private EdnParseException badNumber(int start, int len, int l, int col, String why) {
        String text = new String(buf, start, len);
        return new EdnParseException("invalid number '" + text + "': " + why, l, col, text);
    }

    /** After '"'. */
    private String readString(int l, int col) throws IOException {
        mark = pos;
        for (;;) {
            if (pos >= limit && !fill()) {
                throw error("unexpected end of input inside the string starting at line " + l + ", column "
                        + col, null);
            }
            char c = buf[pos];
            if (c == '"') {
                String s = new String(buf, mark, pos - mark);
                mark = -1;
                pos++;
                return s;
            }
            if (c == '\\') {
                StringBuilder sb = new StringBuilder(pos - mark + 16);
                sb.append(buf, mark, pos - mark);
                mark = -1;
                return readEscapedString(sb, l, col);
            }
            pos++;
            if (c == '\n') {
                newLine();
            }
        }
    }

    private String readEscapedString(StringBuilder sb, int l, int col) throws IOException {
        for (;;) {
            if (pos >= limit && !fill()) {
                throw error("unexpected end of input inside the string starting at line " + l + ", column "
                        + col, null);
            }
            char c = buf[pos];
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                if (c == '\n') {
                    newLine();
                }
                continue;
            }
            int escLine = line;
            int escCol = column();
            pos++;
            if (pos >= limit && !fill()) {
                throw error("unexpected end of input inside the string starting at line " + l + ", column "
                        + col, null);
            }
            char e = buf[pos++];
            switch (e) {
                case '"', '\\' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    int v = 0;
                    for (int k = 0; k < 4; k++) {
                        boolean more = pos < limit || fill();
                        int d = more ? hexDigit(buf[pos]) : -1;
                        if (d < 0) {
                            String seen = "\\u" + hex(v, k) + (more ? String.valueOf(buf[pos]) : "");
                            throw new EdnParseException("invalid unicode escape " + seen
                                    + " in a string: \\u needs 4 hex digits", escLine, escCol, seen);
                        }
                        v = v << 4 | d;
                        pos++;
                    }
                    sb.append((char) v);
                }
                default -> throw new EdnParseException("unsupported escape \\" + e + " in a string"
                        + " (EDN has \\\" \\\\ \\n \\t \\r \\b \\f \\uXXXX)", escLine, escCol, "\\" + e);
            }
        }
    }

    /** The low {@code digits} hex digits of {@code v}, zero-padded. */
    private static String hex(int v, int digits) {
        String h = Integer.toHexString(v);
        return digits == 0 ? "" : "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** After '\'. */
    private Character readCharacter(int l, int col) throws IOException {
        if (pos >= limit && !fill()) {
            throw error("unexpected end of input after '\\'", null);
        }
        char first = buf[pos];
        if (Character.isWhitespace(first)) {
            throw new EdnParseException("'\\' must be followed by a character (write \\space, \\newline, \\tab,"
                    + " \\return, \\formfeed or \\uXXXX for whitespace)", l, col, "\\");
        }
        mark = pos;
        pos++;
        int start = scan();
        int len = pos - start;
        mark = -1;
        if (len == 1) {
            return first;
        }
        String name = new String(buf, start, len);
        switch (name) {
            case "newline":
                return '\n';
            case "space":
                return ' ';
            case "tab":
                return '\t';
            case "return":
                return '\r';
            case "backspace":
                return '\b';
            case "formfeed":
                return '\f';
            default:
                break;
        }
        if (len == 5 && first == 'u') {
            int v = 0;
            for (int i = 1; i < 5; i++) {
                int d = hexDigit(name.charAt(i));
                if (d < 0) {
                    v = -1;
                    break;
                }
                v = v << 4 | d;
            }
            if (v >= 0) {
                return (char) v;
            }
        }
        throw new EdnParseException("unsupported character \\" + name + " (EDN has \\c, \\newline, \\space, \\tab,"
                + " \\return, \\backspace, \\formfeed and \\uXXXX)", l, col, "\\" + name);
    }

    // ------------------------------------------------------------------ scanning

    /**
     * Advances over a token that may have started before {@code pos} (at {@code mark}, if
     * set), up to the next delimiter or whitespace; returns the token's start in {@code buf},
     * leaving {@code mark} set (the caller clears it once it is done with the chars).
     */
    private int scan() throws IOException {
        if (mark < 0) {
            mark = pos;
        }
        for (;;) {
            if (pos >= limit && !fill()) {
                return mark;
            }
            char c = buf[pos];
            if (EdnSyntax.endsToken(c)) {
                return mark;
            }
            pos++;
        }
    }

    /** The token from {@code pos} to the next delimiter, as a string. */
    private String scanToken() throws IOException {
        int start = scan();
        String s = new String(buf, start, pos - start);
        mark = -1;
        return s;
    }

    /** Skips whitespace and comments; the next char (not consumed), or -1 at the end. */
    private int skipWhitespace() {
        try {
            for (;;) {
                if (pos >= limit && !fill()) {
                    return -1;
                }
                char c = buf[pos];
                if (c == ' ' || c == ',') {
                    pos++;
                } else if (c == '\n') {
                    pos++;
                    newLine();
                } else if (c == ';') {
                    skipComment();
                } else if ((c < ' ' || c > '~') && Character.isWhitespace(c)) {
                    pos++;
                } else {
                    return c;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A comment runs to the end of the line; like Clojure, a lone '\r' ends it too. */
    private void skipComment() throws IOException {
        for (;;) {
            if (pos >= limit && !fill()) {
                return;
            }
            char c = buf[pos];
            if (c == '\n' || c == '\r') {
                return;
            }
            pos++;
        }
    }

    private void newLine() {
        line++;
        lineStart = bufStart + pos;
    }

    private int column() {
        return (int) Math.min(Integer.MAX_VALUE, bufStart + pos - lineStart + 1);
    }

    private EdnParseException error(String reason, String offendingText) {
        return new EdnParseException(reason, line, column(), offendingText);
    }

    /**
     * Reads more input into the buffer, keeping the chars from {@code mark} (or {@code pos})
     * on; false at the end of the input.
     */
    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int keep = mark >= 0 ? mark : pos;
        if (keep > 0) {
            int n = limit - keep;
            System.arraycopy(buf, keep, buf, 0, n);
            bufStart += keep;
            pos -= keep;
            limit = n;
            if (mark >= 0) {
                mark -= keep;
            }
        }
        if (limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int r;
        do {
            r = in.read(buf, limit, buf.length - limit);
        } while (r == 0);
        if (r < 0) {
            eof = true;
            return false;
        }
        limit += r;
        return true;
    }
}
