package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.db.ValueType;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.chronon.pull.TestDb.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pull features on a small database numbered as Datomic numbers the same transactions, so
 * that the expected results are Datomic 1.0.7622's own answers, pasted as printed.
 */
class PullTest {
    static final long MALE = user(1001);
    static final long FEMALE = user(1002);
    static final long A = user(1004);
    static final long PH1 = user(1005);
    static final long PH2 = user(1006);
    static final long ADDR = user(1007);
    static final long B = user(1008);
    static final long C = user(1009);
    static final List<Object> LOOKUP_A = List.of(Keyword.of("p/name"), "a");

    static DbValue db;
    static long schemaT;
    static long dataT;

    /** The people of the exploration: a friends b and c, b friends a, c friends itself; best a->b->c->a. */
    @BeforeAll
    static void build() {
        TestDb t = new TestDb();
        t.attr("p/name", ValueType.STRING, false, "identity", false);
        t.attr("p/friend", ValueType.REF, true);
        t.attr("p/best", ValueType.REF, false);
        t.attr("p/addr", ValueType.REF, false, null, true);
        t.attr("p/phones", ValueType.REF, true, null, true);
        t.attr("p/sex", ValueType.REF, false);
        t.attr("p/tags", ValueType.KEYWORD, true);
        t.attr("p/nums", ValueType.LONG, true);
        t.attr("p/age", ValueType.LONG, false);
        t.attr("a/street", ValueType.STRING, false);
        t.attr("ph/num", ValueType.STRING, false);
        t.ident(MALE, "male");
        t.ident(FEMALE, "female");
        schemaT = t.commit().basisT();
        t.add(A, "p/name", "a").add(A, "p/friend", B, C).add(A, "p/best", B).add(A, "p/sex", MALE)
                .add(A, "p/tags", kw("x"), kw("y"), kw("a")).add(A, "p/nums", 3L, 1L, 2L).add(A, "p/age", 30L)
                .add(A, "p/addr", ADDR).add(ADDR, "a/street", "s1").add(A, "p/phones", PH1, PH2)
                .add(PH1, "ph/num", "1").add(PH2, "ph/num", "2");
        t.add(B, "p/name", "b").add(B, "p/friend", A).add(B, "p/best", C);
        t.add(C, "p/name", "c").add(C, "p/best", A).add(C, "p/friend", C);
        db = t.commit();
        dataT = db.basisT();
    }

    static Keyword kw(String s) {
        return Keyword.of(s);
    }

    /** Datomic's printed answer with entity ids in place of $a, $b, ... */
    static Object expected(String edn) {
        String s = edn.replace("$male", Long.toString(MALE)).replace("$ph1", Long.toString(PH1))
                .replace("$ph2", Long.toString(PH2)).replace("$addr", Long.toString(ADDR))
                .replace("$a", Long.toString(A)).replace("$b", Long.toString(B)).replace("$c", Long.toString(C));
        return EdnReader.read(s);
    }

    static void check(String pattern, Object eid, String datomicAnswer) {
        assertEquals(expected(datomicAnswer), Pull.pull(db, pattern, eid), pattern);
    }

    static ChrononException rejects(String pattern, Object eid) {
        ChrononException e = assertThrows(ChrononException.class, () -> Pull.pull(db, pattern, eid), pattern);
        assertEquals(ErrorCategory.INCORRECT, e.category(), pattern);
        return e;
    }

    // ------------------------------------------------------------------ attributes and wildcard

    @Test
    void wildcardExpandsComponentsAndGivesOtherRefsAsIds() {
        check("[*]", LOOKUP_A, "{:p/nums [1 2 3], :p/phones [{:db/id $ph1, :ph/num \"1\"} {:db/id $ph2, :ph/num \"2\"}],"
                + " :p/friend [#:db{:id $b} #:db{:id $c}], :p/best #:db{:id $b}, :p/tags [:a :x :y], :p/age 30,"
                + " :p/sex #:db{:id $male}, :db/id $a, :p/name \"a\", :p/addr {:db/id $addr, :a/street \"s1\"}}");
    }

    @Test
    void namedAttributesNestedPatternsAndComponents() {
        check("[:p/name {:p/friend [:p/name]} :p/sex :p/addr :p/phones]", LOOKUP_A,
                "#:p{:name \"a\", :friend [#:p{:name \"b\"} #:p{:name \"c\"}], :sex #:db{:id $male},"
                        + " :addr {:db/id $addr, :a/street \"s1\"},"
                        + " :phones [{:db/id $ph1, :ph/num \"1\"} {:db/id $ph2, :ph/num \"2\"}]}");
    }

