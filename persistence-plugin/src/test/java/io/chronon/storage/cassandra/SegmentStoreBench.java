package io.chronon.storage.cassandra;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.storage.file.FileSegmentStore;
import io.chronon.storage.memory.MemorySegmentStore;
import io.chronon.storage.segment.SegmentCodec;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A quick measurement of the segment stores (not a test): puts, then gets, of index-node-like
 * segments (sorted, compressible text) of {@code size} bytes, for {@code seconds} each, on one
 * thread, and gets on {@code threads} threads. Memory, files (fsync on and off) and the shared
 * development Cassandra (single node). Arguments: {@code seconds size threads}.
 */
public final class SegmentStoreBench {
    private SegmentStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 32 * 1024;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        byte[] sample = node(size, 0);
        System.out.printf(Locale.ROOT, "segments of %d bytes, stored %d bytes; %d s per phase%n",
                size, SegmentCodec.encode(sample).length, seconds);
        run("(warm-up)", new MemorySegmentStore(), seconds, size, threads);
        run("memory", new MemorySegmentStore(), seconds, size, threads);
        Path dir = Files.createTempDirectory("segment-bench");
        run("file fsync=on", new FileSegmentStore(dir.resolve("sync"), true), seconds, size, threads);
        run("file fsync=off", new FileSegmentStore(dir.resolve("nosync"), false), seconds, size, threads);
        SharedCassandra.server();
        ExtendedActorSystem node = CassandraNodes.start("segment-bench", "chronon_segment_bench", "");
        try {
            run("cassandra", new CassandraSegmentStore(node, node.settings().config().getConfig("chronon.cassandra.segments")),
                    seconds, size, threads);
        } finally {
            CassandraNodes.stop(node);
        }
        System.exit(0);
    }

    private static void run(String name, SegmentStore store, int seconds, int size, int threads) throws Exception {
        String db = "bench";
        store.put(db, node(size, -1)); // connect, create directories
        List<SegmentId> ids = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        long seed = 0;
        while (System.nanoTime() < end) {
            ids.add(store.put(db, node(size, ++seed)));
        }
        double putSeconds = (System.nanoTime() - start) / 1e9;
        long gets = gets(store, db, ids, seconds, 1);
        long parallelGets = gets(store, db, ids, seconds, threads);
        System.out.printf(Locale.ROOT, "%-15s put %7.0f/s (%5.1f MB/s)   get %7.0f/s (%5.1f MB/s)   get x%d threads %7.0f/s%n",
                name, ids.size() / putSeconds, ids.size() * (double) size / putSeconds / 1e6,
                gets / (double) seconds, gets * (double) size / seconds / 1e6, threads, parallelGets / (double) seconds);
        store.close();
    }

    private static long gets(SegmentStore store, String db, List<SegmentId> ids, int seconds, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                counts.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    long n = 0;
                    while (System.nanoTime() < end) {
                        store.get(db, ids.get(r.nextInt(ids.size())));
                        n++;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> c : counts) {
                total += c.get();
            }
            return total;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Bytes like an index node: sorted datoms as text, compressible about 4:1. */
    private static byte[] node(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 64);
        long e = 17_592_186_045_418L + r.nextInt(1_000_000);
        while (sb.length() < size) {
            e += r.nextInt(3);
            sb.append('[').append(e).append(" :person/name \"").append(Long.toHexString(r.nextLong())).append("\" ")
                    .append(13_194_139_534_312L + r.nextInt(10_000)).append(" true]\n");
        }
        return sb.substring(0, size).getBytes(StandardCharsets.ISO_8859_1);
    }
}
