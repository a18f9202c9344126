package io.chronon.sharding.cassandra;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.db.Ids;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.cassandra.CassandraNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two writers of one database at the same time, on one Cassandra log: what a cluster has for
 * a moment when a node rejoins, is partitioned, or is paused while its writer moves. Here each
 * writer is the transactor of its own one-node cluster, both on the same keyspace, which makes
 * the overlap last as long as the test wants. The fence (conditional writes) keeps the log
 * from forking; what is checked is the other half of the promise: <b>every transaction a
 * writer acknowledges is in the log</b>, exactly once, at the t it was acknowledged with, and
 * with the datoms it was acknowledged with, whichever writer stored it, and also when a
 * group commit was only partly stored (a partition of 4 entries, so that writes span
 * partitions and go to Cassandra as several conditional batches).
 */
@ExtendWith(SharedCassandra.class)
class TwoWritersTest {
    static final String KEYSPACE = "chronon_two_writers";
    static final String DB = "twin";
    static final String SCHEMA = "[{:db/ident :w/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
            + " {:db/ident :w/check :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]";
    /** Small partitions: a group commit spans several, so it is stored as several conditional batches. */
    static final String CONFIG = "chronon.storage.cassandra.partition-size = 4\n"
            + "chronon.transactor.restart-backoff = 20ms\n";

    record Sent(long id, String via, String requestId, CompletableFuture<Transactor.TxResult> answer) {
    }

    static String tx(long id) {
        return "[{:w/id " + id + " :w/check \"c" + id + "\"}]";
    }

    @Test
    void everyAcknowledgedTransactionIsInTheLogWhenTwoWritersOverlap() throws Exception {
        ActorTestKit a = CassandraNode.start(CassandraNode.config(KEYSPACE, CONFIG));
        ActorTestKit b = null;
        ActorTestKit reader = null;
        List<Sent> sent = new ArrayList<>();
        try {
            ChrononCluster ca = ChrononCluster.get(a.system());
            assertTrue(await(ca.createDatabase(DB)).created());
            await(ca.transact(DB, SCHEMA));
            // a second cluster on the same storage: its catalog recovers the database, its writer the log
            b = CassandraNode.start(CassandraNode.config(KEYSPACE, CONFIG));
            ChrononCluster cb = ChrononCluster.get(b.system());
            long id = 0;

            // the simplest overlap: B commits the entry after A's last one; A, not knowing, writes there too
            Transactor.TxResult first = await(cb.transact(DB, tx(++id)));
            sent.add(new Sent(id, "b", null, CompletableFuture.completedFuture(first)));
            sent.add(new Sent(++id, "a", null, ca.transact(DB, tx(id)).toCompletableFuture()));
            settle(sent);

            // then many: bursts to both writers at once (group commits of several entries that
            // span partitions), some with request ids, some of those sent to both writers
            Random random = new Random(13);
            for (int round = 0; round < 40; round++) {
                int n = 1 + random.nextInt(12);
                for (int i = 0; i < n; i++) {
                    long next = ++id;
                    boolean toA = random.nextBoolean();
                    String requestId = random.nextInt(3) == 0 ? "req-" + next : null;
                    ChrononCluster via = toA ? ca : cb;
                    sent.add(new Sent(next, toA ? "a" : "b", requestId, via.transact(DB, tx(next), requestId).toCompletableFuture()));
                    if (requestId != null && random.nextInt(2) == 0) {
                        // the same request sent to the other writer too (a client retrying on another node)
                        ChrononCluster other = toA ? cb : ca;
                        sent.add(new Sent(next, toA ? "b" : "a", requestId, other.transact(DB, tx(next), requestId).toCompletableFuture()));
                    }
                }
                if (random.nextInt(4) == 0) {
                    settle(sent);
                }
            }
            settle(sent);

            // what the log holds, read by a third node that has never written
            reader = CassandraNode.start(CassandraNode.config(KEYSPACE, CONFIG));
            ChrononCluster cr = ChrononCluster.get(reader.system());
            long latest = await(cr.sync(DB)).basisT();
            Map<Long, List<long[]>> present = new HashMap<>(); // id -> [entity, t]
            for (Object row : (Collection<?>) await(cr.q(DB, "[:find ?id ?e ?tx :where [?e :w/id ?id ?tx]]"))) {
                List<?> r = (List<?>) row;
                long rid = ((Number) r.get(0)).longValue();
                present.computeIfAbsent(rid, k -> new ArrayList<>())
                        .add(new long[]{((Number) r.get(1)).longValue(), Ids.txToT(((Number) r.get(2)).longValue())});
            }

            List<String> problems = new ArrayList<>();
            long acked = 0;
            long failed = 0;
            for (Sent s : sent) {
                List<long[]> copies = present.getOrDefault(s.id(), List.of());
                if (copies.size() > 1) {
                    problems.add("id " + s.id() + " committed " + copies.size() + " times");
                }
                Transactor.TxResult r = s.answer().handle((ok, e) -> ok).join();
                if (r == null) {
                    failed++;
                    continue;
                }
                acked++;
                if (copies.isEmpty()) {
                    problems.add("id " + s.id() + " acknowledged by writer " + s.via() + " at t " + r.t() + " (entry " + r.seqNr()
                            + (r.duplicate() ? ", as a duplicate" : "") + ") is not in the log");
                } else if (copies.get(0)[1] != r.t()) {
                    problems.add("id " + s.id() + " acknowledged by writer " + s.via() + " at t " + r.t() + " is in the log at t "
                            + copies.get(0)[1]);
                } else if (r.txData().stream().noneMatch(d -> d.e() == copies.get(0)[0])) {
                    problems.add("id " + s.id() + " acknowledged by writer " + s.via() + " with datoms not of its entity "
                            + copies.get(0)[0]);
                }
            }
            System.out.println("TwoWritersTest: " + sent.size() + " sent, " + acked + " acknowledged, " + failed
                    + " failed, " + present.size() + " ids in the log (latest t " + latest + "), " + problems.size() + " problems");
            assertEquals(List.of(), problems.size() > 30 ? problems.subList(0, 30) : problems);
            assertTrue(acked > sent.size() / 4, "most transactions are acknowledged: " + acked + " of " + sent.size());
        } finally {
            for (ActorTestKit kit : new ActorTestKit[]{reader, b, a}) {
                if (kit != null) {
                    kit.shutdownTestKit();
                }
            }
        }
    }

    /** Waits until every answer is in (acknowledged or failed). */
    private static void settle(List<Sent> sent) {
        for (Sent s : sent) {
            try {
                s.answer().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                // a failed transaction: fine, as long as it is not in the log twice (checked at the end)
            }
        }
    }
}
