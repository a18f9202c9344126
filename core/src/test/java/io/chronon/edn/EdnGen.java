package io.chronon.edn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * Random EDN values and texts for the property tests, and the kind-aware equality they are
 * checked with. Everything is driven by one seeded {@link Random}, so a failure reproduces
 * from its seed.
 */
public final class EdnGen {
    private static final long MIN_INST = EdnInstants.parse("0000-01-01T00:00:00.000Z").getTime();
    private static final long MAX_INST = EdnInstants.parse("9999-12-31T23:59:59.999Z").getTime();
    private static final String NAME_START = "abcdefxyzABCZλéж*!_?$%&=<>";
    private static final String NAME_REST = "abcxyz0189.*+!-_?$%&=<>:#éλ";
    private static final String[] STRING_POOLS = {
        "abcdefghijklmnopqrstuvwxyz ABCXYZ 0123456789",
        "\"\\\n\t\r\b\f\u0000\u0001\u001f\u007f;,#{}[]()",
        "éλ中ж\u00a0\u2028\ufeff",
        "\ud83d\ude00\ud800\udc00", // surrogate pairs (possibly split: lone surrogates)
    };

    private final Random rnd;
    /** Whether to generate Chronon-only values: Float, URI, byte[]. */
    private final boolean chrononTypes;
    /** Whether to generate only what Clojure's reader reads to the same value (see the differential test). */
    private final boolean clojureSafe;

    EdnGen(Random rnd, boolean chrononTypes, boolean clojureSafe) {
        this.rnd = rnd;
        this.chrononTypes = chrononTypes;
        this.clojureSafe = clojureSafe;
    }

    // ------------------------------------------------------------------ values

    /** A random value nested at most {@code depth} levels. */
    Object value(int depth) {
        return value(depth, true);
    }

    private Object value(int depth, boolean allowBytes) {
        int k = rnd.nextInt(depth > 0 ? 26 : 18);
        switch (k) {
            case 0: return null;
            case 1: return rnd.nextBoolean();
            case 2: case 3: return string();
            case 4: return character();
            case 5: case 6: return longValue();
            case 7: return bigInteger();
            case 8: return doubleValue();
            case 9: return bigDecimal();
            case 10: return Symbol.of(symbolText());
            case 11: case 12: return Keyword.of(keywordText());
            case 13: return new Date(instMillis());
            case 14: return new UUID(rnd.nextLong(), rnd.nextLong());
            case 15: return chrononTypes ? uri() : string();
            case 16: return chrononTypes && allowBytes ? bytes() : longValue();
            case 17: return chrononTypes ? floatValue() : doubleValue();
            case 18: case 19: return vector(depth, allowBytes);
            case 20: return EdnList.from(vector(depth, allowBytes));
            case 21: case 22: return map(depth, allowBytes);
            case 23: return set(depth);
            case 24: return new Tagged(Symbol.of(tagText()), value(depth - 1, allowBytes));
            default: return Keyword.of(keywordText());
        }
    }

