package io.chronon.bench;

/**
 * How long and how often each kind of bench runs (WORKLOAD.md §B.2 and §3.1).
 *
 * @param warmMs          latency benches: warm up at least this long...
 * @param warmMin         ...and at least this many ops (with warmMs also 0: no warm-up at all)
 * @param measureMs       latency benches: measure at least this long...
 * @param minIters        ...and at least this many ops
 * @param maxOps          latency benches: never more ops than this
 * @param slowOpMs        an op slower than this ends warm-up and shortens measuring to
 *                        {@link #slowIters} ops, so one pathological query cannot stall a run
 * @param slowIters       measured ops of a bench caught by the slow-op guard
 * @param loadWarm        load benches: warm-up loads
 * @param loadMeasured    load benches: measured loads
 * @param singleTxWarm    {@code load.people.single-tx}: warm-up loads (0 with its measured also 0 skips it)
 * @param singleTxMeasured {@code load.people.single-tx}: measured loads
 * @param seqWarm         {@code tx.1entity.seq}: warm-up transactions
 * @param seqMeasured     {@code tx.1entity.seq}: measured transactions
 * @param concThreads     {@code tx.1entity.conc8}: submitter threads
 * @param concWarm        {@code tx.1entity.conc8}: warm-up transactions per thread
 * @param concMeasured    {@code tx.1entity.conc8}: measured transactions per thread
 * @param settleGc        call {@code System.gc()} twice before each bench and each load (off only
 *                        in the unit smoke test, where it would cost most of the time)
 */
public record Settings(long warmMs, int warmMin, long measureMs, int minIters, int maxOps,
                       long slowOpMs, int slowIters,
                       int loadWarm, int loadMeasured, int singleTxWarm, int singleTxMeasured,
                       int seqWarm, int seqMeasured, int concThreads, int concWarm, int concMeasured,
                       boolean settleGc) {

    /** The 20k settings of §B.2 and §3.1 (both schemas). */
    public static Settings people20k() {
        return new Settings(1000, 5, 2500, 10, 200_000, 10_000, 3,
                3, 10, 2, 5, 1000, 5000, 8, 125, 625, true);
    }

    /** The 200k settings: shorter latency phases, 0 warm-up and 3 measured loads, no tx benches. */
    public static Settings people200k() {
        return new Settings(500, 1, 2000, 5, 200_000, 10_000, 3,
                0, 3, 0, 0, 0, 0, 8, 0, 0, true);
    }

    /** For smoke runs ({@code --quick}): the same benches, a fraction of the time. */
    public Settings quick() {
        return new Settings(150, 2, 300, 3, maxOps, 3_000, 2,
                Math.min(loadWarm, 1), Math.min(loadMeasured, 2),
                Math.min(singleTxWarm, 1), Math.min(singleTxMeasured, 2),
                Math.min(seqWarm, 100), Math.min(seqMeasured, 400),
                concThreads, Math.min(concWarm, 10), Math.min(concMeasured, 50), settleGc);
    }

    /** For the unit smoke test: every bench runs once, without warm-up or GC between benches. */
    public static Settings smoke() {
        return new Settings(0, 0, 0, 1, 1000, 3_000, 1,
                0, 1, 0, 1, 5, 20, 8, 2, 5, false);
    }

    /** Whether the transaction benches run at all. */
    public boolean runsTxBenches() {
        return seqWarm + seqMeasured > 0;
    }
}