    @Test
    void wildcardWithAnExplicitSpecForOneAttribute() {
        check("[* {:p/friend [:p/name]}]", LOOKUP_A, "{:p/nums [1 2 3], :p/phones [{:db/id $ph1, :ph/num \"1\"}"
                + " {:db/id $ph2, :ph/num \"2\"}], :p/friend [#:p{:name \"b\"} #:p{:name \"c\"}], :p/best #:db{:id $b},"
                + " :p/tags [:a :x :y], :p/age 30, :p/sex #:db{:id $male}, :db/id $a, :p/name \"a\","
                + " :p/addr {:db/id $addr, :a/street \"s1\"}}");
        check("[* *]", List.of(kw("p/name"), "c"), "{:db/id $c, :p/name \"c\", :p/best {:db/id $a}, :p/friend [{:db/id $c}]}");
    }

    @Test
    void enumsAreRefsToIdentEntities() {
        check("[:p/sex]", LOOKUP_A, "#:p{:sex #:db{:id $male}}");
        check("[{:p/sex [:db/ident]}]", LOOKUP_A, "#:p{:sex #:db{:ident :male}}");
        check("[{:p/sex [*]}]", LOOKUP_A, "#:p{:sex #:db{:id $male, :ident :male}}");
        check("[*]", kw("male"), "#:db{:id $male, :ident :male}");
        check("[:db/ident]", kw("male"), "#:db{:ident :male}");
    }

    @Test
    void schemaEntitiesPullLikeAnyOther() {
        check("[*]", kw("p/name"), "#:db{:id 72, :ident :p/name, :valueType #:db{:id 23}, :cardinality #:db{:id 35},"
                + " :unique #:db{:id 38}}");
        check("[*]", List.of(10L, kw("male")), "#:db{:id $male, :ident :male}");
    }

    @Test
    void dbIdAndMissingAttributes() {
        check("[:p/name :db/id]", LOOKUP_A, "{:db/id $a, :p/name \"a\"}");
        check("[:db/id]", LOOKUP_A, "#:db{:id $a}");
        check("[:db/id :db/id]", LOOKUP_A, "#:db{:id $a}");
        check("[[:db/id :as \"id\" :xform str]]", LOOKUP_A, "#:db{:id $a}");
        check("[:p/name :nope/x :nope]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[{:nope [:p/name]}]", LOOKUP_A, "nil");
        check("[]", LOOKUP_A, "nil");
        check("[{}]", LOOKUP_A, "nil");
        check("[{:db/id [:p/name]}]", LOOKUP_A, "nil");
        check("[{* [:p/name]}]", LOOKUP_A, "nil");
    }

    @Test
    void entitiesThatDoNotExist() {
        check("[*]", 999999L, "#:db{:id 999999}");
        check("[:p/name]", 999999L, "nil");
        check("[:db/id]", 999999L, "#:db{:id 999999}");
        check("[*]", List.of(kw("p/name"), "zzz"), "#:db{:id nil}");
        check("[:p/name]", List.of(kw("p/name"), "zzz"), "nil");
        check("[:db/id :p/name]", List.of(kw("p/name"), "zzz"), "#:db{:id nil}");
        check("[*]", null, "#:db{:id nil}");
        check("[*]", kw("nope-ident"), "#:db{:id nil}");
        check("[:p/name]", kw("nope-ident"), "nil");
        check("[[:p/name :default \"q\"]]", 999999L, "#:p{:name \"q\"}");
        check("[[:p/_friend :default 7]]", 999999L, "#:p{:_friend 7}");
        check("[[:p/foo :xform str]]", List.of(kw("p/name"), "zzz"), "#:p{:foo \"\"}");
        check("[*]", -5L, "#:db{:id -5}");
        check("[*]", 1.5, "#:db{:id nil}");
        check("[*]", true, "#:db{:id nil}");
        check("[*]", Arrays.asList(kw("p/name"), null), "#:db{:id nil}");
        check("[*]", List.of(kw("p/name"), 5L), "#:db{:id nil}");
    }

    @Test
    void entityReferences() {
        check("[:p/name]", ":male", "nil");
        check("[:db/ident]", ":male", "#:db{:ident :male}");
        check("[:p/name]", List.of(":p/name", "a"), "#:p{:name \"a\"}");
        check("[:db/ident]", 72, "#:db{:ident :p/name}");
        check("[:p/name]", Pull.entity(db, A), "#:p{:name \"a\"}");
        rejects("[*]", "a");
        rejects("[*]", List.of("p/name", "a"));
        rejects("[*]", List.of(kw("p/age"), 30L));
        rejects("[*]", List.of(kw("p/name")));
        rejects("[*]", List.of(kw("p/name"), "a", 1L));
        rejects("[*]", List.of(kw("nope"), "x"));
    }

    // ------------------------------------------------------------------ reverse references

