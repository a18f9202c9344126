package io.chronon.storage;

import io.chronon.storage.index.IndexRoots;
import io.chronon.storage.index.NodeLimits;
import io.chronon.storage.index.SegmentGc;
import io.chronon.storage.index.SegmentCache;
import io.chronon.storage.index.TreeStorage;
import io.chronon.storage.journal.PluginStores;
import io.chronon.storage.journal.SnapshotStorage;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

import java.io.IOException;
import java.util.List;

/**
 * The durable indexes of one node: its segment cache (one, shared by every database and query
 * group here, sized by {@code chronon.indexing.cache-size}), the tree storage of each database,
 * and where the roots of each database's latest indexes are recorded.
 *
 * <p>Roots records go where whole-value snapshots went: into the snapshot store of the
 * database's storage kind, at the sequence number of the last log entry they cover, with the
 * serializer and manifest a snapshot of an {@link IndexRoots} gets ({@link StorageSerializer}).
 * So Pekko's recovery of a database's log (the writer's, or a peer's load) starts from the
 * latest roots and replays only the entries after them, and the store keeps its newest
 * {@code keep} records as it kept snapshots. A record is saved only after every segment it
 * names is durable, so no root ever names an unwritten segment.
 */
public final class DurableIndexes implements Extension {
    private final ExtendedActorSystem system;
    private final SegmentCache cache;
    private final NodeLimits limits;

    private DurableIndexes(ExtendedActorSystem system) {
        this.system = system;
        this.cache = SegmentCache.ofMaxBytes(cacheSize(system.settings().config().getString("chronon.indexing.cache-size"),
                Runtime.getRuntime().maxMemory()));
        com.typesafe.config.Config node = system.settings().config().getConfig("chronon.indexing.node");
        this.limits = new NodeLimits((int) Math.min(Integer.MAX_VALUE, node.getBytes("target-bytes")), node.getInt("leaf-datoms"),
                node.getInt("children"));
    }

    /** The extension of {@code system}. */
    public static DurableIndexes get(ActorSystem system) {
        return Id.INSTANCE.get(system);
    }

    /** The extension of {@code system}. */
    public static DurableIndexes get(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system));
    }

    static final class Id extends AbstractExtensionId<DurableIndexes> implements ExtensionIdProvider {
        static final Id INSTANCE = new Id();

        @Override
        public DurableIndexes createExtension(ExtendedActorSystem system) {
            return new DurableIndexes(system);
        }

        @Override
        public Id lookup() {
            return INSTANCE;
        }
    }

    /** {@code cache-size}: "auto" (a sixth of {@code maxHeap}) or a size in bytes ("256 MiB"). */
    static long cacheSize(String setting, long maxHeap) {
        if ("auto".equals(setting.trim())) {
            return Math.max(1L << 20, maxHeap / 6);
        }
        return com.typesafe.config.ConfigFactory.parseString("s = " + setting).getBytes("s");
    }

    /** The node's segment cache. */
    public SegmentCache cache() {
        return cache;
    }

    /**
     * Where the index trees of the database with persistence id {@code persistenceId} keep their
     * segments: the segment store of {@code storage}'s kind, under the persistence id (so a
     * database deleted and created again under its name never shares a segment with the old one),
     * through this node's cache. Fails with {@link UnsupportedOperationException} for a kind
     * without a segment store.
     */
    public TreeStorage treeStorage(DatabaseStorage storage, String persistenceId) {
        return new TreeStorage(storage.segmentStore(), persistenceId, cache, limits);
    }

    /** True if databases of {@code storage}'s kind can have durable indexes (it has a segment store). */
    public static boolean supports(DatabaseStorage storage) {
        try {
            storage.segmentStore();
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    /**
     * Records {@code roots} as the latest indexes of {@code persistenceId}, covering its log up
     * to entry {@code seqNr}; durable when this returns. Call only once every segment they name
     * is stored.
     */
    public void saveRoots(DatabaseStorage storage, String persistenceId, long seqNr, IndexRoots roots) throws IOException {
        // every segment the roots name is durable before the record that names them
        storage.segmentStore().sync(persistenceId);
        SnapshotStorage snapshots = PluginStores.get(system).snapshotStorage(storage.snapshotPluginId());
        // never pruned by later saves: only gcStorage removes roots records, by its cut-off
        snapshots.save(new SnapshotStorage.Stored(persistenceId, seqNr, System.currentTimeMillis(), StorageSerializer.ID,
                StorageSerializer.INDEX_ROOTS, roots.encode()), false);
    }

    /** What {@link #gcStorage} did: the roots records kept and deleted, the segments reachable and deleted. */
    public record GcResult(int recordsKept, int recordsDeleted, long segmentsReachable, long segmentsDeleted) {
    }

    /**
     * Garbage collection of the database {@code persistenceId} (Datomic's {@code gcStorage}):
     * keeps the newest roots record and every record superseded (by the next newer one) at or
     * after {@code olderThanMillis}, so a db value that moved onto new roots less than that long
     * ago can still read its old trees; deletes the other records (and whole-value snapshots of
     * earlier versions older than the newest roots), then every segment no kept record reaches.
     * Run only by the database's indexer, between its jobs.
     */
    public GcResult gcStorage(DatabaseStorage storage, String persistenceId, long olderThanMillis) throws IOException {
        SnapshotStorage records = PluginStores.get(system).snapshotStorage(storage.snapshotPluginId());
        List<SnapshotStorage.Entry> entries = records.list(persistenceId);
        List<IndexRoots> live = new java.util.ArrayList<>();
        List<SnapshotStorage.Entry> dropped = new java.util.ArrayList<>();
        long successorTime = Long.MAX_VALUE;
        for (SnapshotStorage.Entry e : entries) {
            SnapshotStorage.Stored stored = records.read(persistenceId, e);
            boolean roots = StorageSerializer.INDEX_ROOTS.equals(stored.manifest());
            if (roots && (live.isEmpty() || successorTime >= olderThanMillis)) {
                live.add(IndexRoots.decode(persistenceId, stored.payload()));
            } else if (!live.isEmpty()) {
                dropped.add(e);
            }
            if (roots || !live.isEmpty()) {
                successorTime = e.timestamp();
            }
        }
        if (live.isEmpty()) {
            return new GcResult(0, 0, 0, 0); // no roots recorded: nothing is known to be garbage
        }
        for (SnapshotStorage.Entry e : dropped) {
            records.delete(persistenceId, e);
        }
        SegmentGc.Result result = SegmentGc.collect(treeStorage(storage, persistenceId), live);
        return new GcResult(live.size(), dropped.size(), result.reachable(), result.deleted());
    }

    /** Removes every segment of {@code persistenceId} (a deleted database, whose writer has stopped). */
    public static void deleteSegments(DatabaseStorage storage, String persistenceId) throws IOException {
        if (!supports(storage)) {
            return;
        }
        var store = storage.segmentStore();
        List<io.chronon.storage.segment.SegmentId> ids = store.list(persistenceId);
        for (var id : ids) {
            store.delete(persistenceId, id);
        }
    }
}
