package io.chronon.bench;

import clojure.lang.Keyword;
import datomic.Connection;
import datomic.Database;
import datomic.Datom;
import datomic.Entity;
import datomic.Peer;
import datomic.Util;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datomic's peer library with {@code datomic:mem://} databases: the reference system. Data
 * is read with Datomic's own reader ({@code datomic.Util.readAll}).
 */
public final class DatomicSystem implements BenchSystem<Database> {
    private static final AtomicLong DB_COUNTER = new AtomicLong();

    @Override
    public String id() {
        return "datomic-peer-mem";
    }

    @Override
    public String label() {
        return "Datomic";
    }

    @Override
    public String writerNote() {
        return "Datomic: the mem database's in-process transactor serializes transactions";
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Object> readAll(String text) {
        return (List<Object>) Util.readAll(new StringReader(text));
    }

    @Override
    public Object keyword(String name) {
        return Keyword.intern(name.startsWith(":") ? name.substring(1) : name);
    }

    @Override
    public Conn<Database> create(String name, List<?> schemaTx) {
        String uri = "datomic:mem://" + name + "-" + DB_COUNTER.incrementAndGet();
        Peer.createDatabase(uri);
        Connection conn = Peer.connect(uri);
        DatomicConn c = new DatomicConn(uri, conn);
        c.transact(schemaTx);
        return c;
    }

    @Override
    public Object q(String query, Object... inputs) {
        return Peer.q(query, inputs);
    }

    @Override
    public Database asOf(Database db, long t) {
        return db.asOf(t);
    }

    @Override
    public long basisT(Database db) {
        return db.basisT();
    }

    @Override
    public Object entid(Database db, Object eid) {
        return db.entid(eid);
    }

    @Override
    public List<Object> entityGet(Database db, Object eid, List<Object> attrs) {
        Entity e = db.entity(eid);
        List<Object> out = new ArrayList<>(attrs.size());
        for (Object a : attrs) {
            out.add(e.get(a));
        }
        return out;
    }

    @Override
    public long countDatoms(Database db, Object attr) {
        long n = 0;
        for (Datom ignored : db.datoms(Database.AEVT, attr)) {
            n++;
        }
        return n;
    }

    @Override
    public Object firstEavtValue(Database db, Object eid, Object attr) {
        Iterator<Datom> it = db.datoms(Database.EAVT, eid, attr).iterator();
        return it.hasNext() ? it.next().v() : null;
    }

    @Override
    public Map<?, ?> pull(Database db, String selector, Object eid) {
        return db.pull(selector, eid);
    }

    @Override
    public List<?> pullMany(Database db, String selector, List<?> eids) {
        return db.pullMany(selector, eids);
    }

    @Override
    public void close() {
        // false: leave Clojure's agent threads alone, the JVM (or the test runner) may go on
        Peer.shutdown(false);
    }

    private static final class DatomicConn implements Conn<Database> {
        private final String uri;
        private final Connection conn;

        DatomicConn(String uri, Connection conn) {
            this.uri = uri;
            this.conn = conn;
        }

        @Override
        public long transact(List<?> txData) {
            try {
                Map<?, ?> report = conn.transact(txData).get();
                return ((Database) report.get(Connection.DB_AFTER)).basisT();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while transacting", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new IllegalStateException("Datomic transaction failed: " + cause.getMessage(), cause);
            }
        }

        @Override
        public Database db() {
            return conn.db();
        }

        @Override
        public void release() {
            conn.release();
            Peer.deleteDatabase(uri);
        }
    }
}
