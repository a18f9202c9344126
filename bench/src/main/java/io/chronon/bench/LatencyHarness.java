package io.chronon.bench;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The latency loop of §B.2: {@code System.gc()} twice, warm up by time and count, then time
 * every op with {@code System.nanoTime()} until both the measure time and the minimum count
 * are reached (or {@link Settings#maxOps()}). Each op's result goes to a volatile sink so the
 * JIT cannot drop the work.
 */
final class LatencyHarness {
    /** Where op results go so that they count as used. */
    static volatile Object sink;

    private LatencyHarness() {
    }

    /** What one run of the loop measured. */
    record Run(long[] samplesNs, Object firstResult, int warmupIters, double procCpuUs, double threadCpuUs,
               long gcMs, long gcCount, double load1, boolean slowGuard) {
        int n() {
            return samplesNs.length;
        }

        /** Single-thread throughput: n / Σ(sample times). */
        double opsPerS() {
            long total = 0;
            for (long s : samplesNs) {
                total += s;
            }
            return total == 0 ? Double.NaN : samplesNs.length / (total / 1e9);
        }

        String note() {
            return "warmup_iters=" + warmupIters + (slowGuard ? "; slow-op guard: ops over the limit, measured "
                    + samplesNs.length + " only" : "");
        }
    }

    /**
     * Runs {@code op} under the settings. The op gets its index within its phase, so rotating
     * keys advance every op and the first measured op of every system uses the same key.
     */
    static Run run(Settings settings, IntFunction<Object> op) {
        double load1 = Probe.load1();
        Probe.settle(settings);
        long slowNs = settings.slowOpMs() * 1_000_000L;
        int warm = 0;
        boolean slow = false;
        long warmEnd = System.nanoTime() + settings.warmMs() * 1_000_000L;
        // no warm-up at all only when the settings ask for none (the unit smoke test)
        while (settings.warmMin() > 0 || settings.warmMs() > 0) {
            long t0 = System.nanoTime();
            sink = op.apply(warm);
            long t1 = System.nanoTime();
            warm++;
            if (t1 - t0 > slowNs) {
                slow = true;
                break;
            }
            if (warm >= settings.warmMin() && t1 >= warmEnd) {
                break;
            }
        }
        int minIters = slow ? Math.min(settings.slowIters(), settings.minIters()) : settings.minIters();
        long[] samples = new long[Math.max(16, minIters)];
        int n = 0;
        Object first = null;
        Probe before = Probe.now();
        long measureEnd = System.nanoTime() + settings.measureMs() * 1_000_000L;
        while (true) {
            long t0 = System.nanoTime();
            Object r = op.apply(n);
            long t1 = System.nanoTime();
            sink = r;
            if (n == 0) {
                first = r;
            }
            if (n == samples.length) {
                samples = Arrays.copyOf(samples, samples.length * 2);
            }
            samples[n++] = t1 - t0;
            if (t1 - t0 > slowNs) {
                slow = true;
                minIters = Math.min(minIters, settings.slowIters());
            }
            if (n >= settings.maxOps()) {
                break;
            }
            if (n >= minIters && (slow || t1 >= measureEnd)) {
                break;
            }
        }
        Probe after = Probe.now();
        return new Run(Arrays.copyOf(samples, n), first, warm,
                (after.processCpuNs() - before.processCpuNs()) / 1e3 / n,
                (after.threadCpuNs() - before.threadCpuNs()) / 1e3 / n,
                after.gcMs() - before.gcMs(), after.gcCount() - before.gcCount(), load1, slow);
    }
}
