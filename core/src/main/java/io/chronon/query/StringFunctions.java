package io.chronon.query;

import static io.chronon.query.Builtins.append;
import static io.chronon.query.Builtins.def;
import static io.chronon.query.Builtins.integer;
import static io.chronon.query.Builtins.maxValueSize;
import static io.chronon.query.Builtins.num;
import static io.chronon.query.Builtins.str;
import static io.chronon.query.Builtins.string;
import static io.chronon.query.Builtins.tooLarge;
import static io.chronon.query.Builtins.typeName;

import io.chronon.edn.EdnList;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The string and regular-expression functions a query may call: {@code clojure.string}'s
 * and {@code re-*}, with Clojure 1.11's results (the ones Datomic's queries give, since they
 * call Clojure itself), checked by {@code ClojureFunctionsDifferentialTest}. They live apart
 * from {@link Builtins} because they share two concerns the rest does not: a client's regular
 * expression can backtrack for hours, so every regex reads its text through the query's
 * deadline check; and a replacement can multiply a string's length, so results are bounded
 * while they are built, not after.
 *
 * <p>Clojure's own argument rules are kept: the functions that call {@code .toString} on
 * their text ({@code includes?}, {@code starts-with?}, {@code lower-case}, {@code replace},
 * ...) take any value but nil and read it as its printed form ({@code (includes? [1 2] "1")}
 * is true); the ones typed {@code CharSequence} ({@code blank?}, {@code trim}, {@code triml},
 * {@code reverse}, ...) take only a string. A regex argument may also be a string (Clojure
 * wants a {@link Pattern}; a query can only build one with {@code re-pattern}).
 */
