package io.chronon.index;

import java.util.Comparator;
import java.util.SplittableRandom;
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
 * The B+tree behind every index: {@code n} random longs inserted one by one into a persistent
 * set (a new version per insert, as a transaction's datoms are), into a transient (as index
 * building does), and looked up. See core/pom.xml for the command.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PersistentSortedSetBench {
    private static final Comparator<Long> ORDER = Long::compare;

    @Param({"10000", "100000"})
    public int n;

    private long[] keys;
    private PersistentSortedSet<Long> full;

    @Setup
    public void keys() {
        SplittableRandom r = new SplittableRandom(42);
        keys = new long[n];
        PersistentSortedSet.Transient<Long> t = PersistentSortedSet.empty(ORDER).toTransient();
        for (int i = 0; i < n; i++) {
            keys[i] = r.nextLong();
            t.add(keys[i]);
        }
        full = t.persistent();
    }

    @Benchmark
    public PersistentSortedSet<Long> persistentInserts() {
        PersistentSortedSet<Long> s = PersistentSortedSet.empty(ORDER);
        for (long k : keys) {
            s = s.with(k);
        }
        return s;
    }

    @Benchmark
    public PersistentSortedSet<Long> transientInserts() {
        PersistentSortedSet.Transient<Long> t = PersistentSortedSet.empty(ORDER).toTransient();
        for (long k : keys) {
            t.add(k);
        }
        return t.persistent();
    }

    @Benchmark
    public long lookups() {
        long found = 0;
        for (long k : keys) {
            found += full.contains(k) ? 1 : 0;
        }
        return found;
    }
}
