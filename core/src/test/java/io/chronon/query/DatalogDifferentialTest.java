package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.chronon.edn.EdnReader;
import io.chronon.query.DatomicSide.Ent;
import io.chronon.query.DatomicSide.Outcome;
import io.chronon.query.DatomicSide.Src;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The same queries on Chronon and on Datomic 1.0.7622 over the same data: a hand-written
 * corpus covering the grammar (find specs, bindings, clauses, rules, aggregates, built-ins,
 * views) and the error cases, and a seeded random query generator. Results are compared as
 * the find spec implies: sets as sets, bags as multisets, doubles to 1e-9, entity ids through
 * the unique :name.
 */
class DatalogDifferentialTest {
    static DatomicSide side;
    static int nonEmpty;

    static final String SCHEMA = """
            [{:db/ident :name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :heads :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :salary :db/valueType :db.type/double :db/cardinality :db.cardinality/one}
             {:db/ident :friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
             {:db/ident :parent :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :color :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :tag :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}
             {:db/ident :nick :db/valueType :db.type/string :db/cardinality :db.cardinality/many}
             {:db/ident :bio :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/fulltext true}
             {:db/ident :red} {:db/ident :blue} {:db/ident :green}]
            """;

    static final String PEOPLE = """
            [{:db/id "ivan" :name "Ivan" :age 15 :heads 1 :salary 100.5 :color :red :friend ["petr" "oleg"] :tag [:a :b]
              :nick ["vanya" "ivashka"] :parent "petr" :bio "likes chess and tea"}
             {:db/id "petr" :name "Petr" :age 37 :heads 1 :salary 2000.0 :color :blue :friend ["oleg"] :tag [:b]
              :parent "oleg" :bio "plays chess"}
             {:db/id "oleg" :name "Oleg" :age 20 :heads 3 :salary 350.25 :friend ["ivan"] :tag [:c] :parent "boris"}
             {:db/id "ivan2" :name "Ivan2" :age 10 :heads 1 :color :red}
             {:db/id "boris" :name "Boris" :age 70 :heads 2 :salary 0.0 :color :green :parent "gleb"}
             {:db/id "gleb" :name "Gleb" :age 95 :heads 1}
             {:db/id "anna" :name "Anna" :age 20 :heads 1 :salary 350.25 :friend ["maria" "ivan"] :tag [:a] :nick ["anya"]}
             {:db/id "maria" :name "Maria" :age 33 :heads 2 :color :blue :friend ["anna"] :parent "anna"}
             {:db/id "sveta" :name "Sveta" :age 15 :heads 1 :salary 1200.0 :tag [:a :c]}
             {:db/id "dima" :name "Dima" :age 44 :salary 900.0 :friend ["sveta" "dima"]}]
            """;

    static final String CHANGES = """
            [[:db/retract [:name "Dima"] :age 44]
             [:db/add [:name "Petr"] :age 38]
             [:db/add [:name "Ivan"] :tag :d]
             [:db/retract [:name "Ivan"] :tag :a]
             {:name "Zoe" :age 5 :heads 1}]
            """;

    static final String RULES = """
            [[(anc ?x ?y) [?x :parent ?y]]
             [(anc ?x ?y) [?x :parent ?t] (anc ?t ?y)]
             [(reach ?x ?y) [?x :friend ?y]]
             [(reach ?x ?y) (reach ?x ?t) (reach ?t ?y)]
             [(older ?a ?b) [?a :age ?x] [?b :age ?y] [(> ?x ?y)]]
             [(kin ?x ?y) (anc ?x ?y)]
             [(kin ?x ?y) (anc ?y ?x)]
             [(even-chain ?x ?y) [?x :parent ?m] (odd-chain ?m ?y)]
             [(odd-chain ?x ?y) [?x :parent ?y]]
             [(odd-chain ?x ?y) [?x :parent ?m] (even-chain ?m ?y)]
             [(named [?e] ?n) [?e :name ?n]]
             [(colorful ?e) [?e :color _]]
             [(colorful ?e) [?e :tag :c]]
             [(no-color ?e) [?e :name] (not [?e :color])]
             [(by-age ?e ?a) (or [?e :age ?a] (and [?e :heads ?a] [(> ?a 1)]))]]
            """;

    @BeforeAll
    static void setUp() {
        side = new DatomicSide();
        side.transact(SCHEMA);
        side.transact(PEOPLE);
        side.transact(CHANGES);
    }

    @AfterAll
    static void tearDown() {
        if (side != null) {
            side.close();
        }
    }

    /** One corpus entry: a query, its inputs, and whether both systems must reject it. */
    record Case(String query, Object[] inputs, boolean error) {
    }

    static Case ok(String query, Object... inputs) {
        return new Case(query, inputs.length == 0 ? new Object[] {Src.DB} : inputs, false);
    }

    static Case err(String query, Object... inputs) {
        return new Case(query, inputs.length == 0 ? new Object[] {Src.DB} : inputs, true);
    }

