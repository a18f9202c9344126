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
 * Malformed JSON, an integer outside a long without {@code ~n}, and an unknown {@code ~}
 * prefix are {@code incorrect} errors. Thread-safe.
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
            Object v = read(p, new long[1]);
            if (p.nextToken() != null) {
                throw incorrect("The JSON body holds more than one value", null);
            }
            return v;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw incorrect("Malformed JSON: " + e.getOriginalMessage(), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StackOverflowError e) {
            // reading recurses per level: near the nesting limit a thread with less stack to spare overflows
            // (a body of 100,000 '{"a":' did on the blocking dispatcher); the stack has unwound, nothing was kept
            throw incorrect("The JSON body nests too deeply", null);
        }
    }

    // ------------------------------------------------------------------ writing

    /** What is left to write: a value, or one of these steps. */
    private enum Step { END_ARRAY, END_OBJECT }

    /** A field name still to write. */
    private record Field(String name) {
    }

    /** Null as an entry of the stack of what is left to write (which takes no null). */
    private static final Object NULL = new Object();

    /**
     * Writes {@code root} with an explicit stack of what is left, not by recursion: a value as
     * deep as a body may be (2,000 levels) is written on any thread's stack. Before, a 1,900-deep
     * value overflowed the stack of the writer's or a dispatcher's thread (issue 16).
     */
    private static void write(Object root, JsonGenerator g) throws IOException {
        java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
        todo.push(root == null ? NULL : root);
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (v == Step.END_ARRAY) {
                g.writeEndArray();
            } else if (v == Step.END_OBJECT) {
                g.writeEndObject();
            } else if (v instanceof Field f) {
                g.writeFieldName(f.name());
            } else if (v == NULL) {
                g.writeNull();
            } else {
                writeOne(v, g, todo);
            }
        }
    }

    /** Writes a scalar, or opens a collection and pushes its elements (last first) and its end. */
    private static void writeOne(Object v, JsonGenerator g, java.util.ArrayDeque<Object> todo) throws IOException {
        if (v instanceof String s) {
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
            writeMap(m, g, todo);
        } else if (v instanceof EdnList l) {
            writeTagged(LIST, new ArrayList<>(l), g, todo);
        } else if (v instanceof Set<?> s) {
            writeTagged(SET, new ArrayList<>(s), g, todo);
        } else if (v instanceof Collection<?> c) {
            g.writeStartArray();
            todo.push(Step.END_ARRAY);
            pushReversed(new ArrayList<>(c), todo);
        } else if (v instanceof Tagged t) {
            writeTagged(t.tag().text(), t.value(), g, todo);
        } else {
            // #inst, #uuid, #uri, #bytes, #float: the tag and element of the EDN printer's form
            String printed = EdnPrinter.print(v);
            int space = printed.indexOf(' ');
            if (!printed.startsWith("#") || space < 0) {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
            writeTagged(printed.substring(1, space), EdnReader.read(printed.substring(space + 1), untagged()), g, todo);
        }
    }

    private static void pushReversed(List<?> values, java.util.ArrayDeque<Object> todo) {
        for (int i = values.size() - 1; i >= 0; i--) {
            Object x = values.get(i);
            todo.push(x == null ? NULL : x);
        }
    }

    private static void writeMap(Map<?, ?> m, JsonGenerator g, java.util.ArrayDeque<Object> todo) throws IOException {
        boolean simpleKeys = true;
        for (Object k : m.keySet()) {
            if (!(k instanceof String || k instanceof Keyword || k instanceof Symbol)) {
                simpleKeys = false;
                break;
            }
        }
        if (!simpleKeys) {
            List<Object> entries = new ArrayList<>(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                entries.add(java.util.Arrays.asList(e.getKey(), e.getValue()));
            }
            writeTagged(MAP, entries, g, todo);
            return;
        }
        g.writeStartObject();
        todo.push(Step.END_OBJECT);
        List<Object> fields = new ArrayList<>(2 * m.size());
        for (Map.Entry<?, ?> e : m.entrySet()) {
            Object k = e.getKey();
            fields.add(new Field(k instanceof Keyword kw ? "~:" + kw.text()
                    : k instanceof Symbol s ? "~$" + s.text()
                    : ((String) k).startsWith("~") ? "~" + k : (String) k));
            fields.add(e.getValue());
        }
        pushReversed(fields, todo);
    }

    private static void writeTagged(String tag, Object value, JsonGenerator g, java.util.ArrayDeque<Object> todo) throws IOException {
        g.writeStartObject();
        g.writeFieldName("~#" + tag);
        todo.push(Step.END_OBJECT);
        todo.push(value == null ? NULL : value);
    }

    /** Options that read every tag as {@link Tagged}: here only its element is wanted. */
    private static EdnReader.Options untagged() {
        return UNTAGGED;
    }

    private static final EdnReader.Options UNTAGGED = EdnReader.Options.defaults()
            .withTag(Symbol.of("inst"), null).withTag(Symbol.of("uuid"), null).withTag(Symbol.of("uri"), null)
            .withTag(Symbol.of("bytes"), null).withTag(Symbol.of("float"), null);

    // ------------------------------------------------------------------ reading

    /** The value at the parser's token; {@code count} counts the values read, at most as many as an EDN form may hold. */
    private static Object read(JsonParser p, long[] count) throws IOException {
        if (++count[0] > EdnReader.Options.DEFAULT_MAX_VALUES) {
            throw incorrect("The JSON body holds more than " + EdnReader.Options.DEFAULT_MAX_VALUES
                    + " values, the most one body may hold (chronon.edn.max-values)", null);
        }
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_STRING:
                return string(p.getText());
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw incorrect("The integer " + p.getText() + " does not fit in a long; write big integers as \"~n" + p.getText() + "\"",
                            p.getText());
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case START_ARRAY: {
                List<Object> out = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    out.add(read(p, count));
                }
                return Collections.unmodifiableList(out);
            }
            case START_OBJECT:
                return object(p, count);
            default:
                throw incorrect("Unexpected JSON token " + t, null);
        }
    }

    private static Object object(JsonParser p, long[] count) throws IOException {
        Map<Object, Object> out = new LinkedHashMap<>();
        String onlyTag = null;
        int n = 0;
        while (p.nextToken() != JsonToken.END_OBJECT) {
            String name = p.currentName();
            p.nextToken();
            Object value = read(p, count);
            n++;
            if (n == 1 && name.startsWith("~#")) {
                onlyTag = name.substring(2);
            }
            out.put(string(name), value);
        }
        if (n == 1 && onlyTag != null) {
            return tagged(onlyTag, out.values().iterator().next());
        }
        for (Object k : out.keySet()) {
            if (k instanceof String s && s.startsWith("~#")) {
                throw incorrect("A tag key (" + s + ") must be the only key of its object", s);
            }
        }
        return Collections.unmodifiableMap(out);
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
        try {
            switch (s.charAt(1)) {
                case '~':
                    return s.substring(1);
                case ':':
                    return Keyword.of(rest);
                case '$':
                    return Symbol.of(rest);
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

    private static ChrononException incorrect(String message, Object form) {
        return ChrononException.incorrect("chronon.error/invalid-json", message, form);
    }
}