    private List<Object> vector(int depth, boolean allowBytes) {
        int n = rnd.nextInt(5);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(value(depth - 1, allowBytes));
        }
        return Collections.unmodifiableList(items);
    }

    private Map<Object, Object> map(int depth, boolean allowBytes) {
        int n = rnd.nextInt(5);
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            Object key = key(depth - 1);
            if (!m.containsKey(key)) {
                m.put(key, value(depth - 1, allowBytes));
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private Set<Object> set(int depth) {
        int n = rnd.nextInt(5);
        Set<Object> s = new LinkedHashSet<>();
        for (int i = 0; i < n; i++) {
            s.add(key(depth - 1));
        }
        return Collections.unmodifiableSet(s);
    }

    /**
     * A map key or set element: never a byte array (identity equality), and for Clojure only
     * kinds whose equality agrees with Java's (Clojure's = makes 1 and 1N, 0.0 and -0.0,
     * 1.0M and 1.00M equal, and NaN unequal to itself).
     */
    private Object key(int depth) {
        if (!clojureSafe) {
            return value(depth, false);
        }
        switch (rnd.nextInt(depth > 0 ? 7 : 5)) {
            case 0: return Keyword.of(keywordText());
            case 1: return string();
            case 2: return rnd.nextInt(1000) - 500L;
            case 3: return Symbol.of(symbolText());
            case 4: return new UUID(rnd.nextLong(), rnd.nextLong());
            default:
                List<Object> items = new ArrayList<>();
                for (int i = rnd.nextInt(3); i > 0; i--) {
                    items.add(key(depth - 1));
                }
                return rnd.nextBoolean() ? EdnList.from(items) : Collections.unmodifiableList(items);
        }
    }

    String string() {
        String pool = STRING_POOLS[rnd.nextInt(STRING_POOLS.length)];
        int n = rnd.nextInt(12);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(pool.charAt(rnd.nextInt(pool.length())));
        }
        return sb.toString();
    }

    private Character character() {
        for (;;) {
            char c = switch (rnd.nextInt(4)) {
                case 0 -> (char) (' ' + rnd.nextInt(95));
                case 1 -> "\n \t\r\b\f\u0000\u007f,\\\"()#".charAt(rnd.nextInt(14));
                case 2 -> (char) rnd.nextInt(0x10000);
                default -> "éλ中ж".charAt(rnd.nextInt(4));
            };
            if (clojureSafe && Character.isSurrogate(c)) {
                continue; // Clojure rejects surrogate characters (U+D800 to U+DFFF)
            }
            return c;
        }
    }

    private long longValue() {
        return switch (rnd.nextInt(5)) {
            case 0 -> new long[]{0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L}[rnd.nextInt(6)];
            case 1 -> rnd.nextLong();
            default -> rnd.nextInt(2000) - 1000;
        };
    }

    private BigInteger bigInteger() {
        BigInteger b = new BigInteger(rnd.nextInt(200), rnd);
        return rnd.nextBoolean() ? b.negate() : b;
    }

    private double doubleValue() {
        return switch (rnd.nextInt(5)) {
            case 0 -> new double[]{0.0, -0.0, 1.0, 0.1, 1e-10, 1e21, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE, 2e-3}[rnd.nextInt(12)];
            case 1 -> Double.longBitsToDouble(rnd.nextLong());
            case 2 -> rnd.nextInt(1000) / 8.0;
            default -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(40) - 20);
        };
    }

    private float floatValue() {
        return switch (rnd.nextInt(3)) {
            case 0 -> new float[]{0f, -0f, 1.5f, 0.1f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
                Float.MAX_VALUE}[rnd.nextInt(8)];
            case 1 -> Float.intBitsToFloat(rnd.nextInt());
            default -> (float) ((rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(20) - 10));
        };
    }

    private BigDecimal bigDecimal() {
        return new BigDecimal(bigInteger(), rnd.nextInt(40) - 20);
    }

    private long instMillis() {
        if (rnd.nextInt(3) > 0) {
            return rnd.nextLong(0, 4_102_444_800_000L); // 1970 to 2100
        }
        return rnd.nextLong(MIN_INST, MAX_INST + 1);
    }

    private URI uri() {
        String[] uris = {"http://example.com/", "https://a.b/c?d=e&f=%20#frag", "urn:isbn:0451450523",
            "mailto:someone@example.com", "relative/path", "file:///tmp/x%22y"};
        return URI.create(uris[rnd.nextInt(uris.length)] + rnd.nextInt(100));
    }

    private byte[] bytes() {
        byte[] b = new byte[rnd.nextInt(12)];
        rnd.nextBytes(b);
        return b;
    }

    /** A valid symbol or keyword name without namespace. */
    String name() {
        for (;;) {
            StringBuilder sb = new StringBuilder();
            int first = rnd.nextInt(10);
            if (first == 0) {
                sb.append("-+.".charAt(rnd.nextInt(3)));
            } else {
                sb.append(NAME_START.charAt(rnd.nextInt(NAME_START.length())));
            }
            for (int n = rnd.nextInt(8); n > 0; n--) {
                sb.append(NAME_REST.charAt(rnd.nextInt(NAME_REST.length())));
            }
            String s = sb.toString();
            if (EdnSyntax.nameProblem(s, true) == null && !s.equals("nil") && !s.equals("true")
                    && !s.equals("false")) {
                return s;
            }
        }
    }

    String symbolText() {
        int k = rnd.nextInt(10);
        if (k == 0) {
            return "/";
        }
        return k < 4 ? name() + "/" + name() : name();
    }

    String keywordText() {
        return rnd.nextInt(3) == 0 ? name() : name() + "/" + name();
    }

    /** A tag no reader knows by default: starts with a letter. */
    String tagText() {
        for (;;) {
            String s = (rnd.nextBoolean() ? "my.ns/" : "") + (char) ('a' + rnd.nextInt(26)) + name();
            if (EdnSyntax.nameProblem(s, false) == null && EdnReader.Options.defaults().tagReader(Symbol.of(s)) == null) {
                return s;
            }
        }
    }

    // ------------------------------------------------------------------ texts

    /**
     * A text that reads to {@code v}, spelled in one of the many ways EDN allows: varied
     * whitespace, commas, comments and discarded forms between elements, numbers, characters
     * and strings in alternative notations, namespaced maps, offsets in instants.
     */
    String spell(Object v) {
        StringBuilder out = new StringBuilder();
        space(out);
        spell(v, out);
        space(out);
        return out.toString();
    }

    private void spell(Object v, StringBuilder out) {
        if (v instanceof Long n && n >= 0 && rnd.nextInt(4) == 0) {
            out.append('+').append(n);
        } else if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            spellDouble(d, out);
        } else if (v instanceof Character c && rnd.nextBoolean()) {
            out.append(String.format("\\u%04X", (int) c));
        } else if (v instanceof String s && rnd.nextBoolean()) {
            spellString(s, out);
        } else if (v instanceof Date d && rnd.nextBoolean() && d.getTime() > -11_000_000_000_000L) {
            spellInst(d, out);
        } else if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            spellMap(m, out);
        } else if (v instanceof EdnList l) {
            spellElements(l, "(", ")", out);
        } else if (v instanceof Set<?> s) {
            spellElements(s, "#{", "}", out);
        } else if (v instanceof List<?> l) {
            spellElements(l, "[", "]", out);
        } else if (v instanceof Tagged t) {
            out.append('#').append(t.tag().text()).append(' ');
            space(out);
            spell(t.value(), out);
        } else {
            EdnPrinter.print(v, out);
        }
    }

    private void spellDouble(double d, StringBuilder out) {
        String s = Double.toString(d);
        switch (rnd.nextInt(3)) {
            case 0 -> out.append(s.replace('E', 'e'));
            case 1 -> {
                if (d == 0) {
                    out.append(s); // BigDecimal has no -0
                    return;
                }
                String exact = new BigDecimal(d).toString(); // exact, so it reads back to d
                out.append(exact.contains(".") || exact.contains("E") ? exact : exact + ".0");
            }
            default -> out.append(s);
        }
    }

    private void spellString(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || rnd.nextInt(3) == 0) {
                out.append(String.format(rnd.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
            } else {
                out.append(c); // raw, even newlines and controls
            }
        }
        out.append('"');
    }

    private void spellInst(Date d, StringBuilder out) {
        java.time.OffsetDateTime t = d.toInstant().atOffset(java.time.ZoneOffset.UTC);
        if (t.getYear() < 1600 || t.getYear() > 9998) {
            EdnPrinter.print(d, out);
            return;
        }
        int offsetMinutes = (rnd.nextInt(48) - 24) * 30;
        t = t.withOffsetSameInstant(java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
        String offset = offsetMinutes == 0 && rnd.nextBoolean() ? "Z"
                : String.format("%s%02d:%02d", offsetMinutes < 0 ? "-" : "+", Math.abs(offsetMinutes) / 60,
                Math.abs(offsetMinutes) % 60);
        String fraction = String.format("%03d", t.getNano() / 1_000_000) + (rnd.nextBoolean() ? "999" : "");
        out.append("#inst \"").append(String.format("%04d-%02d-%02dT%02d:%02d:%02d.%s%s", t.getYear(),
                t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond(), fraction,
                offset)).append('"');
    }

    private void spellMap(Map<?, ?> m, StringBuilder out) {
        String ns = null;
        boolean allKeywords = true;
        for (Object k : m.keySet()) {
            if (k instanceof Keyword kw) {
                if ("_".equals(kw.namespace())) {
                    allKeywords = false; // :_/x means :x inside #:ns{}, so it cannot be spelled there
                } else if (ns == null && kw.namespace() != null) {
                    ns = kw.namespace();
                }
            } else {
                allKeywords = false;
            }
        }
        if (allKeywords && ns != null && rnd.nextBoolean()) {
            out.append("#:").append(ns);
            if (rnd.nextBoolean()) {
                out.append(" \n".charAt(rnd.nextInt(2))); // only whitespace may come before the map
            }
            out.append('{');
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Keyword k = (Keyword) e.getKey();
                space(out);
                out.append(':').append(ns.equals(k.namespace()) ? k.name()
                        : k.namespace() == null ? "_/" + k.name() : k.text());
                space(out);
                out.append(' ');
                spell(e.getValue(), out);
                out.append(' ');
            }
            space(out);
            out.append('}');
            return;
        }
        out.append('{');
        for (Map.Entry<?, ?> e : m.entrySet()) {
            space(out);
            spell(e.getKey(), out);
            out.append(' ');
            space(out);
            spell(e.getValue(), out);
            out.append(' ');
        }
        space(out);
        out.append('}');
    }

    private void spellElements(Iterable<?> items, String open, String close, StringBuilder out) {
        out.append(open);
        for (Iterator<?> it = items.iterator(); it.hasNext(); ) {
            space(out);
            spell(it.next(), out);
            out.append(' ');
        }
        space(out);
        out.append(close);
    }

    /** Nothing, or whitespace, commas, a comment or a discarded form. */
    private void space(StringBuilder out) {
        switch (rnd.nextInt(12)) {
            case 0 -> out.append(' ');
            case 1 -> out.append(",");
            case 2 -> out.append("\n\t ");
            case 3 -> out.append(" ; a comment [ ( \" \n");
            case 4 -> {
                out.append(" #_");
                if (rnd.nextBoolean()) {
                    out.append(' ');
                }
                spell(value(1), out);
                out.append(' ');
            }
            case 5 -> out.append("\r\n");
            default -> {
            }
        }
    }

    // ------------------------------------------------------------------ texts to break

    private static final String NOISE = "()[]{}#_:\"\\;, \n\t0123456789.+-/NMeEabcxyz^@'~`éλ\u0000\u00a0##{:";

    /** A random string over the characters that matter to an EDN reader. */
    String noise() {
        int n = rnd.nextInt(40);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(NOISE.charAt(rnd.nextInt(NOISE.length())));
        }
        return sb.toString();
    }

    /** {@code text} with a few random edits: flips, insertions, deletions, truncation, duplication. */
    String mutate(String text) {
        StringBuilder sb = new StringBuilder(text);
        for (int edits = 1 + rnd.nextInt(3); edits > 0; edits--) {
            int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length());
            char c = NOISE.charAt(rnd.nextInt(NOISE.length()));
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    if (sb.length() > 0) {
                        sb.setCharAt(at, c);
                    }
                }
                case 1 -> sb.insert(at, c);
                case 2 -> {
                    if (sb.length() > 0) {
                        sb.deleteCharAt(at);
                    }
                }
                case 3 -> sb.setLength(at);
                case 4 -> {
                    int end = Math.min(sb.length(), at + rnd.nextInt(10));
                    sb.insert(at, sb.substring(at, end));
                }
                default -> sb.insert(at, new String[]{"#_", "#inst ", "#{", "##", "\\u", "1N", ":a/", "#:x"}[rnd.nextInt(8)]);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ equality

    /**
     * Equality that also tells lists from vectors, compares byte arrays by content, requires
     * the same Java class for atoms and, for sets and maps, the same order.
     */
    public static boolean same(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] x) {
            return b instanceof byte[] y && Arrays.equals(x, y);
        }
        if (a instanceof List<?> x) {
            return b instanceof List<?> y && (a instanceof EdnList) == (b instanceof EdnList) && sameInOrder(x, y);
        }
        if (a instanceof Set<?> x) {
            return b instanceof Set<?> y && sameInOrder(x, y);
        }
        if (a instanceof Map<?, ?> x) {
            return b instanceof Map<?, ?> y && sameInOrder(x.keySet(), y.keySet())
                    && sameInOrder(x.values(), y.values());
        }
        if (a instanceof Tagged x) {
            return b instanceof Tagged y && x.tag().equals(y.tag()) && same(x.value(), y.value());
        }
        return a.getClass() == b.getClass() && a.equals(b);
    }

    private static boolean sameInOrder(java.util.Collection<?> x, java.util.Collection<?> y) {
        if (x.size() != y.size()) {
            return false;
        }
        Iterator<?> i = x.iterator();
        Iterator<?> j = y.iterator();
        while (i.hasNext()) {
            if (!same(i.next(), j.next())) {
                return false;
            }
        }
        return true;
    }
}
