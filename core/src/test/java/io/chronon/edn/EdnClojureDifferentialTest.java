package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our reader against Clojure's own {@code clojure.edn/read-string} (on the test classpath
 * through the Datomic peer), compared structurally after converting Clojure's values to
 * ours: keywords and symbols by name, BigInt to BigInteger, vectors to lists, lists and
 * seqs to EdnList, TaggedLiteral to Tagged. Maps and sets are compared without order, since
 * Clojure's hash maps do not keep it.
 *
 * <p>Known, intended differences (Chronon follows the EDN spec where Clojure is lenient, and
 * Java's equality where Clojure has its own), pinned in {@link #knownDifferences()}:
 * <ul>
 *   <li>an integer too big for a long: Clojure promotes it to a BigInt, Chronon rejects it
 *       (add {@code N});</li>
 *   <li>Clojure also reads hex ({@code 0x1F}), octal ({@code 017}), radix ({@code 2r101}) and
 *       ratio ({@code 1/2}) numbers, leading zeros in floats ({@code 01.5}), octal string
 *       escapes ({@code "\101"}), octal characters ({@code \o101}), whitespace after a
 *       backslash ({@code \ }), numbers ended by a '#' ({@code 1#_2} is 1 for Clojure), and
 *       symbols and keywords the spec forbids ({@code a'}, {@code 'a}, {@code .5}, {@code :1},
 *       {@code :a/-1}, {@code :#a}, {@code a/b/c}, {@code :/}, {@code a//}, control
 *       characters); Chronon rejects them all;</li>
 *   <li>Clojure rejects lone surrogate characters (&#92;ud800), Chronon reads them (they
 *       are valid Java chars and print back the same);</li>
 *   <li>{@code #uuid} accepts only the canonical 8-4-4-4-12 form (Clojure: anything
 *       {@code UUID.fromString} takes);</li>
 *   <li>duplicate detection in maps and sets uses Java equality: {@code #{1 1N}},
 *       {@code #{0.0 -0.0}}, {@code #{1.0M 1.00M}} are duplicates only in Clojure;</li>
 *   <li>tags inside a discarded form are not interpreted ({@code #_ #inst "bad"} is fine),
 *       Clojure calls their readers;</li>
 *   <li>{@code #float}, {@code #uri} and {@code #bytes} are Chronon's tags, unknown to
 *       Clojure;</li>
 *   <li>instants outside years 0000-9999 UTC (reachable with an offset) are rejected.</li>
 * </ul>
 */
class EdnClojureDifferentialTest {
    private static final long BASE_SEED = Long.getLong("edn.seed", 20240611L);
    private static IFn readString;
    private static IFn read;
    private static Object clojureOptions;
    private static final Object CLOJURE_EOF = new Object();
    private static Object clojureStreamOptions;
    /** Chronon's own tags removed, so that texts mean the same to both readers. */
    private static final EdnReader.Options PLAIN = EdnReader.Options.defaults()
            .withTag(Symbol.of("float"), null).withTag(Symbol.of("uri"), null).withTag(Symbol.of("bytes"), null);

    @BeforeAll
    static void loadClojure() {
        Clojure.var("clojure.core", "require").invoke(Clojure.read("clojure.edn"));
        readString = Clojure.var("clojure.edn", "read-string");
        read = Clojure.var("clojure.edn", "read");
        IFn hashMap = Clojure.var("clojure.core", "hash-map");
        clojureOptions = hashMap.invoke(Clojure.read(":default"), Clojure.var("clojure.core", "tagged-literal"));
        clojureStreamOptions = hashMap.invoke(Clojure.read(":default"), Clojure.var("clojure.core", "tagged-literal"),
                Clojure.read(":eof"), CLOJURE_EOF);
    }

    /** The first form of {@code text}, as Clojure reads it (ignoring what follows, as read-string does). */
    private static Object clojureRead(String text) {
        return fromClojure(readString.invoke(clojureOptions, text));
    }

    /** All forms of {@code text}, as Clojure reads them. */
    private static List<Object> clojureReadAll(String text) {
        java.io.PushbackReader in = new java.io.PushbackReader(new java.io.StringReader(text));
        List<Object> forms = new ArrayList<>();
        for (Object f = read.invoke(clojureStreamOptions, in); f != CLOJURE_EOF; f = read.invoke(clojureStreamOptions, in)) {
            forms.add(fromClojure(f));
        }
        return forms;
    }

    @Test
    void bothReadersAgreeOnGeneratedTexts() {
        for (int i = 0; i < 5_000; i++) {
            long seed = BASE_SEED + i;
            EdnGen gen = new EdnGen(new Random(seed), false, true);
            Object v = gen.value(4);
            String text = i % 2 == 0 ? EdnPrinter.print(v) : gen.spell(v);
            Object ours;
            Object theirs;
            try {
                ours = EdnReader.read(text, PLAIN);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": Chronon cannot read " + text, e);
            }
            try {
                theirs = clojureRead(text);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": Clojure cannot read " + text, e);
            }
            if (!sameUnordered(ours, theirs)) {
                fail("seed " + seed + ": the readers disagree on " + text + "\n chronon: " + EdnPrinter.print(ours)
                        + "\n clojure: " + EdnPrinter.print(theirs));
            }
        }
    }

    @Test
    void whenBothAcceptAMutatedTextTheyAgree() {
        int both = 0;
        int onlyUs = 0;
        int onlyClojure = 0;
        int neither = 0;
        for (int i = 0; i < 5_000; i++) {
            long seed = BASE_SEED + i;
            EdnGen gen = new EdnGen(new Random(seed), false, true);
            String text = gen.mutate(i % 2 == 0 ? EdnPrinter.print(gen.value(3)) : gen.spell(gen.value(3)));
            Object ours;
            Object theirs;
            try {
                ours = EdnReader.readAll(text, PLAIN);
            } catch (EdnParseException e) {
                ours = e;
            }
            try {
                theirs = clojureReadAll(text);
            } catch (RuntimeException | Error e) {
                // Clojure's tag readers fail with AssertionError, and fromClojure with one for a ratio.
                theirs = e;
            }
            boolean weAccept = !(ours instanceof EdnParseException);
            boolean theyAccept = !(theirs instanceof Throwable);
            if (weAccept && theyAccept) {
                both++;
                if (!sameUnordered(ours, theirs)) {
                    fail("seed " + seed + ": the readers disagree on " + text + "\n chronon: "
                            + EdnPrinter.print(ours) + "\n clojure: " + EdnPrinter.print(theirs));
                }
            } else if (weAccept) {
                onlyUs++;
            } else if (theyAccept) {
                onlyClojure++;
            } else {
                neither++;
            }
        }
        System.out.printf("mutated texts: both read %d (and agree), only Chronon %d, only Clojure %d, neither %d%n",
                both, onlyUs, onlyClojure, neither);
        assertTrue(both > 500, "too few texts both accept to say much: " + both);
    }

    @Test
    void knownDifferences() {
        assertEquals(new BigInteger("9223372036854775808"), clojureRead("9223372036854775808"));
        assertThrows(EdnParseException.class, () -> EdnReader.read("9223372036854775808"));
        for (String lenient : List.of("0x1F", "017", "2r101", "1/2", "01.5", "\"\\101\"", "\\o101", "\\ ", "a'",
                "'a", ".5", ":1", ":a/-1", ":#a", "1#_2", "a/b/c", ":/", "a//", "#uuid \"1-2-3-4-5\"")) {
            readString.invoke(clojureOptions, lenient);
            assertThrows(EdnParseException.class, () -> EdnReader.read(lenient, PLAIN), lenient);
        }
        for (String strict : List.of("\\ud800", "#{1 1N}", "#{0.0 -0.0}", "#{1.0M 1.00M}", "#_ #inst \"bad\" 1")) {
            assertThrows(RuntimeException.class, () -> clojureRead(strict), strict);
            EdnReader.read(strict, PLAIN);
        }
    }

    @Test
    void instantsMeanTheSameInstantInBothEvenBeforeTheGregorianCalendar() {
        Random rnd = new Random(BASE_SEED);
        for (int i = 0; i < 2_000; i++) {
            String text = String.format("#inst \"%04d-%02d-%02dT%02d:%02d:%02d.%03d%s\"", rnd.nextInt(10_000),
                    1 + rnd.nextInt(12), 1 + rnd.nextInt(28), rnd.nextInt(24), rnd.nextInt(60), rnd.nextInt(60),
                    rnd.nextInt(1000), rnd.nextBoolean() ? "Z" : "+05:30");
            if (text.startsWith("#inst \"0000") && text.endsWith("+05:30\"")) {
                continue; // before year 0000 in UTC: Chronon refuses it
            }
            Date ours = (Date) EdnReader.read(text);
            assertEquals(clojureRead(text), ours, text);
            assertEquals(ours, EdnReader.read(EdnPrinter.print(ours)), text);
            if (ours.getTime() >= -62_135_769_600_000L) { // Clojure prints year 0000 (1 BC) as 0001
                assertEquals(Clojure.var("clojure.core", "pr-str").invoke(ours), EdnPrinter.print(ours), text);
            }
        }
    }

    /** A Clojure value as the Chronon value it corresponds to. */
    static Object fromClojure(Object v) {
        if (v instanceof clojure.lang.Keyword k) {
            return Keyword.of(k.getNamespace(), k.getName());
        }
        if (v instanceof clojure.lang.Symbol s) {
            return Symbol.of(s.getNamespace(), s.getName());
        }
        if (v instanceof clojure.lang.BigInt b) {
            return b.toBigInteger();
        }
        if (v instanceof clojure.lang.IPersistentVector) {
            List<Object> items = new ArrayList<>();
            for (Object o : (List<?>) v) {
                items.add(fromClojure(o));
            }
            return Collections.unmodifiableList(items);
        }
        if (v instanceof clojure.lang.IPersistentList || v instanceof clojure.lang.ISeq) {
            List<Object> items = new ArrayList<>();
            for (Object o : (List<?>) v) {
                items.add(fromClojure(o));
            }
            return EdnList.from(items);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(fromClojure(k), fromClojure(x)));
            return out;
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            s.forEach(x -> out.add(fromClojure(x)));
            return out;
        }
        if (v instanceof clojure.lang.TaggedLiteral t) {
            return new Tagged((Symbol) fromClojure(t.tag), fromClojure(t.form));
        }
        if (v == null || v instanceof Long || v instanceof Double || v instanceof java.math.BigDecimal
                || v instanceof String || v instanceof Character || v instanceof Boolean || v instanceof Date
                || v instanceof UUID) {
            return v;
        }
        throw new AssertionError("Clojure read a " + v.getClass().getName() + ": " + v);
    }

    /** {@link EdnGen#same}, but maps and sets compare without order. */
    static boolean sameUnordered(Object a, Object b) {
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !sameUnordered(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Set<?> x && b instanceof Set<?> y) {
            return x.size() == y.size() && y.containsAll(x);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if ((a instanceof EdnList) != (b instanceof EdnList) || x.size() != y.size()) {
                return false;
            }
            Iterator<?> i = y.iterator();
            for (Object o : x) {
                if (!sameUnordered(o, i.next())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Tagged x && b instanceof Tagged y) {
            return x.tag() == y.tag() && sameUnordered(x.value(), y.value());
        }
        return EdnGen.same(a, b);
    }

    @Test
    void theConversionKeepsListsAndVectorsApart() {
        assertInstanceOf(EdnList.class, clojureRead("(1 2)"));
        assertInstanceOf(EdnList.class, clojureRead("()"));
        assertTrue(!(clojureRead("[1 2]") instanceof EdnList));
    }
}
