package io.chronon.pull;

import io.chronon.datomic.DatomicBridge;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.LayeredValues;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * One database in Datomic's peer library ({@link DatomicBridge}) and its exact copy in
 * Chronon: every transaction runs in Datomic, and the datoms Datomic committed (same entity
 * ids, same t, same tx instant) are applied to the Chronon db value. The two then hold the
 * same facts under the same ids, so pull results compare as they are, whatever numbering
 * Chronon's own transaction processor would choose.
 */
final class DatomicMirror {
    private final DatomicBridge bridge = DatomicBridge.create();
    private DbValue chronon = DbValue.empty();
    private datomic.Database datomicDb = bridge.db();
    private final List<Long> ts = new ArrayList<>();

    /** Runs the transaction (EDN text) in Datomic and mirrors it; returns Datomic's tempid to id map. */
    Map<String, Long> transact(String ednTxData) {
        DatomicBridge.TxResult r = bridge.transactEdn(ednTxData);
        long tx = r.txData().get(0).tx();
        long txInstant = 0;
        for (Datom d : r.txData()) {
            if (d.e() == d.tx() && d.a() == Bootstrap.TX_INSTANT && d.added()) {
                txInstant = ((Date) d.v()).getTime();
            }
        }
        long t = Ids.txToT(tx);
        chronon = LayeredValues.maybeSplit(
                chronon.applyTransaction(t, r.txData(), r.dbAfter().nextT(), chronon.nextDbCounter() + 100, txInstant));
        datomicDb = r.dbAfter();
        ts.add(t);
        return r.tempids();
    }

    DbValue chronon() {
        return chronon;
    }

    datomic.Database datomic() {
        return datomicDb;
    }

    /** The t of each transaction so far, in order. */
    List<Long> ts() {
        return ts;
    }

    /** Datomic's (Clojure) values as Chronon values. */
    static Object toChronon(Object v) {
        return DatomicBridge.fromDatomic(v);
    }

    /** EDN text read by Datomic's reader (Clojure data), for patterns and entity references. */
    static Object datomicRead(String edn) {
        return datomic.Util.read(edn);
    }
}