    @Test
    void reverseReferences() {
        check("[:p/name :p/_friend :p/_best]", LOOKUP_A, "#:p{:name \"a\", :_friend [#:db{:id $b}], :_best [#:db{:id $c}]}");
        check("[:p/name {:p/_friend [:p/name]}]", LOOKUP_A, "#:p{:name \"a\", :_friend [#:p{:name \"b\"}]}");
        check("[{:p/_friend [:p/name]}]", List.of(kw("p/name"), "c"), "#:p{:_friend [#:p{:name \"a\"} #:p{:name \"c\"}]}");
        check("[[:p/_friend :limit 1]]", List.of(kw("p/name"), "c"), "#:p{:_friend [#:db{:id $a}]}");
        check("[[:p/_friend :as \"rf\"]]", List.of(kw("p/name"), "c"), "{\"rf\" [#:db{:id $a} #:db{:id $c}]}");
        check("[[:p/_friend :default 7]]", List.of(kw("p/name"), "c"), "#:p{:_friend [#:db{:id $a} #:db{:id $c}]}");
        check("[[:p/_nope :default 7]]", LOOKUP_A, "#:p{:_nope 7}");
        check("[:p/_nope :p/_name]", LOOKUP_A, "nil");
        check("[{:p/_sex [:p/name]}]", kw("male"), "#:p{:_sex [#:p{:name \"a\"}]}");
    }

    @Test
    void reverseOfAComponentIsOneMap() {
        check("[:a/street :p/_addr]", ADDR, "{:a/street \"s1\", :p/_addr #:db{:id $a}}");
        check("[:a/street {:p/_addr [:p/name]}]", ADDR, "{:a/street \"s1\", :p/_addr #:p{:name \"a\"}}");
        check("[:ph/num :p/_phones]", PH2, "{:ph/num \"2\", :p/_phones #:db{:id $a}}");
        check("[[:p/_phones :limit 0]]", PH2, "{:p/_phones #:db{:id $a}}");
        check("[[:p/_phones :xform str]]", PH2, "{:p/_phones \"{:db/id $a}\"}");
    }

    // ------------------------------------------------------------------ attribute expressions

    @Test
    void limitsInEveryForm() {
        for (String p : List.of("[(:p/nums :limit 2)]", "[[:p/nums :limit 2]]", "[(limit :p/nums 2)]",
                "[[limit :p/nums 2]]", "[[:p/nums :limit 2N]]")) {
            check(p, LOOKUP_A, "#:p{:nums [1 2]}");
        }
        check("[[:p/nums :limit nil]]", LOOKUP_A, "#:p{:nums [1 2 3]}");
        check("[(limit :p/nums)]", LOOKUP_A, "#:p{:nums [1 2 3]}");
        check("[[:p/friend :limit 0]]", LOOKUP_A, "nil");
        check("[[:p/friend :limit -1]]", LOOKUP_A, "nil");
        check("[[:p/name :limit 1]]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[[:p/tags :limit 1]]", LOOKUP_A, "#:p{:tags [:a]}");
        check("[[:p/nums :limit 2 :limit 3]]", LOOKUP_A, "#:p{:nums [1 2 3]}");
        check("[{(limit :p/friend 1) [:p/name]}]", LOOKUP_A, "#:p{:friend [#:p{:name \"b\"}]}");
        check("[{(:p/friend :limit 1) [:p/name]}]", LOOKUP_A, "#:p{:friend [#:p{:name \"b\"}]}");
    }

    @Test
    void asAndDefault() {
        check("[[:p/nums :as \"n\"]]", LOOKUP_A, "{\"n\" [1 2 3]}");
        check("[[:p/name :as :foo/bar]]", LOOKUP_A, "#:foo{:bar \"a\"}");
        check("[[:p/name :as 1]]", LOOKUP_A, "{1 \"a\"}");
        check("[[:p/name :as nil]]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[[:p/nums :as \"a\" :as \"b\"]]", LOOKUP_A, "{\"b\" [1 2 3]}");
        check("[(:p/name :as \"x\")]", LOOKUP_A, "{\"x\" \"a\"}");
        check("[(:p/nums :limit 1 :as \"q\")]", LOOKUP_A, "{\"q\" [1]}");
        check("[{[:p/friend :as \"f\" :limit 1] [:p/name]}]", LOOKUP_A, "{\"f\" [#:p{:name \"b\"}]}");
        check("[[:p/foo :default 5]]", LOOKUP_A, "#:p{:foo 5}");
        check("[(default :p/foo 5)]", LOOKUP_A, "#:p{:foo 5}");
        check("[(default :p/name 1 2)]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[[:p/name :default nil]]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[[:p/foo :default nil]]", LOOKUP_A, "nil");
        check("[[:p/friend :default 5]]", List.of(kw("p/name"), "c"), "#:p{:friend [#:db{:id $c}]}");
        check("[[:p/best :default 3]]", 999999L, "#:p{:best 3}");
        check("[:p/name {:p/best [[:p/foo :default 1]]}]", LOOKUP_A, "#:p{:name \"a\", :best #:p{:foo 1}}");
        check("[{[:p/friend :default 3] [:p/age]}]", LOOKUP_A, "#:p{:friend 3}");
        check("[[:p/name :foo 1]]", LOOKUP_A, "#:p{:name \"a\"}"); // unknown options are ignored
    }

