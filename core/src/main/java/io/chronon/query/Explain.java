package io.chronon.query;

import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the planner did for one run of a query: the clauses in the order it ran them, how
 * each ran (index and bounds for data patterns), the rows it expected and the rows each step
 * actually produced, and the result. Printable as EDN with {@link #toString()}.
 */
public final class Explain {
    /**
     * One step of the top-level conjunction.
     *
     * @param index         the step's position in the chosen order (0 first)
     * @param clause        the clause as written (or {@code input-relation} for a collection input)
     * @param operation     {@code scan}, {@code scan-product}, {@code lookup} (per-row index
     *                      lookups), {@code hash-join} (scan joined by hash), {@code filter},
     *                      {@code function}, {@code anti-join} (not), {@code or}, {@code rule}
     *                      or {@code join-input}
     * @param access        for data patterns, the index and its bounds, e.g. {@code AVET [:name "Ivan" _ _]}
     *                      ({@code ?} marks a value taken from each input row); else null
     * @param estimatedRows the rows the planner expected (-1 for filters, which run as soon as they can)
     * @param inputRows     the rows before the step
     * @param actualRows    the rows after the step
     * @param millis        the time the step took
     */
    public record Step(int index, Object clause, String operation, String access, long estimatedRows,
                       long inputRows, long actualRows, double millis) {
        /** This step as EDN data. */
        public Map<Keyword, Object> toEdn() {
            Map<Keyword, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("step"), (long) index);
            m.put(Keyword.of("clause"), clause);
            m.put(Keyword.of("op"), Keyword.of(operation));
            if (access != null) {
                m.put(Keyword.of("index"), access);
            }
            m.put(Keyword.of("estimated-rows"), estimatedRows);
            m.put(Keyword.of("input-rows"), inputRows);
            m.put(Keyword.of("actual-rows"), actualRows);
            m.put(Keyword.of("ms"), Math.round(millis * 1000) / 1000.0);
            return m;
        }
    }

    private final Object query;
    private final List<Step> steps;
    private final Object result;
    private final double millis;

    Explain(Object query, List<Step> steps, Object result, double millis) {
        this.query = query;
        this.steps = List.copyOf(steps);
        this.result = result;
        this.millis = millis;
    }

    /** The query as given. */
    public Object query() {
        return query;
    }

    /** The steps in the order they ran. */
    public List<Step> steps() {
        return steps;
    }

    /** The query's result. */
    public Object result() {
        return result;
    }

    /** The total time of the run, in milliseconds. */
    public double millis() {
        return millis;
    }

    /** The plan as EDN data: {@code {:query ... :steps [{:step 0 :clause ... :op :lookup ...}] :ms ...}}. */
    public Map<Keyword, Object> toEdn() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("query"), query);
        List<Object> s = new ArrayList<>();
        for (Step st : steps) {
            s.add(st.toEdn());
        }
        m.put(Keyword.of("steps"), s);
        m.put(Keyword.of("ms"), Math.round(millis * 1000) / 1000.0);
        return m;
    }

    /** The plan as EDN text. */
    @Override
    public String toString() {
        return QueryParser.show(toEdn());
    }
}
