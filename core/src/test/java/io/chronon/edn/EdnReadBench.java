package io.chronon.edn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading EDN: the shared people-20k.edn (2.1 MB, 30,001 forms) whole, and one typical
 * transaction map. Was a timed unit test (under 100 ms once warm); see core/pom.xml for the
 * command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EdnReadBench {
    private String people;
    private String person;

    @Setup
    public void read() throws IOException {
        people = Files.readString(PeopleFileTest.peopleFile(), StandardCharsets.UTF_8);
        person = "{:person/id 17 :person/name \"Ann Smith\" :person/email \"ann@example.com\" :person/age 31"
                + " :person/tags #{:a :b} :person/born #inst \"1990-01-02T03:04:05.000-00:00\"}";
    }

    @Benchmark
    public List<Object> people20k() {
        return EdnReader.readAll(people);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object oneEntityMap() {
        return EdnReader.read(person);
    }
}