final class StringFunctions {
    private StringFunctions() {
    }

    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    /** Registers the functions with {@link Builtins}; called once from its initialiser. */
    static void define() {
        // ---------------------------------------------------------- regular expressions
        def("re-pattern", 1, 1, (a, e) -> a[0] instanceof Pattern p ? p : pattern(a[0]));
        def("re-find", 2, 2, (a, e) -> {
            Matcher m = pattern(a[0]).matcher(watched(string(a[1]), e));
            return m.find() ? groups(m) : null;
        });
        def("re-matches", 2, 2, (a, e) -> {
            Matcher m = pattern(a[0]).matcher(watched(string(a[1]), e));
            return m.matches() ? groups(m) : null;
        });
        def("re-seq", 2, 2, (a, e) -> {
            Matcher m = pattern(a[0]).matcher(watched(string(a[1]), e));
            List<Object> out = new ArrayList<>();
            while (m.find()) {
                if (out.size() >= maxValueSize()) {
                    throw tooLarge("re-seq");
                }
                out.add(groups(m));
            }
            return out.isEmpty() ? null : EdnList.from(out);
        });
        def("clojure.string/re-quote-replacement", 1, 1, (a, e) -> Matcher.quoteReplacement(chars(a[0])));

        // ---------------------------------------------------------- clojure.string
        def("clojure.string/blank?", 1, 1, (a, e) -> a[0] == null || chars(a[0]).isBlank());
        def("clojure.string/includes?", 2, 2, (a, e) -> text(a[0], "includes?").contains(chars(a[1])));
        def("clojure.string/starts-with?", 2, 2, (a, e) -> text(a[0], "starts-with?").startsWith(string(a[1])));
        def("clojure.string/ends-with?", 2, 2, (a, e) -> text(a[0], "ends-with?").endsWith(string(a[1])));
        def("clojure.string/lower-case", 1, 1, (a, e) -> text(a[0], "lower-case").toLowerCase(Locale.ROOT));
        def("clojure.string/upper-case", 1, 1, (a, e) -> text(a[0], "upper-case").toUpperCase(Locale.ROOT));
        def("clojure.string/capitalize", 1, 1, (a, e) -> {
            String s = text(a[0], "capitalize");
            return s.length() < 2 ? s.toUpperCase(Locale.ROOT)
                    : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
        });
        def("clojure.string/reverse", 1, 1, (a, e) -> new StringBuilder(chars(a[0])).reverse().toString());
        def("clojure.string/trim", 1, 1, (a, e) -> chars(a[0]).strip());
        def("clojure.string/triml", 1, 1, (a, e) -> chars(a[0]).stripLeading());
        def("clojure.string/trimr", 1, 1, (a, e) -> chars(a[0]).stripTrailing());
        def("clojure.string/trim-newline", 1, 1, (a, e) -> {
            String s = chars(a[0]);
            int end = s.length();
            while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
                end--;
            }
            return s.substring(0, end);
        });
        def("clojure.string/index-of", 2, 3, (a, e) -> {
            String s = text(a[0], "index-of");
            int from = a.length == 3 ? num(a[2]).intValue() : 0;
            int i = a[1] instanceof Character c ? s.indexOf(c, from) : s.indexOf(string(a[1]), from);
            return i < 0 ? null : (Object) (long) i;
        });
        def("clojure.string/last-index-of", 2, 3, (a, e) -> {
            String s = text(a[0], "last-index-of");
            int from = a.length == 3 ? num(a[2]).intValue() : Integer.MAX_VALUE;
            int i = a[1] instanceof Character c ? s.lastIndexOf(c, from) : s.lastIndexOf(string(a[1]), from);
            return i < 0 ? null : (Object) (long) i;
        });
        def("clojure.string/replace", 3, 3, (a, e) -> replace(a, e, true));
        def("clojure.string/replace-first", 3, 3, (a, e) -> replace(a, e, false));
        def("clojure.string/split", 2, 3, (a, e) -> split(string(a[0]), pattern(a[1]), a.length == 3 ? (int) integer(a[2]) : 0, e));
        def("clojure.string/split-lines", 1, 1, (a, e) -> split(chars(a[0]), LINES, 0, e));
        def("clojure.string/join", 1, 2, (a, e) -> {
            String sep = a.length == 2 ? str(a[0]) : "";
            Object coll = a[a.length - 1];
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (Object x : Builtins.seq(coll)) {
                if (!first) {
                    append(sb, sep, "clojure.string/join");
                }
                append(sb, str(x), "clojure.string/join");
                first = false;
            }
            return sb.toString();
        });
    }

    private static final Pattern LINES = Pattern.compile("\r?\n");

    /** The text of an argument Clojure calls {@code .toString} on: its printed form, but never nil. */
    private static String text(Object o, String fn) {
        if (o == null) {
            throw new IllegalArgumentException("clojure.string/" + fn + " takes text, not nil");
        }
        return str(o);
    }

    /** An argument Clojure types {@code CharSequence}: a string (or a character, which Clojure refuses too). */
    private static String chars(Object o) {
        if (o instanceof String s) {
            return s;
        }
        throw new ClassCastException(typeName(o) + " cannot be cast to a string");
    }

    /**
     * Clojure's {@code split}: Java's, so no trailing empty strings without a limit, and a
     * text with no match is itself ({@code (split "" #",")} is {@code [""]}); at most one part
     * more than a result may hold is split off before it is refused.
     */
    private static List<Object> split(String s, Pattern p, int limit, Builtins.Env env) {
        int most = (int) Math.min(Integer.MAX_VALUE, maxValueSize() + 1);
        String[] parts = p.split(watched(s, env), limit > 0 && limit < most ? limit : most);
        if (parts.length > maxValueSize()) {
            throw tooLarge("clojure.string/split");
        }
        int n = parts.length;
        if (limit == 0 && !s.isEmpty()) {
            // as Java without a limit: trailing empty strings go, unless nothing matched at all
            while (n > 0 && parts[n - 1].isEmpty()) {
                n--;
            }
        }
        return List.of((Object[]) java.util.Arrays.copyOf(parts, n));
    }

    /**
     * {@code replace} and {@code replace-first}: a character for a character, a string for a
     * string (literally), or a regex for a string that may name its groups ({@code $1}).
     * Built a match at a time, so a replacement that would make the result longer than a
     * function may give ({@code (replace ?long "" ?long)}) is refused before it is built.
     */
    private static Object replace(Object[] a, Builtins.Env env, boolean all) {
        String fn = all ? "clojure.string/replace" : "clojure.string/replace-first";
        String s = text(a[0], all ? "replace" : "replace-first");
        Object match = a[1];
        Pattern p;
        String replacement;
        if (match instanceof Character c) {
            p = Pattern.compile(Pattern.quote(String.valueOf(c)));
            // Clojure's replace wants a character here; replace-first prints whatever it is given
            replacement = Matcher.quoteReplacement(all ? String.valueOf(character(a[2])) : str(a[2]));
        } else if (match instanceof String m) {
            p = Pattern.compile(Pattern.quote(m));
            // replace types it a string; replace-first calls .toString on it
            replacement = Matcher.quoteReplacement(all ? chars(a[2]) : text(a[2], "replace-first"));
        } else if (match instanceof Pattern regex) {
            p = regex;
            // anything else Clojure calls as a function of the match: a map looks the match up
            replacement = a[2] instanceof String r ? r : null;
        } else {
            throw new IllegalArgumentException("Invalid match arg: " + QueryParser.show(match));
        }
        Matcher m = p.matcher(watched(s, env));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, replacement != null ? replacement : Matcher.quoteReplacement(lookUp(a[2], groups(m))));
            if (sb.length() > maxValueSize()) {
                throw tooLarge(fn);
            }
            if (!all) {
                break;
            }
        }
        m.appendTail(sb);
        if (sb.length() > maxValueSize()) {
            throw tooLarge(fn);
        }
        return sb.toString();
    }

    /** Clojure's call of a replacement that is no string on a match: a map's value for it, or an error. */
    private static String lookUp(Object replacement, Object match) {
        Object v = replacement instanceof Map<?, ?> map ? map.get(match) : null;
        if (v instanceof String text) {
            return text;
        }
        throw new IllegalArgumentException("The replacement " + QueryParser.show(replacement)
                + " gives no string for the match " + QueryParser.show(match));
    }

    private static Character character(Object o) {
        if (o instanceof Character c) {
            return c;
        }
        throw new ClassCastException(typeName(o) + " cannot be cast to a character");
    }

    static Pattern pattern(Object o) {
        if (o instanceof Pattern p) {
            return p;
        }
        String s = string(o);
        Pattern p = PATTERNS.get(s);
        if (p == null) {
            p = Pattern.compile(s);
            if (PATTERNS.size() < 1000) {
                PATTERNS.put(s, p);
            }
        }
        return p;
    }

    /**
     * The text a regular expression reads, checking the query's deadline (and interruption)
     * every few thousand characters read. Java's regex engine never looks at either, and a
     * client's pattern can backtrack for hours on a short input ({@code ^(?:a+){1,40}b$} on 34
     * {@code a}s): without this, the query's thread ran on long after its timeout answered.
     */
    private static CharSequence watched(String s, Builtins.Env env) {
        return new Watched(s, env);
    }

    private static final class Watched implements CharSequence {
        private final String text;
        private final Builtins.Env env;
        private int reads;

        Watched(String text, Builtins.Env env) {
            this.text = text;
            this.env = env;
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 4095) == 0) {
                env.checkDeadline();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static Object groups(Matcher m) {
        if (m.groupCount() == 0) {
            return m.group();
        }
        List<Object> gs = new ArrayList<>();
        for (int i = 0; i <= m.groupCount(); i++) {
            gs.add(m.group(i));
        }
        return Collections.unmodifiableList(gs);
    }
}
