package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EdnPrinterTest {

    private static String print(Object v) {
        return EdnPrinter.print(v);
    }

    @Test
    void printsAtoms() {
        assertEquals("nil", print(null));
        assertEquals("true", print(true));
        assertEquals("false", print(false));
        assertEquals("42", print(42L));
        assertEquals("-7", print(-7));
        assertEquals("3", print((short) 3));
        assertEquals("4", print((byte) 4));
        assertEquals("1N", print(BigInteger.ONE));
        assertEquals("1.50M", print(new BigDecimal("1.50")));
        assertEquals("1E+3M", print(new BigDecimal("1E+3")));
        assertEquals("1.0", print(1.0));
        assertEquals("1.0E-10", print(1e-10));
        assertEquals("-0.0", print(-0.0));
        assertEquals("##NaN", print(Double.NaN));
        assertEquals("##Inf", print(Double.POSITIVE_INFINITY));
        assertEquals("##-Inf", print(Double.NEGATIVE_INFINITY));
        assertEquals("#float 1.5", print(1.5f));
        assertEquals("#float 0.1", print(0.1f));
        assertEquals("#float ##NaN", print(Float.NaN));
        assertEquals(":db/ident", print(Keyword.of("db/ident")));
        assertEquals("?e", print(Symbol.of("?e")));
        assertEquals("/", print(Symbol.of("/")));
    }

    /** BigDecimal.toString would write 1.2341E+2147483651, whose exponent no reader takes back (fuzzing found it). */
    @Test
    void bigDecimalsWithAnExponentBeyondAnIntPrintWithTheirUnscaledValue() {
        BigDecimal big = new BigDecimal("12341E+2147483647");
        assertEquals("12341E+2147483647M", print(big));
        assertEquals(big, EdnReader.read(print(big)));
        assertEquals(-2147483647, ((BigDecimal) EdnReader.read(print(big))).scale());
        assertEquals("1E+2147483647M", print(new BigDecimal("1E+2147483647")));
        assertEquals("1.23456E-2147483642M", print(new BigDecimal("123456E-2147483647")));
        BigDecimal minScale = new BigDecimal("1E+2147483647").multiply(new BigDecimal("1E+1")); // scale Integer.MIN_VALUE
        assertThrows(IllegalArgumentException.class, () -> print(minScale));
    }

    @Test
    void printsStringsWithEscapes() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\rf\\bg\\fh\"", print("a\"b\\c\nd\te\rf\bg\fh"));
        assertEquals("\"\\u0000\\u001f\\u007f\"", print("\u0000\u001f\u007f"));
        assertEquals("\"é😀\"", print("é😀"), "non-ASCII and surrogate pairs stay raw");
        assertEquals("\"\\ud800x\\udc00\"", print("\ud800x\udc00"), "lone surrogates are escaped");
    }

    @Test
    void printsCharacters() {
        assertEquals("\\a", print('a'));
        assertEquals("\\newline", print('\n'));
        assertEquals("\\space", print(' '));
        assertEquals("\\tab", print('\t'));
        assertEquals("\\return", print('\r'));
        assertEquals("\\backspace", print('\b'));
        assertEquals("\\formfeed", print('\f'));
        assertEquals("\\u0000", print('\u0000'));
        assertEquals("\\u00a0", print('\u00a0'));
        assertEquals("\\é", print('é'));
        assertEquals("\\(", print('('));
        assertEquals("\\\\", print('\\'));
        assertEquals("\\ud800", print('\ud800'));
    }

    @Test
    void printsTheTaggedTypes() {
        assertEquals("#inst \"2020-01-02T03:04:05.123-00:00\"", print(Date.from(Instant.parse("2020-01-02T03:04:05.123Z"))));
        assertEquals("#inst \"1970-01-01T00:00:00.000-00:00\"", print(new Date(0)));
        assertEquals("#inst \"1969-12-31T23:59:59.999-00:00\"", print(new Date(-1)));
        assertEquals("#inst \"0800-03-01T00:00:00.000-00:00\"", print(EdnReader.read("#inst \"0800-03-01\"")));
        assertEquals("#inst \"0000-01-01T00:00:00.000-00:00\"", print(EdnReader.read("#inst \"0000-01-01\"")));
        assertEquals("#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\"",
                print(UUID.fromString("f81d4fae-7dec-11d0-a765-00a0c91e6bf6")));
        assertEquals("#uri \"http://a.b/c?d=%22e%22\"", print(URI.create("http://a.b/c?d=%22e%22")));
        assertEquals("#bytes \"AQID\"", print(new byte[]{1, 2, 3}));
        assertEquals("#my/tag [1 2]", print(new Tagged(Symbol.of("my/tag"), List.of(1L, 2L))));
    }

    @Test
    void printsCollections() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("a"), 1L);
        m.put(Keyword.of("b"), List.of(2L, "x"));
        assertEquals("{:a 1, :b [2 \"x\"]}", print(m));
        assertEquals("{}", print(Map.of()));
        assertEquals("#{1 2 3}", print(new LinkedHashSet<>(List.of(1L, 2L, 3L))));
        assertEquals("(1 (2) [])", print(EdnList.of(1L, EdnList.of(2L), List.of())));
        assertEquals("[1 2]", print(new ArrayDeque<>(List.of(1L, 2L))), "any other collection is a vector");
        assertEquals("[nil nil]", print(Arrays.asList(null, null)));
        assertEquals("{nil nil}", print(java.util.Collections.singletonMap(null, null)));
    }

    @Test
    void honoursEdnPrintable() {
        EdnPrintable datom = out -> {
            out.append("#datom[");
            EdnPrinter.print(List.of(1L, Keyword.of("a"), "v"), out);
            out.append(']');
        };
        assertEquals("[#datom[[1 :a \"v\"]]]", print(List.of(datom)));
    }

    @Test
    void appendsToTheGivenBuilder() {
        StringBuilder sb = new StringBuilder("x=");
        assertSame(sb, EdnPrinter.print(List.of(1L), sb));
        assertEquals("x=[1]", sb.toString());
    }

    @Test
    void refusesWhatCannotBeEdn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> print(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> print(List.of(Optional.empty())));
        assertTrue(e.getMessage().contains("java.util.Optional"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> print(new int[]{1}));
        assertThrows(IllegalArgumentException.class, () -> print(Keyword.of("a b")));
        assertThrows(IllegalArgumentException.class, () -> print(Keyword.of("1")));
        assertThrows(IllegalArgumentException.class, () -> print(Symbol.of("nil")));
        assertThrows(IllegalArgumentException.class, () -> print(Symbol.of("a/b/c")));
        assertThrows(IllegalArgumentException.class, () -> print(new Tagged(Symbol.of("9x"), 1L)));
        assertThrows(IllegalArgumentException.class, () -> print(new Date(Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli())));
        assertThrows(IllegalArgumentException.class, () -> print(new Date(Long.MIN_VALUE)));
        // tags the reader would not take as tags: #_x discards, #nil is no symbol (JSON's {"~#_x": 1} made them)
        assertThrows(IllegalArgumentException.class, () -> print(new Tagged(Symbol.of("_x"), 1L)));
        assertThrows(IllegalArgumentException.class, () -> print(new Tagged(Symbol.of("nil"), 1L)));
        assertThrows(IllegalArgumentException.class, () -> print(new Tagged(Symbol.of("*x"), 1L)));
        assertEquals("#é/x 1", print(new Tagged(Symbol.of("é/x"), 1L)));
    }

    /** whyNotPrintable says what print would refuse, without printing. */
    @Test
    void whyNotPrintableAgreesWithPrint() {
        List<Object> printable = List.of(List.of(1L, "a", Keyword.of("k"), Symbol.of("s"), 1.5, 2.5f, BigInteger.TEN,
                        new BigDecimal("12341E+2147483647"), new Date(0), new byte[] {1}, UUID.randomUUID(), URI.create("a:b"), '\n'),
                Map.of(Keyword.of("a"), java.util.Set.of(EdnList.of(1L, null))), new Tagged(Symbol.of("t"), List.of()),
                java.util.Collections.emptyMap());
        for (Object v : printable) {
            assertEquals(null, EdnPrinter.whyNotPrintable(v), () -> String.valueOf(v));
            print(v);
        }
        List<Object> unprintable = List.of(Keyword.of("a b"), Symbol.of("true"), List.of(1L, List.of(Optional.empty())),
                Map.of(1L, Map.of(Keyword.of("1"), 2L)), Map.of(Keyword.of("1"), 2L), new Tagged(Symbol.of("_x"), 1L),
                new Tagged(Symbol.of("t"), new int[0]), new BigDecimal("1E+2147483647").multiply(new BigDecimal("1E+1")),
                new Date(Long.MIN_VALUE), java.util.regex.Pattern.compile("a"));
        for (Object v : unprintable) {
            String why = EdnPrinter.whyNotPrintable(v);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> print(v));
            assertEquals(e.getMessage(), why);
        }
        List<Object> deep = new ArrayList<>();
        List<Object> cur = deep;
        for (int i = 0; i < EdnPrinter.MAX_DEPTH + 5; i++) {
            List<Object> next = new ArrayList<>();
            cur.add(next);
            cur = next;
        }
        assertTrue(EdnPrinter.whyNotPrintable(deep).contains("nested deeper"));
    }

    @Test
    void refusesCyclesInsteadOfOverflowing() {
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> print(cyclic));
        assertTrue(e.getMessage().contains("cyclic"), e.getMessage());
    }

    @Test
    void printsAnyDepthTheReaderAllowsWithoutRecursion() {
        int n = 50_000;
        Object v = 1L;
        for (int i = 0; i < n; i++) {
            v = i % 4 == 0 ? List.of(v) : i % 4 == 1 ? Map.of(Keyword.of("k"), v) : i % 4 == 2 ? EdnList.of(v)
                    : new Tagged(Symbol.of("t"), v);
        }
        String text = print(v);
        Object back = EdnReader.read(text, EdnReader.Options.defaults().withMaxDepth(n));
        assertEquals(text, print(back));
    }

    @Test
    void printedFloatsReadBackExactly() {
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 100_000; i++) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            Object back = EdnReader.read(print(f));
            assertEquals(Float.floatToIntBits(f), Float.floatToIntBits((Float) back), () -> "float " + f);
        }
    }

    @Test
    void printsBytesAsBase64ThatReadsBack() {
        byte[] b = new byte[256];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
        }
        assertArrayEquals(b, (byte[]) EdnReader.read(print(b)));
    }

    @Test
    void printingStopsPastAMaximumLength() {
        StringBuilder out = new StringBuilder();
        List<Long> many = java.util.stream.LongStream.range(0, 100_000).boxed().toList();
        assertThrows(EdnPrinter.TooLongException.class, () -> EdnPrinter.print(many, out, 1_000));
        assertTrue(out.length() < 1_100, "stopped soon after the limit: " + out.length());
        assertEquals("[1 2 3]", EdnPrinter.print(List.of(1L, 2L, 3L), new StringBuilder(), 7).toString());
    }
}
