package io.chronon.query;

import io.chronon.edn.EdnReader;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parsing and checking a query, without the query cache that normally spares it: a plain join,
 * one with aggregates and a predicate, and one with rules and or-join. See core/pom.xml for the
 * command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class QueryParseBench {
    @Param({"join", "aggregate", "rules"})
    public String kind;

    private Object form;

    @Setup
    public void read() {
        form = EdnReader.read(switch (kind) {
            case "join" -> "[:find ?n ?f :in $ ?age :where [?e :person/age ?age] [?e :person/name ?n]"
                    + " [?e :person/follows ?x] [?x :person/name ?f]]";
            case "aggregate" -> "[:find ?city (count-distinct ?n) (avg ?age) :with ?e :where [?e :person/name ?n] [?e :person/city ?city]"
                    + " [?e :person/age ?age] [(> ?age 30)]]";
            default -> "[:find ?x ?y :in $ % :where (or-join [?x] (follows ?x ?y) (and [?x :person/age ?a] [(< ?a 20)]))"
                    + " (not [?x :person/city \"Paris\"]) [?y :person/name _]]";
        });
    }

    @Benchmark
    public Query parse() {
        return QueryParser.parse(form);
    }
}
