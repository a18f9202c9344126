package io.chronon.bench;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards the bench against rot: every bench runs a few times on a 2,000-person slice, on
 * Chronon and on Datomic, and the two must agree (sizes, and the rows with entity ids
 * mapped to {@code :id}). Any error or disagreement fails.
 */
class BenchSmokeTest {
    private static final Settings SMOKE = Settings.smoke();
    private static final int EXTRA = SMOKE.seqWarm() + SMOKE.seqMeasured()
            + SMOKE.concThreads() * (SMOKE.concWarm() + SMOKE.concMeasured());

    private static DatomicSystem datomic;
    private static ChrononSystem chronon;

    @BeforeAll
    static void start() {
        datomic = new DatomicSystem();
        chronon = new ChrononSystem();
    }

    @AfterAll
    static void stop() {
        datomic.close();
    }

    @Test
    void everyBenchAgreesOnA2000PersonSlice() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        Report report = new Report(null, out, List.of("smoke"), List.of("Datomic", "Chronon"));
        BenchRunner runner = new BenchRunner(List.of(datomic, chronon), name -> true, report);
        runner.run(DataSet.generated("people2k", 2_000, false, 0, EXTRA), SMOKE);
        runner.run(DataSet.generated("people2k-idx", 2_000, true, 0, 0), SMOKE);
        report.finish();
        String log = buffer.toString(StandardCharsets.UTF_8);
        if (Boolean.getBoolean("bench.smoke.verbose")) {
            System.out.println(log);
        }

        Set<String> ran = report.rows().stream().map(r -> r.dataset + "/" + r.bench).collect(Collectors.toSet());
        int expectedRows = BenchRunner.LOAD_BENCHES.size() + 1 + 2 + SystemDriver.POINT_BENCHES.size()
                + QueryBench.ALL.size() + (int) QueryBench.ALL.stream().filter(QueryBench::idx).count();
        assertEquals(expectedRows, ran.size(), "every bench should run once per data set:\n" + log);
        for (Report.Row row : report.rows()) {
            BenchResult d = row.bySystem.get("Datomic");
            assertTrue(d != null && d.ok(), "Datomic must run " + row.bench + ":\n" + log);
            assertTrue(d.n() > 0, row.bench + " measured nothing");
        }

        List<String> failures = report.mismatches();
        assertTrue(failures.isEmpty(), "Chronon and Datomic disagree:\n" + String.join("\n", failures) + "\n\n" + log);
    }
}
