package io.chronon.query;

import io.chronon.edn.EdnReader;
import io.chronon.query.DatalogDifferentialTest.Case;
import io.chronon.query.DatomicSide.Ent;
import io.chronon.query.DatomicSide.Src;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Lookup refs (and entity ids and idents) given as query inputs, compared with Datomic
 * 1.0.7622: bound by every binding form (scalar, collection, tuple, relation), then used in
 * the entity position of a data pattern, in the value position of a ref attribute, as the
 * entity of {@code (pull ?e pattern)}, or returned as they are; read from one source or from
 * two sources in which the same lookup ref names different entities ({@code :code "x"}
 * moves from Ivan to Oleg after the first data transaction).
 */
class LookupRefInputDifferentialTest {
    static DatomicSide side;
    /** The same data and 300 more people who befriend and parent the named ones: the planner then orders clauses otherwise. */
    static DatomicSide crowded;

    static final String SCHEMA = """
            [{:db/ident :name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :code :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
             {:db/ident :parent :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :color :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :red} {:db/ident :blue}]
            """;

    static final String PEOPLE = """
            [{:db/id "ivan" :name "Ivan" :code "x" :age 15 :color :red :friend ["petr" "oleg"] :parent "petr"}
             {:db/id "petr" :name "Petr" :code "y" :age 37 :color :blue :friend ["oleg"] :parent "oleg"}
             {:db/id "oleg" :name "Oleg" :age 20 :friend ["ivan"]}
             {:db/id "anna" :name "Anna" :age 20 :color :red :friend ["ivan" "anna"] :parent "ivan"}]
            """;

    static final String CHANGES = """
            [[:db/retract [:name "Ivan"] :code "x"]
             [:db/add [:name "Oleg"] :code "x"]
             [:db/add [:name "Petr"] :age 38]
             [:db/add [:name "Oleg"] :parent [:name "Anna"]]
             {:name "Zoe" :code "z" :age 5 :friend [[:name "Petr"]]}]
            """;

    @BeforeAll
    static void setUp() {
        side = new DatomicSide();
        side.transact(SCHEMA);
        side.transact(PEOPLE);
        side.transact(CHANGES);
        crowded = new DatomicSide();
        crowded.transact(SCHEMA);
        crowded.transact(PEOPLE);
        crowded.transact(CHANGES);
        StringBuilder more = new StringBuilder("[");
        String[] named = {"Ivan", "Oleg", "Petr", "Anna", "Zoe"};
        for (int i = 0; i < 300; i++) {
            more.append("{:name \"f").append(i).append("\" :age ").append(i % 40).append(" :friend [[:name \"")
                    .append(named[i % 5]).append("\"]] :parent [:name \"").append(named[(i / 5) % 5]).append("\"]}");
        }
        crowded.transact(more.append(']').toString());
    }

    @AfterAll
    static void tearDown() {
        if (side != null) {
            side.close();
        }
        if (crowded != null) {
            crowded.close();
        }
    }

    static final String RULES = "[[(named ?e ?n) [?e :name ?n]] [(parent-of ?c ?p) [?c :parent ?p]]]";

    static Object ref(String attr, String value) {
        return EdnReader.read("[" + attr + " \"" + value + "\"]");
    }

    static Case ok(String query, Object... inputs) {
        return new Case(query, inputs, false);
    }

    static Case err(String query, Object... inputs) {
        return new Case(query, inputs, true);
    }

