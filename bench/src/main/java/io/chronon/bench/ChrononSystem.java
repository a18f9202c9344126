package io.chronon.bench;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.pull.LazyEntity;
import io.chronon.pull.Pull;
import io.chronon.query.Datalog;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Chronon's core, in process. There is no server yet: a "connection" is the core of the
 * future writer, {@link TxProcessor#transact} applied in sequence to the evolving db value,
 * under a lock so that concurrent submitters queue up as they will at the single
 * transactor (but without its durable journal write or group commit). Reads go straight to
 * the immutable {@link DbValue}.
 */
public final class ChrononSystem implements BenchSystem<DbValue> {

    @Override
    public String id() {
        return "chronon-inproc";
    }

    @Override
    public String label() {
        return "Chronon";
    }

    @Override
    public String writerNote() {
        return "Chronon: no transactor yet, a synchronized single writer applies TxProcessor.transact in sequence "
                + "(no journal, no group commit)";
    }

    @Override
    public List<Object> readAll(String text) {
        return EdnReader.readAll(text);
    }

    @Override
    public Object keyword(String name) {
        return Keyword.of(name);
    }

    @Override
    public Conn<DbValue> create(String name, List<?> schemaTx) {
        ChrononConn c = new ChrononConn();
        c.transact(schemaTx);
        return c;
    }

    @Override
    public Object q(String query, Object... inputs) {
        return Datalog.q(query, inputs);
    }

    @Override
    public DbValue asOf(DbValue db, long t) {
        return db.asOf(t);
    }

    @Override
    public long basisT(DbValue db) {
        return db.basisT();
    }

    @Override
    public Object entid(DbValue db, Object eid) {
        return db.entid(eid);
    }

    @Override
    public List<Object> entityGet(DbValue db, Object eid, List<Object> attrs) {
        LazyEntity entity = Pull.entity(db, eid);
        List<Object> out = new ArrayList<>(attrs.size());
        for (Object a : attrs) {
            out.add(entity.get((Keyword) a));
        }
        return out;
    }

    @Override
    public long countDatoms(DbValue db, Object attr) {
        long n = 0;
        for (Datom ignored : db.datoms(IndexType.AEVT, attr)) {
            n++;
        }
        return n;
    }

    @Override
    public Object firstEavtValue(DbValue db, Object eid, Object attr) {
        Iterator<Datom> it = db.datoms(IndexType.EAVT, eid, attr).iterator();
        return it.hasNext() ? it.next().v() : null;
    }

    @Override
    public Map<?, ?> pull(DbValue db, String selector, Object eid) {
        return Pull.pull(db, selector, eid);
    }

    @Override
    public List<?> pullMany(DbValue db, String selector, List<?> eids) {
        return Pull.pullMany(db, selector, eids);
    }

    /** The single writer: each transaction applies to the value the previous one produced. */
    private static final class ChrononConn implements Conn<DbValue> {
        private final TxOptions options = TxOptions.defaults();
        private volatile DbValue db = DbValue.empty();

        @Override
        public synchronized long transact(List<?> txData) {
            db = TxProcessor.transact(db, txData, options).dbAfter();
            return db.basisT();
        }

        @Override
        public DbValue db() {
            return db;
        }

        @Override
        public void release() {
            db = null;
        }
    }
}