    @Test
    void xformsApplyToWholeValuesAndToMissingOnes() {
        check("[[:p/age :xform str]]", LOOKUP_A, "#:p{:age \"30\"}");
        check("[[:p/nums :xform str]]", LOOKUP_A, "#:p{:nums \"[1 2 3]\"}");
        check("[[:p/tags :xform str]]", LOOKUP_A, "#:p{:tags \"[:a :x :y]\"}");
        check("[[:p/best :xform str]]", LOOKUP_A, "#:p{:best \"{:db/id $b}\"}");
        check("[[:p/name :xform keyword]]", LOOKUP_A, "#:p{:name :a}");
        check("[[:p/name :xform symbol]]", LOOKUP_A, "#:p{:name a}");
        check("[[:p/name :xform clojure.edn/read-string]]", LOOKUP_A, "#:p{:name a}");
        check("[[:p/name :xform clojure.core/str]]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[[:p/foo :xform str]]", LOOKUP_A, "#:p{:foo \"\"}");
        check("[[:p/foo :default \"x\" :xform str]]", LOOKUP_A, "#:p{:foo \"\"}");
        check("[[:p/foo :default \"x\" :xform keyword]]", LOOKUP_A, "#:p{:foo \"x\"}");
        check("[[:p/foo :xform keyword]]", LOOKUP_A, "nil");
        check("[[:p/foo :xform clojure.edn/read-string]]", LOOKUP_A, "nil");
        check("[[:p/name :xform nil]]", LOOKUP_A, "#:p{:name \"a\"}");
        check("[{[:p/friend :xform str] [:p/age]}]", LOOKUP_A, "#:p{:friend \"\"}");
        check("[{:p/friend [[:p/name :xform keyword]]}]", LOOKUP_A, "#:p{:friend [#:p{:name :b} #:p{:name :c}]}");
        check("[{:p/sex [[:db/ident :xform name]]}]", LOOKUP_A, "#:p{:sex #:db{:ident \"male\"}}");
        check("[{:p/sex [[:db/ident :xform namespace]]}]", LOOKUP_A, "nil");
        // :xform keyword and symbol on text that is no keyword or symbol: an answer no client could read (fuzzing found it)
        assertEquals(Keyword.of("chronon.error/answer-not-data"), rejects("[[:ph/num :xform keyword]]", PH1).code());
        assertEquals(Keyword.of("chronon.error/answer-not-data"), rejects("[[:ph/num :xform symbol]]", PH1).code());
        assertEquals(Keyword.of("chronon.error/answer-not-data"),
                assertThrows(ChrononException.class, () -> Pull.pullMany(db, "[[:ph/num :xform keyword]]", List.of(PH2))).code());
        rejects("[[:p/tags :xform name]]", LOOKUP_A);
        rejects("[[:p/age :xform name]]", LOOKUP_A);
        rejects("[[:p/foo :xform name]]", LOOKUP_A);
        rejects("[[:p/name :xform namespace]]", LOOKUP_A);
        rejects("[[:p/name :xform \"str\"]]", LOOKUP_A);
        rejects("[[:p/name :xform :str]]", LOOKUP_A);
        rejects("[[:p/name :xform foo/bar]]", LOOKUP_A);
        rejects("[[:p/name :xform clojure.core/eval]]", LOOKUP_A);
    }

    // ------------------------------------------------------------------ recursion

    @Test
    void unboundedRecursionStopsAtEntitiesAlreadyOnThePath() {
        check("[:p/name {:p/friend ...}]", LOOKUP_A, "#:p{:name \"a\", :friend [#:p{:name \"b\", :friend [#:p{:name \"a\","
                + " :friend [#:p{:name \"b\"} #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}]}"
                + " #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}");
        check("[:p/name {:p/best ...}]", LOOKUP_A,
                "#:p{:name \"a\", :best #:p{:name \"b\", :best #:p{:name \"c\", :best #:p{:name \"a\", :best #:p{:name \"b\"}}}}}");
        check("[:p/name {:p/friend 5}]", LOOKUP_A, "#:p{:name \"a\", :friend [#:p{:name \"b\", :friend [#:p{:name \"a\","
                + " :friend [#:p{:name \"b\"} #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}]}"
                + " #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}");
        check("[:p/name {:p/_friend ...}]", LOOKUP_A,
                "#:p{:name \"a\", :_friend [#:p{:name \"b\", :_friend [#:p{:name \"a\", :_friend [#:p{:name \"b\"}]}]}]}");
        check("[:p/name {:p/_best ...}]", LOOKUP_A, "#:p{:name \"a\", :_best [#:p{:name \"c\", :_best [#:p{:name \"b\","
                + " :_best [#:p{:name \"a\", :_best [#:p{:name \"c\"}]}]}]}]}");
        check("[:p/name {:p/addr ...}]", LOOKUP_A, "#:p{:name \"a\"}");
    }

