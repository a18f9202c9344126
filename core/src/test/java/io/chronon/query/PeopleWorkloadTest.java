package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.chronon.db.DbValue;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The people-20k workload of WORKLOAD.md: the result sizes Datomic gave and the reference
 * answers, on the same data loaded the same way (1000-entity transactions). Not timed: see
 * {@link PeopleBench} for rough timings, the bench module for measurements.
 */
class PeopleWorkloadTest {
    static DbValue db;
    static long tMid;

    static final String RULES = "[[(follows ?x ?y) [?x :follows ?y]] [(follows ?x ?y) [?x :follows ?t] (follows ?t ?y)]]";

    static final Object[][] QUERIES = {
        {"q1", "[:find ?e :where [?e :name \"Ivan\"]]", 2466},
        {"q2", "[:find ?e ?a :where [?e :name \"Ivan\"] [?e :age ?a]]", 2466},
        {"q2-switch", "[:find ?e ?a :where [?e :age ?a] [?e :name \"Ivan\"]]", 2466},
        {"q3", "[:find ?e ?a :where [?e :name \"Ivan\"] [?e :age ?a] [?e :sex :male]]", 1226},
        {"q4", "[:find ?e ?l ?a :where [?e :name \"Ivan\"] [?e :last-name ?l] [?e :age ?a] [?e :sex :male]]", 1226},
        {"q5", "[:find ?e1 ?l ?a :where [?e :name \"Ivan\"] [?e :age ?a] [?e1 :age ?a] [?e1 :last-name ?l]]", 20000},
        {"qpred1", "[:find ?e ?s :where [?e :salary ?s] [(> ?s 50000)]]", 10080},
        {"qpred2", "[:find ?e ?s :in $ ?min_s :where [?e :salary ?s] [(> ?s ?min_s)]]", 10080},
        {"q-not", "[:find (count ?e) :where [?e :name \"Ivan\"] (not [?e :sex :male])]", 1},
        {"q-or", "[:find (count ?e) :where (or [?e :name \"Ivan\"] [?e :name \"Petr\"])]", 1},
        {"join-follows", "[:find ?e1 ?e2 :where [?e1 :name \"Ivan\"] [?e1 :follows ?e2] [?e2 :sex :female] [?e2 :age ?a] [(< ?a 30)]]", 190},
        {"join-2hop-count", "[:find (count ?e3) :where [?e1 :name \"Ivan\"] [?e1 :follows ?e2] [?e2 :follows ?e3]]", 1},
        {"agg-count", "[:find (count ?e) :where [?e :name _]]", 1},
        {"agg-by-sex", "[:find ?sex (count ?e) (avg ?age) (max ?sal) :where [?e :sex ?sex] [?e :age ?age] [?e :salary ?sal]]", 2},
        {"agg-with-sum", "[:find ?l (sum ?s) :with ?e :where [?e :last-name ?l] [?e :salary ?s]]", 6},
        {"rule-reach-100", "[:find ?y :in $ % [?x ...] :where (follows ?x ?y)]", 156},
        {"rule-closure", "[:find ?e ?e2 :in $ % :where (follows ?e ?e2)]", 20562},
        {"lookup-q", "[:find ?e :in $ ?id :where [?e :id ?id]]", 1},
    };

