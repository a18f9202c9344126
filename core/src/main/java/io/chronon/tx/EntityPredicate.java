package io.chronon.tx;

import io.chronon.db.DbValue;

/**
 * An entity predicate (Datomic's {@code :db.entity/preds}): an entity spec names it by
 * symbol, {@code {:db/ident :person/valid :db.entity/preds [my.preds/adult?]}}, and a
 * transaction that asserts {@code [:db/add e :db/ensure :person/valid]} is rejected with
 * {@code :db.error/entity-pred} unless it holds for {@code e} in the database the transaction
 * would make. Registered on the writer by name as a {@link TxFunction} is
 * ({@link TxOptions#withEntityPredicate}, or {@code chronon.tx-predicates}); it should be pure
 * and read only what it needs of the value it is given.
 */
@FunctionalInterface
public interface EntityPredicate {
    /** True if entity {@code entity} is valid in {@code db}, the database after the transaction. */
    boolean test(DbValue db, long entity);
}
