package io.chronon.pull;

import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.LayeredValues;
import io.chronon.db.ValueType;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds test databases from raw datoms, one transaction per {@link #commit()}, without the
 * transaction processor: attributes get ids from 72 up and entities ids in
 * {@code :db.part/user}, as Datomic numbers them.
 */
final class TestDb {
    private DbValue db = DbValue.empty();
    private final List<Datom> pending = new ArrayList<>();
    private long nextAttr = Bootstrap.FIRST_DB_COUNTER;
    private long nextEntity = 2000;
    private long t = Bootstrap.FIRST_T;

    /** Declares an attribute; {@code unique} is null, "identity" or "value". */
    long attr(String ident, ValueType type, boolean many, String unique, boolean component) {
        long id = nextAttr++;
        add(id, Bootstrap.IDENT, Keyword.of(ident));
        add(id, Bootstrap.VALUE_TYPE, type.id());
        add(id, Bootstrap.CARDINALITY, many ? Bootstrap.CARDINALITY_MANY : Bootstrap.CARDINALITY_ONE);
        if (unique != null) {
            add(id, Bootstrap.UNIQUE, unique.equals("identity") ? Bootstrap.UNIQUE_IDENTITY : Bootstrap.UNIQUE_VALUE);
        }
        if (component) {
            add(id, Bootstrap.IS_COMPONENT, true);
        }
        add(Ids.PART_DB, Bootstrap.INSTALL_ATTRIBUTE, id);
        return id;
    }

    long attr(String ident, ValueType type, boolean many) {
        return attr(ident, type, many, null, false);
    }

    /** A new entity id in {@code :db.part/user}. */
    long entity() {
        return Ids.entid(Ids.PART_USER, nextEntity++);
    }

    /** The entity id with counter {@code counter} in {@code :db.part/user} (to mirror Datomic's numbering). */
    static long user(long counter) {
        return Ids.entid(Ids.PART_USER, counter);
    }

    /** A new entity that is only an ident (an enum value). */
    long ident(String ident) {
        return ident(entity(), ident);
    }

    long ident(long e, String ident) {
        add(e, Bootstrap.IDENT, Keyword.of(ident));
        return e;
    }

    TestDb add(long e, long a, Object v) {
        pending.add(new Datom(e, a, v, 0, true));
        return this;
    }

    TestDb add(long e, String attr, Object... values) {
        Long a = attrId(attr);
        for (Object v : values) {
            add(e, a, v);
        }
        return this;
    }

    TestDb retract(long e, String attr, Object v) {
        pending.add(new Datom(e, attrId(attr), v, 0, false));
        return this;
    }

    private long attrId(String attr) {
        Long a = db.entid(Keyword.of(attr));
        if (a == null) {
            throw new IllegalArgumentException("commit the schema of " + attr + " first");
        }
        return a;
    }

    /** Applies the pending datoms as the next transaction and returns the new db value. */
    DbValue commit() {
        long tx = Ids.tToTx(t);
        List<Datom> datoms = new ArrayList<>();
        for (Datom d : pending) {
            datoms.add(d.withTx(tx, d.added()));
        }
        datoms.add(new Datom(tx, Bootstrap.TX_INSTANT, new Date(t * 1000), tx, true));
        pending.clear();
        db = LayeredValues.maybeSplit(db.applyTransaction(t, datoms, t + 1, nextAttr, t * 1000));
        t++;
        return db;
    }

    DbValue db() {
        return db;
    }

    /** The t the last commit got. */
    long lastT() {
        return t - 1;
    }

    /** A map of alternating keys and values, in order. */
    static Map<Object, Object> map(Object... kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Keyword kw(String s) {
        return Keyword.of(s);
    }
}