    @Test
    void aSeenEntityIsPulledAgainWithItsRecursionOff() {
        // with :db/id the switched-off recursion still shows the ids
        check("[:p/name {:p/friend ...} :db/id]", LOOKUP_A, "{:db/id $a, :p/name \"a\", :p/friend [{:db/id $b, :p/name \"b\","
                + " :p/friend [{:db/id $a, :p/name \"a\", :p/friend [{:db/id $b, :p/name \"b\", :p/friend [#:db{:id $a}]}"
                + " {:db/id $c, :p/name \"c\", :p/friend [{:db/id $c, :p/name \"c\", :p/friend [#:db{:id $c}]}]}]}]}"
                + " {:db/id $c, :p/name \"c\", :p/friend [{:db/id $c, :p/name \"c\", :p/friend [#:db{:id $c}]}]}]}");
        // non-recursive parts of the pattern still apply to a seen entity
        check("[:p/name {:p/best [:p/name]} {:p/friend ...}]", LOOKUP_A, "#:p{:name \"a\", :best #:p{:name \"b\","
                + " }, :friend [#:p{:name \"b\", :best #:p{:name \"c\"}, :friend [#:p{:name \"a\", :best #:p{:name \"b\"},"
                + " :friend [#:p{:name \"b\", :best #:p{:name \"c\"}} #:p{:name \"c\", :best #:p{:name \"a\"}, :friend"
                + " [#:p{:name \"c\", :best #:p{:name \"a\"}}]}]}]} #:p{:name \"c\", :best #:p{:name \"a\"}, :friend"
                + " [#:p{:name \"c\", :best #:p{:name \"a\"}}]}]}");
        // the root is not on the path: c -> c is followed once, then c is seen
        check("[* {:p/friend ...}]", List.of(kw("p/name"), "c"), "{:db/id $c, :p/name \"c\", :p/best #:db{:id $a},"
                + " :p/friend [{:db/id $c, :p/name \"c\", :p/best #:db{:id $a}, :p/friend [{:db/id $c, :p/name \"c\","
                + " :p/best #:db{:id $a}, :p/friend [#:db{:id $c}]}]}]}");
    }

    @Test
    void recursionDepthsCountPerSpec() {
        check("[:p/name {:p/best 1}]", LOOKUP_A, "#:p{:name \"a\", :best #:p{:name \"b\"}}");
        check("[:p/name {:p/friend 1}]", LOOKUP_A, "#:p{:name \"a\", :friend [#:p{:name \"b\"} #:p{:name \"c\"}]}");
        check("[:p/name :db/id {:p/best 1}]", LOOKUP_A,
                "{:db/id $a, :p/name \"a\", :p/best {:db/id $b, :p/name \"b\", :p/best #:db{:id $c}}}");
        check("[:p/name {:p/best 2} {:p/friend 1}]", LOOKUP_A, "#:p{:name \"a\", :best #:p{:name \"b\", :best #:p{:name"
                + " \"c\", :friend [#:p{:name \"c\"}]}, :friend [#:p{:name \"a\", :best #:p{:name \"b\"}}]}, :friend"
                + " [#:p{:name \"b\", :best #:p{:name \"c\", :best #:p{:name \"a\"}}} #:p{:name \"c\", :best #:p{:name"
                + " \"a\", :best #:p{:name \"b\"}}}]}");
        check("[:p/name :db/id {:p/best 1} {:p/friend 1}]", LOOKUP_A, "{:db/id $a, :p/name \"a\", :p/best {:db/id $b,"
                + " :p/name \"b\", :p/best #:db{:id $c}, :p/friend [{:db/id $a, :p/name \"a\", :p/best #:db{:id $b},"
                + " :p/friend [#:db{:id $b} #:db{:id $c}]}]}, :p/friend [{:db/id $b, :p/name \"b\", :p/best {:db/id $c,"
                + " :p/name \"c\", :p/best #:db{:id $a}, :p/friend [#:db{:id $c}]}, :p/friend [#:db{:id $a}]} {:db/id $c,"
                + " :p/name \"c\", :p/best {:db/id $a, :p/name \"a\", :p/best #:db{:id $b}, :p/friend [#:db{:id $b}"
                + " #:db{:id $c}]}, :p/friend [#:db{:id $c}]}]}");
        check("[:p/name :db/id {[:p/friend :as \"F\"] 1}]", LOOKUP_A, "{:db/id $a, :p/name \"a\", \"F\" [{:db/id $b,"
                + " :p/name \"b\", \"F\" [#:db{:id $a}]} {:db/id $c, :p/name \"c\", \"F\" [#:db{:id $c}]}]}");
        check("[:p/name {[:p/best :xform str] 1}]", LOOKUP_A,
                "#:p{:name \"a\", :best \"{:p/name \\\"b\\\", :p/best \\\"\\\"}\"}");
    }

