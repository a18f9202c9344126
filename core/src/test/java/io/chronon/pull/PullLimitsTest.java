package io.chronon.pull;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.chronon.ChrononException;
import io.chronon.db.DbValue;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pulls that could stop a node (issue 16): one that nests deeper than a thread's stack (a
 * chain of components under {@code *}), and a recursive pattern over a graph with many paths
 * to each entity. Both are rejected with {@code :chronon.error/pull-too-large}; before, the
 * first overflowed the stack and the second ran on for ever.
 */
class PullLimitsTest {
    static DbValue transact(DbValue db, String edn) {
        return LayeredValues.maybeSplit(TxProcessor.transact(db, (List<?>) EdnReader.read(edn), TxOptions.defaults()).dbAfter());
    }

    @Test
    void aChainOfComponentsDeeperThanTheLimitIsRejected() {
        DbValue db = transact(DbValue.empty(), "[{:db/ident :n/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one"
                + " :db/unique :db.unique/identity} {:db/ident :n/next :db/valueType :db.type/ref"
                + " :db/cardinality :db.cardinality/one :db/isComponent true}]");
        int n = 50_000;
        StringBuilder tx = new StringBuilder("[[:db/add \"c0\" :n/key \"head\"]");
        for (int i = 0; i < n; i++) {
            tx.append("[:db/add \"c").append(i).append("\" :n/next \"c").append(i + 1).append("\"]");
        }
        tx.append("[:db/add \"c").append(n).append("\" :n/key \"tail\"]]");
        DbValue chain = transact(db, tx.toString());
        ChrononException e = assertThrows(ChrononException.class,
                () -> Pull.pull(chain, EdnReader.read("[*]"), EdnReader.read("[:n/key \"head\"]")));
        assertEquals(Keyword.of("chronon.error/pull-too-large"), e.code());
        // a shorter chain is pulled whole
        Map<Object, Object> near = Pull.pull(chain, EdnReader.read("[:n/key {:n/next 3}]"), EdnReader.read("[:n/key \"head\"]"));
        assertEquals("head", near.get(Keyword.of("n/key")));
    }

    @Test
    void aRecursivePatternOverManyPathsIsRejected() {
        DbValue db = transact(DbValue.empty(), "[{:db/ident :d/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one"
                + " :db/unique :db.unique/identity} {:db/ident :d/kids :db/valueType :db.type/ref"
                + " :db/cardinality :db.cardinality/many}]");
        // 40 layers of two entities, each referring to both of the next layer: 2^40 paths
        StringBuilder tx = new StringBuilder("[");
        int layers = 40;
        for (int l = 0; l < layers; l++) {
            for (int k = 0; k < 2; k++) {
                tx.append("{:db/id \"e").append(l).append('-').append(k).append("\" :d/key \"e").append(l).append('-')
                        .append(k).append('"');
                if (l + 1 < layers) {
                    tx.append(" :d/kids [\"e").append(l + 1).append("-0\" \"e").append(l + 1).append("-1\"]");
                }
                tx.append('}');
            }
        }
        DbValue diamonds = transact(db, tx.append(']').toString());
        ChrononException e = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> assertThrows(ChrononException.class,
                () -> Pull.pull(diamonds, EdnReader.read("[:d/key {:d/kids ...}]"), EdnReader.read("[:d/key \"e0-0\"]"))));
        assertEquals(Keyword.of("chronon.error/pull-too-large"), e.code());
    }

    /** {@code layers} layers of two entities, each referring to both of the next layer. */
    private static DbValue diamonds(int layers) {
        DbValue db = transact(DbValue.empty(), "[{:db/ident :d/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one"
                + " :db/unique :db.unique/identity} {:db/ident :d/kids :db/valueType :db.type/ref"
                + " :db/cardinality :db.cardinality/many}]");
        StringBuilder tx = new StringBuilder("[");
        for (int l = 0; l < layers; l++) {
            for (int k = 0; k < 2; k++) {
                tx.append("{:db/id \"e").append(l).append('-').append(k).append("\" :d/key \"e").append(l).append('-')
                        .append(k).append('"');
                if (l + 1 < layers) {
                    tx.append(" :d/kids [\"e").append(l + 1).append("-0\" \"e").append(l + 1).append("-1\"]");
                }
                tx.append('}');
            }
        }
        return transact(db, tx.append(']').toString());
    }

    /**
     * A read that times out is stopped by interrupting its thread; a pull within the limits
     * (here 8,190 entities by their paths) must notice it, as a query does (issue 16: pull
     * never looked at its timeout). Before, both pulls below ran to the end and answered.
     */
    @Test
    void anInterruptedPullStops() {
        DbValue db = diamonds(12);
        Object pattern = EdnReader.read("[:d/key {:d/kids ...}]");
        assertEquals("e0-0", Pull.pull(db, pattern, EdnReader.read("[:d/key \"e0-0\"]")).get(Keyword.of("d/key")));
        Thread.currentThread().interrupt();
        try {
            ChrononException one = assertThrows(ChrononException.class, () -> Pull.pull(db, pattern, EdnReader.read("[:d/key \"e0-0\"]")));
            assertEquals(Keyword.of("db.error/query-interrupted"), one.code());
            assertEquals(io.chronon.ErrorCategory.INTERRUPTED, one.category());
            ChrononException many = assertThrows(ChrononException.class,
                    () -> Pull.pullMany(db, EdnReader.read("[:d/key]"), List.of(EdnReader.read("[:d/key \"e0-0\"]"))));
            assertEquals(Keyword.of("db.error/query-interrupted"), many.code());
        } finally {
            Thread.interrupted();
        }
    }
}
