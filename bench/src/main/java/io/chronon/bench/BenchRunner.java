package io.chronon.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs the benches of a data set on every system, alternating bench by bench: each bench
 * runs to completion on Datomic, then on Chronon, before the next bench starts (so slow
 * drift of the machine affects both alike). Before a query or point bench is timed, one
 * untimed call on each system is checked: its size against Datomic's reference, its rows
 * against the other system's (entity ids mapped to {@code :id}), and the §3.4 reference
 * answers. Any disagreement is reported as a mismatch; nothing is hidden.
 */
final class BenchRunner {
    /** The load benches that share runs. */
    static final List<String> LOAD_BENCHES = List.of("load.people.batch1000", "load.people.tx1000",
            "load.follows.batch1000");

    private final List<BenchSystem<?>> systems;
    private final Predicate<String> only;
    private final Report report;

    /**
     * @param systems the systems, the reference (Datomic) first
     * @param only    which bench names run
     */
    BenchRunner(List<BenchSystem<?>> systems, Predicate<String> only, Report report) {
        this.systems = systems;
        this.only = only;
        this.report = report;
    }

    /** Runs every selected bench of {@code data} with {@code settings}. */
    void run(DataSet data, Settings settings) {
        Map<String, SystemDriver<?>> drivers = new LinkedHashMap<>();
        Map<String, String> broken = new LinkedHashMap<>();
        for (BenchSystem<?> s : systems) {
            try {
                drivers.put(s.label(), new SystemDriver<>(s, data, settings));
            } catch (RuntimeException | StackOverflowError e) {
                broken.put(s.label(), "could not read the data: " + describe(e));
                report.problem(data.name() + ": " + s.label() + " could not read the data: " + describe(e));
            }
        }
        boolean plain = !data.indexed();
        try {
            if (plain && LOAD_BENCHES.stream().anyMatch(only)) {
                runLoads(data, drivers, broken);
            }
            if (plain && data.reference() != 200_000 && settings.singleTxMeasured() > 0
                    && only.test("load.people.single-tx")) {
                runGroup(data, drivers, broken, List.of("load.people.single-tx"), d -> List.of(d.loadSingleTx()));
            }
            String conc = "tx.1entity.conc" + settings.concThreads();
            if (plain && settings.runsTxBenches() && (only.test("tx.1entity.seq") || only.test(conc))) {
                runGroup(data, drivers, broken, List.of("tx.1entity.seq", conc),
                        SystemDriver::smallTransactions);
            }
            List<QueryBench> queries = QueryBench.ALL.stream().filter(b -> b.runsOn(data) && only.test(b.name())).toList();
            List<String> points = plain ? SystemDriver.POINT_BENCHES.stream().filter(only).toList() : List.of();
            if (!queries.isEmpty() || !points.isEmpty()) {
                for (Map.Entry<String, SystemDriver<?>> e : drivers.entrySet()) {
                    if (!broken.containsKey(e.getKey())) {
                        String err = attempt(() -> {
                            e.getValue().buildQueryDb();
                            return null;
                        });
                        if (err != null) {
                            broken.put(e.getKey(), "could not build the query db: " + err);
                            report.problem(data.name() + ": " + e.getKey() + " could not build the query db: " + err);
                        }
                    }
                }
                for (QueryBench q : queries) {
                    runQuery(data, drivers, broken, q);
                }
                if (!points.isEmpty()) {
                    checkPullPerson1(data, drivers, broken);
                }
                for (String p : points) {
                    runPoint(data, drivers, broken, p);
                }
            }
        } finally {
            for (SystemDriver<?> d : drivers.values()) {
                attempt(() -> {
                    d.releaseQueryDb();
                    return null;
                });
            }
        }
    }

    // ------------------------------------------------------------------ loads and transactions

    private void runLoads(DataSet data, Map<String, SystemDriver<?>> drivers, Map<String, String> broken) {
        runGroup(data, drivers, broken, LOAD_BENCHES, SystemDriver::loadBatches);
    }

