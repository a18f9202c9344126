package io.chronon.query;

import datomic.Database;
import datomic.Util;
import io.chronon.ChrononException;
import io.chronon.datomic.DatomicBridge;
import io.chronon.db.DbValue;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The same transactions in Chronon and in Datomic's in-memory peer, and a way to run one
 * query on both and compare the answers. Entity ids differ between the systems, so results
 * are normalized first: an entity id becomes {@code "#e/<name>"} (by the unique :name) or its
 * ident, and a transaction id {@code "#tx/<k>"} (the k-th transaction of the data).
 */
final class DatomicSide implements AutoCloseable {
    /** An input that stands for a database (or view) of the side running the query. */
    enum Src { DB, AS_OF_1, SINCE_1, HISTORY, EMPTY }

    /** An input that stands for the entity id of a named person on the side running the query. */
    record Ent(String name) {
    }

    final DatomicBridge datomic = DatomicBridge.create();
    DbValue chronon = DbValue.empty();
    final List<Long> chrononTs = new ArrayList<>();
    final List<Long> datomicTs = new ArrayList<>();
    private final Map<Long, Object> chrononNames = new HashMap<>();
    private final Map<Long, Object> datomicNames = new HashMap<>();

    void transact(String edn) {
        List<?> tx = (List<?>) EdnReader.read(edn);
        chronon = LayeredValues.maybeSplit(TxProcessor.transact(chronon, tx, TxOptions.defaults()).dbAfter());
        DatomicBridge.TxResult r = datomic.transact(tx);
        chrononTs.add(chronon.basisT());
        datomicTs.add(r.basisT());
        refreshNames();
    }

    private void refreshNames() {
        chrononNames.clear();
        datomicNames.clear();
        String names = "[:find ?e ?n :where [?e :name ?n]]";
        String idents = "[:find ?e ?i :where [?e :db/ident ?i]]";
        try {
            for (Object row : (Collection<?>) Datalog.q(names, chronon)) {
                List<?> l = (List<?>) row;
                chrononNames.put((Long) l.get(0), "#e/" + l.get(1));
            }
            for (Object row : (Collection<?>) datomicQ(names, datomic.db())) {
                List<?> l = (List<?>) row;
                datomicNames.put((Long) l.get(0), "#e/" + l.get(1));
            }
        } catch (Exception e) {
            // no :name attribute yet
        }
        // only the data's own idents (un-namespaced): bootstrap ids are small numbers that data uses too
        for (Object row : (Collection<?>) Datalog.q(idents, chronon)) {
            List<?> l = (List<?>) row;
            if (((Keyword) l.get(1)).namespace() == null) {
                chrononNames.put((Long) l.get(0), l.get(1));
            }
        }
        for (Object row : (Collection<?>) datomicQ(idents, datomic.db())) {
            List<?> l = (List<?>) row;
            if (((Keyword) l.get(1)).namespace() == null) {
                datomicNames.put((Long) l.get(0), l.get(1));
            }
        }
        for (int i = 0; i < chrononTs.size(); i++) {
            chrononNames.put(io.chronon.db.Ids.tToTx(chrononTs.get(i)), "#tx/" + i);
            datomicNames.put(io.chronon.db.Ids.tToTx(datomicTs.get(i)), "#tx/" + i);
        }
    }

    /** The outcome of one query on one side: a normalized result or an error. */
    record Outcome(Object result, Throwable error) {
        boolean failed() {
            return error != null;
        }

        @Override
        public String toString() {
            return error != null ? "ERROR " + error.getClass().getSimpleName() + ": " + error.getMessage()
                    : QueryParser.show(result);
        }
    }

    Outcome chronon(Object query, Object... inputs) {
        Object[] in = new Object[inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = chrononInput(inputs[i]);
        }
        try {
            return new Outcome(normalize(Datalog.q(query, in), chrononNames), null);
        } catch (ChrononException e) {
            return new Outcome(null, e);
        }
    }

