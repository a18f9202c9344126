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
                String q = "[:find ?r :where [" + call + " ?r]]";
                tests.add(DynamicTest.dynamicTest(call.toString(), () -> {
                    DatomicSide.Outcome ours = side.chronon(q);
                    DatalogDifferentialTest.agree(side, q);
                    if (!ours.failed()) {
                        ANSWERED.incrementAndGet();
                    }
                }));
            }
        }
        return tests.stream();
    }

    @AfterAll
    static void enoughWereAnswered() {
        // most calls must be answered, not rejected by both: else the generator is off
        System.out.println("clojure.core functions: " + ANSWERED.get() + " of " + FNS.size() * 25 + " calls answered alike");
        assertTrue(ANSWERED.get() > FNS.size() * 25 / 3, "too few calls answered: " + ANSWERED.get());
    }

    @Test
    void anUnknownFunctionIsNamedInTheError() {
        DatomicSide.Outcome ours = side.chronon("[:find ?r :where [(clojure.core/frequencies [1 1 2]) ?r]]");
        assertTrue(ours.failed() && ours.error().getMessage().contains("frequencies"), String.valueOf(ours));
    }
}
