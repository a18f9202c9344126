package io.chronon.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * Runs the benches of one data set on one system: holds that system's native copy of the
 * data and its query database, and turns each bench into timed calls of the system's own
 * API. The same code drives both systems; only {@link BenchSystem} differs.
 *
 * @param <D> the system's database value type
 */
final class SystemDriver<D> {
    /** The point benches of §3.3, in the order they run. */
    static final List<String> POINT_BENCHES = List.of("lookup-entid", "lookup-q", "entity-get", "datoms-eavt",
            "pull-wildcard-1", "pull-attrs-1", "pull-many-1000-wildcard", "pull-many-1000-attrs");

    static final String PULL_ATTRS = "[:id :name :last-name :sex :age :salary]";
    static final String LOOKUP_Q = "[:find ?e :in $ ?id :where [?e :id ?id]]";
    private static final int BATCH = 1000;
    private static final int KEYS = 1000;

    final BenchSystem<D> system;
    final DataSet data;
    final Settings settings;
    private final List<?> schemaTx;
    private final List<Object> persons;
    private final List<Object> edges;
    private final List<Object> extra;
    private final Object rules;

    private BenchSystem.Conn<D> queryConn;
    private D db;
    private D dbMid;
    private List<Object> keyRefs;
    private List<Object> keyEids;
    private List<Object> first100Eids;

    SystemDriver(BenchSystem<D> system, DataSet data, Settings settings) {
        this.system = system;
        this.data = data;
        this.settings = settings;
        this.schemaTx = (List<?>) system.readAll(data.schemaEdn()).get(0);
        this.persons = system.readAll(data.personsEdn());
        this.edges = system.readAll(data.edgesEdn());
        this.extra = system.readAll(data.extraEdn());
        this.rules = system.readAll(QueryBench.RULES).get(0);
        if (persons.size() != data.n() || edges.size() != data.n() / 2) {
            throw new IllegalStateException(system.label() + " read " + persons.size() + " persons and " + edges.size()
                    + " edges, expected " + data.n() + " and " + data.n() / 2);
        }
    }

    private String dsName() {
        return data.name();
    }

    // ------------------------------------------------------------------ loads (§3.1)

    /**
     * {@code load.people.batch1000}, {@code load.people.tx1000} and
     * {@code load.follows.batch1000}, all from the same runs: each run a fresh database
     * (schema not timed), the persons in 1,000-entity transactions, then the edges.
     */
    List<BenchResult> loadBatches() {
        int warm = settings.loadWarm();
        int measured = settings.loadMeasured();
        int batches = (persons.size() + BATCH - 1) / BATCH;
        long[] peopleNs = new long[measured];
        long[] followsNs = new long[measured];
        long[] txNs = new long[measured * batches];
        long peopleCpu = 0;
        long followsCpu = 0;
        long gcMs = 0;
        long gcCount = 0;
        double load1 = Probe.load1();
        long peopleFound = -1;
        long edgesFound = -1;
        for (int run = 0; run < warm + measured; run++) {
            Probe.settle(settings);
            BenchSystem.Conn<D> conn = system.create("load", schemaTx);
            try {
                Probe p0 = Probe.now();
                long t0 = System.nanoTime();
                for (int b = 0; b < batches; b++) {
                    long b0 = System.nanoTime();
                    conn.transact(persons.subList(b * BATCH, Math.min(persons.size(), (b + 1) * BATCH)));
                    if (run >= warm) {
                        txNs[(run - warm) * batches + b] = System.nanoTime() - b0;
                    }
                }
                long t1 = System.nanoTime();
                Probe p1 = Probe.now();
                transactInBatches(conn, edges);
                long t2 = System.nanoTime();
                Probe p2 = Probe.now();
                if (run >= warm) {
                    peopleNs[run - warm] = t1 - t0;
                    followsNs[run - warm] = t2 - t1;
                    peopleCpu += p1.processCpuNs() - p0.processCpuNs();
                    followsCpu += p2.processCpuNs() - p1.processCpuNs();
                    gcMs += p2.gcMs() - p0.gcMs();
                    gcCount += p2.gcCount() - p0.gcCount();
                }
                if (run == warm + measured - 1) {
                    peopleFound = system.countDatoms(conn.db(), system.keyword("id"));
                    edgesFound = system.countDatoms(conn.db(), system.keyword("follows"));
                }
            } finally {
                conn.release();
            }
        }
        String note = "warmup_loads=" + warm + "; fresh db per load, schema not timed; gc_ms/gc_count cover people and "
                + "follows together";
        long n = persons.size();
        return List.of(
                BenchResult.of(dsName(), "load.people.batch1000", system.id(), peopleNs,
                        perSecond(n * measured, peopleNs), "entity", peopleFound, Double.NaN,
                        peopleCpu / 1e3 / Math.max(1, measured), gcMs, gcCount, load1, note),
                BenchResult.of(dsName(), "load.people.tx1000", system.id(), txNs,
                        perSecond((long) BATCH * txNs.length, txNs), "entity", BATCH, Double.NaN,
                        peopleCpu / 1e3 / Math.max(1, txNs.length), gcMs, gcCount, load1,
                        "each 1000-entity tx of the load.people.batch1000 runs"),
                BenchResult.of(dsName(), "load.follows.batch1000", system.id(), followsNs,
                        perSecond(edges.size() * (long) measured, followsNs), "edge", edgesFound, Double.NaN,
                        followsCpu / 1e3 / Math.max(1, measured), gcMs, gcCount, load1, note));
    }

