package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.edn.EdnList;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** EDN -> JSON -> EDN gives the same value, for random values of every kind EDN has. */
class JsonConventionTest {
    /**
     * Loads the class (and Jackson) on a normal stack: the small-stack tests measure reading
     * and writing, and class initialisation on a 128 KB stack overflows when it comes first.
     */
    @BeforeAll
    static void load() {
        JsonConvention.read(JsonConvention.write(List.of(1L)));
    }


    @Test
    void randomValuesRoundTrip() {
        Random random = new Random(20261124);
        for (int i = 0; i < 3000; i++) {
            Object edn = EdnReader.read(EdnPrinter.print(randomValue(random, 0)));
            String json = JsonConvention.write(edn);
            Object back = JsonConvention.read(json);
            // EDN text tells every kind apart (vector, list, set; float, double...), compares byte arrays by content and NaN with itself
            assertEquals(EdnPrinter.print(edn), EdnPrinter.print(back), json);
        }
    }

    @Test
    void theDocumentedForms() {
        assertEquals("{\"~:a/b\":[\"~$sym\",\"~~tilde\",1,1.5,\"~n12\",\"~m1.50\",{\"~#set\":[true]},null]}",
                JsonConvention.write(EdnReader.read("{:a/b [sym \"~tilde\" 1 1.5 12N 1.50M #{true} nil]}")));
        assertEquals(EdnReader.read("#inst \"2020-01-02T03:04:05.006-00:00\""), JsonConvention.read("{\"~#inst\": \"2020-01-02T03:04:05.006Z\"}"));
        assertEquals(EdnReader.read("{[1 2] :x}"), JsonConvention.read("{\"~#map\": [[[1, 2], \"~:x\"]]}"));
        assertEquals(new Tagged(Symbol.of("chronon/db"), Map.of(Keyword.of("name"), "other")),
                JsonConvention.read("{\"~#chronon/db\": {\"~:name\": \"other\"}}"));
        assertEquals(1.5f, JsonConvention.read("{\"~#float\": 1.5}"));
        assertEquals("{\"~~#set\":1}", JsonConvention.write(Map.of("~#set", 1L)));
    }

    @Test
    void brokenJsonIsIncorrect() {
        for (String bad : List.of("", "{", "[1,]", "\"~zz\"", "123456789012345678901234567890", "{\"~#set\": 1}",
                "{\"~#set\": [], \"b\": 1}", "{\"~#uuid\": \"nope\"}", "\"~\"", "1 2", "[".repeat(5000) + "]".repeat(5000))) {
            ChrononException e = assertThrows(ChrononException.class, () -> JsonConvention.read(bad), bad);
            assertEquals(io.chronon.ErrorCategory.INCORRECT, e.category());
        }
    }

    /** What reads is an EDN value: a keyword, symbol or tag EDN has not is refused (fuzzing found them: a 500 when answered in EDN). */
    @Test
    void keywordsSymbolsAndTagsAreEdnOnes() {
        for (String bad : List.of("\"~:\"", "\"~:a b\"", "\"~:1a\"", "\"~::a\"", "\"~:a/\"", "\"~$\"", "\"~$nil\"", "\"~$true\"",
                "\"~$a/b/c\"", "{\"~:a b\": 1}", "{\"~#_x\": 1}", "{\"~#nil\": 1}", "{\"~#:a\": 1}", "{\"~#1a\": 1}", "{\"~#a b\": 1}")) {
            ChrononException e = assertThrows(ChrononException.class, () -> JsonConvention.read(bad), bad);
            assertEquals(io.chronon.ErrorCategory.INCORRECT, e.category(), bad);
        }
        assertEquals(List.of(Keyword.of("a/b"), Symbol.of("c.d/e?"), Symbol.of("/"), new Tagged(Symbol.of("my/tag"), 1L)),
                JsonConvention.read("[\"~:a/b\", \"~$c.d/e?\", \"~$/\", {\"~#my/tag\": 1}]"));
    }

