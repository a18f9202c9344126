package io.chronon.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A snapshot of the JVM's counters (process and thread CPU, GC time and count) taken before
 * and after a measured phase, for the diagnostic fields of §B.2.
 */
record Probe(long processCpuNs, long threadCpuNs, long gcMs, long gcCount) {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    static Probe now() {
        long gcMs = 0;
        long gcCount = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
            gcCount += Math.max(0, gc.getCollectionCount());
        }
        return new Probe(OS.getProcessCpuTime(), THREADS.getCurrentThreadCpuTime(), gcMs, gcCount);
    }

    /** The machine's 1-minute load average, or -1 where the OS does not tell. */
    static double load1() {
        return OS.getSystemLoadAverage();
    }

    /** {@code System.gc()} twice, as the harness does before every bench (unless the settings say not to). */
    static void settle(Settings settings) {
        if (settings.settleGc()) {
            System.gc();
            System.gc();
        }
    }
}
