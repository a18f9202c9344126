package io.chronon.tx;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;

import java.util.List;
import java.util.Map;

/**
 * The result of a transaction: the database before and after, the datoms it added or
 * retracted (including the transaction entity's own, such as {@code :db/txInstant}), and
 * the entity id each tempid resolved to.
 *
 * @param tempids tempid (a string, as written in the transaction data) to entity id
 */
public record TxOutcome(DbValue dbBefore, DbValue dbAfter, List<Datom> txData, Map<String, Long> tempids) {

    /** The t of the transaction. */
    public long t() {
        return dbAfter.basisT();
    }

    /** The entity id a tempid resolved to, or null if the transaction did not use it. */
    public Long tempid(String tempid) {
        return tempids.get(tempid);
    }
}