    static Object rules() {
        return EdnReader.read(RULES);
    }

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // ---------------------------------------------------------------- data patterns
        c.add(ok("[:find ?e :where [?e :name \"Ivan\"]]"));
        c.add(ok("[:find ?e ?n :where [?e :name ?n]]"));
        c.add(ok("[:find ?n ?a :where [?e :name ?n] [?e :age ?a]]"));
        c.add(ok("[:find ?n :where [?e :age 15] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [?e :age 15]]"));
        c.add(ok("[:find ?e :where [?e :age]]"));
        c.add(ok("[:find ?a :where [_ :age ?a]]"));
        c.add(ok("[:find ?n ?f :where [?e :name ?n] [?e :friend ?x] [?x :name ?f]]"));
        c.add(ok("[:find ?n :where [?e :friend ?e] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :color :red] [?e :name ?n]]"));
        c.add(ok("[:find ?c :where [?e :color ?c]]"));
        c.add(ok("[:find ?i :where [?e :color ?c] [?c :db/ident ?i]]"));
        c.add(ok("[:find ?n :where [?e :tag :b] [?e :name ?n]]"));
        c.add(ok("[:find ?t :where [_ :tag ?t]]"));
        c.add(ok("[:find ?a ?v :where [?e :name \"Oleg\"] [?e ?a ?v]]"));
        c.add(ok("[:find ?an :where [?e :name \"Oleg\"] [?e ?a _] [?a :db/ident ?an]]"));
        c.add(ok("[:find ?e :where [?e :name \"Nobody\"]]"));
        c.add(ok("[:find ?n :where [?e :salary 350.25] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :friend [:name \"Oleg\"]] [?e :name ?n]]"));
        c.add(ok("[:find ?e :where [?e :name \"Ivan\" ?tx]]"));
        c.add(ok("[:find ?n ?tx :where [?e :name ?n ?tx] [?e :age 15]]"));
        c.add(ok("[:find ?n :where [?e :name ?n _ true]]"));
        c.add(ok("[:find ?x ?y :where [?x :friend ?y] [?y :friend ?x]]"));
        c.add(ok("[:find ?n :where [?e :parent ?p] [?p :parent ?g] [?g :name ?n]]"));
        c.add(ok("[:find ?n1 ?n2 :where [?a :age ?x] [?b :age ?x] [(!= ?a ?b)] [?a :name ?n1] [?b :name ?n2]]"));
        c.add(ok("[:find ?e :where [?e :db/ident :red]]"));
        c.add(ok("[:find ?v :where [:red :db/ident ?v]]"));
        c.add(ok("[:find ?e :where [?e :age 15] [?e]]"));
        c.add(ok("[:find ?x :where [?e :name \"Ivan\"] [?e _ ?x] [(string? ?x)]]".replace(" [(string? ?x)]", "")));
        c.add(ok("[:find ?n :where [_ :age 15] [?e :age 15] [?e :name ?n]]"));
        c.add(ok("[:find (pull ?e [*]) :where [?e :name \"Gleb\"]]"));
        c.add(ok("[:find ?n :where [?e :nick ?k] [(clojure.string/starts-with? ?k \"v\")] [?e :name ?n]]"));
        c.add(ok("[:find ?e ?x :where [?e :name \"Ivan\"] [?e :parent ?p] [?p :parent ?x]]"));
        c.add(err("[:find ?e :where [?e :nonexistent ?v]]"));
        c.add(err("[:find ?x :where [?e :name \"Ivan\"] [(get-else $ ?e :age nil) ?x]]"));
        c.add(err("[:find ?x :in $ ?d :where [?e :name \"Ivan\"] [(get-else $ ?e :age ?d) ?x]]", Src.DB, null));
        c.add(err("[:find ?e :where [?e :color :purple]]"));
        c.add(err("[:find ?a :where [[:name \"Ivan\"] :age ?a]]"));
        // ---------------------------------------------------------------- find specs
        c.add(ok("[:find [?n ...] :where [_ :name ?n]]"));
        c.add(ok("[:find [?n ?a] :where [?e :name \"Oleg\"] [?e :name ?n] [?e :age ?a]]"));
        c.add(ok("[:find [?n ?a] :where [?e :name \"Nobody\"] [?e :age ?a] [?e :name ?n]]"));
        c.add(ok("[:find ?a . :where [?e :name \"Oleg\"] [?e :age ?a]]"));
        c.add(ok("[:find ?a . :where [?e :name \"Nobody\"] [?e :age ?a]]"));
        c.add(ok("[:find ?n ?a :keys name age :where [?e :name ?n] [?e :age ?a]]"));
        c.add(ok("[:find ?n ?a :strs name age :where [?e :name ?n] [?e :age ?a]]"));
        c.add(ok("[:find ?n ?a :syms name age :where [?e :name ?n] [?e :age ?a]]"));
        c.add(ok("{:find [?n] :where [[?e :age 15] [?e :name ?n]]}"));
        c.add(ok("{:find [?n] :in [$ ?a] :where [[?e :age ?a] [?e :name ?n]]}", Src.DB, 20L));
        c.add(ok("[:find ?h :with ?e :where [?e :heads ?h]]"));
        c.add(ok("[:find (pull ?e [:name :age]) :where [?e :name \"Oleg\"]]"));
        c.add(ok("[:find (pull ?e [:name {:friend [:name]}]) :where [?e :age 37]]"));
        c.add(ok("[:find (pull ?e pattern) :in $ pattern :where [?e :age 20]]", Src.DB, EdnReader.read("[:name :heads]")));
        c.add(ok("[:find ?n (pull ?e [:age]) :where [?e :name ?n] [?e :heads 2]]"));
        c.add(err("[:find ?x :where [?e :name ?n]]"));
        c.add(err("[:find (pull ?e ?p) :in $ ?p :where [?e :name]]", Src.DB, EdnReader.read("[:name]")));
        c.add(err("[:find ?n ?a :keys name :where [?e :name ?n] [?e :age ?a]]"));
        c.add(err("[:find ?e :where]"));
        c.add(err("[:where [?e :name]]"));
        // ---------------------------------------------------------------- inputs
        c.add(ok("[:find ?e :in $ ?n :where [?e :name ?n]]", Src.DB, "Oleg"));
        c.add(ok("[:find ?n :in $ [?a ...] :where [?e :age ?a] [?e :name ?n]]", Src.DB, List.of(15L, 20L)));
        c.add(ok("[:find ?n :in $ [?a ...] :where [?e :age ?a] [?e :name ?n]]", Src.DB, List.of()));
        c.add(ok("[:find ?n :in $ [?a ?h] :where [?e :age ?a] [?e :heads ?h] [?e :name ?n]]", Src.DB, List.of(20L, 1L)));
        c.add(ok("[:find ?n ?x :in $ [[?a ?x]] :where [?e :age ?a] [?e :name ?n]]", Src.DB,
                List.of(List.of(15L, "teen"), List.of(95L, "old"))));
        c.add(ok("[:find ?a :in $ ?e :where [?e :age ?a]]", Src.DB, List.of(EdnReader.read(":name"), "Oleg")));
        c.add(ok("[:find ?a :in $ ?e :where [?e :age ?a]]", Src.DB, new Ent("Anna")));
        c.add(ok("[:find ?x ?y :in [[?x ?y]]]", List.of(List.of(1L, 2L), List.of(3L, 4L))));
        c.add(ok("[:find ?x :in [?x ...]]", List.of(1L, 2L, 2L)));
        c.add(ok("[:find ?x ?y :in $ ?x ?y]", Src.DB, 1L, "a"));
        c.add(ok("[:find ?a ?b :in $r :where [$r ?a ?b]]", List.of(List.of(1L, 2L), List.of(3L, 4L))));
        c.add(ok("[:find ?a :in $ $r :where [$r ?n ?a] [?e :name ?n]]", Src.DB, List.of(List.of("Ivan", 1L), List.of("Nobody", 2L))));
        c.add(ok("[:find ?n :in $a $b :where [$a ?e :name ?n] [$b ?e :age 38]]", Src.DB, Src.DB));
        c.add(ok("[:find ?e :in $ :where [?e :age 15]]", Src.DB, 1L, 2L));
        c.add(err("[:find ?e :in $ ?n :where [?e :name ?n]]", Src.DB));
        c.add(err("[:find ?a :in $ ?e :where [?e :age ?a]]", Src.DB, List.of(EdnReader.read(":name"), "Nobody")));
        c.add(err("[:find ?e :in $a :where [?e :name \"Ivan\"]]", Src.DB));
        // ---------------------------------------------------------------- predicates and functions
        c.add(ok("[:find ?n :where [?e :age ?a] [(> ?a 18)] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :age ?a] [(< 18 ?a)] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :age ?a] [(>= ?a 20)] [(<= ?a 38)] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [(= ?n \"Ivan\")]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [(not= ?n \"Ivan\")]]"));
        c.add(ok("[:find ?n :in $ ?min :where [?e :age ?a] [(> ?a ?min)] [?e :name ?n]]", Src.DB, 30L));
        c.add(ok("[:find ?n :where [?e :salary ?s] [(> ?s 300)] [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [(> ?n \"M\")]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [(clojure.string/starts-with? ?n \"I\")]]"));
        c.add(ok("[:find ?n ?u :where [?e :name ?n] [(clojure.string/upper-case ?n) ?u]]"));
        c.add(ok("[:find ?n ?x :where [?e :age ?a] [?e :name ?n] [(* ?a 2) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :age ?a] [?e :name ?n] [(/ ?a 4) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :salary ?a] [?e :name ?n] [(/ ?a 4) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :age ?a] [?e :name ?n] [(- ?a) ?x]]"));
        c.add(ok("[:find ?x :where [?e :age ?a] [(mod ?a 7) ?x]]"));
        c.add(ok("[:find ?x :where [?e :age ?a] [(rem ?a 7) ?x] [(quot ?a 7) ?y]]"));
        c.add(ok("[:find ?n ?x :where [?e :name ?n] [?e :age ?a] [(str ?n \"-\" ?a) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :name ?n] [(count ?n) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :name ?n] [(subs ?n 1) ?x]]"));
        c.add(ok("[:find ?x :where [?e :name ?n] [(re-pattern \"[aeiou]+\") ?p] [(re-find ?p ?n) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :name ?n] [(re-pattern \"[aeiou]\") ?p] [(re-seq ?p ?n) ?x]]"));
        c.add(ok("[:find ?n ?x :where [?e :name ?n] [(re-pattern \"(I)(v)\") ?p] [(re-find ?p ?n) ?x]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [(re-pattern \"^[A-M].*\") ?p] [(re-matches ?p ?n)]]"));
        c.add(ok("[:find ?p :where [?e :name ?n] [(re-pattern \"v\") ?r] [(clojure.string/split ?n ?r) ?p]]"));
        c.add(ok("[:find ?x :where [(clojure.string/join \"-\" [1 2 3]) ?x]]"));
        c.add(ok("[:find ?x :where [(clojure.string/lower-case \"AbC\") ?x] [(clojure.string/trim \" a \") ?y]]"));
        c.add(ok("[:find ?x ?y :where [(clojure.string/includes? \"hello\" \"ell\") ?x] [(clojure.string/ends-with? \"hello\" \"lo\") ?y]]"));
        c.add(ok("[:find ?x :where [(clojure.string/blank? \"  \") ?x]]"));
        c.add(ok("[:find ?k ?nm ?ns :where [(keyword \"a\" \"b\") ?k] [(name ?k) ?nm] [(namespace ?k) ?ns]]"));
        c.add(ok("[:find ?x :where [(vector 1 2) ?x]]"));
        c.add(ok("[:find ?x :where [(list 1 2) ?x]]"));
        c.add(ok("[:find ?x :where [(hash-map :a 1) ?m] [(get ?m :a) ?x]]"));
        c.add(ok("[:find ?x :where [(set [1 2 2]) ?s] [(contains? ?s 2) ?x]]"));
        c.add(ok("[:find ?x :where [(get [10 20] 1) ?x]]"));
        c.add(ok("[:find ?x :where [(get {} 1 :none) ?x]]"));
        c.add(ok("[:find ?x :where [(not-empty []) ?x]]"));
        c.add(ok("[:find ?x :where [(empty? []) ?x]]"));
        c.add(ok("[:find ?x ?y ?z :where [(nil? nil) ?x] [(some? 1) ?y] [(not false) ?z]]"));
        c.add(ok("[:find ?x ?y :where [(true? true) ?x] [(false? true) ?y]]"));
        c.add(ok("[:find ?x :where [(identity nil) ?x]]"));
        c.add(ok("[:find ?x ?y ?z :where [(zero? 0) ?x] [(pos? -1) ?y] [(neg? -1) ?z]]"));
        c.add(ok("[:find ?x ?y :where [(even? 4) ?x] [(odd? 4) ?y]]"));
        c.add(ok("[:find ?x ?y :where [(inc 1) ?x] [(dec 1.5) ?y]]"));
        c.add(ok("[:find ?x ?y :where [(max 1 3 2) ?x] [(min 1 3.5 2) ?y]]"));
        c.add(ok("[:find ?x :where [(compare \"a\" \"c\") ?x]]"));
        c.add(ok("[:find ?x :where [(+ 1 2 3) ?x]]"));
        c.add(ok("[:find ?x :where [(+ 1 2.5) ?x]]"));
        c.add(ok("[:find ?x :where [(* 2 3) ?x]]"));
        c.add(ok("[:find ?x :where [(/ 10 4) ?x]]"));
        c.add(ok("[:find ?x :where [(/ -7 2) ?x]]"));
        c.add(ok("[:find ?x :where [(/ 10 4.0) ?x]]"));
        c.add(ok("[:find ?x :where [(== 1 1.0)] [(ground 1) ?x]]"));
        c.add(ok("[:find ?x :where [(= 1 1.0)] [(ground 1) ?x]]"));
        c.add(ok("[:find ?x :where [(= 1 1 1)] [(ground 1) ?x]]"));
        c.add(ok("[:find ?x :where [(< 1 \"a\")] [(ground 1) ?x]]"));
        c.add(ok("[:find ?x :where [(< \"a\" \"b\")] [(ground 1) ?x]]"));
        c.add(ok("[:find ?x :where [(< :a :b)] [(ground 1) ?x]]"));
        c.add(ok("[:find ?x :where [(ground [1 2 3]) [?x ...]]]"));
        c.add(ok("[:find ?x ?y :where [(ground [[1 2] [3 4]]) [[?x ?y]]]]"));
        c.add(ok("[:find ?x ?y :where [(ground [1 2]) [?x ?y]]]"));
        c.add(ok("[:find ?y :where [(ground [1 2]) [_ ?y]]]"));
        c.add(ok("[:find ?t :where [(tuple 1 :a) ?t]]"));
        c.add(ok("[:find ?b :where [(tuple 1 2) ?t] [(untuple ?t) [?a ?b]]]"));
        c.add(ok("[:find ?n :where [?e :age ?a] [(+ 0 15) ?a] [?e :name ?n]]"));
        c.add(ok("[:find ?x :where [(-differ? 1 2) ?x]]".replace("-differ?", "not=")));
        c.add(ok("[:find ?n ?v :where [?e :name ?n] [(get-else $ ?e :color :none) ?v]]"));
        c.add(ok("[:find ?n ?v :where [?e :name ?n] [(get-else $ ?e :age 0) ?v]]"));
        c.add(ok("[:find ?n ?a ?v :where [?e :name ?n] [(get-some $ ?e :salary :age) [?a ?v]]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] [(missing? $ ?e :color)]]"));
        c.add(ok("[:find ?n ?c :where [?e :name ?n] [(q (quote [:find (count ?f) . :in $ ?x :where [?x :friend ?f]]) $ ?e) ?c]]"));
        c.add(ok("[:find ?e :where [(fulltext $ :bio \"chess\") [[?e _ _ _]]]]"));
        c.add(err("[:find ?n ?v :where [?e :name ?n] [(get-else $ ?e :friend 0) ?v]]"));
        c.add(err("[:find ?e :where [?e :age ?a] [(< ?a 18 30)]]"));
        c.add(err("[:find ?x :where [(+ \"a\" 1) ?x]]"));
        c.add(err("[:find ?x :where [(/ 1 0) ?x]]"));
        c.add(err("[:find ?x :where [(+ 9223372036854775807 1) ?x]]"));
        c.add(err("[:find ?x :where [?e :age ?a] [(ground ?a) ?x]]"));
        c.add(err("[:find ?e :where [?e :age ?a] [(foo ?a)]]"));
        // ---------------------------------------------------------------- not, or, and
        c.add(ok("[:find ?n :where [?e :name ?n] (not [?e :age 15])]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (not [?e :color _])]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (not [?e :age ?a] [(> ?a 18)])]".replace("(not [?e :age ?a] [(> ?a 18)])",
                "[?e :age ?a] (not [(> ?a 18)])")));
        c.add(ok("[:find ?n :where [?e :name ?n] (not-join [?e] [?e :friend ?f] [?f :age 20])]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (not (not [?e :heads 1]))]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (not [?e :heads 1] [?e :age 15])]"));
        c.add(ok("[:find ?n :where (or [?e :age 15] [?e :age 38]) [?e :name ?n]]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (or [?e :color :red] [?e :tag :c])]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (or-join [?e] [?e :friend ?f] [?e :parent ?p])]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (or-join [?e] (and [?e :age ?a] [(> ?a 40)]) [?e :heads 3])]"));
        c.add(ok("[:find ?n ?x :where [?e :name ?n] (or-join [?e ?x] (and [?e :age ?x] [(< ?x 16)]) (and [?e :heads ?x] [(> ?x 2)]))]"));
        c.add(ok("[:find ?n :where [?e :name ?n] (or-join [[?e]] [?e :color :blue] [?e :tag :a])]"));
        c.add(ok("[:find ?x ?y :where [?x :name] (or [?y :age 15])]"));
        c.add(ok("[:find ?n :in $ $b :where ($b or [?e :age 15] [?e :age 38]) [?e :name ?n]]", Src.DB, Src.DB));
        c.add(ok("[:find ?n :in $ $b :where [?e :name ?n] ($b not [?e :age 15])]", Src.DB, Src.DB));
        c.add(err("[:find ?x :where [?x :age ?a] (not [?f :age ?a])]"));
        c.add(err("[:find ?x :where [?x :name] (not-join [?x ?q] [?x :age ?a])]"));
        c.add(err("[:find ?e :where [?e :age ?a] (or [?e :heads 3] [?f :heads 1])]"));
        c.add(err("[:find ?x :in $ $ys :where [?x :age] (or-join [?x] [$ys ?x])]", Src.DB, List.of()));
        // ---------------------------------------------------------------- rules
        c.add(ok("[:find ?x ?y :in $ % :where (anc ?x ?y)]", Src.DB, rules()));
        c.add(ok("[:find ?n :in $ % :where [?x :name \"Ivan\"] (anc ?x ?y) [?y :name ?n]]", Src.DB, rules()));
        c.add(ok("[:find ?n :in $ % :where [?y :name \"Gleb\"] (anc ?x ?y) [?x :name ?n]]", Src.DB, rules()));
        c.add(ok("[:find ?y :in $ % :where (anc [:name \"Petr\"] ?y)]".replace("[:name \"Petr\"]", "?p")
                .replace(":in $ %", ":in $ % ?p"), Src.DB, rules(), new Ent("Petr")));
        c.add(ok("[:find ?n :in $ % :where [?x :name \"Dima\"] (reach ?x ?y) [?y :name ?n]]", Src.DB, rules()));
        c.add(ok("[:find ?na ?nb :in $ % :where (older ?a ?b) [?a :name ?na] [?b :name ?nb] [?a :heads 3]]", Src.DB, rules()));
        c.add(ok("[:find ?x ?y :in $ % :where (kin ?x ?y)]", Src.DB, rules()));
        c.add(ok("[:find ?x ?y :in $ % :where (even-chain ?x ?y)]", Src.DB, rules()));
        c.add(ok("[:find ?x ?y :in $ % :where (odd-chain ?x ?y)]", Src.DB, rules()));
        c.add(ok("[:find ?n :in $ % :where [?e :age 20] (named ?e ?n)]", Src.DB, rules()));
        c.add(ok("[:find ?n :in $ % :where (colorful ?e) [?e :name ?n]]", Src.DB, rules()));
        c.add(ok("[:find ?n :in $ % :where (no-color ?e) [?e :name ?n]]", Src.DB, rules()));
        c.add(ok("[:find ?e ?a :in $ % :where (by-age ?e ?a)]", Src.DB, rules()));
        c.add(ok("[:find (count ?y) . :in $ % :where (anc ?x ?y)]", Src.DB, rules()));
        c.add(ok("[:find ?x :in $ % :where (anc ?x ?x)]", Src.DB, rules()));
        c.add(ok("[:find ?y :in $ $b % :where ($b anc ?x ?y) [?x :name \"Ivan\"]]", Src.DB, Src.AS_OF_1, rules()));
        c.add(ok("[:find ?x ?y :in $ % :where (anc ?x ?y)]", Src.DB, RULES));
        c.add(ok("[:find ?x ?y :in $ % ?x :where (anc ?x ?y)]", Src.DB, rules(), List.of(EdnReader.read(":name"), "Ivan")));
        c.add(ok("[:find ?x ?y :in $ % [?x ...] :where (anc ?x ?y)]", Src.DB, rules(),
                List.of(List.of(EdnReader.read(":name"), "Ivan"), new Ent("Maria"))));
        c.add(ok("[:find ?n :in $ % :where [?x :name \"Ivan\"] (anc ?x ?y) [?y :age ?a] [(> ?a 50)] [?y :name ?n]]",
                Src.DB, rules()));
        c.add(ok("[:find ?x :in $ ?x :where [?y :friend ?x]]", Src.DB, List.of(EdnReader.read(":name"), "Oleg")));
        c.add(ok("[:find ?x ?y :in $ [?x ...] :where [?x :friend ?y]]", Src.DB,
                List.of(List.of(EdnReader.read(":name"), "Ivan"), List.of(EdnReader.read(":name"), "Petr"))));
        c.add(ok("[:find ?n :in $ % :where [?e :name ?n] (not (anc ?e _))]".replace("(anc ?e _)", "[?e :parent _]"),
                Src.DB, rules()));
        c.add(ok("[:find ?y :in $ % :where [?x :name \"Dima\"] (reach ?x ?y)]", Src.DB, rules()));
        c.add(ok("[:find ?n :in $ % :where [?x :name \"Anna\"] (reach ?x ?y) [?y :name ?n]]", Src.DB, rules()));
        c.add(err("[:find ?y :in $ % :where (named ?e ?y)]", Src.DB, rules()));
        c.add(err("[:find ?y :in $ % :where (nosuchrule ?e ?y)]", Src.DB, rules()));
        c.add(err("[:find ?y :in $ % :where (anc ?x)]", Src.DB, rules()));
        // ---------------------------------------------------------------- aggregates
        c.add(ok("[:find (sum ?h) :where [_ :heads ?h]]"));
        c.add(ok("[:find (sum ?h) :with ?e :where [?e :heads ?h]]"));
        c.add(ok("[:find (count ?e) :where [?e :name]]"));
        c.add(ok("[:find (count ?a) :where [_ :age ?a]]"));
        c.add(ok("[:find (count-distinct ?a) :with ?e :where [?e :age ?a]]"));
        c.add(ok("[:find (count ?a) :with ?e :where [?e :age ?a]]"));
        c.add(ok("[:find (avg ?a) (median ?a) (min ?a) (max ?a) :where [_ :age ?a]]"));
        c.add(ok("[:find (avg ?a) (median ?a) :with ?e :where [?e :age ?a]]"));
        c.add(ok("[:find (variance ?a) (stddev ?a) :where [_ :age ?a]]"));
        c.add(ok("[:find (sum ?s) (avg ?s) (median ?s) :with ?e :where [?e :salary ?s]]"));
        c.add(ok("[:find (min 2 ?a) (max 2 ?a) :where [_ :age ?a]]"));
        c.add(ok("[:find (min 3 ?a) (max 3 ?a) :with ?e :where [?e :age ?a]]"));
        c.add(ok("[:find (distinct ?a) :where [_ :age ?a]]"));
        c.add(ok("[:find ?h (count ?e) :where [?e :heads ?h]]"));
        c.add(ok("[:find ?h (count ?e) (avg ?a) :where [?e :heads ?h] [?e :age ?a]]"));
        c.add(ok("[:find ?c (count ?e) :where [?e :color ?c]]"));
        c.add(ok("[:find (min ?n) (max ?n) :where [_ :name ?n]]"));
        c.add(ok("[:find (count ?e) :where [?e :age 1000]]"));
        c.add(ok("[:find ?a (count ?e) :where [?e :age ?a] [?e :age 1000]]"));
        c.add(ok("[:find (count ?e) . :where [?e :age 1000]]"));
        c.add(ok("[:find (count ?e) . :where [?e :name]]"));
        c.add(ok("[:find [(count ?e) ...] :where [?e :heads ?h]]"));
        c.add(ok("[:find (median ?a) :in [?a ...]]", List.of(1L, 2L, 4L, 5L)));
        c.add(ok("[:find (median ?a) :in [?a ...]]", List.of(1.0, 2.0, 4.0, 5.0)));
        c.add(ok("[:find (sum ?a) (avg ?a) :in [?a ...]]", List.of(1L, 2.5)));
        c.add(ok("[:find (variance ?a) :in [?a ...]]", List.of(1L)));
        c.add(ok("[:find ?x (count ?a) :in [[?x ?a]]]", List.of(List.of(1L, 2L), List.of(1L, 3L), List.of(2L, 2L))));
        c.add(ok("[:find (count ?x) (count-distinct ?a) :in [[?x ?a]]]", List.of(List.of(1L, 2L), List.of(3L, 2L))));
        c.add(ok("[:find (count ?n) :in $ % :where (anc ?x ?y) [?y :name ?n]]", Src.DB, rules()));
        c.add(err("[:find (sum ?a) :with ?a :where [?e :age ?a]]"));
        c.add(err("[:find (sum ?a) :in [?a ...]]", List.of("a")));
        // ---------------------------------------------------------------- views
        c.add(ok("[:find ?n ?a :where [?e :name ?n] [?e :age ?a]]", Src.AS_OF_1));
        c.add(ok("[:find ?n ?a :where [?e :name ?n] [?e :age ?a]]", Src.SINCE_1));
        c.add(ok("[:find ?t :where [?e :name \"Ivan\"] [?e :tag ?t]]", Src.AS_OF_1));
        c.add(ok("[:find ?a ?tx ?added :where [?e :name \"Petr\"] [?e :age ?a ?tx ?added]]", Src.HISTORY));
        c.add(ok("[:find ?a ?added :where [?e :name \"Dima\"] [?e :age ?a _ ?added]]", Src.HISTORY));
        c.add(ok("[:find ?t :where [?e :tag ?t _ false]]", Src.HISTORY));
        c.add(ok("[:find (count ?e) :where [?e :name]]", Src.AS_OF_1));
        c.add(ok("[:find ?n :in $ $old :where [$old ?e :age ?a] [?e :age ?b] [(!= ?a ?b)] [?e :name ?n]]",
                Src.DB, Src.AS_OF_1));
        c.add(ok("[:find ?n :in $ $old :where [?e :name ?n] (not [$old ?e :name])]", Src.DB, Src.AS_OF_1));
        c.add(ok("[:find ?k ?v :in [[?k ?v]]]", EdnReader.read("{:a 1 :b 2}")));
        c.add(ok("[:find ?p :in [?p ...]]", EdnReader.read("{:a 1 :b 2}")));
        c.add(ok("[:find ?v :in ?m :where [(get ?m :a) ?v]]", EdnReader.read("{:a 1 :b 2}")));
        c.add(ok("[:find ?n :in $ [[?n ?a]] :where [?e :name ?n] [?e :age ?a]]", Src.DB, EdnReader.read("{\"Ivan\" 15 \"Oleg\" 20 \"Anna\" 21}")));
        c.add(ok("[:find ?e :in $c :where [$c ?e :s b]]", List.of(List.of(1L, EdnReader.read(":s"), EdnReader.read("b")),
                List.of(2L, EdnReader.read(":s"), EdnReader.read("c")))));
        c.add(ok("[:find ?e ?x :in $c :where [$c ?e ?x b]]", List.of(List.of(1L, EdnReader.read(":s"), EdnReader.read("b")),
                List.of(2L, EdnReader.read(":t"), EdnReader.read("b")))));
        c.add(ok("[:find ?e :where [?e :name Ivan]]"));
        c.add(ok("[:find (pull $2 ?e [:age]) :in $ $2 :where [?e :name \"Petr\"]]", Src.DB, Src.AS_OF_1));
        c.add(ok("[:find (pull $ ?e [:age]) :in $ $2 :where [$2 ?e :name \"Petr\"]]", Src.DB, Src.AS_OF_1));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> corpusAgreesWithDatomic() {
        List<Case> cases = corpus();
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case k = cases.get(i);
            tests.add(DynamicTest.dynamicTest(i + ": " + k.query(), () -> check(k)));
        }
        return tests.stream();
    }

    static void check(Case k) {
        check(side, k);
    }

    /**
     * Runs a query on both systems of {@code s} and fails unless both reject it or both give
     * the same answer (for generated cases, where either may be right).
     */
    static void agree(DatomicSide s, String query, Object... inputs) {
        Outcome ours = s.chronon(query, inputs);
        Outcome theirs = s.datomic(query, inputs);
        if (ours.failed() && theirs.failed()) {
            return;
        }
        check(s, new Case(query, inputs, false));
    }

    /** Runs one case on both systems of {@code s} and fails unless they agree. */
    static void check(DatomicSide s, Case k) {
        Outcome ours = s.chronon(k.query(), k.inputs());
        Outcome theirs = s.datomic(k.query(), k.inputs());
        if (ours.failed() && !(ours.error() instanceof io.chronon.ChrononException)) {
            // over HTTP anything else is a 500: every rejection must be a ChrononException with its category
            throw new AssertionError("not a ChrononException for " + k.query(), ours.error());
        }
        if (k.error()) {
            if (!ours.failed() || !theirs.failed()) {
                fail("expected both to reject " + k.query() + " " + java.util.Arrays.toString(k.inputs()) + "\n  chronon: " + ours + "\n  datomic: " + theirs);
            }
            return;
        }
        if (ours.failed() && !theirs.failed() && ours.error() instanceof io.chronon.ChrononException ce
                && ce.code() != null && ce.code().text().equals("chronon.error/answer-not-data")
                && io.chronon.edn.EdnPrinter.whyNotPrintable(theirs.result()) != null) {
            // Chronon refuses an answer that is not data (docs/query.md); Datomic's is not data either: (symbol " x ")
            return;
        }
        if (ours.failed() || theirs.failed()) {
            if (ours.error() != null && !(ours.error() instanceof io.chronon.ChrononException)) {
                ours.error().printStackTrace();
            }
            fail("query " + k.query() + " " + java.util.Arrays.toString(k.inputs()) + "\n  chronon: " + ours + "\n  datomic: " + theirs);
        }
        if (!Compare.same(ours.result(), theirs.result())) {
            fail("results differ for " + k.query() + " " + java.util.Arrays.toString(k.inputs()) + "\n  chronon: " + ours + "\n  datomic: " + theirs);
        }
    }

    /** Compares results as their shapes imply. */
    static final class Compare {
        private Compare() {
        }

        static boolean same(Object a, Object b) {
            if (a == null || b == null) {
                return a == b;
            }
            if (a instanceof Double x && b instanceof Double y) {
                return x.equals(y) || Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x));
            }
            if (a instanceof Set<?> x && b instanceof Set<?> y) {
                return sameBag(x, y);
            }
            if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
                if (x.size() != y.size()) {
                    return false;
                }
                for (Map.Entry<?, ?> e : x.entrySet()) {
                    if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
                        return false;
                    }
                }
                return true;
            }
            if (a instanceof List<?> x && b instanceof List<?> y) {
                if (x.size() != y.size()) {
                    return false;
                }
                for (int i = 0; i < x.size(); i++) {
                    if (!same(x.get(i), y.get(i))) {
                        return sameBag(x, y);
                    }
                }
                return true;
            }
            return a.equals(b);
        }

        /** Equal as multisets (greedy pairing; results are small). */
        static boolean sameBag(Collection<?> x, Collection<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            List<Object> rest = new ArrayList<>(y);
            for (Object o : x) {
                boolean found = false;
                for (int i = 0; i < rest.size(); i++) {
                    if (same(o, rest.get(i))) {
                        rest.remove(i);
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    return false;
                }
            }
            return true;
        }
    }

    // ==================================================================== random queries

    @TestFactory
    Stream<DynamicTest> randomQueriesAgreeWithDatomic() {
        java.util.Random rnd = new java.util.Random(20240611L);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            Case k = QueryGen.generate(rnd);
            tests.add(DynamicTest.dynamicTest("random " + i + ": " + k.query(), () -> {
                check(k);
                Object r = side.chronon(k.query(), k.inputs()).result();
                if (r instanceof Collection<?> coll && !coll.isEmpty()) {
                    nonEmpty++;
                }
            }));
        }
        tests.add(DynamicTest.dynamicTest("most random queries have answers", () ->
                org.junit.jupiter.api.Assertions.assertTrue(nonEmpty > 150, "only " + nonEmpty + " of 400 non-empty")));
        return tests.stream();
    }

    /**
     * Random queries over the test schema, written so that Datomic (which runs clauses in the
     * order written) can evaluate them: every predicate, function, not and rule call comes
     * after the clauses that bind its variables.
     */
    static final class QueryGen {
        private static final String[] NUM_ATTRS = {":age", ":heads", ":salary"};
        private static final String[] REF_ATTRS = {":friend", ":parent"};
        private static final String[] ALL_ATTRS = {":name", ":age", ":heads", ":salary", ":friend", ":parent", ":color",
            ":tag", ":nick"};
        private static final String[] AGES = {"15", "20", "37", "38", "10", "95"};
        private static final String[] NAMES = {"\"Ivan\"", "\"Oleg\"", "\"Anna\"", "\"Nobody\""};
        private static final String[] COLORS = {":red", ":blue", ":green"};
        private static final String[] TAGS = {":a", ":b", ":c", ":d"};
        private static final String[] CMP = {"<", ">", "<=", ">=", "=", "not="};
        private static final String[] AGGS = {"count", "count-distinct", "sum", "min", "max", "avg", "median"};

        private QueryGen() {
        }

        static Case generate(java.util.Random r) {
            List<String> where = new ArrayList<>();
            List<String> entityVars = new ArrayList<>();
            List<String> numVars = new ArrayList<>();
            List<String> otherVars = new ArrayList<>();
            int[] counter = {0};
            String e0 = "?e" + counter[0]++;
            entityVars.add(e0);
            where.add(pattern(r, e0, numVars, otherVars, entityVars, counter));
            int more = r.nextInt(3);
            for (int i = 0; i < more; i++) {
                String e = entityVars.get(r.nextInt(entityVars.size()));
                if (r.nextInt(4) == 0) {
                    String f = "?e" + counter[0]++;
                    where.add("[" + e + " " + REF_ATTRS[r.nextInt(REF_ATTRS.length)] + " " + f + "]");
                    entityVars.add(f);
                    where.add(pattern(r, f, numVars, otherVars, entityVars, counter));
                } else {
                    where.add(pattern(r, e, numVars, otherVars, entityVars, counter));
                }
            }
            if (!numVars.isEmpty() && r.nextInt(3) == 0) {
                String v = numVars.get(r.nextInt(numVars.size()));
                where.add("[(" + CMP[r.nextInt(CMP.length)] + " " + v + " " + AGES[r.nextInt(AGES.length)] + ")]");
            }
            if (numVars.size() > 0 && r.nextInt(5) == 0) {
                String v = numVars.get(r.nextInt(numVars.size()));
                String out = "?f" + counter[0]++;
                where.add("[(" + (r.nextBoolean() ? "+" : "*") + " " + v + " 2) " + out + "]");
                numVars.add(out);
            }
            String e = entityVars.get(r.nextInt(entityVars.size()));
            switch (r.nextInt(6)) {
                case 0 -> where.add("(not [" + e + " :color " + COLORS[r.nextInt(COLORS.length)] + "])");
                case 1 -> where.add("(not-join [" + e + "] [" + e + " :friend ?nf] [?nf :age " + AGES[r.nextInt(AGES.length)] + "])");
                case 2 -> where.add("(or [" + e + " :tag " + TAGS[r.nextInt(TAGS.length)] + "] [" + e + " :age "
                        + AGES[r.nextInt(AGES.length)] + "])");
                case 3 -> where.add("(or-join [" + e + "] (and [" + e + " :friend ?of] [?of :heads 1]) [" + e + " :color :red])");
                case 4 -> {
                    String y = "?e" + counter[0]++;
                    where.add("(anc " + e + " " + y + ")");
                    entityVars.add(y);
                }
                default -> {
                }
            }
            List<String> all = new ArrayList<>();
            all.addAll(entityVars);
            all.addAll(numVars);
            all.addAll(otherVars);
            String find;
            String with = "";
            if (!numVars.isEmpty() && r.nextInt(3) == 0) {
                String v = numVars.get(r.nextInt(numVars.size()));
                String agg = AGGS[r.nextInt(AGGS.length)];
                String group = r.nextBoolean() ? otherOrEntity(r, all, v) + " " : "";
                find = group + "(" + agg + " " + v + ")";
                if (r.nextBoolean()) {
                    with = " :with " + entityVars.get(0);
                    if (group.trim().equals(entityVars.get(0)) || v.equals(entityVars.get(0))) {
                        with = "";
                    }
                }
            } else {
                java.util.Collections.shuffle(all, r);
                find = String.join(" ", all.subList(0, 1 + r.nextInt(Math.min(3, all.size()))));
            }
            String q = "[:find " + find + with + " :in $ % :where " + String.join(" ", where) + "]";
            return new Case(q, new Object[] {r.nextInt(5) == 0 ? Src.AS_OF_1 : Src.DB, rules()}, false);
        }

        private static String otherOrEntity(java.util.Random r, List<String> all, String not) {
            List<String> c = new ArrayList<>(all);
            c.remove(not);
            return c.isEmpty() ? "" : c.get(r.nextInt(c.size()));
        }

        private static String pattern(java.util.Random r, String e, List<String> numVars, List<String> otherVars,
                                      List<String> entityVars, int[] counter) {
            String attr = ALL_ATTRS[r.nextInt(ALL_ATTRS.length)];
            boolean constant = r.nextInt(3) == 0;
            String v;
            if (constant) {
                v = switch (attr) {
                    case ":name" -> NAMES[r.nextInt(NAMES.length)];
                    case ":age", ":heads" -> AGES[r.nextInt(AGES.length)];
                    case ":salary" -> "350.25";
                    case ":color" -> COLORS[r.nextInt(COLORS.length)];
                    case ":tag" -> TAGS[r.nextInt(TAGS.length)];
                    case ":nick" -> "\"anya\"";
                    default -> "_";
                };
            } else if (r.nextInt(4) == 0) {
                v = "_";
            } else {
                String prefix = java.util.Arrays.asList(NUM_ATTRS).contains(attr) ? "?n" : attr.equals(":friend")
                        || attr.equals(":parent") ? "?e" : "?v";
                // sometimes reuse a variable of the same kind, for value joins
                List<String> pool = prefix.equals("?n") ? numVars : prefix.equals("?e") ? entityVars : otherVars;
                // value joins only between attributes of one type (Datomic rejects a value of another type)
                List<String> same = new ArrayList<>();
                for (String x : pool) {
                    if (x.endsWith("_" + attr.substring(1)) || prefix.equals("?n") && x.endsWith("_" + attr.substring(1))) {
                        same.add(x);
                    }
                }
                if (!same.isEmpty() && r.nextInt(3) == 0 && !prefix.equals("?e")) {
                    v = same.get(r.nextInt(same.size()));
                } else {
                    v = prefix + counter[0]++ + (prefix.equals("?e") ? "" : "_" + attr.substring(1));
                    pool.add(v);
                }
            }
            return "[" + e + " " + attr + " " + v + "]";
        }
    }
}
