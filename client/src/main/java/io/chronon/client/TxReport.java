package io.chronon.client;

import io.chronon.db.Datom;
import io.chronon.db.Ids;

import java.util.List;
import java.util.Map;

/**
 * What a committed transaction did, as {@link Connection#transact} answers it and
 * {@link Connection#txReports} streams it.
 *
 * @param basisTBefore the basis t of the database just before the transaction
 * @param basisT       the transaction's t: the basis t of the database just after it
 * @param tx           the transaction's entity id
 * @param txData       the datoms it asserted and retracted, its own {@code :db/txInstant} included;
 *                     each datom's {@code a} is the attribute's entity id, as in Datomic
 * @param tempids      the entity id each tempid resolved to (empty in a report that was
 *                     read back from the log rather than seen as it was committed)
 */
public record TxReport(long basisTBefore, long basisT, long tx, List<Datom> txData, Map<String, Long> tempids) {

    public TxReport {
        txData = List.copyOf(txData);
        tempids = Map.copyOf(tempids);
    }

    /** A report for transaction {@code t}, its tx id derived from t. */
    public static TxReport of(long basisTBefore, long t, List<Datom> txData, Map<String, Long> tempids) {
        return new TxReport(basisTBefore, t, Ids.tToTx(t), txData, tempids);
    }

    /** The entity id tempid {@code tempid} resolved to, or null if the transaction did not use it. */
    public Long tempid(String tempid) {
        return tempids.get(tempid);
    }
}
