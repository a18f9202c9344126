package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The clojure.core functions a query may call (issue 18, item 4), on Chronon and on Datomic
 * 1.0.7622 (whose queries call Clojure itself): every function with generated literal
 * arguments of every kind (nil, vectors, sets, maps, strings, numbers, keywords, booleans).
 * Both must reject the call, or give the same answer. ({@code compare} across types is left
 * out: Chronon's follows its value order, docs/query.md.)
 */
class ClojureFunctionsDifferentialTest {
    static DatomicSide side;
    static final AtomicInteger ANSWERED = new AtomicInteger();
    static final AtomicInteger CALLS = new AtomicInteger();

    /** Name, least and most arguments. */
    record Fn(String name, int min, int max) {
    }

    static final List<Fn> FNS = List.of(new Fn("first", 1, 1), new Fn("second", 1, 1), new Fn("last", 1, 1),
            new Fn("nth", 2, 3), new Fn("rest", 1, 1), new Fn("next", 1, 1), new Fn("seq", 1, 1),
            new Fn("get-in", 2, 3), new Fn("keys", 1, 1), new Fn("vals", 1, 1), new Fn("hash-set", 0, 3),
            new Fn("conj", 2, 3), new Fn("into", 2, 2), new Fn("range", 1, 3), new Fn("pr-str", 1, 2),
            new Fn("print-str", 1, 2), new Fn("symbol", 1, 2), new Fn("abs", 1, 1), new Fn("double", 1, 1),
            new Fn("long", 1, 1), new Fn("int", 1, 1), new Fn("get", 2, 2), new Fn("count", 1, 1),
            new Fn("contains?", 2, 2), new Fn("empty?", 1, 1), new Fn("not-empty", 1, 1), new Fn("vector", 0, 3),
            new Fn("set", 1, 1), new Fn("str", 1, 3), new Fn("subs", 2, 3), new Fn("inc", 1, 1), new Fn("max", 1, 3),
            new Fn("quot", 2, 2), new Fn("mod", 2, 2), new Fn("name", 1, 1),
            new Fn("keyword", 1, 2), new Fn("clojure.string/join", 1, 2), new Fn("clojure.string/trim", 1, 1));

    /** The rest of issue 18's list, and the clojure.string functions a query author reaches for next. */
    static final List<Fn> MORE_FNS = List.of(new Fn("list", 0, 3), new Fn("hash-map", 0, 4), new Fn("namespace", 1, 1),
            new Fn("dec", 1, 1), new Fn("min", 1, 3), new Fn("rem", 2, 2), new Fn("even?", 1, 1), new Fn("odd?", 1, 1),
            new Fn("zero?", 1, 1), new Fn("pos?", 1, 1), new Fn("neg?", 1, 1), new Fn("nil?", 1, 1),
            new Fn("some?", 1, 1), new Fn("true?", 1, 1), new Fn("false?", 1, 1), new Fn("identity", 1, 1),
            new Fn("=", 1, 3), new Fn("not=", 1, 3), new Fn("not", 1, 1),
            new Fn("clojure.string/blank?", 1, 1), new Fn("clojure.string/includes?", 2, 2),
            new Fn("clojure.string/starts-with?", 2, 2), new Fn("clojure.string/ends-with?", 2, 2),
            new Fn("clojure.string/lower-case", 1, 1), new Fn("clojure.string/upper-case", 1, 1),
            new Fn("clojure.string/capitalize", 1, 1), new Fn("clojure.string/reverse", 1, 1),
            new Fn("clojure.string/triml", 1, 1), new Fn("clojure.string/trimr", 1, 1),
            new Fn("clojure.string/trim-newline", 1, 1), new Fn("clojure.string/split-lines", 1, 1),
            new Fn("clojure.string/index-of", 2, 3), new Fn("clojure.string/last-index-of", 2, 3),
            new Fn("clojure.string/replace", 3, 3), new Fn("clojure.string/replace-first", 3, 3));

    /** Values for the string functions: texts with spaces, case and new lines, and the other kinds. */
    static final String[] TEXTS = {"nil", "\"\"", "\"abc\"", "\" x \"", "\"a\\nb\\r\\n\"", "\"Hello World\"",
        "\"ab ab\"", "\"b\"", "\"ÉTÉ été\"", "\"\\tpad\\n\"", "0", "1", "2", "-3", "2.5", ":k", ":ns/k", "true", "[1 2]",
        "{:a 1}", "#{}", "\\a", "\\b", "\"a,b,,\"", "\",\""};

    /** Regular expressions, given as inputs (an EDN query has no regex literal). */
    static final String[] REGEXES = {",", "\\s+", "(a)(b)?", "", "b", "x*", "[aeiou]", "\\n", "(?i)é"};
    static final String[] REGEX_FNS = {"clojure.string/split", "clojure.string/replace", "clojure.string/replace-first",
        "re-find", "re-matches", "re-seq"};

    static final String[] VALUES = {"nil", "[]", "[1 2 3]", "[[1 2] [3 4]]", "#{}", "#{1}", "{}", "{:a 1 :b 2}",
        "{:a {:b 5}}", "\"\"", "\"abc\"", "\" x \"", "0", "1", "2", "5", "-3", "2.5", "-7.25", ":k", ":ns/k", "true",
        "[:a :b]", "[\"x\" \"y\"]"};

    @BeforeAll
    static void setUp() {
        side = new DatomicSide();
    }

    @AfterAll
    static void tearDown() {
        if (side != null) {
            side.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> generatedCallsAgreeWithDatomic() {
        Random r = new Random(4);
        List<DynamicTest> tests = new ArrayList<>();
        for (Fn fn : FNS) {
            for (int i = 0; i < 25; i++) {
                int n = fn.min() + r.nextInt(fn.max() - fn.min() + 1);
                StringBuilder call = new StringBuilder("(").append(fn.name());
                for (int k = 0; k < n; k++) {
                    call.append(' ').append(VALUES[r.nextInt(VALUES.length)]);
                }
                call.append(')');
                tests.add(call(call.toString()));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> moreGeneratedCallsAgreeWithDatomic() {
        Random r = new Random(18);
        List<DynamicTest> tests = new ArrayList<>();
        for (Fn fn : MORE_FNS) {
            String[] values = fn.name().startsWith("clojure.string/") ? TEXTS : VALUES;
            for (int i = 0; i < 25; i++) {
                int n = fn.min() + r.nextInt(fn.max() - fn.min() + 1);
                StringBuilder call = new StringBuilder("(").append(fn.name());
                for (int k = 0; k < n; k++) {
                    call.append(' ').append(values[r.nextInt(values.length)]);
                }
                call.append(')');
                tests.add(call(call.toString()));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> callsWithRegexesAgreeWithDatomic() {
        Random r = new Random(181);
        String[] replacements = {"\"X\"", "\"\"", "\"$1\"", "\"<$0>\"", "\"\\\\$\"", ":k"};
        List<DynamicTest> tests = new ArrayList<>();
        for (String fn : REGEX_FNS) {
            for (int i = 0; i < 40; i++) {
                String text = TEXTS[r.nextInt(TEXTS.length)];
                String call = switch (fn) {
                    case "re-find", "re-matches", "re-seq" -> "(" + fn + " ?re " + text + ")";
                    case "clojure.string/split" -> "(" + fn + " " + text + " ?re" + (r.nextBoolean() ? "" : " " + (r.nextInt(5) - 1)) + ")";
                    default -> "(" + fn + " " + text + " ?re " + replacements[r.nextInt(replacements.length)] + ")";
                };
                java.util.regex.Pattern re = java.util.regex.Pattern.compile(REGEXES[r.nextInt(REGEXES.length)]);
                tests.add(call(call + " with ?re " + re, "[:find ?r :in ?re :where [" + call + " ?r]]", re));
            }
        }
        return tests.stream();
    }

    /** A call: Datomic's answer or rejection is Chronon's. */
    private static DynamicTest call(String call) {
        return call(call, "[:find ?r :where [" + call + " ?r]]");
    }

    private static DynamicTest call(String name, String q, Object... inputs) {
        return DynamicTest.dynamicTest(name, () -> {
            DatomicSide.Outcome ours = side.chronon(q, inputs);
            DatalogDifferentialTest.agree(side, q, inputs);
            CALLS.incrementAndGet();
            if (!ours.failed()) {
                ANSWERED.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void enoughWereAnswered() {
        // most calls must be answered, not rejected by both: else the generator is off
        System.out.println("clojure.core functions: " + ANSWERED.get() + " of " + CALLS.get() + " calls answered alike");
        assertTrue(ANSWERED.get() > CALLS.get() / 3, "too few calls answered: " + ANSWERED.get());
    }

    @Test
    void anUnknownFunctionIsNamedInTheError() {
        DatomicSide.Outcome ours = side.chronon("[:find ?r :where [(clojure.core/frequencies [1 1 2]) ?r]]");
        assertTrue(ours.failed() && ours.error().getMessage().contains("frequencies"), String.valueOf(ours));
    }
}
