package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Date;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EdnReaderTest {

    private static Object read(String text) {
        return EdnReader.read(text);
    }

    @Test
    void readsScalarsAsTheFixedJavaTypes() {
        assertNull(read("nil"));
        assertEquals(Boolean.TRUE, read("true"));
        assertEquals(Boolean.FALSE, read("false"));
        assertEquals("hi", read("\"hi\""));
        assertEquals('a', read("\\a"));
        assertEquals(42L, read("42"));
        assertEquals(0L, read("-0"));
        assertEquals(5L, read("+5"));
        assertEquals(Long.MIN_VALUE, read("-9223372036854775808"));
        assertEquals(Long.MAX_VALUE, read("9223372036854775807"));
        assertEquals(BigInteger.ONE, read("1N"));
        assertEquals(new BigInteger("-123456789012345678901234567890"), read("-123456789012345678901234567890N"));
        assertEquals(1.5, read("1.5"));
        assertEquals(1e5, read("1e5"));
        assertEquals(-1.5e-3, read("-1.5E-3"));
        assertEquals(1.0, read("1."), "Clojure reads 1. as 1.0");
        assertEquals(100.0, read("1.e2"));
        assertEquals(new BigDecimal("1.50"), read("1.50M"));
        assertEquals(2, ((BigDecimal) read("1.50M")).scale(), "the scale is kept");
        assertEquals(new BigDecimal("1"), read("1M"));
        assertEquals(new BigDecimal("1E+3"), read("1e3M"));
        assertEquals(Double.POSITIVE_INFINITY, read("##Inf"));
        assertEquals(Double.NEGATIVE_INFINITY, read("##-Inf"));
        assertTrue(Double.isNaN((Double) read("##NaN")));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) read("-0.0")));
    }

    @Test
    void readsSymbolsAndKeywordsAsInternedValues() {
        assertSame(Symbol.of("foo"), read("foo"));
        assertSame(Symbol.of("a.b", "c-d?"), read("a.b/c-d?"));
        assertSame(Keyword.of("db", "ident"), read(":db/ident"));
        assertSame(Keyword.of("nil"), read(":nil"));
        for (String s : List.of("/", "+", "-", ".", "-a", "+a", ".a", "*x*", "<=>", "a#b", "a:b", "$", "?e", "λ", "a/nil")) {
            assertSame(Symbol.of(s), read(s), s);
        }
        for (String s : List.of(":+", ":-a", ":a#", ":a:b", ":é/λ", ":a.b/c")) {
            assertSame(Keyword.of(s), read(s), s);
        }
    }

    @Test
    void readsCharacters() {
        assertEquals('\n', read("\\newline"));
        assertEquals(' ', read("\\space"));
        assertEquals('\t', read("\\tab"));
        assertEquals('\r', read("\\return"));
        assertEquals('\b', read("\\backspace"));
        assertEquals('\f', read("\\formfeed"));
        assertEquals('é', read("\\u00e9"));
        assertEquals('é', read("\\é"));
        assertEquals('u', read("\\u"));
        assertEquals('(', read("\\("));
        assertEquals('\\', read("\\\\"));
        assertEquals('"', read("\\\""));
        assertEquals(',', read("\\,"));
        assertEquals('\ud800', read("\\ud800"), "a lone surrogate is a valid char (Clojure rejects it)");
        assertEquals(List.of('a', 'b', '('), read("[\\a\\b\\(]"));
    }

    @Test
    void readsStringsWithEscapesAndRawNewlines() {
        assertEquals("a\"b\\c\nd\te\rf\bg\fh", read("\"a\\\"b\\\\c\\nd\\te\\rf\\bg\\fh\""));
        assertEquals("é€", read("\"\\u00E9\\u20ac\""));
        assertEquals("line1\nline2", read("\"line1\nline2\""));
        assertEquals("", read("\"\""));
        assertEquals("😀", read("\"😀\""));
    }

    @Test
    void readsCollections() {
        Object v = read("[1 (2 3) {:a 1} #{:x} []]");
        List<?> vector = assertInstanceOf(List.class, v);
        assertFalse(v instanceof EdnList, "a vector is not an EdnList");
        assertInstanceOf(EdnList.class, vector.get(1));
        assertEquals(List.of(2L, 3L), vector.get(1));
        assertEquals(Map.of(Keyword.of("a"), 1L), vector.get(2));
        assertEquals(Set.of(Keyword.of("x")), vector.get(3));
        assertEquals(List.of(), vector.get(4));
        assertInstanceOf(EdnList.class, read("()"));
        assertEquals(Map.of(), read("{}"));
        assertEquals(Set.of(), read("#{}"));
        assertThrows(UnsupportedOperationException.class, () -> ((List<Object>) read("[1]")).add(2L));
        assertThrows(UnsupportedOperationException.class, () -> ((Map<Object, Object>) read("{:a 1}")).put(1L, 2L));
        assertThrows(UnsupportedOperationException.class, () -> ((Set<Object>) read("#{1}")).add(2L));
        assertEquals(java.util.Arrays.asList(null, null), read("[nil nil]"));
        Map<?, ?> m = (Map<?, ?>) read("{nil 1 :a nil}");
        assertEquals(1L, m.get(null));
        assertTrue(m.containsKey(Keyword.of("a")));
    }

    @Test
    void keepsTheReadOrderOfMapsAndSets() {
        StringBuilder text = new StringBuilder("{");
        StringBuilder setText = new StringBuilder("#{");
        List<Object> keys = new ArrayList<>();
        for (int i = 40; i > 0; i--) {
            text.append(":k").append(i).append(' ').append(i).append(' ');
            setText.append(i * 7 % 41).append(' ');
            keys.add(Keyword.of("k" + i));
        }
        assertEquals(keys, new ArrayList<>(((Map<?, ?>) read(text.append('}').toString())).keySet()));
        List<Object> elements = new ArrayList<>((Set<?>) read(setText.append('}').toString()));
        assertEquals(40L * 7 % 41, elements.get(0));
        assertEquals(7L % 41, elements.get(39));
    }

    @Test
    void skipsWhitespaceCommasCommentsAndDiscards() {
        assertEquals(List.of(1L, 2L, 3L), read(",,[1,2 ,3],,"));
        assertEquals(List.of(1L, 2L), read("[1 ; comment ]\n 2]"));
        assertEquals(1L, read("1 ; trailing comment without newline"));
        assertEquals(List.of(1L, 3L), read("[1 #_ 2 3]"));
        assertEquals(List.of(1L, 4L), read("[1 #_ #_ 2 3 4]"));
        assertEquals(List.of(1L), read("[1 #_ 2]"));
        assertEquals(List.of(), read("[#_[1 2]]"));
        assertEquals(Map.of(Keyword.of("a"), 1L), read("{:a #_ :x 1}"));
        assertEquals(2L, read("#_ 1 2"));
        assertEquals(2L, read("#_{:a [1 (2)]} 2 #_3"));
        assertEquals(1L, read("\u2003\f1\u000B"), "Java whitespace counts, as in Clojure");
        assertEquals(List.of(1L, 2L), read("[1;c\r2]"), "a lone CR ends a comment, as in Clojure");
    }

    @Test
    void readsNamespacedMaps() {
        assertEquals(Map.of(Keyword.of("person/name"), "Ann", Keyword.of("id"), 1L, Keyword.of("other/k"), 2L, "s", 3L),
                read("#:person{:name \"Ann\" :_/id 1 :other/k 2 \"s\" 3}"));
        assertEquals(Map.of(Symbol.of("a/b"), 1L), read("#:a {b 1}"));
        assertEquals(Map.of(), read("#:a{}"));
    }

    @Test
    void readsInstantsAsClojureDoes() {
        assertEquals(Date.from(Instant.parse("2020-01-01T00:00:00Z")), read("#inst \"2020\""));
        assertEquals(Date.from(Instant.parse("2020-03-01T00:00:00Z")), read("#inst \"2020-03\""));
        assertEquals(Date.from(Instant.parse("2020-01-02T03:04:05.123Z")),
                read("#inst \"2020-01-02T03:04:05.123-00:00\""));
        assertEquals(Date.from(Instant.parse("2020-01-02T03:04:00Z")), read("#inst \"2020-01-02T03:04Z\""));
        assertEquals(Date.from(Instant.parse("2020-01-02T02:04:05Z")), read("#inst \"2020-01-02T03:04:05+01:00\""));
        assertEquals(Date.from(Instant.parse("2020-01-02T05:34:05Z")), read("#inst \"2020-01-02T03:04:05-02:30\""));
        assertEquals(Date.from(Instant.parse("2020-01-02T03:04:05.100Z")), read("#inst \"2020-01-02T03:04:05.1Z\""));
        assertEquals(Date.from(Instant.parse("2020-01-02T03:04:05.123Z")),
                read("#inst \"2020-01-02T03:04:05.123456789Z\""), "digits beyond milliseconds are dropped");
        assertEquals(Date.from(Instant.parse("2017-01-01T00:00:00Z")), read("#inst \"2016-12-31T23:59:60Z\""),
                "a leap second rolls over");
        assertEquals(Date.from(Instant.parse("2024-02-29T00:00:00Z")), read("#inst \"2024-02-29\""));
        // Before 1582 the Julian calendar applies, as in java.util.GregorianCalendar (and Clojure).
        GregorianCalendar cal = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        cal.clear();
        cal.set(1000, Calendar.MARCH, 1, 12, 0, 0);
        assertEquals(cal.getTime(), read("#inst \"1000-03-01T12:00:00Z\""));
    }

    @Test
    void readsTheOtherBuiltInTags() {
        assertEquals(UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
                read("#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\""));
        assertEquals(UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
                read("#uuid \"F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6\""));
        assertEquals(URI.create("https://example.com/a?b=c"), read("#uri \"https://example.com/a?b=c\""));
        assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) read("#bytes \"AQID\""));
        assertArrayEquals(new byte[0], (byte[]) read("#bytes \"\""));
        assertEquals(1.5f, read("#float 1.5"));
        assertEquals(2f, read("#float 2"));
        assertTrue(Float.isNaN((Float) read("#float ##NaN")));
        assertEquals(Float.NEGATIVE_INFINITY, read("#float ##-Inf"));
        assertEquals(Date.from(Instant.parse("2020-01-01T00:00:00Z")), read("#inst\"2020\""), "no space needed");
        assertEquals(1L, read("#_ #inst \"2020\" 1"));
    }

    @Test
    void keepsUnknownTagsAsTagged() {
        assertEquals(new Tagged(Symbol.of("my/tag"), List.of(1L, 2L)), read("#my/tag [1 2]"));
        assertEquals(new Tagged(Symbol.of("a"), new Tagged(Symbol.of("b"), 1L)), read("#a #b 1"));
        assertEquals(new Tagged(Symbol.of("a"), 2L), read("#a #_ 1 2"));
        assertEquals(List.of(1L), read("[#_ #inst \"not a date\" 1]"), "tags inside discarded forms are not interpreted");
    }

    @Test
    void usesTheTagReadersOfItsOptions() {
        EdnReader.Options options = EdnReader.Options.defaults()
                .withTag(Symbol.of("point"), v -> new int[]{((Long) ((List<?>) v).get(0)).intValue()})
                .withTag(Symbol.of("inst"), v -> "inst:" + v);
        assertArrayEquals(new int[]{3}, (int[]) EdnReader.read("#point [3]", options));
        assertEquals("inst:2020", EdnReader.read("#inst \"2020\"", options), "a default tag can be replaced");
        EdnReader.Options raw = EdnReader.Options.defaults().withTag(Symbol.of("inst"), null);
        assertEquals(new Tagged(Symbol.of("inst"), "x"), EdnReader.read("#inst \"x\"", raw), "and removed");
        assertTrue(EdnReader.read("#inst \"2020\"") instanceof Date, "the defaults are unchanged");
        assertEquals(2000, EdnReader.Options.defaults().maxDepth());
        assertEquals(5, EdnReader.Options.defaults().withMaxDepth(5).maxDepth());
        assertThrows(IllegalArgumentException.class, () -> EdnReader.Options.defaults().withMaxDepth(0));
    }

    @Test
    void readAllReturnsEveryForm() {
        assertEquals(List.of(1L, Symbol.of("a"), List.of(), "s"), EdnReader.readAll("1 a [] \"s\" #_ x ; end"));
        assertEquals(List.of(), EdnReader.readAll(" ; nothing\n #_ 1 "));
        assertEquals(List.of(Keyword.of("a"), 1L), EdnReader.readAll(":a,1"));
        assertEquals(List.of(List.of(1L), 2L, "x", 3L), EdnReader.readAll("[1]2\"x\"3"), "delimiters end tokens");
    }

    @Test
    void streamsFormsFromAReaderInAnyChunking() {
        StringBuilder text = new StringBuilder();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            text.append("{:id ").append(i).append(", :name \"person ").append(i).append("\\n\" :tags #{:a :b}} ; c\n");
            text.append("[:db/add ").append(i).append(" :follows ").append(i + 1).append("]\n");
            expected.add(Map.of(Keyword.of("id"), (long) i, Keyword.of("name"), "person " + i + "\n",
                    Keyword.of("tags"), Set.of(Keyword.of("a"), Keyword.of("b"))));
            expected.add(List.of(Keyword.of("db/add"), (long) i, Keyword.of("follows"), (long) i + 1));
        }
        for (int chunk : new int[]{1, 2, 3, 7, 100, 100_000}) {
            EdnReader reader = new EdnReader(new ChunkedReader(text.toString(), chunk), EdnReader.Options.defaults());
            Object end = new Object();
            List<Object> forms = new ArrayList<>();
            for (Object f = reader.next(end); f != end; f = reader.next(end)) {
                forms.add(f);
            }
            assertEquals(expected, forms, "chunk size " + chunk);
            assertSame(end, reader.next(end), "stays at the end");
        }
    }

    @Test
    void aLongTokenOrStringSpanningManyBuffersIsReadWhole() {
        String longString = "x".repeat(100_000) + "\\n" + "y".repeat(50_000);
        String longSymbol = "s".repeat(40_000);
        String text = "\"" + longString + "\" " + longSymbol + " 123";
        EdnReader reader = new EdnReader(new ChunkedReader(text, 4096));
        assertEquals("x".repeat(100_000) + "\n" + "y".repeat(50_000), reader.next(null));
        assertEquals(Symbol.of(longSymbol), reader.next(null));
        assertEquals(123L, reader.next(null));
        assertNull(reader.next(null));
    }

    @Test
    void nestingUpToTheLimitIsFineAndDeeperIsAParseError() {
        int limit = EdnReader.Options.DEFAULT_MAX_DEPTH;
        Object v = read("[".repeat(limit) + "]".repeat(limit));
        for (int i = 1; i < limit; i++) {
            v = ((List<?>) v).get(0);
        }
        assertEquals(List.of(), v);
        EdnParseException e = assertThrows(EdnParseException.class,
                () -> read("[".repeat(limit + 1) + "]".repeat(limit + 1)));
        assertTrue(e.getMessage().contains("deeper than the limit of 2000"), e.getMessage());
        assertEquals(limit + 1, e.column());
    }

    @Test
    void aHighConfiguredLimitStillNeverOverflowsTheStack() {
        int n = 200_000;
        EdnReader.Options deep = EdnReader.Options.defaults().withMaxDepth(n + 10);
        Object v = EdnReader.read("(".repeat(n) + ")".repeat(n), deep);
        int depth = 0;
        while (v instanceof EdnList l && !l.isEmpty()) {
            v = l.get(0);
            depth++;
        }
        assertEquals(n - 1, depth);
        String tags = "#a ".repeat(n) + "1";
        Object t = EdnReader.read(tags, deep);
        assertInstanceOf(Tagged.class, t);
        assertEquals(5L, EdnReader.read("#_".repeat(n) + " 1".repeat(n) + " 5", deep));
    }

    /** A reader that hands out at most {@code chunk} chars per call, to cross buffer boundaries everywhere. */
    static final class ChunkedReader extends Reader {
        private final String text;
        private final int chunk;
        private int pos;

        ChunkedReader(String text, int chunk) {
            this.text = text;
            this.chunk = chunk;
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (pos >= text.length()) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), text.length() - pos);
            text.getChars(pos, pos + n, cbuf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theStringReaderAndTheStreamAgree() {
        String text = "[1 2] {:a \"b\"} #{1} (x) \\c #inst \"2020\"";
        List<Object> all = EdnReader.readAll(text);
        EdnReader r = new EdnReader(new StringReader(text), EdnReader.Options.defaults());
        for (Object expected : all) {
            assertEquals(expected, r.next(null));
        }
    }

    /**
     * One form holds at most Options.maxValues values (by default the maximum heap / 2048): a
     * value read costs up to some hundreds of bytes, and a 16 MB body of distinct keywords ran a
     * 256 MB node out of memory (issue 16).
     */
    @Test
    void aFormWithMoreValuesThanTheLimitIsRefused() {
        EdnReader.Options ten = EdnReader.Options.defaults().withMaxValues(10);
        // the vector and its nine elements
        assertEquals(9, ((List<?>) EdnReader.read("[1 2 3 4 5 6 7 8 9]", ten)).size());
        EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read("[1 2 3 4 5 6 7 8 9 10]", ten));
        assertTrue(e.getMessage().contains("more than 10 values"), e.getMessage());
        assertThrows(EdnParseException.class, () -> EdnReader.read("{:a [1 2] :b #{3 4} :c #inst \"2024-01-01T00:00:00Z\"}", ten));
        // counted per form
        assertEquals(2, EdnReader.readAll("[1 2 3 4 5 6 7 8 9] [1 2 3 4 5 6 7 8 9]", ten).size());
        assertEquals(Math.max(10_000, Runtime.getRuntime().maxMemory() / 2048), EdnReader.Options.defaults().maxValues());
        assertThrows(IllegalArgumentException.class, () -> EdnReader.Options.defaults().withMaxValues(0));
    }
}
