package io.chronon.sharding.peer;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A read answers at most {@code chronon.read.max-result-rows} rows and stops when its thread is
 * interrupted (issue 16: datoms, index-range and query answers had no size limit, so one read of
 * every datom of a large database filled the heap; the datoms loops never looked at the timeout).
 */
class ReadLimitsTest {
    private long before;
    private DbValue db;

    @BeforeEach
    void setUp() {
        before = PeerReads.maxResultRows();
        db = TxProcessor.transact(DbValue.empty(), (List<?>) EdnReader.read("[{:db/ident :p/n :db/valueType :db.type/long"
                + " :db/cardinality :db.cardinality/one :db/index true}]"), TxOptions.defaults()).dbAfter();
        StringBuilder tx = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            tx.append("{:p/n ").append(i).append('}');
        }
        db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx.append(']').toString()), TxOptions.defaults()).dbAfter();
    }

    @AfterEach
    void tearDown() {
        PeerReads.maxResultRows(before);
        Thread.interrupted();
    }

    private Object run(QueryPeer.ReadOp op) {
        return PeerReads.run("limits", db, db, op, Map.of(), 10_000);
    }

    private void assertTooLarge(QueryPeer.ReadOp op) {
        ChrononException e = assertThrows(ChrononException.class, () -> run(op));
        assertEquals(Keyword.of("chronon.error/result-too-large"), e.code(), e.getMessage());
        assertEquals(ErrorCategory.INCORRECT, e.category());
        assertTrue(e.getMessage().contains("50 rows"), e.getMessage());
    }

    @Test
    void aReadOverTheRowLimitIsRefusedAndPagesWithinItAnswer() {
        PeerReads.maxResultRows(50);
        List<Object> avet = List.of(Keyword.of("p/n"));
        assertTooLarge(new QueryPeer.DatomsOp("avet", avet, -1, 0));
        assertTooLarge(new QueryPeer.IndexRangeOp(Keyword.of("p/n"), null, null, -1, 0));
        assertTooLarge(new QueryPeer.QueryOp("[:find ?e :where [?e :p/n]]", List.of(), -1, 0, null));
        // pages within the limit, and answers that fit, are given whole
        assertEquals(50, ((Collection<?>) run(new QueryPeer.DatomsOp("avet", avet, 50, 0))).size());
        assertEquals(50, ((Collection<?>) run(new QueryPeer.DatomsOp("avet", avet, 50, 50))).size());
        assertEquals(40, ((Collection<?>) run(new QueryPeer.IndexRangeOp(Keyword.of("p/n"), 10L, 50L, -1, 0))).size());
        assertEquals(50, ((Collection<?>) run(new QueryPeer.QueryOp("[:find ?e :where [?e :p/n ?n] [(< ?n 50)]]", List.of(),
                -1, 0, null))).size());
        assertEquals(100L, run(new QueryPeer.QueryOp("[:find (count ?e) . :where [?e :p/n]]", List.of(), -1, 0, null)));
    }

    @Test
    void aLogReadOverTheRowLimitFailsOrEndsEarlyAfterAWholeTransaction() {
        // 10 transactions of 21 datoms (20 people and the transaction's instant)
        for (int t = 0; t < 10; t++) {
            StringBuilder tx = new StringBuilder("[");
            for (int i = 0; i < 20; i++) {
                tx.append("{:p/n ").append(1000 + t * 20 + i).append('}');
            }
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx.append(']').toString()), TxOptions.defaults()).dbAfter();
        }
        PeerReads.maxResultRows(50);
        List<?> all = (List<?>) PeerReads.run("limits", db, db, new QueryPeer.LogOp(null, null, -1, true), Map.of(), 10_000);
        assertTrue(!all.isEmpty() && all.size() < 12, "a partial read ends early: " + all.size());
        int rows = 0;
        for (Object tx : all) {
            rows += ((List<?>) ((Map<?, ?>) tx).get(Keyword.of("data"))).size();
        }
        assertTrue(rows >= 50 && rows < 50 + 102, "whole transactions, just past the limit: " + rows);
        assertTooLarge(new QueryPeer.LogOp(null, null, -1));
        // a transaction larger than the limit on its own is still given whole
        PeerReads.maxResultRows(5);
        List<?> first = (List<?>) PeerReads.run("limits", db, db, new QueryPeer.LogOp(null, null, 1), Map.of(), 10_000);
        assertEquals(1, first.size());
        // within the limit nothing changes
        PeerReads.maxResultRows(1_000_000);
        assertTrue(((List<?>) PeerReads.run("limits", db, db, new QueryPeer.LogOp(null, null, -1), Map.of(), 10_000)).size() >= 12);
    }

    @Test
    void anInterruptedDatomsReadStops() {
        db = db.with((List<?>) EdnReader.read("[" + "{:p/n 1000}".repeat(3000) + "]")).dbAfter();
        Thread.currentThread().interrupt();
        ChrononException e = assertThrows(ChrononException.class,
                () -> run(new QueryPeer.DatomsOp("eavt", List.of(), -1, 0)));
        assertEquals(Keyword.of("db.error/query-interrupted"), e.code());
        Thread.currentThread().interrupt();
        e = assertThrows(ChrononException.class, () -> run(new QueryPeer.LogOp(null, null, -1)));
        assertEquals(Keyword.of("db.error/query-interrupted"), e.code());
    }
}