    static List<Case> corpus() {
        Object ivan = ref(":name", "Ivan");
        Object oleg = ref(":name", "Oleg");
        Object x = ref(":code", "x");
        List<Case> c = new ArrayList<>();
        c.add(ok("[:find ?a :in $ ?e :where [?e :age ?a]]", Src.DB, ivan));
        c.add(ok("[:find ?e :in $ ?e :where [?e :age _]]", Src.DB, ivan));
        c.add(ok("[:find ?e ?a :in $ ?e :where [?e :age ?a]]", Src.DB, ivan));
        c.add(ok("[:find ?a :in $ [?e ...] :where [?e :age ?a]]", Src.DB, List.of(ivan, oleg)));
        c.add(ok("[:find ?e ?a :in $ [?e ...] :where [?e :age ?a]]", Src.DB, List.of(ivan, oleg)));
        c.add(ok("[:find ?n :in $ ?f :where [?p :friend ?f] [?p :name ?n]]", Src.DB, oleg));
        c.add(ok("[:find ?n :in $ [?f ...] :where [?p :friend ?f] [?p :name ?n]]", Src.DB, List.of(oleg, ivan)));
        c.add(ok("[:find ?n :in $ [?e ?f] :where [?e :friend ?f] [?e :name ?n]]", Src.DB, List.of(ivan, oleg)));
        c.add(ok("[:find ?n ?f :in $ [[?e ?f]] :where [?e :friend ?f] [?e :name ?n]]", Src.DB,
                List.of(List.of(ivan, oleg), List.of(oleg, ivan))));
        c.add(ok("[:find (pull ?e [:name :age]) :in $ ?e]", Src.DB, ivan));
        c.add(ok("[:find (pull ?e [:name]) :in $ [?e ...] :where [?e :age]]", Src.DB, List.of(ivan, x)));
        c.add(ok("[:find ?n1 ?n2 :in $1 $2 ?e :where [$1 ?e :name ?n1] [$2 ?e :name ?n2]]", Src.AS_OF_1, Src.DB, x));
        c.add(ok("[:find ?n :in $ ?c :where [?p :color ?c] [?p :name ?n]]", Src.DB, EdnReader.read(":red")));
        c.add(ok("[:find ?n :in $ ?c :where [?p :color ?c] [?p :name ?n]]", Src.DB, new Ent("Anna")));
        c.add(err("[:find ?a :in $ ?e :where [?e :age ?a]]", Src.DB, ref(":name", "Nobody")));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> handWrittenCasesAgreeWithDatomic() {
        List<Case> cases = corpus();
        return IntStream.range(0, cases.size()).mapToObj(i -> DynamicTest.dynamicTest(i + ": " + cases.get(i).query(),
                () -> DatalogDifferentialTest.check(side, cases.get(i))));
    }

    @TestFactory
    Stream<DynamicTest> generatedCasesAgreeWithDatomic() {
        return generated(new Random(18), 500, () -> side);
    }

    @TestFactory
    Stream<DynamicTest> generatedCasesOnMoreDataAgreeWithDatomic() {
        return generated(new Random(1018), 500, () -> crowded);
    }

    private static Stream<DynamicTest> generated(Random r, int count, java.util.function.Supplier<DatomicSide> on) {
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Case k = Gen.generate(r);
            tests.add(DynamicTest.dynamicTest(i + ": " + k.query() + " " + java.util.Arrays.toString(k.inputs()),
                    () -> DatalogDifferentialTest.agree(on.get(), k.query(), k.inputs())));
        }
        return tests.stream();
    }

    /** Random queries that bind entity references by {@code :in} and use them. */
    static final class Gen {
        private static final String[][] REFS = {{":name", "Ivan"}, {":name", "Oleg"}, {":name", "Petr"},
            {":name", "Anna"}, {":name", "Zoe"}, {":code", "x"}, {":code", "y"}, {":code", "z"}};
        private static final String[] NAMES = {"Ivan", "Oleg", "Petr", "Anna", "Zoe"};

        private Gen() {
        }

        /** A lookup ref, sometimes an entity id or an ident; those of Zoe and :code "z" do not exist as of t1. */
        static Object entity(Random r) {
            if (r.nextInt(5) == 0) {
                return new Ent(NAMES[r.nextInt(NAMES.length)]);
            }
            if (r.nextInt(8) == 0) {
                return EdnReader.read(r.nextBoolean() ? ":red" : ":blue");
            }
            String[] ref = REFS[r.nextInt(REFS.length)];
            return ref(ref[0], ref[1]);
        }