    /** {@code load.people.single-tx}: all persons in one transaction. */
    BenchResult loadSingleTx() {
        int warm = settings.singleTxWarm();
        int measured = settings.singleTxMeasured();
        long[] ns = new long[measured];
        long cpu = 0;
        long gcMs = 0;
        long gcCount = 0;
        double load1 = Probe.load1();
        long found = -1;
        for (int run = 0; run < warm + measured; run++) {
            Probe.settle(settings);
            BenchSystem.Conn<D> conn = system.create("single", schemaTx);
            try {
                Probe p0 = Probe.now();
                long t0 = System.nanoTime();
                conn.transact(persons);
                long t1 = System.nanoTime();
                Probe p1 = Probe.now();
                if (run >= warm) {
                    ns[run - warm] = t1 - t0;
                    cpu += p1.processCpuNs() - p0.processCpuNs();
                    gcMs += p1.gcMs() - p0.gcMs();
                    gcCount += p1.gcCount() - p0.gcCount();
                }
                if (run == warm + measured - 1) {
                    found = system.countDatoms(conn.db(), system.keyword("id"));
                }
            } finally {
                conn.release();
            }
        }
        return BenchResult.of(dsName(), "load.people.single-tx", system.id(), ns,
                perSecond(persons.size() * (long) measured, ns), "entity", found, Double.NaN,
                cpu / 1e3 / Math.max(1, measured), gcMs, gcCount, load1,
                "warmup_loads=" + warm + "; fresh db per load, schema not timed");
    }

    // ------------------------------------------------------------------ small transactions (§3.1)

    /**
     * {@code tx.1entity.seq} then {@code tx.1entity.conc8} on the same database, which first
     * gets all persons (not timed). Afterwards the database must hold every person added.
     */
    List<BenchResult> smallTransactions() {
        BenchSystem.Conn<D> conn = system.create("tx", schemaTx);
        try {
            transactInBatches(conn, persons);
            List<BenchResult> out = new ArrayList<>();
            out.add(sequentialTx(conn));
            out.add(concurrentTx(conn));
            long expected = persons.size() + (long) settings.seqWarm() + settings.seqMeasured()
                    + (long) settings.concThreads() * (settings.concWarm() + settings.concMeasured());
            long found = system.countDatoms(conn.db(), system.keyword("id"));
            if (found != expected) {
                String problem = "db holds " + found + " people after the tx benches, expected " + expected;
                out.replaceAll(r -> r.withCheck(problem));
            }
            return out;
        } finally {
            conn.release();
        }
    }

    private BenchResult sequentialTx(BenchSystem.Conn<D> conn) {
        int warm = settings.seqWarm();
        int measured = settings.seqMeasured();
        double load1 = Probe.load1();
        Probe.settle(settings);
        for (int i = 0; i < warm; i++) {
            conn.transact(List.of(extra.get(i)));
        }
        long[] ns = new long[measured];
        Probe p0 = Probe.now();
        long t0 = System.nanoTime();
        for (int i = 0; i < measured; i++) {
            long s = System.nanoTime();
            conn.transact(List.of(extra.get(warm + i)));
            ns[i] = System.nanoTime() - s;
        }
        long wall = System.nanoTime() - t0;
        Probe p1 = Probe.now();
        return BenchResult.of(dsName(), "tx.1entity.seq", system.id(), ns, measured / (wall / 1e9), "tx", 1,
                Double.NaN, (p1.processCpuNs() - p0.processCpuNs()) / 1e3 / measured, p1.gcMs() - p0.gcMs(),
                p1.gcCount() - p0.gcCount(), load1, "warmup_txs=" + warm + "; one new person per tx, upsert on :id");
    }

