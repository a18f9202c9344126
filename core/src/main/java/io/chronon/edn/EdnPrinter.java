package io.chronon.edn;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Prints Java values as EDN text that {@link EdnReader} reads back to an equal value (byte
 * arrays: equal content), keeping lists ({@link EdnList}) and vectors (other lists) apart.
 *
 * <p>{@code null} prints as {@code nil}; {@link Boolean}, {@link String} (escaped),
 * {@link Character} ({@code \a}, {@code \newline}, &#92;u0001), {@link Long}
 * ({@link Integer}, {@link Short} and {@link Byte} alike), {@link BigInteger} ({@code 1N}),
 * {@link Double} ({@code 1.0}, {@code 1.0E-10}, {@code ##NaN}, {@code ##Inf}),
 * {@link BigDecimal} ({@code 1.50M}, scale kept), {@link Keyword}, {@link Symbol} as
 * themselves; {@link Float} as {@code #float 1.5}, {@link Date} as
 * {@code #inst "2020-01-02T03:04:05.123-00:00"} (UTC, milliseconds), {@link UUID} as
 * {@code #uuid "..."}, {@link URI} as {@code #uri "..."}, {@code byte[]} as
 * {@code #bytes "base64"}; maps as {@code {:a 1, :b 2}}, sets as {@code #{...}},
 * {@link EdnList} as {@code (...)}, every other {@link Collection} as a vector
 * {@code [...]}, {@link Tagged} as {@code #tag value}, and {@link EdnPrintable} values as
 * they print themselves.
 *
 * <p>Anything else, and values EDN cannot express (a symbol or keyword that would not read
 * back, a date outside years 0000-9999, a big decimal of scale {@link Integer#MIN_VALUE},
 * nesting deeper than {@value #MAX_DEPTH} levels, which also stops cycles), throws
 * {@link IllegalArgumentException}. A big decimal whose first digit's exponent lies beyond
 * an int prints as its unscaled value and exponent ({@code 12341E+2147483647M}).
 */
public final class EdnPrinter {
    /** The deepest nesting printed; deeper values (or cyclic ones) are rejected. */
    public static final int MAX_DEPTH = 100_000;

    private EdnPrinter() {
    }

    /**
     * The EDN text of {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} (or a part of it) cannot be EDN
     */
    public static String print(Object value) {
        StringBuilder out = new StringBuilder();
        print(value, out);
        return out.toString();
    }

    /**
     * Appends the EDN text of {@code value} to {@code out} and returns {@code out}. On an
     * {@link IllegalArgumentException}, {@code out} may hold part of the text.
     *
     * @throws IllegalArgumentException if {@code value} (or a part of it) cannot be EDN
     */
    public static StringBuilder print(Object value, StringBuilder out) {
        return print(value, out, Long.MAX_VALUE);
    }

    /**
     * Appends the EDN text of {@code value} to {@code out}, as {@link #print(Object, StringBuilder)},
     * but stops with a {@link TooLongException} once {@code out} is longer than {@code maxLength}
     * (checked after each value: a long string may pass it by its length).
     */
    public static StringBuilder print(Object value, StringBuilder out, long maxLength) {
        // An explicit stack of open collections instead of recursion: any depth the reader
        // allows prints on any thread's stack.
        ArrayList<Frame> stack = null;
        Object v = value;
        for (;;) {
            if (out.length() > maxLength) {
                throw new TooLongException("the printed text is longer than " + maxLength + " characters");
            }
            Frame opened = open(v, out);
            if (opened != null) {
                if (stack == null) {
                    stack = new ArrayList<>();
                }
                if (stack.size() >= MAX_DEPTH) {
                    throw new IllegalArgumentException("cannot print a value nested deeper than " + MAX_DEPTH
                            + " levels (is it cyclic?), inside a " + v.getClass().getName());
                }
                stack.add(opened);
            }
            // Find the next value to print, closing the collections that are done.
            for (;;) {
                if (stack == null || stack.isEmpty()) {
                    return out;
                }
                Frame top = stack.get(stack.size() - 1);
                if (top.hasPending) {
                    if (top.map) {
                        out.append(' ');
                    }
                    v = top.pending;
                    top.pending = null;
                    top.hasPending = false;
                    break;
                }
                if (top.elements != null && top.elements.hasNext()) {
                    Object next = top.elements.next();
                    if (!top.first) {
                        out.append(top.map ? ", " : " ");
                    }
                    top.first = false;
                    if (top.map) {
                        Map.Entry<?, ?> e = (Map.Entry<?, ?>) next;
                        v = e.getKey();
                        top.pending = e.getValue();
                        top.hasPending = true;
                    } else {
                        v = next;
                    }
                    break;
                }
                if (top.close != 0) {
                    out.append(top.close);
                }
                stack.remove(stack.size() - 1);
            }
        }
    }

    /** The text would be longer than the most asked for. */
    public static final class TooLongException extends IllegalArgumentException {
        TooLongException(String message) {
            super(message);
        }
    }

    /** A collection (or tag) being printed: what is left of it, and how it ends. */
    private static final class Frame {
        final Iterator<?> elements;
        final boolean map;
        final char close;
        boolean first = true;
        /** Printed next: a map entry's value after its key, or a tagged element. */
        Object pending;
        boolean hasPending;

        Frame(Iterator<?> elements, boolean map, char close) {
            this.elements = elements;
            this.map = map;
            this.close = close;
        }
    }

    /**
     * Prints {@code v} if it is atomic and returns null; otherwise prints its opening and
     * returns the frame that prints the rest.
     */
    private static Frame open(Object v, StringBuilder out) {
        if (v == null) {
            out.append("nil");
        } else if (v instanceof String s) {
            printString(s, out);
        } else if (v instanceof Keyword k) {
            printKeyword(k, out);
        } else if (v instanceof Long n) {
            out.append(n.longValue());
        } else if (v instanceof Boolean b) {
            out.append(b.booleanValue());
        } else if (v instanceof Symbol s) {
            printSymbol(s, out);
        } else if (v instanceof Double d) {
            printDouble(d, out);
        } else if (v instanceof EdnPrintable p) {
            p.printEdn(out);
        } else if (v instanceof Map<?, ?> m) {
            out.append('{');
            return new Frame(m.entrySet().iterator(), true, '}');
        } else if (v instanceof Collection<?> c) {
            if (v instanceof EdnList) {
                out.append('(');
                return new Frame(c.iterator(), false, ')');
            } else if (v instanceof Set) {
                out.append("#{");
                return new Frame(c.iterator(), false, '}');
            }
            out.append('[');
            return new Frame(c.iterator(), false, ']');
        } else if (v instanceof Tagged t) {
            String problem = tagProblem(t.tag());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            out.append('#').append(t.tag().text());
            out.append(' ');
            Frame f = new Frame(null, false, '\0');
            f.pending = t.value();
            f.hasPending = true;
            return f;
        } else {
            printOther(v, out);
        }
        return null;
    }

    private static void printOther(Object v, StringBuilder out) {
        if (v instanceof Character c) {
            printCharacter(c, out);
        } else if (v instanceof BigInteger n) {
            out.append(n).append('N');
        } else if (v instanceof BigDecimal n) {
            printBigDecimal(n, out);
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.append(((Number) v).longValue());
        } else if (v instanceof Float f) {
            printFloat(f, out);
        } else if (v instanceof Date d) {
            EdnInstants.format(d, out);
        } else if (v instanceof UUID u) {
            out.append("#uuid \"").append(u).append('"');
        } else if (v instanceof URI u) {
            out.append("#uri ");
            printString(u.toString(), out);
        } else if (v instanceof byte[] b) {
            out.append("#bytes \"").append(Base64.getEncoder().encodeToString(b)).append('"');
        } else {
            throw new IllegalArgumentException("cannot print a " + v.getClass().getName() + " as EDN: " + v);
        }
    }

    private static void printBigDecimal(BigDecimal n, StringBuilder out) {
        // BigDecimal.toString writes the exponent of the first digit (1.2341E+2147483651 for
        // 12341E+2147483647), which may lie outside an int, where no reader takes it back.
        // The unscaled value with the exponent -scale always reads back, but for the one scale
        // whose negation is not an int.
        String problem = bigDecimalProblem(n);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (n.precision() - 1L - n.scale() <= Integer.MAX_VALUE) {
            out.append(n).append('M');
        } else {
            out.append(n.unscaledValue()).append("E+").append(-n.scale()).append('M'); // the scale is negative here
        }
    }

    private static String bigDecimalProblem(BigDecimal n) {
        return n.scale() == Integer.MIN_VALUE
                ? "cannot print a big decimal of scale " + n.scale() + " as EDN: its exponent is out of range" : null;
    }

    private static void printKeyword(Keyword k, StringBuilder out) {
        String problem = keywordProblem(k);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        out.append(':').append(k.text());
    }

    private static String keywordProblem(Keyword k) {
        String problem = EdnSyntax.nameProblem(k.text(), true);
        return problem == null ? null : "cannot print the keyword :" + k.text() + " as EDN: " + problem;
    }

    private static void printSymbol(Symbol s, StringBuilder out) {
        String problem = symbolProblem(s);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        out.append(s.text());
    }

    private static String symbolProblem(Symbol s) {
        String text = s.text();
        String problem = EdnSyntax.nameProblem(text, false);
        if (problem == null && (text.equals("nil") || text.equals("true") || text.equals("false"))) {
            problem = "it would read as " + text;
        }
        return problem == null ? null : "cannot print the symbol " + text + " as EDN: " + problem;
    }

    /** A tag is a symbol that starts with a letter: {@code #_x} would discard, {@code #:x} open a namespaced map. */
    private static String tagProblem(Symbol tag) {
        String problem = symbolProblem(tag);
        if (problem == null && !Character.isLetter(tag.text().charAt(0))) {
            problem = "cannot print the tag #" + tag.text() + " as EDN: a tag starts with a letter";
        }
        return problem;
    }

    /**
     * Why {@link #print} would refuse {@code value}, or null when it prints: the same checks,
     * without building the text (an {@link EdnPrintable} is taken to print). Cheap enough to
     * run on every answer of a query: a walk of the collections, checking each element's type.
     */
    public static String whyNotPrintable(Object value) {
        ArrayList<Iterator<?>> stack = null;
        Object v = value;
        for (;;) {
            Iterator<?> opened = null;
            if (v == null || v instanceof String || v instanceof Long || v instanceof Boolean || v instanceof Double
                    || v instanceof EdnPrintable) {
                // atoms that always print
            } else if (v instanceof Keyword k) {
                String problem = keywordProblem(k);
                if (problem != null) {
                    return problem;
                }
            } else if (v instanceof Symbol s) {
                String problem = symbolProblem(s);
                if (problem != null) {
                    return problem;
                }
            } else if (v instanceof Map<?, ?> m) {
                opened = new MapItems(m);
            } else if (v instanceof Collection<?> c) {
                opened = c.iterator();
            } else if (v instanceof Tagged t) {
                String problem = tagProblem(t.tag());
                if (problem != null) {
                    return problem;
                }
                opened = java.util.Collections.singletonList(t.value()).iterator();
            } else if (v instanceof BigDecimal n) {
                String problem = bigDecimalProblem(n);
                if (problem != null) {
                    return problem;
                }
            } else if (v instanceof Date d) {
                if (!EdnInstants.printable(d)) {
                    return "cannot print " + d.toInstant() + " as #inst: the year is outside 0000-9999";
                }
            } else if (!(v instanceof Character || v instanceof BigInteger || v instanceof Integer || v instanceof Short
                    || v instanceof Byte || v instanceof Float || v instanceof UUID || v instanceof URI
                    || v instanceof byte[])) {
                return "cannot print a " + v.getClass().getName() + " as EDN: " + v;
            }
            if (opened != null) {
                if (stack == null) {
                    stack = new ArrayList<>();
                }
                if (stack.size() >= MAX_DEPTH) {
                    return "cannot print a value nested deeper than " + MAX_DEPTH + " levels (is it cyclic?)";
                }
                stack.add(opened);
            }
            for (;;) {
                if (stack == null || stack.isEmpty()) {
                    return null;
                }
                Iterator<?> top = stack.get(stack.size() - 1);
                if (top.hasNext()) {
                    v = top.next();
                    break;
                }
                stack.remove(stack.size() - 1);
            }
        }
    }

    /** The keys and values of a map, in turn. */
    private static final class MapItems implements Iterator<Object> {
        private final Iterator<? extends Map.Entry<?, ?>> entries;
        private Object pendingValue;
        private boolean hasPending;

        MapItems(Map<?, ?> m) {
            this.entries = m.entrySet().iterator();
        }

        @Override
        public boolean hasNext() {
            return hasPending || entries.hasNext();
        }

        @Override
        public Object next() {
            if (hasPending) {
                hasPending = false;
                Object v = pendingValue;
                pendingValue = null;
                return v;
            }
            Map.Entry<?, ?> e = entries.next();
            pendingValue = e.getValue();
            hasPending = true;
            return e.getKey();
        }
    }

    private static void printDouble(double d, StringBuilder out) {
        if (Double.isNaN(d)) {
            out.append("##NaN");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "##Inf" : "##-Inf");
        } else {
            // Double.toString always has a '.' or 'E' (so it reads as a double) and reads back exactly.
            out.append(d);
        }
    }

    private static void printFloat(float f, StringBuilder out) {
        out.append("#float ");
        if (Float.isNaN(f) || Float.isInfinite(f)) {
            printDouble(f, out);
            return;
        }
        // The reader parses the number as a double, then narrows it. The shortest float text
        // nearly always survives that double rounding; where it does not, the exact double does.
        String shortest = Float.toString(f);
        if ((float) Double.parseDouble(shortest) == f) {
            out.append(shortest);
        } else {
            out.append((double) f);
        }
    }

    private static void printString(String s, StringBuilder out) {
        out.append('"');
        int n = s.length();
        int run = 0; // start of the chars not yet copied
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            String escape;
            if (c >= ' ' && c != '"' && c != '\\' && c != 0x7F && !Character.isSurrogate(c)) {
                continue;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
                continue;
            }
            escape = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\t' -> "\\t";
                case '\r' -> "\\r";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> unicodeEscape(c); // other controls and lone surrogates
            };
            out.append(s, run, i).append(escape);
            run = i + 1;
        }
        out.append(s, run, n).append('"');
    }

    private static void printCharacter(char c, StringBuilder out) {
        switch (c) {
            case '\n' -> out.append("\\newline");
            case ' ' -> out.append("\\space");
            case '\t' -> out.append("\\tab");
            case '\r' -> out.append("\\return");
            case '\b' -> out.append("\\backspace");
            case '\f' -> out.append("\\formfeed");
            default -> {
                if (c > ' ' && c < 0x7F || c >= 0xA0 && Character.isLetterOrDigit(c)) {
                    out.append('\\').append(c);
                } else {
                    out.append(unicodeEscape(c));
                }
            }
        }
    }

    private static String unicodeEscape(char c) {
        String h = Integer.toHexString(c);
        return "\\u" + "0".repeat(4 - h.length()) + h;
    }

    /**
     * The EDN text of {@code v}, or, when it cannot be EDN, a plain description (its
     * {@code toString}); never throws. For messages and {@code toString}, not for data.
     */
    public static String printOrDescribe(Object v) {
        try {
            return print(v);
        } catch (IllegalArgumentException e) {
            if (v instanceof Tagged t) {
                return "#" + t.tag() + " " + t.value();
            }
            if (v instanceof Collection<?> c) {
                StringBuilder sb = new StringBuilder(v instanceof EdnList ? "(" : "[");
                for (Object o : c) {
                    sb.append(sb.length() > 1 ? " " : "").append(o == c ? "(this)" : String.valueOf(o));
                }
                return sb.append(v instanceof EdnList ? ')' : ']').toString();
            }
            return String.valueOf(v);
        }
    }

    /** A short EDN text of {@code v} for an error message. */
    static String snippet(Object v) {
        String s;
        try {
            s = print(v);
        } catch (IllegalArgumentException e) {
            return DefaultTags.kind(v);
        }
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
