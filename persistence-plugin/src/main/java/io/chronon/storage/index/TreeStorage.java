package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Datom;
import io.chronon.edn.Keyword;
import io.chronon.storage.segment.CorruptSegmentException;
import io.chronon.storage.segment.MissingSegmentException;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where the index trees of one database keep their nodes: the segment store, the database's
 * name in it, the cache shared with other databases, and the node sizes. Reads go through the
 * cache; a segment that is missing or corrupt fails the read with a {@link ChrononException}
 * (category {@link ErrorCategory#FAULT}, code {@code :db.error/missing-segment} or
 * {@code :db.error/corrupt-segment}) whose message names the database and the segment, and
 * whose cause is the store's {@link io.chronon.storage.segment.SegmentException}; it is never
 * read as empty. A store that cannot be reached fails with {@link ErrorCategory#UNAVAILABLE}.
 *
 * @param store    the store the segments are in
 * @param database the database whose segments these are
 * @param cache    the cache of decoded nodes, shared with other databases
 * @param limits   the node sizes of trees written here
 */
public record TreeStorage(SegmentStore store, String database, SegmentCache cache, NodeLimits limits) {
    public TreeStorage {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(limits, "limits");
    }

    /** Storage with {@link NodeLimits#DEFAULT}. */
    public TreeStorage(SegmentStore store, String database, SegmentCache cache) {
        this(store, database, cache, NodeLimits.DEFAULT);
    }

    /**
     * The branches each thread read last, by the identity of their id: a point read walks from
     * the root through the same few branches every time, and each id it follows is the very
     * object of its parent's {@link ChildRef}, so an identity check finds them without the
     * shared cache's hashing and bookkeeping. 16 pairs (id, branch) per thread, leaves left to
     * the shared cache (which bounds the memory); nodes never change, so a node found here is
     * right even if the shared cache has dropped it since.
     */
    private static final ThreadLocal<Object[]> RECENT = ThreadLocal.withInitial(() -> new Object[32]);

    /** Segments and their encoded bytes written by each thread (an indexing job writes on one thread). */
    private static final ThreadLocal<long[]> WRITTEN = ThreadLocal.withInitial(() -> new long[2]);

    /**
     * The segments written on this thread so far and their bytes as encoded (before the store
     * compresses them): read before and after a job, what the job wrote.
     */
    public static long[] writtenOnThisThread() {
        return WRITTEN.get().clone();
    }

    /** Node {@code id} of a tree in the order of {@code type}. */
    Node read(TreeOrder type, SegmentId id) {
        Object[] recent = RECENT.get();
        int slot = (System.identityHashCode(id) & 15) << 1;
        if (recent[slot] == id && recent[slot + 1] instanceof Node seen && seen.type() == type) {
            return seen;
        }
        Node node = cache.get(database, id, () -> load(type, id));
        if (node instanceof Node.Branch) {
            recent[slot] = id;
            recent[slot + 1] = node;
        }
        if (node.type() != type) {
            throw failure(id, new CorruptSegmentException(database, id, "a node of the " + node.type() + " index read as one of " + type));
        }
        return node;
    }

    private Node load(TreeOrder type, SegmentId id) {
        try {
            return NodeCodec.decode(database, id, type, store.get(database, id));
        } catch (IOException e) {
            throw failure(id, e);
        }
    }

    /** A node just written, and its segment. */
    record Written(SegmentId id, Node node) {
        ChildRef ref() {
            return new ChildRef(id, node.first(), node.count());
        }
    }

    /** Encodes and stores one node of {@code entries} (datoms for height 0, else children); it is cached as written. */
    Written write(TreeOrder type, int height, List<?> entries) {
        NodeCodec.Encoder encoder = new NodeCodec.Encoder(type, height);
        Node node;
        if (height == 0) {
            Datom[] datoms = entries.toArray(new Datom[0]);
            for (Datom d : datoms) {
                encoder.datom(d);
            }
            node = new Node.Leaf(type, datoms, encoder.size());
        } else {
            ChildRef[] children = entries.toArray(new ChildRef[0]);
            long count = 0;
            for (ChildRef child : children) {
                encoder.child(child);
                count += child.count();
            }
            node = new Node.Branch(type, height, children, count, encoder.size());
        }
        SegmentId id;
        try {
            id = store.put(database, encoder.bytes());
        } catch (IOException e) {
            throw new ChrononException(ErrorCategory.UNAVAILABLE, Keyword.of("db.error", "storage-unavailable"),
                    "Could not write an index segment of database " + database + ": " + e.getMessage(), form(null), e);
        }
        cache.put(database, id, node);
        long[] written = WRITTEN.get();
        written[0]++;
        written[1] += encoder.size();
        return new Written(id, node);
    }

    /** The error of a failed segment read: names the database and the segment, keeps the store's exception as the cause. */
    private ChrononException failure(SegmentId id, IOException e) {
        if (e instanceof MissingSegmentException m) {
            return new ChrononException(ErrorCategory.FAULT, Keyword.of("db.error", "missing-segment"), m.getMessage(), form(m.id()), m);
        }
        if (e instanceof CorruptSegmentException c) {
            return new ChrononException(ErrorCategory.FAULT, Keyword.of("db.error", "corrupt-segment"), c.getMessage(), form(c.id()), c);
        }
        return new ChrononException(ErrorCategory.UNAVAILABLE, Keyword.of("db.error", "storage-unavailable"),
                "Could not read segment " + id + " of database " + database + ": " + e.getMessage(), form(id), e);
    }

    private Map<Keyword, String> form(SegmentId id) {
        return id == null ? Map.of(Keyword.of("database"), database)
                : Map.of(Keyword.of("database"), database, Keyword.of("segment"), id.hex());
    }
}
