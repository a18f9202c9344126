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
 *   <li>{@code quit}: stops the node.</li>
 * </ul>
 * Usage: {@code NodeDriver <data-dir> <port> [fsync on|off]}. Prints {@code READY} when it takes commands.
 */
public final class NodeDriver {
    static final String DB = "kill9";

    /**
     * {@code ROOTS records segments missing}: every index roots record of the database opened,
     * every segment of its nine trees looked up in the store; {@code ROOTS BROKEN ...} if a record
     * cannot be read or a tree cannot be walked (a branch segment missing).
     */
    static String roots(ChrononNode node, ChrononCluster chronon) throws Exception {
        io.chronon.sharding.catalog.DatabaseInfo info = chronon.databaseInfo(DB).toCompletableFuture().get(30, TimeUnit.SECONDS);
        io.chronon.storage.DatabaseStorage storage = io.chronon.storage.Storages.get(node.system()).kind("file");
        var records = io.chronon.storage.journal.PluginStores.get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.system()))
                .snapshotStorage(storage.snapshotPluginId());
        var trees = io.chronon.storage.DurableIndexes.get(node.system()).treeStorage(storage, info.persistenceId());
        int count = 0;
        long[] segments = {0, 0};
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
                for (io.chronon.db.IndexType type : io.chronon.db.IndexType.values()) {
                    io.chronon.storage.index.IndexTree.open(type, trees, roots.root(type, true)).segments(check);
                    io.chronon.storage.index.IndexTree.open(type, trees, roots.root(type, false)).segments(check);
                }
                io.chronon.storage.index.IndexTree.open(io.chronon.storage.index.TreeOrder.LOG, trees, roots.log()).segments(check);
            }
        } catch (RuntimeException e) {
            return "ROOTS BROKEN " + e;
        }
        return "ROOTS " + count + " " + segments[0] + " " + segments[1];
    }

    public static void main(String[] args) throws Exception {
        ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                "chronon.storage.data-dir = \"" + args[0].replace("\\", "/") + "\"\n"
                        + "chronon.node.port = " + args[1] + "\n"
                        + "chronon.embedded.file.journal.fsync = " + (args.length > 2 ? args[2] : "on") + "\n"
                        + "chronon.http.enabled = false\n"
                        + (args.length > 3 ? "chronon.indexing.memory-index-threshold = " + args[3] + "\n" : "")
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
                case "quit" -> {
                    node.close();
                    return;
                }
                default -> System.out.println("UNKNOWN " + line);
            }
        }
    }
}
