package io.chronon.datomic;

import clojure.lang.IPersistentMap;
import clojure.lang.PersistentArrayMap;
import clojure.lang.PersistentHashSet;
import clojure.lang.PersistentList;
import clojure.lang.PersistentVector;
import datomic.Connection;
import datomic.Database;
import datomic.Peer;
import io.chronon.db.Datom;
import io.chronon.edn.EdnList;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Runs the same data against Datomic's in-memory peer ({@code com.datomic:peer}, test scope
 * only) for differential tests and benchmarks. One instance is one fresh
 * {@code datomic:mem://} database with a unique name; {@link #close()} deletes it.
 *
 * <p>Data crosses by direct conversion ({@link #toDatomic}, {@link #fromDatomic}) rather than
 * printing EDN and reading it with {@code datomic.Util.read}: it is faster and keeps what EDN
 * text would lose or change (byte arrays, Floats, URIs, Integer vs Long, map entry order,
 * which decides tempid numbering in map forms). Chronon keywords and symbols become Clojure's,
 * an {@link EdnList} a Clojure list, any other {@link List} a vector, a {@link Map} an array
 * map in its iteration order, a {@link Set} a hash set; other values (numbers, strings,
 * instants, uuids, uris, byte arrays) pass through. The way back turns Clojure keywords and
 * symbols into Chronon's, vectors and lists into {@link List}s, sets into {@link Set}s, maps into
 * {@link Map}s, {@code clojure.lang.BigInt} into {@link java.math.BigInteger} and Datomic
 * datoms into Chronon {@link Datom}s.
 *
 * <pre>{@code
 * try (DatomicBridge d = DatomicBridge.create()) {
 *     d.transact(schemaTxData);
 *     DatomicBridge.TxResult r = d.transact(List.of(Map.of(Keyword.of("person/name"), "Ada")));
 *     Object rows = d.q("[:find ?e :where [?e :person/name]]", d.db());
 * }
 * }</pre>
 */
public final class DatomicBridge implements AutoCloseable {
    private final String uri;
    private final Connection conn;

    private DatomicBridge(String uri) {
        this.uri = uri;
        Peer.createDatabase(uri);
        this.conn = Peer.connect(uri);
    }

    /** A fresh, empty in-memory Datomic database with a unique name. */
    public static DatomicBridge create() {
        return new DatomicBridge("datomic:mem://chronon-" + UUID.randomUUID());
    }

    /** The database's URI. */
    public String uri() {
        return uri;
    }

    /** The Datomic connection, for anything the bridge does not wrap. */
    public Connection connection() {
        return conn;
    }

    /** The current Datomic database value. */
    public Database db() {
        return conn.db();
    }

    /** What a Datomic transaction returned, in Chronon's terms. */
    public record TxResult(List<Datom> txData, Map<String, Long> tempids, long basisT, Database dbAfter) {
    }

    /** A rejected Datomic transaction: its {@code :db/error} code and anomaly category. */
    public static final class DatomicError extends RuntimeException {
        private final Keyword code;
        private final Keyword category;

        DatomicError(Keyword code, Keyword category, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
            this.category = category;
        }

        /** The {@code :db/error} code, e.g. {@code :db.error/unique-conflict}; null if Datomic gave none. */
        public Keyword code() {
            return code;
        }

        /** The anomaly category, e.g. {@code :cognitect.anomalies/conflict}; null if Datomic gave none. */
        public Keyword category() {
            return category;
        }
    }

    /**
     * Transacts Chronon-style transaction data (converted with {@link #toDatomic}).
     *
     * @throws DatomicError if Datomic rejects the transaction
     */
    public TxResult transact(List<?> txData) {
        Map<?, ?> result;
        try {
            result = conn.transact((List<?>) toDatomic(txData)).get();
        } catch (ExecutionException e) {
            throw error(e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            throw error(e);
        }
        List<Datom> datoms = new ArrayList<>();
        for (Object d : (Collection<?>) result.get(Connection.TX_DATA)) {
            datoms.add(toChrononDatom((datomic.Datom) d));
        }
        Map<String, Long> tempids = new LinkedHashMap<>();
        Map<?, ?> raw = (Map<?, ?>) result.get(Connection.TEMPIDS);
        if (raw != null) {
            for (Map.Entry<?, ?> e : raw.entrySet()) {
                if (e.getKey() instanceof String s) {
                    tempids.put(s, ((Number) e.getValue()).longValue());
                }
            }
        }
        Database after = (Database) result.get(Connection.DB_AFTER);
        return new TxResult(Collections.unmodifiableList(datoms), Collections.unmodifiableMap(tempids),
                after.basisT(), after);
    }

    /** Transacts EDN text read by Datomic itself ({@code datomic.Util.read}). */
    public TxResult transactEdn(String edn) {
        return transact((List<?>) fromDatomic(datomic.Util.read(edn)));
    }

    /**
     * Runs a Datalog query with Datomic's {@code Peer.q}. {@code query} is EDN text or
     * Chronon data; each input is converted with {@link #toDatomic}, except Datomic values
     * such as a {@link Database}, which pass as they are. The result is converted back.
     */
    public static Object q(Object query, Object... inputs) {
        Object[] in = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = toDatomic(inputs[i]);
        }
        Object qd = query instanceof String ? query : toDatomic(query);
        return fromDatomic(Peer.q(qd, in));
    }

    /** Datomic's pull of {@code pattern} (EDN text or Chronon data) for entity {@code eid}, converted back. */
    public static Object pull(Database db, Object pattern, Object eid) {
        Object p = pattern instanceof String s ? datomic.Util.read(s) : toDatomic(pattern);
        return fromDatomic(db.pull(p, toDatomic(eid)));
    }

    /** The datoms of a Datomic index ({@code "eavt"}, {@code "aevt"}, {@code "avet"}, {@code "vaet"}) with leading components. */
    public static List<Datom> datoms(Database db, String index, Object... components) {
        Object[] c = new Object[components.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = toDatomic(components[i]);
        }
        List<Datom> out = new ArrayList<>();
        for (Object d : db.datoms(clojure.lang.Keyword.intern(index), c)) {
            out.add(toChrononDatom((datomic.Datom) d));
        }
        return out;
    }

    /** Deletes the database. */
    @Override
    public void close() {
        conn.release();
        Peer.deleteDatabase(uri);
    }

    // ------------------------------------------------------------------ conversions

    /** Chronon data as Clojure data for Datomic's API. */
    public static Object toDatomic(Object v) {
        // a Datomic db implements java.util.Map: pass Datomic's own objects through untouched
        if (v instanceof datomic.Database || v instanceof clojure.lang.IObj) {
            return v;
        }
        if (v instanceof Keyword k) {
            return clojure.lang.Keyword.intern(k.namespace(), k.name());
        }
        if (v instanceof Symbol s) {
            return clojure.lang.Symbol.intern(s.namespace(), s.name());
        }
        if (v instanceof EdnList l) {
            List<Object> items = new ArrayList<>(l.size());
            for (Object x : l) {
                items.add(toDatomic(x));
            }
            return PersistentList.create(items);
        }
        if (v instanceof List<?> l) {
            List<Object> items = new ArrayList<>(l.size());
            for (Object x : l) {
                items.add(toDatomic(x));
            }
            return PersistentVector.create(items);
        }
        if (v instanceof Map<?, ?> m) {
            Object[] kvs = new Object[m.size() * 2];
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                kvs[i++] = toDatomic(e.getKey());
                kvs[i++] = toDatomic(e.getValue());
            }
            // an array map keeps the entry order, as Chronon's maps do
            return new PersistentArrayMap(kvs);
        }
        if (v instanceof Set<?> s) {
            List<Object> items = new ArrayList<>(s.size());
            for (Object x : s) {
                items.add(toDatomic(x));
            }
            return PersistentHashSet.create(items);
        }
        return v;
    }

    /** Clojure and Datomic data as Chronon data. */
    public static Object fromDatomic(Object v) {
        if (v instanceof clojure.lang.Keyword k) {
            return Keyword.of(k.getNamespace(), k.getName());
        }
        if (v instanceof clojure.lang.Symbol s) {
            return Symbol.of(s.getNamespace(), s.getName());
        }
        if (v instanceof clojure.lang.BigInt b) {
            return b.toBigInteger();
        }
        if (v instanceof datomic.Datom d) {
            return toChrononDatom(d);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(fromDatomic(e.getKey()), fromDatomic(e.getValue()));
            }
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object x : s) {
                out.add(fromDatomic(x));
            }
            return Collections.unmodifiableSet(out);
        }
        if (v instanceof clojure.lang.ISeq || v instanceof clojure.lang.IPersistentList) {
            List<Object> out = new ArrayList<>();
            for (Object x : (Iterable<?>) v) {
                out.add(fromDatomic(x));
            }
            return EdnList.from(out);
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object x : c) {
                out.add(fromDatomic(x));
            }
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    private static Datom toChrononDatom(datomic.Datom d) {
        return new Datom(((Number) d.e()).longValue(), ((Number) d.a()).longValue(), fromDatomic(d.v()),
                ((Number) d.tx()).longValue(), d.added());
    }

    private static DatomicError error(Throwable t) {
        Keyword code = null;
        Keyword category = null;
        if (t instanceof clojure.lang.IExceptionInfo info) {
            IPersistentMap data = info.getData();
            Object c = data.valAt(clojure.lang.Keyword.intern("db", "error"));
            Object cat = data.valAt(clojure.lang.Keyword.intern("cognitect.anomalies", "category"));
            code = c == null ? null : (Keyword) fromDatomic(c);
            category = cat == null ? null : (Keyword) fromDatomic(cat);
        }
        return new DatomicError(code, category, String.valueOf(t.getMessage()), t);
    }
}
