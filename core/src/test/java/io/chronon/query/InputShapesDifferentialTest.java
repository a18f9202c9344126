package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.edn.EdnReader;
import io.chronon.query.DatalogDifferentialTest.Case;
import io.chronon.query.DatomicSide.Src;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 18's items 5 to 7 on generated cases, on Chronon and on Datomic 1.0.7622: maps given
 * as inputs (destructured as {@code [k v]} entries by collection and relation bindings, read
 * with {@code get}, {@code get-in}, {@code keys}, ... as scalars), plain symbols as constants
 * in patterns over collection sources ({@code [$c ?e :s b]}), and {@code (pull $2 ?e pattern)}
 * from a named source. Both must reject a case or give the same answer; many must be answered
 * (an empty answer does not count).
 */
class InputShapesDifferentialTest {
    static DatomicSide side;
    static final AtomicInteger ANSWERED = new AtomicInteger();
    static final AtomicInteger CASES = new AtomicInteger();

    @BeforeAll
    static void setUp() {
        side = new DatomicSide();
        side.transact(DatalogDifferentialTest.SCHEMA);
        side.transact(DatalogDifferentialTest.PEOPLE);
        side.transact(DatalogDifferentialTest.CHANGES);
    }

    @AfterAll
    static void tearDown() {
        System.out.println("input shapes: " + ANSWERED.get() + " of " + CASES.get() + " cases answered alike");
        if (side != null) {
            side.close();
        }
        assertTrue(ANSWERED.get() > CASES.get() / 3, "too few answered: " + ANSWERED.get());
    }

    static final String[] KEYS = {":a", ":b", "\"x\"", "1", ":ns/k", "b"};
    static final String[] PATH_KEYS = {":a", ":b", "\"x\"", "1", ":ns/k", ":z"};
    static final String[] VALS = {"1", "\"s\"", ":k", "[1 2]", "{:z 1}", "2.5", "true", "b", "-4"};

    static <T> T pick(Random r, T[] from) {
        return from[r.nextInt(from.length)];
    }