    @BeforeAll
    static void load() throws IOException {
        Path file = null;
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path c = dir.resolve("shared/bench/people-20k.edn");
            if (Files.isRegularFile(c)) {
                file = c;
                break;
            }
        }
        assertNotNull(file, "shared/bench/people-20k.edn not found above " + System.getProperty("user.dir"));
        List<Object> forms = EdnReader.readAll(Files.readString(file, StandardCharsets.UTF_8));
        DbValue d = DbValue.empty();
        d = TxProcessor.transact(d, (List<?>) forms.get(0), TxOptions.defaults()).dbAfter();
        for (int i = 1; i <= 20_000; i += 1000) {
            d = TxProcessor.transact(d, forms.subList(i, i + 1000), TxOptions.defaults()).dbAfter();
            if (i + 1000 == 10_001) {
                tMid = d.basisT();
            }
        }
        for (int i = 20_001; i < forms.size(); i += 1000) {
            d = TxProcessor.transact(d, forms.subList(i, Math.min(i + 1000, forms.size())), TxOptions.defaults()).dbAfter();
        }
        db = LayeredValues.maybeSplit(d);
    }

    static Object[] inputs(String name) {
        Object rules = EdnReader.read(RULES);
        return switch (name) {
            case "qpred2" -> new Object[] {db, 50000L};
            case "rule-reach-100" -> {
                List<Object> ids = new ArrayList<>();
                for (long k = 1; k <= 100; k++) {
                    ids.add(db.entid(List.of(Keyword.of("id"), k)));
                }
                yield new Object[] {db, rules, ids};
            }
            case "rule-closure" -> new Object[] {db, rules};
            case "lookup-q" -> new Object[] {db, 7919L};
            default -> new Object[] {db};
        };
    }

    static int size(Object r) {
        if (r instanceof Collection<?> c) {
            if (c.size() == 1 && c.iterator().next() instanceof List<?> l && l.size() == 1 && l.get(0) instanceof Long n
                    && !(r instanceof java.util.Set)) {
                return 1;
            }
            return c.size();
        }
        return r == null ? 0 : 1;
    }

    @Test
    void resultSizesMatchDatomic() {
        for (Object[] q : QUERIES) {
            Object r = Datalog.q(q[1], inputs((String) q[0]));
            assertEquals(q[2], size(r), (String) q[0]);
        }
        assertEquals(List.of(List.of(1240L)), Datalog.q(QUERIES[8][1], db));
        assertEquals(List.of(List.of(4968L)), Datalog.q(QUERIES[9][1], db));
        assertEquals(List.of(List.of(622L)), Datalog.q(QUERIES[11][1], db));
        assertEquals(List.of(List.of(20000L)), Datalog.q(QUERIES[12][1], db));
        assertEquals(Datalog.q(QUERIES[0][1], db.asOf(tMid)).toString().length() > 0, true);
        assertEquals(1245, ((Collection<?>) Datalog.q(QUERIES[0][1], db.asOf(tMid))).size());
        assertEquals(List.of(List.of(10000L)), Datalog.q(QUERIES[12][1], db.asOf(tMid)));
    }

    @Test
    void referenceAnswers() {
        Object bySex = Datalog.q("[:find ?sex (count ?e) (avg ?age) (max ?sal) :where [?e :sex ?sex] [?e :age ?age] [?e :salary ?sal]]", db);
        assertEquals(new java.util.HashSet<>(List.of(
                List.of(Keyword.of("female"), 9945L, 49.23559577677225, 99997L),
                List.of(Keyword.of("male"), 10055L, 49.54012928891099, 99995L))), new java.util.HashSet<>((Collection<?>) bySex));
        Object bySexAsOf = Datalog.q("[:find ?sex (count ?e) (avg ?age) (max ?sal) :where [?e :sex ?sex] [?e :age ?age] [?e :salary ?sal]]", db.asOf(tMid));
        assertEquals(new java.util.HashSet<>(List.of(
                List.of(Keyword.of("female"), 4991L, 49.01222199959928, 99997L),
                List.of(Keyword.of("male"), 5009L, 49.58195248552605, 99995L))), new java.util.HashSet<>((Collection<?>) bySexAsOf));
        Object sums = Datalog.q("[:find ?l (sum ?s) :with ?e :where [?e :last-name ?l] [?e :salary ?s]]", db);
        assertEquals(new java.util.HashSet<>(List.of(List.of("Ivanov", 167240932L), List.of("Kovalev", 167473289L),
                List.of("Kuznetsov", 167048136L), List.of("Petrov", 165317392L), List.of("Sidorov", 169455532L),
                List.of("Voronoi", 166883603L))), new java.util.HashSet<>((Collection<?>) sums));
        Object q4 = Datalog.q("[:find (sum ?id) (sum ?a) (count ?e) :with ?l :where [?e :name \"Ivan\"] [?e :last-name ?l] [?e :age ?a] [?e :sex :male] [?e :id ?id]]", db);
        assertEquals(List.of(List.of(12117793L, 60148L, 1226L)), q4);
        Object reach = Datalog.q("[:find (count ?y) (sum ?id) :in $ % [?x ...] :where (follows ?x ?y) [?y :id ?id]]", inputs("rule-reach-100"));
        assertEquals(List.of(List.of(156L, 1611489L)), reach);
        Object closure = Datalog.q("[:find (count ?e) (sum ?k) :in $ % :where (follows ?e ?e2) [?e :id ?a] [?e2 :id ?b] [(* 31 ?a) ?a31] [(+ ?a31 ?b) ?k]]", inputs("rule-closure"));
        assertEquals(List.of(List.of(20562L, 6601065371L)), closure);
    }

}
