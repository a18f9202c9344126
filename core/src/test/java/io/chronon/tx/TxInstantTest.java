package io.chronon.tx;

import io.chronon.db.Datom;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** :db/txInstant: from the writer's clock, never backwards; settable forward on "datomic.tx". */
class TxInstantTest {
    private static Date instant(TxOutcome r) {
        Datom d = r.txData().stream().filter(x -> x.e() == x.tx() && x.a() == 50).findFirst().orElseThrow();
        return (Date) d.v();
    }

    @Test
    void comesFromTheClockAndNeverGoesBack() {
        TxTestSupport s = TxTestSupport.withSchema();
        long b = s.clock.now.get() + 1_000_000;
        s.clock.now.set(b + 5_000_000);
        TxOutcome r = s.tx("[{:p/name \"x\"}]");
        assertEquals(new Date(b + 5_000_000), instant(r));
        assertEquals(b + 5_000_000, s.db.lastTxInstant());
        s.clock.now.set(b + 1_000);
        assertEquals(new Date(b + 5_000_000), instant(s.tx("[{:p/name \"y\"}]")));
    }

    @Test
    void canBeSetForwardButNotBackNorIntoTheFuture() {
        TxTestSupport s = TxTestSupport.withSchema();
        long b = s.clock.now.get() + 1_000_000;
        s.clock.now.set(b + 5_000_000);
        s.tx("[]");
        s.clock.now.set(b + 9_000_000);
        TxOutcome r = s.tx(List.of(List.of(kw("db/add"), "datomic.tx", kw("db/txInstant"), new Date(b + 6_000_000))));
        assertEquals(new Date(b + 6_000_000), instant(r));
        assertEquals(1, r.txData().size()); // the explicit instant is the tx datom
        s.tx(List.of(io.chronon.tx.TxTestSupport.map(kw("db/id"), "datomic.tx", kw("db/txInstant"), new Date(b + 6_000_000))));
        s.fails("db.error/past-tx-instant", List.of(List.of(kw("db/add"), "datomic.tx", kw("db/txInstant"), new Date(b + 5_999_999))));
        s.fails("db.error/future-tx-instant", List.of(List.of(kw("db/add"), "datomic.tx", kw("db/txInstant"), new Date(b + 99_000_000))));
        s.fails("db.error/datoms-conflict", List.of(
                List.of(kw("db/add"), "datomic.tx", kw("db/txInstant"), new Date(b + 7_000_000)),
                List.of(kw("db/add"), "datomic.tx", kw("db/txInstant"), new Date(b + 7_000_001))));
        s.fails("db.error/wrong-type-for-attribute", "[[:db/add \"datomic.tx\" :db/txInstant \"x\"]]");
    }

    @Test
    void onlyTheCurrentTransactionsInstant() {
        TxTestSupport s = TxTestSupport.withSchema();
        TxOutcome first = s.tx("[{:p/name \"x\"}]");
        long oldTx = first.txData().get(0).tx();
        s.fails("db.error/reset-tx-instant", List.of(List.of(kw("db/add"), oldTx, kw("db/txInstant"), new Date())));
        s.fails("db.error/reset-tx-instant", List.of(List.of(kw("db/retract"), oldTx, kw("db/txInstant"), instant(first))));
        s.fails("db.error/reset-tx-instant", List.of(List.of(kw("db/retract"), "datomic.tx", kw("db/txInstant"), new Date(5))));
        // on an ordinary entity it is an ordinary attribute, as in Datomic
        s.tx(List.of(List.of(kw("db/add"), "x", kw("db/txInstant"), new Date(5))));
    }
}