    Outcome datomic(Object query, Object... inputs) {
        Object[] in = new Object[inputs.length];
        for (int i = 0; i < in.length; i++) {
            in[i] = datomicInput(inputs[i]);
        }
        try {
            return new Outcome(normalize(datomicQ(query, in), datomicNames), null);
        } catch (Throwable e) {
            return new Outcome(null, e);
        }
    }

    private Object chrononInput(Object in) {
        if (in instanceof Src s) {
            return switch (s) {
                case DB -> chronon;
                case AS_OF_1 -> chronon.asOf(chrononTs.get(1));
                case SINCE_1 -> chronon.since(chrononTs.get(1));
                case HISTORY -> chronon.history();
                case EMPTY -> DbValue.empty();
            };
        }
        if (in instanceof Ent e) {
            return chronon.entid(List.of(Keyword.of("name"), e.name()));
        }
        if (in instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(chrononInput(o));
            }
            return l instanceof io.chronon.edn.EdnList ? io.chronon.edn.EdnList.from(out) : out;
        }
        return in;
    }

    private Object datomicInput(Object in) {
        if (in instanceof Src s) {
            Database db = datomic.db();
            return switch (s) {
                case DB -> db;
                case AS_OF_1 -> db.asOf(datomicTs.get(1));
                case SINCE_1 -> db.since(datomicTs.get(1));
                case HISTORY -> db.history();
                case EMPTY -> db.asOf(datomicTs.get(0) - 1);
            };
        }
        if (in instanceof Ent e) {
            return datomicQ("[:find ?e . :in $ ?n :where [?e :name ?n]]", datomic.db(), e.name());
        }
        if (in instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(datomicInput(o));
            }
            return l instanceof io.chronon.edn.EdnList ? io.chronon.edn.EdnList.from(out) : out;
        }
        return in;
    }

    /** Replaces entity and transaction ids by stable names; turns BigDecimals into plain form. */
    static Object normalize(Object v, Map<Long, Object> names) {
        if (v instanceof Long l) {
            Object n = names.get(l);
            return n != null ? n : l;
        }
        if (v instanceof Integer i) {
            // Datomic's count aggregates and count function give ints; Chronon gives longs
            return i.longValue();
        }
        if (v instanceof BigDecimal b) {
            return b.stripTrailingZeros();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(normalize(k, names), normalize(x, names)));
            return out;
        }
        if (v instanceof Set<?> s) {
            Set<Object> out = new LinkedHashSet<>();
            for (Object x : s) {
                out.add(normalize(x, names));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) {
                out.add(normalize(x, names));
            }
            return out;
        }
        return v;
    }

    /**
     * Datomic's {@code Peer.q} with inputs converted by {@link DatomicBridge#toDatomic}, except
     * databases: {@code datomic.db.Db} implements {@code java.util.Map}, so the bridge's own
     * {@code q} would turn a database into an empty map.
     */
    private static final clojure.lang.IFn Q;

    static {
        clojure.java.api.Clojure.var("clojure.core", "require").invoke(clojure.java.api.Clojure.read("datomic.api"));
        Q = clojure.java.api.Clojure.var("datomic.api", "q");
    }

    static Object datomicQ(Object query, Object... inputs) {
        Object[] in = new Object[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = inputs[i] instanceof Database ? inputs[i] : DatomicBridge.toDatomic(inputs[i]);
        }
        Object qd = query instanceof String text ? Util.read(text) : DatomicBridge.toDatomic(query);
        Object[] args = new Object[in.length + 1];
        args[0] = qd;
        System.arraycopy(in, 0, args, 1, in.length);
        // datomic.api/q rather than Peer.q: the Java wrapper casts every result to a collection,
        // so scalar finds fail there
        return DatomicBridge.fromDatomic(Q.applyTo(clojure.lang.ArraySeq.create(args)));
    }

    @Override
    public void close() {
        datomic.close();
    }
}
