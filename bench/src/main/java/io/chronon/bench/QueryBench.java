package io.chronon.bench;

import java.util.List;

/**
 * A query bench of WORKLOAD.md §3.2: the query text, its inputs, and the result size
 * Datomic returned on each data set.
 *
 * @param name        the bench name
 * @param query       the query, passed as a string on every call
 * @param inputs      what follows the db among the inputs
 * @param idx         also run on {@code people20k-idx}
 * @param asOf        runs on {@code db.asOf(tMid)} instead of {@code db}
 * @param sizeKind    how a result is sized
 * @param expected20k the reference size at 20k (also for {@code -idx})
 * @param expected200k the reference size at 200k; null when the bench is not run there
 * @param check       the §3.4 reference answer to verify, if any
 */
public record QueryBench(String name, String query, Inputs inputs, boolean idx, boolean asOf, SizeKind sizeKind,
                         long expected20k, Long expected200k, Check check) {

    /** The inputs after the db. */
    public enum Inputs {
        NONE,
        /** the long 50000 ({@code qpred2}) */
        MIN_SALARY,
        /** the rules R */
        RULES,
        /** the rules R and the eids of {@code :id} 1..100, resolved before timing */
        RULES_AND_100_EIDS
    }

    /** How a result is sized: its row count, or the value of a lone {@code (count ...)}. */
    public enum SizeKind { ROWS, COUNT_VALUE }

    /** The reference answers of §3.4. */
    public enum Check { NONE, AGG_BY_SEX, ASOF_AGG_BY_SEX, AGG_WITH_SUM, Q4, QPRED1, REACH_100, CLOSURE }

    /** Rules R of §3.2: the transitive closure of {@code :follows}. */
    public static final String RULES = "[[(follows ?x ?y) [?x :follows ?y]] "
            + "[(follows ?x ?y) [?x :follows ?t] (follows ?t ?y)]]";

    static final String Q1 = "[:find ?e :where [?e :name \"Ivan\"]]";
    static final String AGG_BY_SEX = "[:find ?sex (count ?e) (avg ?age) (max ?sal) "
            + ":where [?e :sex ?sex] [?e :age ?age] [?e :salary ?sal]]";
    static final String AGG_COUNT = "[:find (count ?e) :where [?e :name _]]";

    /** All query benches, in the order they run. */
    public static final List<QueryBench> ALL = List.of(
            rows("q1", Q1, true, 2466, 25179L, Check.NONE),
            rows("q2", "[:find ?e ?a :where [?e :name \"Ivan\"] [?e :age ?a]]", true, 2466, 25179L, Check.NONE),
            rows("q2-switch", "[:find ?e ?a :where [?e :age ?a] [?e :name \"Ivan\"]]", true, 2466, 25179L,
                    Check.NONE),
            rows("q3", "[:find ?e ?a :where [?e :name \"Ivan\"] [?e :age ?a] [?e :sex :male]]", true, 1226, 12534L,
                    Check.NONE),
            rows("q4", "[:find ?e ?l ?a :where [?e :name \"Ivan\"] [?e :last-name ?l] [?e :age ?a] [?e :sex :male]]",
                    true, 1226, 12534L, Check.Q4),
            rows("q5", "[:find ?e1 ?l ?a :where [?e :name \"Ivan\"] [?e :age ?a] [?e1 :age ?a] [?e1 :last-name ?l]]",
                    true, 20000, null, Check.NONE),
            rows("qpred1", "[:find ?e ?s :where [?e :salary ?s] [(> ?s 50000)]]", true, 10080, 100032L, Check.QPRED1),
            new QueryBench("qpred2", "[:find ?e ?s :in $ ?min_s :where [?e :salary ?s] [(> ?s ?min_s)]]",
                    Inputs.MIN_SALARY, true, false, SizeKind.ROWS, 10080, 100032L, Check.QPRED1),
            count("q-not", "[:find (count ?e) :where [?e :name \"Ivan\"] (not [?e :sex :male])]", true, 1240, 12645L),
            count("q-or", "[:find (count ?e) :where (or [?e :name \"Ivan\"] [?e :name \"Petr\"])]", true, 4968, 50025L),
            rows("join-follows", "[:find ?e1 ?e2 :where [?e1 :name \"Ivan\"] [?e1 :follows ?e2] [?e2 :sex :female] "
                    + "[?e2 :age ?a] [(< ?a 30)]]", true, 190, 1933L, Check.NONE),
            count("join-2hop-count", "[:find (count ?e3) :where [?e1 :name \"Ivan\"] [?e1 :follows ?e2] "
                    + "[?e2 :follows ?e3]]", false, 622, 5969L),
            count("agg-count", AGG_COUNT, false, 20000, 200000L),
            rows("agg-by-sex", AGG_BY_SEX, false, 2, 2L, Check.AGG_BY_SEX),
            rows("agg-with-sum", "[:find ?l (sum ?s) :with ?e :where [?e :last-name ?l] [?e :salary ?s]]", false,
                    6, 6L, Check.AGG_WITH_SUM),
            new QueryBench("rule-reach-100", "[:find ?y :in $ % [?x ...] :where (follows ?x ?y)]",
                    Inputs.RULES_AND_100_EIDS, false, false, SizeKind.ROWS, 156, 84L, Check.REACH_100),
            new QueryBench("rule-closure", "[:find ?e ?e2 :in $ % :where (follows ?e ?e2)]", Inputs.RULES, false,
                    false, SizeKind.ROWS, 20562, null, Check.CLOSURE),
            new QueryBench("asof-q1", Q1, Inputs.NONE, true, true, SizeKind.ROWS, 1245, 12619L, Check.NONE),
            new QueryBench("asof-agg-by-sex", AGG_BY_SEX, Inputs.NONE, false, true, SizeKind.ROWS, 2, 2L,
                    Check.ASOF_AGG_BY_SEX),
            new QueryBench("asof-agg-count", AGG_COUNT, Inputs.NONE, false, true, SizeKind.COUNT_VALUE, 10000,
                    100000L, Check.NONE));

    private static QueryBench rows(String name, String query, boolean idx, long e20k, Long e200k, Check check) {
        return new QueryBench(name, query, Inputs.NONE, idx, false, SizeKind.ROWS, e20k, e200k, check);
    }

    private static QueryBench count(String name, String query, boolean idx, long e20k, Long e200k) {
        return new QueryBench(name, query, Inputs.NONE, idx, false, SizeKind.COUNT_VALUE, e20k, e200k, Check.NONE);
    }

    /** Whether the bench runs on a data set. */
    public boolean runsOn(DataSet ds) {
        if (ds.indexed() && !idx) {
            return false;
        }
        return ds.reference() != 200_000 || expected200k != null;
    }

    /** The reference size on a data set, or null when there is none (a smoke slice). */
    public Long expectedSize(DataSet ds) {
        return switch (ds.reference()) {
            case 20_000 -> expected20k;
            case 200_000 -> expected200k;
            default -> null;
        };
    }
}