    /** The deepest JSON the limits allow reads and writes on a small stack (the reader and writer recursed: a StackOverflowError). */
    @Test
    void theDeepestJsonReadsAndWritesOnASmallStack() throws Exception {
        String arrays = "[".repeat(2000) + "]".repeat(2000);
        String lists = "{\"~#list\": [".repeat(999) + "]}".repeat(999);
        String maps = "{\"a\": ".repeat(1999) + "1" + "}".repeat(1999);
        for (String json : List.of(arrays, lists, maps)) {
            Throwable[] failure = new Throwable[1];
            String[] written = new String[1];
            Thread t = new Thread(null, () -> {
                try {
                    written[0] = JsonConvention.write(JsonConvention.read(json));
                } catch (Throwable e) {
                    failure[0] = e;
                }
            }, "small-stack", 128 * 1024);
            t.start();
            t.join();
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            assertEquals(json.replace(" ", ""), written[0]);
        }
        ChrononException e = assertThrows(ChrononException.class, () -> JsonConvention.read("[".repeat(2001) + "]".repeat(2001)));
        assertEquals(io.chronon.ErrorCategory.INCORRECT, e.category());
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 3 ? 16 : 22);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextLong();
            case 3 -> r.nextInt(5) == 0 ? List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0).get(r.nextInt(4))
                    : r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            case 4 -> randomString(r);
            case 5 -> Keyword.of(r.nextBoolean() ? "ns" + r.nextInt(9) + "/k" + r.nextInt(99) : "k" + r.nextInt(99));
            case 6 -> Symbol.of(r.nextBoolean() ? "ns/s" + r.nextInt(99) : "s" + r.nextInt(99));
            case 7 -> new BigInteger(r.nextInt(200) + 1, r).multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
            case 8 -> new BigDecimal(new BigInteger(r.nextInt(100) + 1, r), r.nextInt(20) - 5);
            case 9 -> new Date(Math.floorMod(r.nextLong(), 253402300799000L));
            case 10 -> new UUID(r.nextLong(), r.nextLong());
            case 11 -> URI.create("https://example.com/" + r.nextInt(1000) + "?q=" + r.nextInt(9));
            case 12 -> {
                byte[] b = new byte[r.nextInt(20)];
                r.nextBytes(b);
                yield b;
            }
            case 13 -> r.nextBoolean() ? (float) r.nextGaussian() : Float.NaN;
            case 14 -> (char) (' ' + r.nextInt(95));
            case 15 -> "~" + randomString(r);
            case 16, 17 -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    l.add(randomValue(r, depth + 1));
                }
                yield kind == 16 ? l : EdnList.from(l);
            }
            case 18 -> {
                Set<Object> s = new LinkedHashSet<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    s.add(EdnReader.read(EdnPrinter.print(randomScalar(r))));
                }
                yield s;
            }
            case 19, 20 -> {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    Object key = kind == 19 ? (r.nextBoolean() ? Keyword.of("k" + r.nextInt(50)) : "s" + r.nextInt(50))
                            : EdnReader.read(EdnPrinter.print(randomScalar(r)));
                    m.put(key, randomValue(r, depth + 1));
                }
                yield m;
            }
            default -> new Tagged(Symbol.of("my/tag"), randomValue(r, depth + 1));
        };
    }

    private static Object randomScalar(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> r.nextLong();
            case 1 -> Keyword.of("k" + r.nextInt(50));
            case 2 -> randomString(r);
            case 3 -> List.of(r.nextInt(5), "x");
            case 4 -> new UUID(r.nextLong(), r.nextLong());
            default -> new BigInteger(64, r);
        };
    }

    private static String randomString(Random r) {
        StringBuilder b = new StringBuilder();
        for (int i = r.nextInt(12); i > 0; i--) {
            int c = r.nextInt(10) == 0 ? r.nextInt(0x3000) : ' ' + r.nextInt(95);
            b.append(Character.isSurrogate((char) c) ? 'x' : (char) c);
        }
        return b.toString();
    }

    /** Runs {@code body} on a thread with a 64 KB stack and returns what it threw (null if nothing). */
    static Throwable onSmallStack(Runnable body) throws InterruptedException {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "small-stack", 64 * 1024);
        t.start();
        t.join(60_000);
        return thrown[0];
    }

    /**
     * A value as deep as a body may be is written on any thread's stack (issue 16: a 1,900-deep
     * value overflowed the stack of the writer's or a dispatcher's thread, an internal error).
     */
    @Test
    void aDeepValueIsWrittenOnASmallStack() throws Exception {
        Object deep = EdnReader.read("[".repeat(1_997) + "1 #{:a} {\"b\" #inst \"2024-01-01T00:00:00Z\"}" + "]".repeat(1_997));
        String[] json = new String[1];
        assertEquals(null, onSmallStack(() -> json[0] = JsonConvention.write(deep)));
        assertEquals(EdnPrinter.print(deep), EdnPrinter.print(JsonConvention.read(json[0])));
    }

    /**
     * A body as deep as the limit reads on a small stack (reading keeps its own stack; it used to
     * recurse, and such a body overflowed the thread), and a deeper one is refused as malformed,
     * never an internal error.
     */
    @Test
    void aBodyNestedAsDeepAsTheLimitReadsAndADeeperOneIsRefused() throws Exception {
        int limit = EdnReader.Options.DEFAULT_MAX_DEPTH;
        Object[] read = new Object[1];
        assertEquals(null, onSmallStack(() -> read[0] = JsonConvention.read("{\"a\":".repeat(limit - 1) + "1" + "}".repeat(limit - 1))));
        Object v = read[0];
        for (int i = 0; i < limit - 1; i++) {
            v = ((Map<?, ?>) v).get("a");
        }
        assertEquals(1L, v);
        Throwable e = onSmallStack(() -> JsonConvention.read("{\"a\":".repeat(limit + 1) + "1" + "}".repeat(limit + 1)));
        assertEquals(ChrononException.class, e == null ? null : e.getClass(), String.valueOf(e));
    }
}
