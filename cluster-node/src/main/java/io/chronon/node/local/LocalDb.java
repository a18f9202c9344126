package io.chronon.node.local;

import io.chronon.ChrononException;
import io.chronon.client.Db;
import io.chronon.client.Entity;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.EdnReader;
import io.chronon.pull.Pull;
import io.chronon.query.Datalog;
import io.chronon.query.QueryOptions;
import io.chronon.tx.TxOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A db value of the in-process node: reads run with core, in the caller's thread. */
final class LocalDb implements Db {
    private final String name;
    private final DbValue value;
    private final TxOptions txOptions;

    LocalDb(String name, DbValue value, TxOptions txOptions) {
        this.name = name;
        this.value = value;
        this.txOptions = txOptions;
    }

    /** The core db value (or view) this wraps. */
    DbValue value() {
        return value;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long basisT() {
        return value.basisT();
    }

    @Override
    public long indexBasisT() {
        return value.indexBasisT();
    }

    @Override
    public Object query(Object query, List<?> args, QueryOptions options) {
        List<Object> inputs = new ArrayList<>(1 + args.size());
        inputs.add(value);
        for (Object a : args) {
            if (a instanceof LocalDb d) {
                inputs.add(d.value);
            } else if (a instanceof Db d) {
                throw ChrononException.incorrect("chronon.error/invalid-db-input",
                        "A database input of an in-process query must be an in-process database, not " + d, d.name());
            } else {
                inputs.add(a);
            }
        }
        return Datalog.query(query, inputs, options);
    }

    @Override
    public Map<Object, Object> pull(Object selector, Object eid) {
        return Pull.pull(value, selector, eid);
    }

    @Override
    public List<Map<Object, Object>> pullMany(Object selector, List<?> eids) {
        return Pull.pullMany(value, selector, eids);
    }

    @Override
    public Entity entity(Object eid) {
        io.chronon.pull.LazyEntity e = Pull.entity(value, eid);
        return e == null ? null : new LocalEntity(this, e);
    }

    @Override
    public List<Datom> datoms(IndexType index, Object... components) {
        return list(value.datoms(index, components));
    }

    @Override
    public List<Datom> indexRange(Object attr, Object start, Object end) {
        return list(value.indexRange(attr, start, end));
    }

    private static List<Datom> list(Iterable<Datom> datoms) {
        List<Datom> out = new ArrayList<>();
        datoms.forEach(out::add);
        return List.copyOf(out);
    }

    @Override
    public io.chronon.db.Attribute attribute(Object attr) {
        return value.attributeOf(attr);
    }

    @Override
    public long entidAt(Object partition, Object point) {
        return value.entidAt(partition, point);
    }

    @Override
    public Db asOf(Object point) {
        return new LocalDb(name, value.asOf(point), txOptions);
    }

    @Override
    public Db since(Object point) {
        return new LocalDb(name, value.since(point), txOptions);
    }

    @Override
    public Db history() {
        return new LocalDb(name, value.history(), txOptions);
    }

    @Override
    public Db with(Object txData) {
        Object data = txData instanceof String s ? EdnReader.read(s) : txData;
        if (!(data instanceof List<?> list)) {
            throw ChrononException.incorrect("db.error/invalid-tx-data",
                    "Transaction data is a list of list and map forms, not " + io.chronon.edn.EdnPrinter.printOrDescribe(data), data);
        }
        return new LocalDb(name, value.with(list, txOptions).dbAfter(), txOptions);
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