    @Test
    void recursionInsideANestedPatternRecursesIntoThatPattern() {
        check("[{:p/friend [:p/name {:p/friend ...}]}]", LOOKUP_A, "#:p{:friend [#:p{:name \"b\", :friend [#:p{:name"
                + " \"a\", :friend [#:p{:name \"b\"} #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}]} #:p{:name \"c\","
                + " :friend [#:p{:name \"c\"}]}]}");
        check("[:p/name {:p/friend [:p/name {:p/best ...}]}]", LOOKUP_A, "#:p{:name \"a\", :friend [#:p{:name \"b\","
                + " :best #:p{:name \"c\", :best #:p{:name \"a\", :best #:p{:name \"b\"}}}} #:p{:name \"c\", :best"
                + " #:p{:name \"a\", :best #:p{:name \"b\", :best #:p{:name \"c\"}}}}]}");
        check("[:p/name {:p/friend [:p/name {:p/friend 1}]}]", LOOKUP_A,
                "#:p{:name \"a\", :friend [#:p{:name \"b\", :friend [#:p{:name \"a\"}]} #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}");
    }

    @Test
    void aRootNamedByItsIdIsSeenByRecursionOneNamedByALookupRefIsNot() {
        // Datomic keeps the root as it was given in its set of seen entities
        check("[:p/name {:p/best ...}]", A,
                "#:p{:name \"a\", :best #:p{:name \"b\", :best #:p{:name \"c\", :best #:p{:name \"a\"}}}}");
        check("[:p/name {:p/best ...}]", LOOKUP_A,
                "#:p{:name \"a\", :best #:p{:name \"b\", :best #:p{:name \"c\", :best #:p{:name \"a\", :best #:p{:name \"b\"}}}}}");
        check("[:db/id {:p/friend ...}]", C, "{:db/id $c, :p/friend [{:db/id $c, :p/friend [{:db/id $c}]}]}");
        check("[:db/id {:p/friend ...}]", List.of(kw("p/name"), "c"),
                "{:db/id $c, :p/friend [{:db/id $c, :p/friend [{:db/id $c, :p/friend [{:db/id $c}]}]}]}");
        assertEquals(Pull.pull(db, "[:db/id {:p/friend ...}]", C),
                Pull.pullMany(db, "[:db/id {:p/friend ...}]", List.of(C)).get(0));
    }

    @Test
    void withAWildcardAnExplicitSpecThatFindsNothingStillReplacesTheAttribute() {
        Map<Object, Object> r = Pull.pull(db, "[* {:p/friend [:p/age]} [:p/nums :limit 0] [:p/foo :limit 0]]", LOOKUP_A);
        assertTrue(r.containsKey(kw("p/friend")) && r.get(kw("p/friend")) == null, r.toString());
        assertTrue(r.containsKey(kw("p/nums")) && r.get(kw("p/nums")) == null, r.toString());
        assertTrue(!r.containsKey(kw("p/foo")));
        Map<Object, Object> as = Pull.pull(db, "[* {[:p/best :as \"b\"] [:p/age]}]", LOOKUP_A);
        assertTrue(as.containsKey("b") && as.get("b") == null && !as.containsKey(kw("p/best")), as.toString());
        // without *, nothing found is left out
        assertEquals(expected("#:p{:name \"a\"}"), Pull.pull(db, "[:p/name {:p/friend [:p/age]}]", LOOKUP_A));
    }

    @Test
    void theLegacyDefaultAlsoReplacesFalse() {
        TestDb t = new TestDb();
        t.attr("f/flag", ValueType.BOOLEAN, false);
        t.commit();
        long e = t.entity();
        t.add(e, "f/flag", false);
        DbValue fdb = t.commit();
        assertEquals(Map.of(kw("f/flag"), "d"), Pull.pull(fdb, "[(default :f/flag \"d\")]", e));
        assertEquals(Map.of(kw("f/flag"), false), Pull.pull(fdb, "[[:f/flag :default \"d\"]]", e));
        assertEquals(Map.of(kw("f/flag"), false), Pull.pull(fdb, "[(:f/flag :default \"d\")]", e));
        assertEquals(Map.of(kw("f/flag"), false), Pull.pull(fdb, "[:f/flag]", e));
    }

    // ------------------------------------------------------------------ string names

