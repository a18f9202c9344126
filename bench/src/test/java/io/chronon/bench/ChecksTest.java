package io.chronon.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The checks and statistics the bench reports must catch what they claim to catch. */
class ChecksTest {
    private static final Function<Object, Object> ID_IS_EID_MINUS_1000 = e -> ((Long) e) - 1000;

    @Test
    void nearestRankStatistics() {
        long[] tenSamples = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
        BenchResult r = BenchResult.of("ds", "b", "sys", tenSamples, 1, "op", 0, 0, 0, 0, 0, 0, "");
        assertEquals(5e-3, r.medianUs(), 1e-12);
        assertEquals(10e-3, r.p99Us(), 1e-12, "with n < 100 the p99 is the max");
        long[] hundred = new long[200];
        for (int i = 0; i < hundred.length; i++) {
            hundred[i] = i + 1;
        }
        assertEquals(198e-3, BenchResult.of("ds", "b", "sys", hundred, 1, "op", 0, 0, 0, 0, 0, 0, "").p99Us(), 1e-12);
    }

    @Test
    void entityColumnsFollowTheFindSpec() {
        assertArrayEquals(new boolean[] {true, false, false},
                Canon.entityColumns("[:find ?e1 ?l ?a :where [?e :name \"Ivan\"]]"));
        assertArrayEquals(new boolean[] {false, false, false, false},
                Canon.entityColumns(QueryBench.AGG_BY_SEX));
        assertArrayEquals(new boolean[] {false, false},
                Canon.entityColumns("[:find ?l (sum ?s) :with ?e :where [?e :last-name ?l]]"));
        assertArrayEquals(new boolean[] {true}, Canon.entityColumns("[:find ?y :in $ % [?x ...] :where (follows ?x ?y)]"));
    }

    @Test
    void rowsCompareThroughIdsAndDiffNamesTheDifference() {
        List<String> a = Canon.rows(Set.of(List.of(1001L, "Ivan"), List.of(1002L, "Petr")), new boolean[] {true, false},
                ID_IS_EID_MINUS_1000);
        List<String> b = Canon.rows(Set.of(List.of(7002L, "Petr"), List.of(7001L, "Ivan")), new boolean[] {true, false},
                e -> ((Long) e) - 7000);
        assertNull(Canon.diff("A", a, "B", b), "the same people under other eids are the same rows");
        List<String> c = Canon.rows(Set.of(List.of(7001L, "Ivan"), List.of(7003L, "Oleg")), new boolean[] {true, false},
                e -> ((Long) e) - 7000);
        String diff = Canon.diff("A", a, "C", c);
        assertNotNull(diff);
        assertEquals(true, diff.contains("only in A: [#id 2 \"Petr\"]") && diff.contains("only in C: [#id 3 \"Oleg\"]"), diff);
    }

    @Test
    void doublesAgreeTo12Digits() {
        assertEquals(Canon.of(49.23559577677225, ID_IS_EID_MINUS_1000), Canon.of(49.235595776772254, ID_IS_EID_MINUS_1000));
    }

    @Test
    void referenceAnswersCatchAWrongSum() {
        List<List<Object>> right = List.of(List.of("Ivanov", 167240932L), List.of("Kovalev", 167473289L),
                List.of("Kuznetsov", 167048136L), List.of("Petrov", 165317392L), List.of("Sidorov", 169455532L),
                List.of("Voronoi", 166883603L));
        assertNull(ReferenceAnswers.check(QueryBench.Check.AGG_WITH_SUM, 20_000, right, ID_IS_EID_MINUS_1000));
        List<List<Object>> wrong = new java.util.ArrayList<>(right);
        wrong.set(0, List.of("Ivanov", 167240933L));
        assertNotNull(ReferenceAnswers.check(QueryBench.Check.AGG_WITH_SUM, 20_000, wrong, ID_IS_EID_MINUS_1000));
        assertNull(ReferenceAnswers.check(QueryBench.Check.AGG_WITH_SUM, 0, wrong, ID_IS_EID_MINUS_1000),
                "a smoke slice has no reference");
    }

    @Test
    void pullOfPerson1IsChecked() {
        Map<Object, Object> person1 = new java.util.LinkedHashMap<>();
        person1.put(":db/id", 1001L);
        person1.put(":id", 1L);
        person1.put(":name", "Denis");
        person1.put(":last-name", "Sidorov");
        person1.put(":sex", ":male");
        person1.put(":age", 1L);
        person1.put(":salary", 96434L);
        assertNull(ReferenceAnswers.checkPullPerson1(200_000, person1));
        assertNotNull(ReferenceAnswers.checkPullPerson1(20_000, person1), "at 20k person 1 follows someone");
        person1.put(":follows", List.of(Map.of(":db/id", 1999L)));
        assertNull(ReferenceAnswers.checkPullPerson1(20_000, person1));
    }
}