    private BenchResult concurrentTx(BenchSystem.Conn<D> conn) {
        int threads = settings.concThreads();
        int warm = settings.concWarm();
        int measured = settings.concMeasured();
        int warmBase = settings.seqWarm() + settings.seqMeasured();
        int measuredBase = warmBase + threads * warm;
        double load1 = Probe.load1();
        Probe.settle(settings);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            runConcurrently(pool, conn, warmBase, warm, null);
            long[][] perThread = new long[threads][measured];
            Probe p0 = Probe.now();
            long wall = runConcurrently(pool, conn, measuredBase, measured, perThread);
            Probe p1 = Probe.now();
            long[] ns = new long[threads * measured];
            for (int t = 0; t < threads; t++) {
                System.arraycopy(perThread[t], 0, ns, t * measured, measured);
            }
            return BenchResult.of(dsName(), "tx.1entity.conc" + threads, system.id(), ns, ns.length / (wall / 1e9),
                    "tx", 1, Double.NaN, (p1.processCpuNs() - p0.processCpuNs()) / 1e3 / ns.length,
                    p1.gcMs() - p0.gcMs(), p1.gcCount() - p0.gcCount(), load1,
                    "warmup_txs=" + threads + "x" + warm + "; " + threads + " threads x " + measured
                            + " sequential txs, latency submit to done; ops_per_s over wall time; " + system.writerNote());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Each thread t transacts persons base + t*count ... in order; returns the wall time in ns. */
    private long runConcurrently(ExecutorService pool, BenchSystem.Conn<D> conn, int base, int count,
                                 long[][] latencies) {
        int threads = settings.concThreads();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                for (int i = 0; i < count; i++) {
                    long s = System.nanoTime();
                    conn.transact(List.of(extra.get(base + thread * count + i)));
                    if (latencies != null) {
                        latencies[thread][i] = System.nanoTime() - s;
                    }
                }
                return null;
            }));
        }
        try {
            ready.await();
            long t0 = System.nanoTime();
            go.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
            return System.nanoTime() - t0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a submitter thread failed: " + e.getCause(), e.getCause());
        }
    }

    // ------------------------------------------------------------------ the query database (§B.3)

    /**
     * Builds the query database: schema, persons in 1,000-entity transactions (recording
     * tMid after batch N/2000), then the edges; resolves the keys of the point benches.
     */
    void buildQueryDb() {
        queryConn = system.create("query", schemaTx);
        int batches = (persons.size() + BATCH - 1) / BATCH;
        int midBatch = Math.max(1, data.n() / 2000);
        long tMid = -1;
        for (int b = 0; b < batches; b++) {
            long t = queryConn.transact(persons.subList(b * BATCH, Math.min(persons.size(), (b + 1) * BATCH)));
            if (b + 1 == midBatch) {
                tMid = t;
            }
        }
        transactInBatches(queryConn, edges);
        db = queryConn.db();
        dbMid = system.asOf(db, tMid);
        keyRefs = new ArrayList<>(KEYS);
        keyEids = new ArrayList<>(KEYS);
        for (int k = 0; k < KEYS; k++) {
            long id = 1 + (k * 7919L) % data.n();
            Object ref = system.lookupRef("id", id);
            keyRefs.add(ref);
            keyEids.add(system.entid(db, ref));
        }
        first100Eids = new ArrayList<>(100);
        for (long id = 1; id <= 100; id++) {
            first100Eids.add(system.entid(db, system.lookupRef("id", id)));
        }
    }

    void releaseQueryDb() {
        if (queryConn != null) {
            queryConn.release();
            queryConn = null;
        }
        db = null;
        dbMid = null;
    }

    /** One run of a query bench's call, exactly as timed. */
    Object runQuery(QueryBench b) {
        D target = b.asOf() ? dbMid : db;
        return switch (b.inputs()) {
            case NONE -> system.q(b.query(), target);
            case MIN_SALARY -> system.q(b.query(), target, 50000L);
            case RULES -> system.q(b.query(), target, rules);
            case RULES_AND_100_EIDS -> system.q(b.query(), target, rules, first100Eids);
        };
    }

    long sizeOf(QueryBench b, Object result) {
        return b.sizeKind() == QueryBench.SizeKind.COUNT_VALUE ? countValue(result) : ((Collection<?>) result).size();
    }

    /** The result's rows in canonical form, entity ids replaced by {@code :id}. */
    List<String> canonicalRows(QueryBench b, Object result) {
        return Canon.rows(result, Canon.entityColumns(b.query()), this::idOf);
    }

    /** The §3.4 check of a result; null when it passes. */
    String referenceCheck(QueryBench b, Object result) {
        return ReferenceAnswers.check(b.check(), data.reference(), result, this::idOf);
    }

    BenchResult measureQuery(QueryBench b) {
        LatencyHarness.Run run = LatencyHarness.run(settings, i -> runQuery(b));
        return latencyResult(b.name(), run, sizeOf(b, run.firstResult()));
    }

    // ------------------------------------------------------------------ point access (§3.3)

    /** The op of a point bench: key {@code i mod 1000} for op i. */
    IntFunction<Object> pointOp(String bench) {
        List<Object> attrs = List.of(system.keyword("name"), system.keyword("age"));
        Object name = system.keyword("name");
        return switch (bench) {
            case "lookup-entid" -> i -> system.entid(db, keyRefs.get(i % KEYS));
            case "lookup-q" -> i -> system.q(LOOKUP_Q, db, ((List<?>) keyRefs.get(i % KEYS)).get(1));
            case "entity-get" -> i -> system.entityGet(db, keyRefs.get(i % KEYS), attrs);
            case "datoms-eavt" -> i -> system.firstEavtValue(db, keyEids.get(i % KEYS), name);
            case "pull-wildcard-1" -> i -> system.pull(db, "[*]", keyEids.get(i % KEYS));
            case "pull-attrs-1" -> i -> system.pull(db, PULL_ATTRS, keyEids.get(i % KEYS));
            case "pull-many-1000-wildcard" -> i -> system.pullMany(db, "[*]", keyEids);
            case "pull-many-1000-attrs" -> i -> system.pullMany(db, PULL_ATTRS, keyEids);
            default -> throw new IllegalArgumentException("no point bench " + bench);
        };
    }

    /** The size of a point op's result: rows, map keys, list length, 1 for a value, 0 for nil. */
    static long pointSize(Object result) {
        if (result == null) {
            return 0;
        }
        if (result instanceof Map<?, ?> m) {
            return m.size();
        }
        if (result instanceof Collection<?> c) {
            if (c instanceof List<?> l && !l.isEmpty() && !(l.get(0) instanceof Map || l.get(0) instanceof List)) {
                // entity-get's values: count those present
                return l.stream().filter(x -> x != null).count();
            }
            return c.size();
        }
        return 1;
    }

    /** A point op's result in canonical form (entity ids as {@code :id}), to compare systems. */
    String canonicalPoint(String bench, Object result) {
        return switch (bench) {
            case "lookup-entid" -> "#id " + Canon.of(idOf(result), this::idOf);
            case "lookup-q" -> Canon.rows(result, new boolean[] {true}, this::idOf).toString();
            default -> Canon.of(result, this::idOf);
        };
    }

    /** Checks {@code (pull db '[*] [:id 1])} against §3.4; null when it passes. */
    String pullPerson1Check() {
        return ReferenceAnswers.checkPullPerson1(data.reference(), system.pull(db, "[*]", system.lookupRef("id", 1L)));
    }

    BenchResult measurePoint(String bench) {
        LatencyHarness.Run run = LatencyHarness.run(settings, pointOp(bench));
        return latencyResult(bench, run, pointSize(run.firstResult()));
    }

    // ------------------------------------------------------------------ helpers

    private BenchResult latencyResult(String bench, LatencyHarness.Run run, long size) {
        return BenchResult.of(dsName(), bench, system.id(), run.samplesNs(), run.opsPerS(), "op", size,
                run.threadCpuUs(), run.procCpuUs(), run.gcMs(), run.gcCount(), run.load1(), run.note());
    }

    /** The {@code :id} of an entity of the query database. */
    Object idOf(Object eid) {
        return eid == null ? null : system.firstEavtValue(db, eid, system.keyword("id"));
    }

    private void transactInBatches(BenchSystem.Conn<D> conn, List<Object> forms) {
        for (int i = 0; i < forms.size(); i += BATCH) {
            conn.transact(forms.subList(i, Math.min(forms.size(), i + BATCH)));
        }
    }

    /** The value of a lone {@code (count ...)} find; 0 for an empty result. */
    static long countValue(Object result) {
        Collection<?> rows = (Collection<?>) result;
        if (rows.isEmpty()) {
            return 0;
        }
        return ((Number) ((List<?>) rows.iterator().next()).get(0)).longValue();
    }

    private static double perSecond(long items, long[] ns) {
        long total = 0;
        for (long x : ns) {
            total += x;
        }
        return total == 0 ? Double.NaN : items / (total / 1e9);
    }
}