    /** Runs benches that produce several results at once, system after system. */
    private void runGroup(DataSet data, Map<String, SystemDriver<?>> drivers, Map<String, String> broken,
                          List<String> names, java.util.function.Function<SystemDriver<?>, List<BenchResult>> body) {
        Map<String, Report.Row> rows = new LinkedHashMap<>();
        for (String n : names) {
            rows.put(n, new Report.Row(data.name(), n, null));
        }
        for (BenchSystem<?> s : systems) {
            SystemDriver<?> d = drivers.get(s.label());
            String reason = broken.get(s.label());
            List<BenchResult> results = null;
            if (reason == null) {
                Object[] box = new Object[1];
                reason = attempt(() -> {
                    box[0] = body.apply(d);
                    return null;
                });
                @SuppressWarnings("unchecked")
                List<BenchResult> r = (List<BenchResult>) box[0];
                results = r;
            }
            for (String n : names) {
                BenchResult r = null;
                if (results != null) {
                    r = results.stream().filter(x -> x.shortName().equals(n)).findFirst().orElse(null);
                }
                if (r == null) {
                    r = BenchResult.failed(data.name(), n, s.id(), Objects.requireNonNullElse(reason, "no result"));
                }
                rows.get(n).bySystem.put(s.label(), r);
            }
        }
        for (Report.Row row : rows.values()) {
            compareLoadSizes(data, row);
            report.add(finishChecks(row));
        }
    }

    /** Load and tx benches: the people and edge counts found afterwards must be as loaded, on both systems. */
    private void compareLoadSizes(DataSet data, Report.Row row) {
        for (Map.Entry<String, BenchResult> e : row.bySystem.entrySet()) {
            BenchResult r = e.getValue();
            if (!r.ok()) {
                row.errors.add(e.getKey() + " failed: " + r.error());
                continue;
            }
            if (!"ok".equals(r.check())) {
                row.problems.add(e.getKey() + ": " + r.check());
            }
            long want = row.bench.startsWith("load.follows") ? data.n() / 2
                    : row.bench.startsWith("load.people.tx1000") || row.bench.startsWith("tx.") ? r.resultSize()
                    : data.n();
            if (r.resultSize() != want) {
                row.problems.add(e.getKey() + " found " + r.resultSize() + " after the load, expected " + want);
            }
        }
    }

    // ------------------------------------------------------------------ queries

    private void runQuery(DataSet data, Map<String, SystemDriver<?>> drivers, Map<String, String> broken,
                          QueryBench q) {
        Long expected = q.expectedSize(data);
        Report.Row row = new Report.Row(data.name(), q.name(), expected);
        Map<String, List<String>> canon = new LinkedHashMap<>();
        for (BenchSystem<?> s : systems) {
            String label = s.label();
            SystemDriver<?> d = drivers.get(label);
            String reason = broken.get(label);
            if (reason == null) {
                // the untimed check call
                Object[] box = new Object[1];
                reason = attempt(() -> {
                    Object result = d.runQuery(q);
                    long size = d.sizeOf(q, result);
                    if (expected != null && size != expected) {
                        row.problems.add(label + " returned " + size + " results, reference " + expected);
                    }
                    String ref = d.referenceCheck(q, result);
                    if (ref != null) {
                        row.problems.add(label + " " + ref);
                    }
                    box[0] = d.canonicalRows(q, result);
                    return null;
                });
                if (box[0] != null) {
                    @SuppressWarnings("unchecked")
                    List<String> rows = (List<String>) box[0];
                    canon.put(label, rows);
                }
            }
            if (reason == null) {
                BenchResult[] r = new BenchResult[1];
                reason = attempt(() -> {
                    r[0] = d.measureQuery(q);
                    return null;
                });
                if (r[0] != null) {
                    row.bySystem.put(label, r[0]);
                }
            }
            if (reason != null) {
                row.bySystem.put(label, BenchResult.failed(data.name(), q.name(), s.id(), reason));
                row.errors.add(label + " failed: " + reason);
            }
        }
        compareAcrossSystems(row, canon);
        report.add(finishChecks(row));
    }

    /** Every system's canonical rows must equal the reference system's (the first one's). */
    private void compareAcrossSystems(Report.Row row, Map<String, List<String>> canon) {
        if (canon.size() < 2) {
            return;
        }
        List<Map.Entry<String, List<String>>> entries = new ArrayList<>(canon.entrySet());
        Map.Entry<String, List<String>> ref = entries.get(0);
        for (int i = 1; i < entries.size(); i++) {
            Map.Entry<String, List<String>> other = entries.get(i);
            String diff = Canon.diff(other.getKey(), other.getValue(), ref.getKey(), ref.getValue());
            if (diff != null) {
                row.problems.add("results differ: " + diff);
            }
        }
    }

