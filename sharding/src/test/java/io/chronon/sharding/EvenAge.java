package io.chronon.sharding;

import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;
import io.chronon.tx.AttrPredicate;
import io.chronon.tx.EntityPredicate;

/**
 * A registered predicate for tests, of both kinds: as {@code :db.attr/preds} a value must be an
 * even long; as {@code :db.entity/preds} the entity's {@code :person/age} must be.
 */
public final class EvenAge implements AttrPredicate, EntityPredicate {
    @Override
    public boolean test(Object value) {
        return value instanceof Long l && l % 2 == 0;
    }

    @Override
    public boolean test(DbValue db, long entity) {
        for (var d : db.datoms(IndexType.EAVT, entity, Keyword.of("person/age"))) {
            return test(d.v());
        }
        return false;
    }
}
