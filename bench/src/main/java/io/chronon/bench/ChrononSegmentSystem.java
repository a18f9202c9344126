package io.chronon.bench;

import io.chronon.db.DbValue;
import io.chronon.storage.index.IndexRestore;
import io.chronon.storage.index.IndexRoots;
import io.chronon.storage.index.IndexingJob;
import io.chronon.storage.index.SegmentCache;
import io.chronon.storage.index.TreeStorage;
import io.chronon.storage.memory.MemorySegmentStore;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.util.List;
import java.util.Map;

/**
 * Chronon reading through its durable indexes: the same writer as {@link ChrononSystem}, but a
 * read takes the value an indexing job makes of it, every index (and the log) a tree of
 * segments in a segment store, read through the segment cache, with no novelty. What a query
 * peer serves once a job has covered the database; against {@link ChrononSystem} in one run it
 * measures the cost of reading segments instead of trees held whole in memory, with a warm
 * cache (the cache holds every node: the warm-up fills it). The segments are in a memory store,
 * so no disk time is counted either way.
 */
public final class ChrononSegmentSystem implements BenchSystem<DbValue> {
    private final ChrononSystem reads = new ChrononSystem();
    private final SegmentCache cache;

    /** A system whose node cache holds up to {@code cacheBytes} of encoded nodes. */
    public ChrononSegmentSystem(long cacheBytes) {
        this.cache = SegmentCache.ofMaxBytes(cacheBytes);
    }

    @Override
    public String id() {
        return "chronon-segments";
    }

    @Override
    public String label() {
        return "Chronon (segments)";
    }

    @Override
    public String writerNote() {
        return "Chronon (segments): the in-process writer of chronon-inproc; reads on the value an indexing job makes of it "
                + "(every index a tree of 16 KiB segments in a memory segment store, read through a warm segment cache)";
    }

    @Override
    public List<Object> readAll(String text) {
        return reads.readAll(text);
    }

    @Override
    public Object keyword(String name) {
        return reads.keyword(name);
    }

    @Override
    public Conn<DbValue> create(String name, List<?> schemaTx) {
        SegmentConn c = new SegmentConn(new TreeStorage(new MemorySegmentStore(), name, cache));
        c.transact(schemaTx);
        return c;
    }

    @Override
    public Object q(String query, Object... inputs) {
        return reads.q(query, inputs);
    }

    @Override
    public DbValue asOf(DbValue db, long t) {
        return reads.asOf(db, t);
    }

    @Override
    public long basisT(DbValue db) {
        return reads.basisT(db);
    }

    @Override
    public Object entid(DbValue db, Object eid) {
        return reads.entid(db, eid);
    }

    @Override
    public List<Object> entityGet(DbValue db, Object eid, List<Object> attrs) {
        return reads.entityGet(db, eid, attrs);
    }

    @Override
    public long countDatoms(DbValue db, Object attr) {
        return reads.countDatoms(db, attr);
    }

    @Override
    public Object firstEavtValue(DbValue db, Object eid, Object attr) {
        return reads.firstEavtValue(db, eid, attr);
    }

    @Override
    public Map<?, ?> pull(DbValue db, String selector, Object eid) {
        return reads.pull(db, selector, eid);
    }

    @Override
    public List<?> pullMany(DbValue db, String selector, List<?> eids) {
        return reads.pullMany(db, selector, eids);
    }

    /** The in-memory writer, and the value of an indexing job for each new basis that is read. */
    private static final class SegmentConn implements Conn<DbValue> {
        private final TxOptions options = TxOptions.defaults();
        private final TreeStorage trees;
        private volatile DbValue db = DbValue.empty();
        private IndexRoots roots;
        private DbValue indexed;

        SegmentConn(TreeStorage trees) {
            this.trees = trees;
        }

        @Override
        public synchronized long transact(List<?> txData) {
            db = TxProcessor.transact(db, txData, options).dbAfter();
            return db.basisT();
        }

        @Override
        public synchronized DbValue db() {
            DbValue current = db;
            if (indexed == null || indexed.basisT() != current.basisT()) {
                roots = IndexingJob.run(trees, roots, current);
                indexed = IndexRestore.at(trees, roots);
            }
            return indexed;
        }

        @Override
        public synchronized void release() {
            db = null;
            indexed = null;
        }
    }
}