    /** Records in each result whether its row passed, and flags differing measured sizes. */
    private Report.Row finishChecks(Report.Row row) {
        List<Long> sizes = row.bySystem.values().stream().filter(BenchResult::ok).map(BenchResult::resultSize)
                .distinct().toList();
        if (sizes.size() > 1) {
            row.problems.add("measured result sizes differ: " + sizesBySystem(row));
        }
        if (row.expectedSize != null) {
            for (Map.Entry<String, BenchResult> e : row.bySystem.entrySet()) {
                BenchResult r = e.getValue();
                if (r.ok() && r.resultSize() != row.expectedSize) {
                    String p = e.getKey() + " measured result size " + r.resultSize() + ", reference " + row.expectedSize;
                    if (!row.problems.contains(p)) {
                        row.problems.add(p);
                    }
                }
            }
        }
        if (!row.problems.isEmpty()) {
            String summary = String.join("; ", row.problems);
            row.bySystem.replaceAll((k, r) -> r.ok() ? r.withCheck("MISMATCH: " + summary) : r);
        }
        return row;
    }

    private static String sizesBySystem(Report.Row row) {
        StringBuilder sb = new StringBuilder();
        row.bySystem.forEach((k, r) -> sb.append(k).append('=').append(r.resultSize()).append(' '));
        return sb.toString().trim();
    }

    // ------------------------------------------------------------------ point access

    /** The §3.4 pull of person 1, checked once on each system. */
    private void checkPullPerson1(DataSet data, Map<String, SystemDriver<?>> drivers, Map<String, String> broken) {
        for (BenchSystem<?> s : systems) {
            SystemDriver<?> d = drivers.get(s.label());
            if (broken.containsKey(s.label())) {
                continue;
            }
            String[] problem = new String[1];
            String err = attempt(() -> {
                problem[0] = d.pullPerson1Check();
                return null;
            });
            if (err != null) {
                report.problem(data.name() + "/pull [*] [:id 1]: " + s.label() + " failed: " + err);
            } else if (problem[0] != null) {
                report.problem(data.name() + ": " + s.label() + " " + problem[0]);
            }
        }
    }

    private void runPoint(DataSet data, Map<String, SystemDriver<?>> drivers, Map<String, String> broken,
                          String bench) {
        Report.Row row = new Report.Row(data.name(), bench, null);
        Map<String, List<String>> canon = new LinkedHashMap<>();
        for (BenchSystem<?> s : systems) {
            String label = s.label();
            SystemDriver<?> d = drivers.get(label);
            String reason = broken.get(label);
            if (reason == null) {
                List<String> answers = new ArrayList<>();
                reason = attempt(() -> {
                    // the untimed check calls: the first 20 keys (one for the 1000-entity pulls)
                    var op = d.pointOp(bench);
                    int keys = bench.startsWith("pull-many") ? 1 : 20;
                    for (int k = 0; k < keys; k++) {
                        answers.add(d.canonicalPoint(bench, op.apply(k)));
                    }
                    return null;
                });
                canon.put(label, answers);
            }
            if (reason == null) {
                BenchResult[] r = new BenchResult[1];
                reason = attempt(() -> {
                    r[0] = d.measurePoint(bench);
                    return null;
                });
                if (r[0] != null) {
                    row.bySystem.put(label, r[0]);
                }
            }
            if (reason != null) {
                row.bySystem.put(label, BenchResult.failed(data.name(), bench, s.id(), reason));
                row.errors.add(label + " failed: " + reason);
                canon.remove(label);
            }
        }
        if (canon.size() >= 2) {
            List<Map.Entry<String, List<String>>> entries = new ArrayList<>(canon.entrySet());
            for (int i = 1; i < entries.size(); i++) {
                List<String> a = entries.get(i).getValue();
                List<String> b = entries.get(0).getValue();
                for (int k = 0; k < Math.min(a.size(), b.size()); k++) {
                    if (!a.get(k).equals(b.get(k))) {
                        row.problems.add("results differ for key " + k + ": " + entries.get(i).getKey() + " " + clip(a.get(k))
                                + " vs " + entries.get(0).getKey() + " " + clip(b.get(k)));
                        break;
                    }
                }
            }
        }
        report.add(finishChecks(row));
    }

    // ------------------------------------------------------------------ helpers

    /** Runs {@code body}; returns null, or what went wrong as one line. */
    static String attempt(Supplier<Object> body) {
        try {
            body.get();
            return null;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return describe(e);
        }
    }

    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        if (e.getMessage() != null) {
            sb.append(": ").append(clip(e.getMessage().replace('\n', ' ')));
        }
        for (StackTraceElement f : e.getStackTrace()) {
            if (!f.getClassName().startsWith("io.chronon.bench") && f.getClassName().startsWith("io.chronon")) {
                sb.append(" at ").append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1)).append('.')
                        .append(f.getMethodName()).append(':').append(f.getLineNumber());
                break;
            }
        }
        return sb.toString();
    }

    private static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
