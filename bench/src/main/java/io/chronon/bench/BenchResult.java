package io.chronon.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One bench on one system: the statistics of §B.2 computed from per-op (or per-load)
 * samples, the diagnostic fields, and what the result check found. Written as one JSON line.
 *
 * @param bench        {@code <dataset>/<bench>}, e.g. {@code people20k/q1}
 * @param system       {@code datomic-peer-mem} or {@code chronon-inproc}
 * @param unit         what {@code ops_per_s} counts: {@code op}, {@code entity}, {@code edge}, {@code tx}
 * @param resultSize   the size the first measured op returned (-1 when it has none)
 * @param threadCpuUs  calling thread's CPU per op (latency benches only, else NaN)
 * @param check        "ok", or what disagreed with the reference or the other system
 * @param error        null, or why the bench could not run on this system
 */
public record BenchResult(String bench, String system, String dataset, int n,
                          double medianUs, double p99Us, double opsPerS, String unit,
                          double meanUs, double minUs, double maxUs, long resultSize,
                          double threadCpuUs, double procCpuUs, long gcMs, long gcCount, double load1,
                          String note, String check, String error) {

    /** Statistics over samples in nanoseconds; nearest rank, so with n < 100 p99 is the max. */
    static BenchResult of(String dataset, String bench, String system, long[] samplesNs, double opsPerS,
                          String unit, long resultSize, double threadCpuUs, double procCpuUs,
                          long gcMs, long gcCount, double load1, String note) {
        long[] s = samplesNs.clone();
        Arrays.sort(s);
        int n = s.length;
        double sum = 0;
        for (long x : s) {
            sum += x;
        }
        return new BenchResult(dataset + "/" + bench, system, dataset, n,
                nearestRank(s, 0.50) / 1e3, nearestRank(s, 0.99) / 1e3, opsPerS, unit,
                n == 0 ? Double.NaN : sum / n / 1e3, n == 0 ? Double.NaN : s[0] / 1e3,
                n == 0 ? Double.NaN : s[n - 1] / 1e3, resultSize, threadCpuUs, procCpuUs, gcMs, gcCount, load1,
                note, "ok", null);
    }

    /** A bench that failed on a system. */
    static BenchResult failed(String dataset, String bench, String system, String error) {
        return new BenchResult(dataset + "/" + bench, system, dataset, 0, Double.NaN, Double.NaN, Double.NaN, "op",
                Double.NaN, Double.NaN, Double.NaN, -1, Double.NaN, Double.NaN, 0, 0, Probe.load1(), "",
                "error", error);
    }

    static double nearestRank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    /** The bench name without its data set. */
    public String shortName() {
        return bench.substring(bench.indexOf('/') + 1);
    }

    public boolean ok() {
        return error == null;
    }

    BenchResult withCheck(String newCheck) {
        return new BenchResult(bench, system, dataset, n, medianUs, p99Us, opsPerS, unit, meanUs, minUs, maxUs,
                resultSize, threadCpuUs, procCpuUs, gcMs, gcCount, load1, note, newCheck, error);
    }

    BenchResult withNote(String extra) {
        String joined = note == null || note.isEmpty() ? extra : note + "; " + extra;
        return new BenchResult(bench, system, dataset, n, medianUs, p99Us, opsPerS, unit, meanUs, minUs, maxUs,
                resultSize, threadCpuUs, procCpuUs, gcMs, gcCount, load1, joined, check, error);
    }

    /** The JSON line of §B.2 (plus {@code check} and, on failure, {@code error}). */
    public String toJson() {
        StringBuilder sb = new StringBuilder(400).append('{');
        str(sb, "bench", bench).append(',');
        str(sb, "system", system).append(',');
        str(sb, "dataset", dataset).append(',');
        sb.append("\"n\":").append(n).append(',');
        num(sb, "median_us", medianUs).append(',');
        num(sb, "p99_us", p99Us).append(',');
        num(sb, "ops_per_s", opsPerS).append(',');
        str(sb, "unit", unit).append(',');
        num(sb, "mean_us", meanUs).append(',');
        num(sb, "min_us", minUs).append(',');
        num(sb, "max_us", maxUs).append(',');
        sb.append("\"result_size\":").append(resultSize).append(',');
        num(sb, "thread_cpu_us", threadCpuUs).append(',');
        num(sb, "proc_cpu_us", procCpuUs).append(',');
        sb.append("\"gc_ms\":").append(gcMs).append(',');
        sb.append("\"gc_count\":").append(gcCount).append(',');
        num(sb, "load1", load1).append(',');
        str(sb, "note", note == null ? "" : note).append(',');
        str(sb, "check", check);
        if (error != null) {
            sb.append(',');
            str(sb, "error", error);
        }
        return sb.append('}').toString();
    }

    private static StringBuilder num(StringBuilder sb, String key, double v) {
        sb.append('"').append(key).append("\":");
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return sb.append("null");
        }
        return sb.append(String.format(Locale.ROOT, "%.1f", v));
    }

    private static StringBuilder str(StringBuilder sb, String key, String v) {
        sb.append('"').append(key).append("\":\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