    static String map(Random r) {
        StringBuilder m = new StringBuilder("{");
        int n = r.nextInt(5);
        List<String> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String k = pick(r, KEYS);
            if (!used.contains(k)) {
                used.add(k);
                m.append(k).append(' ').append(r.nextInt(6) == 0 ? map(r) : pick(r, VALS)).append(' ');
            }
        }
        return m.append('}').toString();
    }

    static final List<Function<Random, Case>> MAP_CASES = List.of(
        r -> new Case("[:find ?k ?v :in [[?k ?v]]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?p :in [?p ...]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?k :in [[?k _]]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?a ?b :in [?a ?b]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?k ?v :in [[?k ?v]] :where [(= ?v " + pick(r, VALS) + ")]]",
                new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?v :in ?m :where [(get ?m " + pick(r, KEYS) + ") ?v]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?v :in ?m :where [(get ?m " + pick(r, KEYS) + " :none) ?v]]",
                new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?v :in [?m ...] :where [(get ?m " + pick(r, KEYS) + ") ?v]]",
                new Object[] {EdnReader.read("[" + map(r) + " " + map(r) + "]")}, false),
        // no symbol inside the path: Datomic compiles a vector argument as Clojure code, where b is unbound (docs/query.md)
        r -> new Case("[:find ?v :in ?m :where [(get-in ?m [" + pick(r, PATH_KEYS) + " " + pick(r, PATH_KEYS) + "]) ?v]]",
                new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?v :in ?m :where [(" + pick(r, new String[] {"count", "keys", "vals", "empty?", "seq", "first"})
                + " ?m) ?v]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?v :in ?m :where [(contains? ?m " + pick(r, KEYS) + ") ?v]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> new Case("[:find ?k ?x :in [[?k ?v]] :where [(get ?v :z) ?x]]", new Object[] {EdnReader.read(map(r))}, false),
        r -> {
            StringBuilder ages = new StringBuilder("{");
            for (String n : new String[] {"Ivan", "Oleg", "Anna", "Petr", "Nobody"}) {
                if (r.nextBoolean()) {
                    ages.append('"').append(n).append("\" ").append(pick(r, new String[] {"15", "20", "38", "1"})).append(' ');
                }
            }
            return new Case("[:find ?n ?a :in $ [[?n ?a]] :where [?e :name ?n] [?e :age ?a]]",
                    new Object[] {Src.DB, EdnReader.read(ages.append('}').toString())}, false);
        });

    static final String[] SYMS = {"b", "c", "d", "ns/b"};

    static Object collectionSource(Random r) {
        StringBuilder c = new StringBuilder("[");
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) {
            String e = r.nextInt(4) == 0 ? pick(r, SYMS) : String.valueOf(1 + r.nextInt(3));
            String v = r.nextInt(3) == 0 ? pick(r, new String[] {"1", "\"b\"", ":b"}) : pick(r, SYMS);
            c.append('[').append(e).append(' ').append(pick(r, new String[] {":s", ":t"})).append(' ').append(v).append(']');
        }
        return EdnReader.read(c.append(']').toString());
    }

    static final List<Function<Random, Case>> SYMBOL_CASES = List.of(
        r -> new Case("[:find ?e :in $c :where [$c ?e :s " + pick(r, SYMS) + "]]", new Object[] {collectionSource(r)}, false),
        r -> new Case("[:find ?e ?a :in $c :where [$c ?e ?a " + pick(r, SYMS) + "]]", new Object[] {collectionSource(r)}, false),
        r -> new Case("[:find ?a ?v :in $c :where [$c " + pick(r, SYMS) + " ?a ?v]]", new Object[] {collectionSource(r)}, false),
        r -> new Case("[:find ?e :in $ :where [?e :s " + pick(r, SYMS) + "]]", new Object[] {collectionSource(r)}, false),
        r -> new Case("[:find ?e ?f :in $c :where [$c ?e :s " + pick(r, SYMS) + "] [$c ?f :t " + pick(r, SYMS) + "]]",
                new Object[] {collectionSource(r)}, false),
        r -> new Case("[:find ?e :in $c [?v ...] :where [$c ?e :s ?v] [$c ?e :t " + pick(r, SYMS) + "]]",
                new Object[] {collectionSource(r), EdnReader.read("[b c 1]")}, false));

    static final String[] PULLS = {"[:age]", "[:name :age]", "[:name {:friend [:name]}]", "[:tag :nick]",
        "[:name {:parent [:name :age]}]", "[(:age :default 0)]", "[:name :_friend]"};
    // not Src.EMPTY: Chronon's empty value has no schema, Datomic's (an as-of before the data) has
    static final Src[] SOURCES = {Src.DB, Src.AS_OF_1, Src.SINCE_1};
    static final String[] NAMES = {"\"Ivan\"", "\"Petr\"", "\"Dima\"", "\"Zoe\"", "\"Anna\""};

    static final List<Function<Random, Case>> PULL_CASES = List.of(
        r -> new Case("[:find (pull $2 ?e " + pick(r, PULLS) + ") :in $ $2 :where [?e :name " + pick(r, NAMES) + "]]",
                new Object[] {pick(r, SOURCES), pick(r, SOURCES)}, false),
        r -> new Case("[:find (pull $ ?e " + pick(r, PULLS) + ") :in $ $2 :where [$2 ?e :name " + pick(r, NAMES) + "]]",
                new Object[] {pick(r, SOURCES), pick(r, SOURCES)}, false),
        r -> new Case("[:find ?n (pull $old ?e pattern) :in $ $old pattern :where [?e :name ?n]]",
                new Object[] {Src.DB, pick(r, SOURCES), EdnReader.read(pick(r, PULLS))}, false),
        r -> new Case("[:find [(pull $2 ?e " + pick(r, PULLS) + ") ...] :in $ $2 :where [$2 ?e :age ?a] [(> ?a " + r.nextInt(50) + ")]]",
                new Object[] {Src.DB, pick(r, SOURCES)}, false));

    static Stream<DynamicTest> generate(String what, List<Function<Random, Case>> kinds, int perKind, long seed) {
        Random r = new Random(seed);
        List<DynamicTest> tests = new ArrayList<>();
        for (Function<Random, Case> kind : kinds) {
            for (int i = 0; i < perKind; i++) {
                Case k = kind.apply(r);
                tests.add(DynamicTest.dynamicTest(what + " " + k.query() + " " + java.util.Arrays.toString(k.inputs()), () -> {
                    DatalogDifferentialTest.agree(side, k.query(), k.inputs());
                    CASES.incrementAndGet();
                    Object ours = side.chronon(k.query(), k.inputs()).result();
                    if (ours != null && !(ours instanceof Collection<?> c && c.isEmpty())) {
                        ANSWERED.incrementAndGet();
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> mapsAsInputs() {
        return generate("map", MAP_CASES, 25, 5);
    }

    @TestFactory
    Stream<DynamicTest> symbolsAsConstants() {
        return generate("symbol", SYMBOL_CASES, 30, 7);
    }

    @TestFactory
    Stream<DynamicTest> pullFromANamedSource() {
        return generate("pull", PULL_CASES, 40, 6);
    }
}
