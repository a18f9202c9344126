package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chronon.edn.EdnReader;
import io.chronon.query.DatalogDifferentialTest.Case;
import io.chronon.query.DatomicSide.Outcome;
import io.chronon.query.DatomicSide.Src;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Issue 18, item 9: the queries Datomic 1.0.7622 rejects and Chronon answers on purpose
 * (docs/query.md, "Where Chronon differs from Datomic"), on generated cases. For each, Datomic
 * must still reject the query as written (else the documented difference is gone), and
 * Chronon's answer must be Datomic's answer to the same question asked the way Datomic takes
 * it:
 * <ul>
 *   <li>an explicit {@code $} in a query without {@code :in}: Chronon's answer is Datomic's
 *       to the query with {@code :in $};</li>
 *   <li>a rule that can only recurse with its arguments swapped, called with nothing bound
 *       ({@code [(r ?x ?y) (r ?y ?x)]}): Chronon's answer is Datomic's to the rule written
 *       out without the recursion (one branch per direction).</li>
 * </ul>
 */
class DatomicRejectionsDifferentialTest {
    static DatomicSide side;
    static final AtomicInteger NON_EMPTY = new AtomicInteger();
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
        System.out.println("Datomic's rejections: " + CASES.get() + " cases, " + NON_EMPTY.get() + " with non-empty answers");
        if (side != null) {
            side.close();
        }
        assertTrue(NON_EMPTY.get() > CASES.get() / 3, "too few non-empty answers: " + NON_EMPTY.get());
    }

    /** Datomic rejects {@code rejected}; Chronon's answer to it is Datomic's answer to {@code equivalent}. */
    static void check(String rejected, String equivalent, Object... inputs) {
        Outcome theirs = side.datomic(rejected, inputs);
        if (!theirs.failed()) {
            fail("Datomic now answers " + rejected + ": " + theirs + "; the difference documented in docs/query.md is gone");
        }
        Outcome ours = side.chronon(rejected, inputs);
        Outcome reference = side.datomic(equivalent, inputs);
        if (ours.failed() || reference.failed()) {
            fail(rejected + "\n  chronon: " + ours + "\n  datomic (as " + equivalent + "): " + reference);
        }
        if (!DatalogDifferentialTest.Compare.same(ours.result(), reference.result())) {
            fail("results differ for " + rejected + "\n  chronon: " + ours + "\n  datomic (as " + equivalent + "): " + reference);
        }
        CASES.incrementAndGet();
        if (!(ours.result() instanceof java.util.Collection<?> c && c.isEmpty())) {
            NON_EMPTY.incrementAndGet();
        }
    }

    @TestFactory
    Stream<DynamicTest> anExplicitSourceWithoutIn() {
        Random r = new Random(9);
        List<DynamicTest> tests = new ArrayList<>();
        while (tests.size() < 200) {
            Case k = DatalogDifferentialTest.QueryGen.generate(r);
            if (k.query().contains("(anc ") || k.inputs()[0] != Src.DB) {
                continue; // no rules without :in, and the default source is the current db
            }
            String withIn = k.query().replace(":in $ % :where ", ":in $ :where ");
            String explicit = explicitSource(withIn);
            tests.add(DynamicTest.dynamicTest(explicit, () -> check(explicit, withIn, Src.DB)));
        }
        return tests.stream();
    }

    /**
     * {@code query} without {@code :in}, every data pattern at the top of its {@code :where}
     * naming {@code $} (inside {@code not} and {@code or} a source cannot be named: the
     * default applies there).
     */
    static String explicitSource(String query) {
        List<Object> out = new ArrayList<>();
        boolean where = false;
        for (Object x : (List<?>) EdnReader.read(query)) {
            if (x.equals(io.chronon.edn.Keyword.of("in"))) {
                continue;
            }
            if (x instanceof io.chronon.edn.Symbol sym && sym.name().equals("$")) {
                continue;
            }
            if (where && x instanceof List<?> clause && !(clause instanceof io.chronon.edn.EdnList)
                    && clause.get(0) instanceof io.chronon.edn.Symbol v && v.name().startsWith("?")) {
                List<Object> named = new ArrayList<>();
                named.add(io.chronon.edn.Symbol.of("$"));
                named.addAll(clause);
                x = named;
            }
            where |= x.equals(io.chronon.edn.Keyword.of("where"));
            out.add(x);
        }
        return io.chronon.edn.EdnPrinter.print(out);
    }

    static final String[] ATTRS = {":friend", ":parent", ":color"};

    @TestFactory
    Stream<DynamicTest> aRuleThatOnlyRecursesSwapped() {
        Random r = new Random(99);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String attr = ATTRS[r.nextInt(ATTRS.length)];
            String second = r.nextBoolean() ? "" : " [(r ?x ?y) [?x :name \"" + new String[] {"Ivan", "Oleg", "Anna"}[r.nextInt(3)]
                    + "\"] [?y :name \"Petr\"]]";
            String swapped = "[[(r ?x ?y) [?x " + attr + " ?y]]" + second + " [(r ?x ?y) (r ?y ?x)]]";
            String unrolled = "[[(r ?x ?y) [?x " + attr + " ?y]] [(r ?x ?y) [?y " + attr + " ?x]]"
                    + (second.isEmpty() ? "" : second + second.replace("(r ?x ?y)", "(r ?y ?x)")) + "]";
            String find = switch (r.nextInt(3)) {
                case 0 -> "[:find ?x ?y :in $ % :where (r ?x ?y)]";
                case 1 -> "[:find ?n :in $ % :where (r ?x ?y) [?y :name ?n]]";
                default -> "[:find (count ?x) :in $ % :where (r ?x ?y)]";
            };
            tests.add(DynamicTest.dynamicTest(find + " " + swapped, () -> checkRules(find, swapped, unrolled)));
        }
        return tests.stream();
    }

    static void checkRules(String query, String swapped, String unrolled) {
        Outcome theirs = side.datomic(query, Src.DB, EdnReader.read(swapped));
        if (!theirs.failed()) {
            fail("Datomic now answers " + query + " with " + swapped + ": " + theirs + "; the difference documented in docs/query.md is gone");
        }
        Outcome ours = side.chronon(query, Src.DB, EdnReader.read(swapped));
        Outcome reference = side.datomic(query, Src.DB, EdnReader.read(unrolled));
        if (ours.failed() || reference.failed()) {
            fail(query + " " + swapped + "\n  chronon: " + ours + "\n  datomic (with " + unrolled + "): " + reference);
        }
        if (!DatalogDifferentialTest.Compare.same(ours.result(), reference.result())) {
            fail("results differ for " + query + " " + swapped + "\n  chronon: " + ours + "\n  datomic (with " + unrolled + "): " + reference);
        }
        CASES.incrementAndGet();
        if (!(ours.result() instanceof java.util.Collection<?> c && c.isEmpty())) {
            NON_EMPTY.incrementAndGet();
        }
    }
}
