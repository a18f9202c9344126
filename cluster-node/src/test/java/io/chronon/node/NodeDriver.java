package io.chronon.node;

import com.typesafe.config.ConfigFactory;
import io.chronon.edn.Keyword;
import io.chronon.sharding.ChrononCluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * A real node process driven through stdin/stdout, for tests that kill it: starts a
 * {@link ChrononNode} on a data directory and a port, then reads commands.
 * <ul>
 *   <li>{@code tx <id>}: transacts person {@code id} without waiting; prints {@code ACK <id> <t>}
 *       once acknowledged (durable), or {@code NACK <id> <error>};</li>
 *   <li>{@code ids}: waits for the writer's latest t, then prints {@code IDS <id,id,...>};</li>
 *   <li>{@code index}: runs an indexing job now and waits for it; prints {@code INDEXED <t>};</li>
 *   <li>{@code roots}: reads every recorded index root in full ({@link #roots});</li>
 *   <li>{@code gc}: garbage collection of the database's storage with the cut-off now (every roots
 *       record but the newest is dropped); prints {@code GC-DELETING} once a segment that was in
 *       the store when it started is gone (the collection is deleting), then
 *       {@code GC-DONE <records kept> <records deleted> <segments reachable> <segments deleted>}
 *       or {@code GC-FAILED <error>};</li>
 *   <li>{@code quit}: stops the node.</li>
 * </ul>
 * Usage: {@code NodeDriver <data-dir> <port> [fsync on|off] [indexing threshold|default] [tiny-nodes]}
 * ({@code tiny-nodes}: index nodes of 16 datoms and 4 children, so that each indexing job
 * rewrites many segments). Prints {@code READY} when it takes commands.
 */
public final class NodeDriver {
    static final String DB = "kill9";

    /**
     * {@code ROOTS records segments missing datoms}: every index roots record of the database
     * opened, every segment of its nine trees looked up in the store and every datom read, through
     * a cache of its own (so every segment is read from the store once at least); {@code ROOTS
     * BROKEN ...} if a record cannot be read, a tree cannot be walked or read (a segment missing or
     * damaged) or a tree holds another number of datoms than its root says.
     */
    static String roots(ChrononNode node, ChrononCluster chronon) throws Exception {
        io.chronon.sharding.catalog.DatabaseInfo info = chronon.databaseInfo(DB).toCompletableFuture().get(30, TimeUnit.SECONDS);
        io.chronon.storage.DatabaseStorage storage = io.chronon.storage.Storages.get(node.system()).kind("file");
        var records = io.chronon.storage.journal.PluginStores.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.system()))
                .snapshotStorage(storage.snapshotPluginId());
        var cached = io.chronon.storage.DurableIndexes.get(node.system()).treeStorage(storage, info.persistenceId());
        var trees = new io.chronon.storage.index.TreeStorage(cached.store(), cached.database(),
                io.chronon.storage.index.SegmentCache.ofMaxBytes(1 << 20), cached.limits());
        int count = 0;
        long[] segments = {0, 0};
        long datoms = 0;
        try {
            for (var entry : records.list(info.persistenceId())) {
                var stored = records.read(info.persistenceId(), entry);
                if (!io.chronon.storage.StorageSerializer.INDEX_ROOTS.equals(stored.manifest())) {
                    continue;
                }
                var roots = io.chronon.storage.index.IndexRoots.decode(DB, stored.payload());
                count++;
                java.util.function.Consumer<io.chronon.storage.segment.SegmentId> check = id -> {
                    segments[0]++;
                    try {
                        if (!trees.store().contains(info.persistenceId(), id)) {
                            segments[1]++;
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                };
                List<io.chronon.storage.index.IndexTree> all = new java.util.ArrayList<>();
                for (io.chronon.db.IndexType type : io.chronon.db.IndexType.values()) {
                    all.add(io.chronon.storage.index.IndexTree.open(type, trees, roots.root(type, true)));
                    all.add(io.chronon.storage.index.IndexTree.open(type, trees, roots.root(type, false)));
                }
                all.add(io.chronon.storage.index.IndexTree.open(io.chronon.storage.index.TreeOrder.LOG, trees, roots.log()));
                for (io.chronon.storage.index.IndexTree tree : all) {
                    tree.segments(check);
                    long read = 0;
                    for (io.chronon.db.Datom ignored : tree) {
                        read++;
                    }
                    if (read != tree.size()) {
                        return "ROOTS BROKEN " + tree + " of record " + entry + " read " + read + " datoms of " + tree.size();
                    }
                    datoms += read;
                }
            }
        } catch (RuntimeException e) {
            return "ROOTS BROKEN " + e;
        }
        return "ROOTS " + count + " " + segments[0] + " " + segments[1] + " " + datoms;
    }

    /**
     * Starts a garbage collection with the cut-off now and a watcher that prints
     * {@code GC-DELETING} when one of up to 256 segments stored when it started is gone (nothing
     * but the collection deletes segments), so that a test can kill the process while it deletes.
     */
    static void gc(ChrononNode node, ChrononCluster chronon) throws Exception {
        io.chronon.sharding.catalog.DatabaseInfo info = chronon.databaseInfo(DB).toCompletableFuture().get(30, TimeUnit.SECONDS);
        var store = io.chronon.storage.DurableIndexes.get(node.system())
                .treeStorage(io.chronon.storage.Storages.get(node.system()).kind("file"), info.persistenceId()).store();
        List<io.chronon.storage.segment.SegmentId> sample = new java.util.ArrayList<>(store.list(info.persistenceId()));
        java.util.Collections.shuffle(sample, new java.util.Random(15));
        List<io.chronon.storage.segment.SegmentId> watched = sample.subList(0, Math.min(256, sample.size()));
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread watcher = new Thread(() -> {
            try {
                while (!done.get()) {
                    for (var id : watched) {
                        if (!store.contains(info.persistenceId(), id)) {
                            System.out.println("GC-DELETING");
                            return;
                        }
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            } catch (java.io.IOException e) {
                System.out.println("GC-WATCH-FAILED " + e);
            }
        }, "gc-watcher");
        watcher.setDaemon(true);
        watcher.start();
        chronon.gcStorage(DB, java.time.Instant.now()).whenComplete((r, e) -> {
            done.set(true);
            System.out.println(e == null
                    ? "GC-DONE " + r.recordsKept() + " " + r.recordsDeleted() + " " + r.segmentsReachable() + " " + r.segmentsDeleted()
                    : "GC-FAILED " + e);
        });
    }

    public static void main(String[] args) throws Exception {
        ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                "chronon.storage.data-dir = \"" + args[0].replace("\\", "/") + "\"\n"
                        + "chronon.node.port = " + args[1] + "\n"
                        + "chronon.embedded.file.journal.fsync = " + (args.length > 2 ? args[2] : "on") + "\n"
                        + "chronon.http.enabled = false\n"
                        + (args.length > 3 && !args[3].equals("default") ? "chronon.indexing.memory-index-threshold = " + args[3] + "\n" : "")
                        + (args.length > 4 && args[4].equals("tiny-nodes") ? "chronon.indexing.node { leaf-datoms = 16, children = 4 }\n" : "")
                        + "pekko.loglevel = WARNING\n")));
        ChrononCluster chronon = node.ready().toCompletableFuture().get(120, TimeUnit.SECONDS);
        if (chronon.createDatabase(DB).toCompletableFuture().get(30, TimeUnit.SECONDS).created()) {
            chronon.transact(DB, "[{:db/ident :person/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one"
                    + " :db/unique :db.unique/identity}"
                    + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]")
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split(" ");
            switch (cmd[0]) {
                case "tx" -> {
                    long id = Long.parseLong(cmd[1]);
                    chronon.transact(DB, List.of(Map.of(Keyword.of("person/id"), id, Keyword.of("person/name"), "P" + id)))
                            .whenComplete((r, e) -> System.out.println(e == null ? "ACK " + id + " " + r.t() : "NACK " + id + " " + e));
                }
                case "ids" -> {
                    chronon.sync(DB).toCompletableFuture().get(30, TimeUnit.SECONDS);
                    Collection<?> rows = (Collection<?>) chronon.q(DB, "[:find ?id :where [_ :person/id ?id]]")
                            .toCompletableFuture().get(30, TimeUnit.SECONDS);
                    TreeSet<Long> ids = new TreeSet<>();
                    for (Object row : rows) {
                        ids.add((Long) ((List<?>) row).get(0));
                    }
                    System.out.println("IDS " + String.join(",", ids.stream().map(String::valueOf).toList()));
                }
                case "roots" -> System.out.println(roots(node, chronon));
                case "index" -> {
                    long t = chronon.requestIndex(DB).toCompletableFuture().get(60, TimeUnit.SECONDS).basisT();
                    chronon.syncIndex(DB, t).toCompletableFuture().get(60, TimeUnit.SECONDS);
                    System.out.println("INDEXED " + t);
                }
                case "gc" -> gc(node, chronon);
                case "quit" -> {
                    node.close();
                    return;
                }
                default -> System.out.println("UNKNOWN " + line);
            }
        }
    }
}
