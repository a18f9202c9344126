package io.chronon.node.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import io.chronon.ChrononException;
import io.chronon.edn.EdnList;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Chronon's lossless JSON form of EDN values (documented in docs/http.md), Transit-like:
 *
 * <ul>
 *   <li>nil, booleans, strings, vectors (JSON arrays), longs (JSON integers) and doubles
 *       (JSON numbers with a fraction or exponent) are themselves;</li>
 *   <li>strings that start with {@code ~} carry a kind: {@code "~:ns/kw"} keyword,
 *       {@code "~$sym"} symbol, {@code "~n123"} big integer, {@code "~m1.50"} big decimal,
 *       {@code "~dNaN"}/{@code "~dInfinity"}/{@code "~d-Infinity"} doubles JSON lacks,
 *       {@code "~cx"} character, and {@code "~~..."} a string that itself starts with
 *       {@code ~};</li>
 *   <li>a JSON object with exactly one key that starts with {@code ~#} is a tagged value:
 *       {@code {"~#set": [...]}}, {@code {"~#list": [...]}}, {@code {"~#inst": "..."}},
 *       {@code {"~#uuid": "..."}}, {@code {"~#uri": "..."}}, {@code {"~#bytes": "base64"}},
 *       {@code {"~#float": 1.5}}, {@code {"~#map": [[k, v], ...]}} (a map with a key that is
 *       not a string, keyword or symbol), and any other tag, e.g.
 *       {@code {"~#chronon/db": {"name": "other"}}};</li>
 *   <li>other JSON objects are maps whose keys are read as strings (so {@code "~:a"} is the
 *       keyword {@code :a}).</li>
 * </ul>
 * Malformed JSON, an integer outside a long without {@code ~n}, an unknown {@code ~}
 * prefix, and a keyword, symbol or tag that EDN has not ({@code "~:a b"}, {@code "~$nil"},
 * {@code {"~#_x": 1}}) are {@code incorrect} errors: what reads is an EDN value. Reading and
 * writing keep their own stack of open arrays and objects, so the deepest value the limits
 * allow never overflows a thread's stack. Thread-safe.
 */
public final class JsonConvention {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(EdnReader.Options.DEFAULT_MAX_DEPTH).build())
            // a tagged value nests one object deeper than in EDN
            .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(2 * EdnReader.Options.DEFAULT_MAX_DEPTH).build())
            .build();
    private static final String SET = "set";
    private static final String LIST = "list";
    private static final String MAP = "map";

    private JsonConvention() {
    }

    /** The JSON text of an EDN value. */
    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(value, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The EDN value of JSON text.
     *
     * @throws ChrononException {@code incorrect} for malformed JSON or a broken convention
     */
    public static Object read(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw incorrect("The JSON body is empty", null);
            }
            Object v = read(p);
            if (p.nextToken() != null) {
                throw incorrect("The JSON body holds more than one value", null);
            }
            return v;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw incorrect("Malformed JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes {@code root} with a stack of its open collections instead of recursion, so that
     * the deepest value the limits allow writes on any thread's stack.
     */
    private static void write(Object root, JsonGenerator g) throws IOException {
        ArrayList<Open> stack = new ArrayList<>();
        Object v = root;
        for (;;) {
            Open opened = open(v, g);
            if (opened != null) {
                stack.add(opened);
            }
            // the next value to write, closing what is done
            for (;;) {
                if (stack.isEmpty()) {
                    return;
                }
                Open top = stack.get(stack.size() - 1);
                if (top.hasPending) {
                    v = top.pending;
                    top.pending = null;
                    top.hasPending = false;
                    break;
                }
                if (top.items != null && top.items.hasNext()) {
                    Object next = top.items.next();
                    if (top.fields) {
                        Map.Entry<?, ?> e = (Map.Entry<?, ?>) next;
                        Object k = e.getKey();
                        g.writeFieldName(k instanceof Keyword kw ? "~:" + kw.text()
                                : k instanceof Symbol sym ? "~$" + sym.text()
                                : ((String) k).startsWith("~") ? "~" + k : (String) k);
                        v = e.getValue();
                    } else {
                        v = next;
                    }
                    break;
                }
                if (top.items != null) {
                    if (top.fields) {
                        g.writeEndObject();
                    } else {
                        g.writeEndArray();
                    }
                }
                if (top.tagged) {
                    g.writeEndObject();
                }
                stack.remove(stack.size() - 1);
            }
        }
    }

    /** A collection or tagged value being written: what is left of it, and how it ends. */
    private static final class Open {
        /** The elements (an array's) or the entries (an object's, with {@link #fields}); null for a tagged value. */
        final Iterator<?> items;
        final boolean fields;
        /** Inside {"~#tag": ...}: one more object to end. */
        final boolean tagged;
        /** A tagged value's element, written next. */
        Object pending;
        boolean hasPending;

        Open(Iterator<?> items, boolean fields, boolean tagged) {
            this.items = items;
            this.fields = fields;
            this.tagged = tagged;
        }
    }

    /** Writes {@code v} if it is atomic and returns null; otherwise writes its start and returns what writes the rest. */
    private static Open open(Object v, JsonGenerator g) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s.startsWith("~") ? "~" + s : s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                g.writeString("~d" + d);
            } else {
                g.writeNumber(d);
            }
        } else if (v instanceof Keyword k) {
            g.writeString("~:" + k.text());
        } else if (v instanceof Symbol s) {
            g.writeString("~$" + s.text());
        } else if (v instanceof BigInteger n) {
            g.writeString("~n" + n);
        } else if (v instanceof BigDecimal n) {
            g.writeString("~m" + n);
        } else if (v instanceof Character c) {
            g.writeString("~c" + c);
        } else if (v instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!(k instanceof String || k instanceof Keyword || k instanceof Symbol)) {
                    // {"~#map": [[k, v], ...]}
                    Iterator<? extends Map.Entry<?, ?>> entries = m.entrySet().iterator();
                    Iterator<Object> pairs = new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return entries.hasNext();
                        }

                        @Override
                        public Object next() {
                            Map.Entry<?, ?> e = entries.next();
                            return java.util.Arrays.asList(e.getKey(), e.getValue());
                        }
                    };
                    startTagged(MAP, g);
                    g.writeStartArray();
                    return new Open(pairs, false, true);
                }
            }
            g.writeStartObject();
            return new Open(m.entrySet().iterator(), true, false);
        } else if (v instanceof EdnList l) {
            startTagged(LIST, g);
            g.writeStartArray();
            return new Open(l.iterator(), false, true);
        } else if (v instanceof Set<?> s) {
            startTagged(SET, g);
            g.writeStartArray();
            return new Open(s.iterator(), false, true);
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            return new Open(c.iterator(), false, false);
        } else if (v instanceof Tagged t) {
            startTagged(t.tag().text(), g);
            Open o = new Open(null, false, true);
            o.pending = t.value();
            o.hasPending = true;
            return o;
        } else {
            // #inst, #uuid, #uri, #bytes, #float: the tag and element of the EDN printer's form
            String printed = EdnPrinter.print(v);
            int space = printed.indexOf(' ');
            if (!printed.startsWith("#") || space < 0) {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
            startTagged(printed.substring(1, space), g);
            Open o = new Open(null, false, true);
            o.pending = EdnReader.read(printed.substring(space + 1), untagged());
            o.hasPending = true;
            return o;
        }
        return null;
    }

    private static void startTagged(String tag, JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeFieldName("~#" + tag);
    }

    /** Options that read every tag as {@link Tagged}: here only its element is wanted. */
    private static EdnReader.Options untagged() {
        return UNTAGGED;
    }

    private static final EdnReader.Options UNTAGGED = EdnReader.Options.defaults()
            .withTag(Symbol.of("inst"), null).withTag(Symbol.of("uuid"), null).withTag(Symbol.of("uri"), null)
            .withTag(Symbol.of("bytes"), null).withTag(Symbol.of("float"), null);

    // ------------------------------------------------------------------ reading

    /**
     * The value that starts at the parser's current token, read with a stack of the open
     * arrays and objects instead of recursion, so that the deepest JSON the limits allow reads
     * on any thread's stack; at most as many values as an EDN form may hold
     * ({@code chronon.edn.max-values}).
     */
    private static Object read(JsonParser p) throws IOException {
        ArrayList<Building> stack = new ArrayList<>();
        JsonToken t = p.currentToken();
        long count = 0;
        for (;;) {
            Object value;
            if (t != JsonToken.FIELD_NAME && t != JsonToken.END_ARRAY && t != JsonToken.END_OBJECT
                    && ++count > EdnReader.Options.DEFAULT_MAX_VALUES) {
                throw incorrect("The JSON body holds more than " + EdnReader.Options.DEFAULT_MAX_VALUES
                        + " values, the most one body may hold (chronon.edn.max-values)", null);
            }
            switch (t) {
                case START_ARRAY:
                    stack.add(new Building(false));
                    t = p.nextToken();
                    continue;
                case START_OBJECT:
                    stack.add(new Building(true));
                    t = p.nextToken();
                    continue;
                case FIELD_NAME:
                    stack.get(stack.size() - 1).name = p.currentName();
                    t = p.nextToken();
                    continue;
                case END_ARRAY:
                    value = Collections.unmodifiableList(stack.remove(stack.size() - 1).items);
                    break;
                case END_OBJECT:
                    value = stack.remove(stack.size() - 1).object();
                    break;
                case VALUE_NULL:
                    value = null;
                    break;
                case VALUE_TRUE:
                    value = Boolean.TRUE;
                    break;
                case VALUE_FALSE:
                    value = Boolean.FALSE;
                    break;
                case VALUE_STRING:
                    value = string(p.getText());
                    break;
                case VALUE_NUMBER_INT:
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        throw incorrect("The integer " + p.getText() + " does not fit in a long; write big integers as \"~n"
                                + p.getText() + "\"", p.getText());
                    }
                    value = p.getLongValue();
                    break;
                case VALUE_NUMBER_FLOAT:
                    value = p.getDoubleValue();
                    break;
                default:
                    throw incorrect("Unexpected JSON token " + t, null);
            }
            if (stack.isEmpty()) {
                return value;
            }
            stack.get(stack.size() - 1).add(value);
            t = p.nextToken();
        }
    }

    /** An array or object being read. */
    private static final class Building {
        final boolean object;
        final List<Object> items;
        final Map<Object, Object> fields;
        /** The name of the object's field whose value comes next. */
        String name;
        String onlyTag;
        int n;

        Building(boolean object) {
            this.object = object;
            this.items = object ? null : new ArrayList<>();
            this.fields = object ? new LinkedHashMap<>() : null;
        }

        void add(Object value) {
            if (!object) {
                items.add(value);
                return;
            }
            n++;
            if (n == 1 && name.startsWith("~#")) {
                onlyTag = name.substring(2);
            }
            fields.put(string(name), value);
        }

        /** A tagged value for an object with one key "~#tag", else a map. */
        Object object() {
            if (n == 1 && onlyTag != null) {
                return tagged(onlyTag, fields.values().iterator().next());
            }
            for (Object k : fields.keySet()) {
                if (k instanceof String s && s.startsWith("~#")) {
                    throw incorrect("A tag key (" + s + ") must be the only key of its object", s);
                }
            }
            return Collections.unmodifiableMap(fields);
        }
    }

    private static Object tagged(String tag, Object value) {
        switch (tag) {
            case SET:
                return Collections.unmodifiableSet(new LinkedHashSet<>(elements(tag, value)));
            case LIST:
                return EdnList.from(elements(tag, value));
            case MAP: {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (Object e : elements(tag, value)) {
                    if (!(e instanceof List<?> kv) || kv.size() != 2) {
                        throw incorrect("{\"~#map\": [...]} holds [key, value] pairs, not " + EdnPrinter.printOrDescribe(e), e);
                    }
                    m.put(kv.get(0), kv.get(1));
                }
                return Collections.unmodifiableMap(m);
            }
            default: {
                Symbol sym;
                try {
                    sym = Symbol.of(tag);
                } catch (RuntimeException e) {
                    throw incorrect("Not a tag: " + tag, tag);
                }
                // a tag EDN has too: a symbol that starts with a letter (not {"~#_x": 1}, {"~#nil": 1})
                if (EdnPrinter.whyNotPrintable(new Tagged(sym, null)) != null) {
                    throw incorrect("Not a tag: " + tag + " (a tag is a symbol that starts with a letter)", tag);
                }
                Function<Object, Object> reader = EdnReader.Options.defaults().tagReader(sym);
                if (reader == null) {
                    return new Tagged(sym, value);
                }
                try {
                    return reader.apply(value);
                } catch (RuntimeException e) {
                    throw incorrect("Bad {\"~#" + tag + "\": ...}: " + e.getMessage(), value);
                }
            }
        }
    }

    private static List<Object> elements(String tag, Object value) {
        if (!(value instanceof List<?> l)) {
            throw incorrect("{\"~#" + tag + "\": ...} takes an array", value);
        }
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) l;
        return list;
    }

    private static Object string(String s) {
        if (s.length() < 2 || s.charAt(0) != '~') {
            if (s.equals("~")) {
                throw incorrect("A lone \"~\" is reserved; write \"~~\" for the string \"~\"", s);
            }
            return s;
        }
        String rest = s.substring(2);
        if ((s.charAt(1) == 'n' || s.charAt(1) == 'm') && rest.length() > EdnReader.MAX_BIG_NUMBER_LENGTH) {
            throw incorrect("A big number is limited to " + EdnReader.MAX_BIG_NUMBER_LENGTH + " chars", null);
        }
        if (s.charAt(1) == ':' || s.charAt(1) == '$') {
            return name(s, rest);
        }
        try {
            switch (s.charAt(1)) {
                case '~':
                    return s.substring(1);
                case 'n':
                    return new BigInteger(rest);
                case 'm':
                    return new BigDecimal(rest);
                case 'd':
                    return Double.valueOf(rest);
                case 'c':
                    if (rest.length() == 1) {
                        return rest.charAt(0);
                    }
                    break;
                case '#':
                    return s; // only as an object key
                default:
                    break;
            }
        } catch (RuntimeException e) {
            throw incorrect("Bad JSON-encoded value \"" + s + "\": " + e.getMessage(), s);
        }
        throw incorrect("Unknown JSON encoding \"" + s + "\" (strings starting with ~ carry a kind; write \"~~\" for a literal ~)", s);
    }

    /**
     * The keyword ({@code "~:..."}) or symbol ({@code "~$..."}) of {@code s}: one that EDN has
     * too (not {@code "~:a b"}, {@code "~::a"}, {@code "~:1"}, {@code "~$nil"}), so that every
     * value read can be answered in EDN.
     */
    private static Object name(String s, String rest) {
        boolean keyword = s.charAt(1) == ':';
        Object name = keyword && rest.startsWith(":") ? null : keyword ? Keyword.of(rest) : Symbol.of(rest);
        String problem = name == null ? "auto-resolved keywords (::) are not EDN" : EdnPrinter.whyNotPrintable(name);
        if (problem != null) {
            throw incorrect("Bad JSON-encoded " + (keyword ? "keyword" : "symbol") + " \"" + s + "\": " + problem, s);
        }
        return name;
    }

    private static ChrononException incorrect(String message, Object form) {
        return ChrononException.incorrect("chronon.error/invalid-json", message, form);
    }
}