        static Case generate(Random r) {
            boolean twoSources = r.nextInt(4) == 0;
            // With two sources, only references that exist in both: Datomic rejects a lookup ref that
            // resolves to nothing when the first clause (in written order) reading it is reached; Chronon
            // plans its own order, so whether a row is excluded before that clause can differ (docs/query.md).
            java.util.function.Supplier<Object> entity = () -> {
                Object e;
                do {
                    e = entity(r);
                } while (twoSources && (e instanceof Ent n ? n.name() : e instanceof List<?> l ? l.get(1) : "").toString()
                        .matches("Zoe|z"));
                return e;
            };
            Src only = r.nextInt(4) == 0 ? Src.AS_OF_1 : Src.DB;
            // the clauses that use ?e (and ?f, a second reference bound by tuple and relation forms)
            String[] single = {
                "[$s ?e :age ?a]",
                "[$s ?e :name ?n]",
                "[$s ?p :friend ?e] [$s ?p :name ?n]",
                "[$s ?p :parent ?e] [$s ?p :name ?n]",
                "[$s ?e :name ?n] (not [$s ?e :age 20])",
                "(not [$s ?p :friend ?e]) [$s ?e :age ?a]",
                "(or [$s ?e :age 15] [$s ?e :age 20] [$s ?p :parent ?e]) [$s ?e :name ?n]",
                "($s named ?e ?n)",
                "($s parent-of ?e ?p) [$s ?p :name ?n]",
                "[$s ?p :color ?e] [$s ?p :name ?n]",
            };
            String[] pairs = {
                "[$s ?e :friend ?f]",
                "[$s ?e :parent ?f]",
                "[$s ?f :friend ?e] [$s ?e :age ?a]",
                "($s parent-of ?f ?e)",
            };
            int form = r.nextInt(4);
            String use = form < 2 || r.nextBoolean() ? single[r.nextInt(single.length)] : pairs[r.nextInt(pairs.length)];
            boolean needsF = use.contains("?f");
            String binding;
            Object input;
            switch (form) {
                case 0 -> {
                    binding = "?e";
                    input = entity.get();
                }
                case 1 -> {
                    binding = "[?e ...]";
                    List<Object> l = new ArrayList<>();
                    int n = 1 + r.nextInt(10);
                    for (int i = 0; i < n; i++) {
                        l.add(entity.get());
                    }
                    input = l;
                }
                case 2 -> {
                    binding = "[?e ?f]";
                    input = List.of(entity.get(), entity.get());
                }
                default -> {
                    binding = "[[?e ?f]]";
                    List<Object> rows = new ArrayList<>();
                    int n = 1 + r.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        rows.add(List.of(entity.get(), entity.get()));
                    }
                    input = rows;
                }
            }
            List<String> vars = new ArrayList<>();
            for (String v : new String[] {"?e", "?f", "?a", "?n", "?p"}) {
                if ((v.equals("?e") || v.equals("?f") && needsF || use.contains(v + " ") || use.contains(v + "]"))
                        && !vars.contains(v)) {
                    vars.add(v);
                }
            }
            String where;
            String in;
            Object[] inputs;
            if (twoSources) {
                String second = use.replace("$s ", "$2 ").replace("?a", "?a2").replace("?n", "?n2").replace("?p", "?p2");
                where = use.replace("$s ", "$1 ") + " " + second;
                for (String v : new String[] {"?a", "?n", "?p"}) {
                    if (vars.contains(v)) {
                        vars.add(v + "2");
                    }
                }
                in = ":in $1 $2 " + binding;
                inputs = new Object[] {Src.AS_OF_1, Src.DB, input};
            } else {
                where = use.replace("$s ", "");
                in = ":in $ " + binding;
                inputs = new Object[] {only, input};
            }
            if (where.contains("named") || where.contains("parent-of")) {
                in += " %";
                inputs = java.util.Arrays.copyOf(inputs, inputs.length + 1);
                inputs[inputs.length - 1] = EdnReader.read(RULES);
            }
            java.util.Collections.shuffle(vars, r);
            List<String> find = new ArrayList<>(vars.subList(0, 1 + r.nextInt(Math.min(3, vars.size()))));
            // not beside ?e itself: Datomic 1.0.7622 fails such a find with an ArrayIndexOutOfBoundsException
            if (!twoSources && !find.contains("?e") && r.nextInt(3) == 0) {
                find.add("(pull ?e [:name :age {:parent [:name]}])");
            }
            String q = "[:find " + String.join(" ", find) + " " + in + " :where " + where + "]";
            return new Case(q, inputs, false);
        }
    }
}
