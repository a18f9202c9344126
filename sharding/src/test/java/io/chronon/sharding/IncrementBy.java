package io.chronon.sharding;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxFunction;

import java.util.List;

/** A registered transaction function for tests: {@code [:test/inc eid attr by]} adds {@code by} to a long. */
public final class IncrementBy implements TxFunction {
    @Override
    public List<?> apply(DbValue db, List<Object> args) {
        Object eid = args.get(0);
        Keyword attr = (Keyword) args.get(1);
        long by = ((Number) args.get(2)).longValue();
        long current = 0;
        for (Datom d : db.datoms(IndexType.EAVT, eid, attr)) {
            current = (Long) d.v();
        }
        return List.of(List.of(Keyword.of("db/add"), eid, attr, current + by));
    }
}