    @Test
    void attributesNamedByStringsGiveStringKeys() {
        Map<Object, Object> r = Pull.pull(db, List.of(kw("p/name"), Map.of(":p/friend", List.of(":p/name"))), LOOKUP_A);
        Map<Object, Object> expected = new LinkedHashMap<>();
        expected.put(kw("p/name"), "a");
        expected.put(":p/friend", List.of(Map.of(":p/name", "b"), Map.of(":p/name", "c")));
        assertEquals(expected, r);
        assertEquals(Map.of(":p/_friend", List.of(Map.of(":db/id", B))), Pull.pull(db, List.of(":p/_friend"), LOOKUP_A));
        Map<Object, Object> star = Pull.pull(db, List.of("*"), ADDR);
        assertEquals(Map.of(":db/id", ADDR, ":a/street", "s1"), star);
        Map<Object, Object> a = Pull.pull(db, "[\"*\"]", LOOKUP_A);
        assertEquals(Map.of(":db/id", PH1, ":ph/num", "1"), ((List<?>) a.get(":p/phones")).get(0));
        assertEquals(Map.of(":db/id", B), a.get(":p/best"));
    }

    // ------------------------------------------------------------------ invalid patterns

    @Test
    void invalidPatternsAreIncorrect() {
        for (String p : List.of("[1]", "[\"x\"]", "[nil]", "[*foo]", "[#{:p/name}]", "[[]]", "[()]", "[...]",
                "[[:p/name :limit]]", "[[:p/name :as]]", "[[:p/name :as \"x\" :limit]]", "[[:p/name :xform]]",
                "[(foo :p/name 1)]", "[[* :limit 1]]", "[(:p/name \"x\")]", "[(limit :p/nums 2.5)]",
                "[[:p/friend :limit \"x\"]]", "[{:p/friend :p/name}]", "[{:p/friend 0}]", "[{:p/friend -1}]",
                "[{:p/friend 1.5}]", "[{:p/friend nil}]", "[{:p/friend {}}]", "[{:p/friend (...)}]",
                "[{:p/friend [...]}]", "[:p/name :p/name]", "[[:p/friend :as \"f\"] [:p/friend :as \"g\"]]",
                "[{:p/friend [:p/name]} {:p/friend [:p/age]}]", "[:p/friend {:p/friend [:p/name]}]",
                "foo", "{:p/name [:p/name]}", "42", "[:p/name")) {
            ChrononException e = rejects(p, LOOKUP_A);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), p);
        }
        assertEquals(kw("pull/duplicate-attribute"), rejects("[:p/name [:p/name :as \"x\"]]", LOOKUP_A).code());
        assertEquals(1L, rejects("[1]", LOOKUP_A).form());
    }

    @Test
    void aNestedPatternOnANonRefAttributeIsRejected() {
        // Datomic reads such values as entity ids; Chronon says what is wrong instead
        rejects("[:p/name {:p/age [:p/name]}]", LOOKUP_A);
        rejects("[{:p/tags ...}]", LOOKUP_A);
    }

    // ------------------------------------------------------------------ many entities, views

    @Test
    void pullManyKeepsOrderAndNulls() {
        List<Map<Object, Object>> r = Pull.pullMany(db, "[:p/name]",
                List.of(LOOKUP_A, 999999L, List.of(kw("p/name"), "b"), List.of(kw("p/name"), "zzz"), kw("nope")));
        List<Object> expected = new ArrayList<>();
        expected.add(Map.of(kw("p/name"), "a"));
        expected.add(null);
        expected.add(Map.of(kw("p/name"), "b"));
        expected.add(null);
        expected.add(null);
        assertEquals(expected, r);
        assertEquals(Arrays.asList(expected("#:db{:id 999999}"), expected("#:db{:id nil}")),
                Pull.pullMany(db, "[*]", List.of(999999L, List.of(kw("p/name"), "zzz"))));
    }

    @Test
    void cardinalityManyValuesAreCappedAt1000UnlessLimited() {
        TestDb t = new TestDb();
        t.attr("n/name", ValueType.STRING, false, "identity", false);
        t.attr("n/nums", ValueType.LONG, true);
        t.attr("n/friend", ValueType.REF, true);
        t.commit();
        long n = t.entity();
        t.add(n, "n/name", "n");
        for (long i = 0; i < 1500; i++) {
            t.add(n, "n/nums", i);
        }
        for (int i = 0; i < 1100; i++) {
            long f = t.entity();
            t.add(f, "n/name", "f" + i).add(f, "n/friend", n);
            t.add(n, "n/friend", f);
        }
        DbValue big = t.commit();
        assertEquals(1000, ((List<?>) Pull.pull(big, "[:n/nums]", n).get(kw("n/nums"))).size());
        assertEquals(1000, ((List<?>) Pull.pull(big, "[*]", n).get(kw("n/nums"))).size());
        assertEquals(List.of(0L, 1L, 2L), ((List<?>) Pull.pull(big, "[:n/nums]", n).get(kw("n/nums"))).subList(0, 3));
        assertEquals(1500, ((List<?>) Pull.pull(big, "[[:n/nums :limit nil]]", n).get(kw("n/nums"))).size());
        assertEquals(1500, ((List<?>) Pull.pull(big, "[(limit :n/nums nil)]", n).get(kw("n/nums"))).size());
        assertEquals(1200, ((List<?>) Pull.pull(big, "[[:n/nums :limit 1200]]", n).get(kw("n/nums"))).size());
        assertEquals(1000, ((List<?>) Pull.pull(big, "[{:n/friend [:n/name]}]", n).get(kw("n/friend"))).size());
        assertEquals(1000, ((List<?>) Pull.pull(big, "[:n/_friend]", n).get(kw("n/_friend"))).size());
        assertEquals(1100, ((List<?>) Pull.pull(big, "[[:n/_friend :limit nil]]", n).get(kw("n/_friend"))).size());
    }

    @Test
    void timeViews() {
        TestDb t = new TestDb();
        t.attr("p/name", ValueType.STRING, false, "identity", false);
        t.attr("p/nums", ValueType.LONG, true);
        t.attr("p/age", ValueType.LONG, false);
        t.commit();
        long a = t.entity();
        t.add(a, "p/name", "a").add(a, "p/nums", 1L, 2L, 3L).add(a, "p/age", 30L);
        long t1 = t.commit().basisT();
        t.add(a, "p/age", 31L).retract(a, "p/age", 30L).retract(a, "p/nums", 1L).add(a, "p/nums", 7L);
        DbValue now = t.commit();
        List<Object> lookup = List.of(kw("p/name"), "a");
        assertEquals(expected("#:p{:age 30, :nums [1 2 3]}"), Pull.pull(now.asOf(t1), "[:p/age :p/nums]", lookup));
        assertEquals(expected("#:p{:age 31, :nums [2 3 7]}"), Pull.pull(now, "[:p/age :p/nums]", lookup));
        // since: the lookup ref itself no longer resolves, the entity id still does
        assertNull(Pull.pull(now.since(t1), "[:p/age :p/nums :p/name]", lookup));
        assertEquals(expected("#:db{:id nil}"), Pull.pull(now.since(t1), "[*]", lookup));
        assertEquals(expected("#:p{:age 31, :nums [7]}"), Pull.pull(now.since(t1), "[:p/age :p/nums :p/name]", a));
        assertEquals(Map.of(kw("db/id"), a), Pull.pull(now.asOf(t1 - 1), "[*]", a));
        ChrononException e = assertThrows(ChrononException.class, () -> Pull.pull(now.history(), "[*]", a));
        assertEquals(ErrorCategory.INCORRECT, e.category());
        assertThrows(ChrononException.class, () -> Pull.entity(now.history(), a));
    }

    @Test
    void worksOnADatabaseBuiltByTheTransactionProcessor() {
        DbValue t = DbValue.empty().with((List<?>) EdnReader.read("["
                + "{:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
                + "{:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}"
                + "{:db/ident :p/addr :db/valueType :db.type/ref :db/cardinality :db.cardinality/one :db/isComponent true}"
                + "{:db/ident :a/street :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]")).dbAfter();
        t = t.with((List<?>) EdnReader.read("[{:db/id \"a\" :p/name \"a\" :p/friend [\"b\" \"c\"] :p/addr {:a/street \"s1\"}}"
                + "{:db/id \"b\" :p/name \"b\" :p/friend [\"a\"]} {:db/id \"c\" :p/name \"c\" :p/friend [\"c\"]}]")).dbAfter();
        assertEquals(expected("#:p{:name \"a\", :friend [#:p{:name \"b\", :friend [#:p{:name \"a\", :friend [#:p{:name \"b\"}"
                + " #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}]} #:p{:name \"c\", :friend [#:p{:name \"c\"}]}]}"),
                Pull.pull(t, "[:p/name {:p/friend ...}]", LOOKUP_A));
        assertEquals(expected("{:a/street \"s1\", :p/_addr #:p{:name \"a\"}}"),
                Pull.pull(t, "[:a/street {:p/_addr [:p/name]}]", Pull.entity(t, LOOKUP_A).get(kw("p/addr"))));
    }

    @Test
    void compiledPatternsAndCachedStringsAreReused() {
        PullPattern p = Pull.compile("[:p/name {:p/friend [:p/name]}]");
        assertTrue(p == Pull.compile("[:p/name {:p/friend [:p/name]}]"));
        assertTrue(p == Pull.compile(p));
        assertEquals(Pull.pull(db, p, LOOKUP_A), Pull.pull(db, p.form(), LOOKUP_A));
        assertEquals("[:p/name {:p/friend [:p/name]}]", p.toString());
    }
}
