package io.chronon.multijvm;

import io.chronon.cassandra.dev.SharedCassandra;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13: nodes rejoining a cluster under load must not lose acknowledged transactions.
 * Three real nodes ({@code transactor,query}) over the shared Cassandra; 12 HTTP clients
 * each retrying a transaction with its request id on another node after any error or
 * timeout ({@link RejoinClients}), while {@link Rejoin} stops and restarts nodes:
 * <ol>
 *   <li>SIGKILL of the writer's node, restarted 3 s later on the same data directory and
 *   cluster port, every 4-8 s ({@value #KILLS} rounds);</li>
 *   <li>SIGTERM (a graceful leave) of the writer's node and of another node alternately,
 *   each restarted 3 s after it exited ({@value #LEAVES} rounds).</li>
 * </ol>
 * Then on every node, synced to the highest acknowledged basis-t: every acknowledged
 * transaction is present exactly once at its t, none is committed twice. Rounds and the
 * seed: {@code -Drejoin.kills=N -Drejoin.leaves=N -Drejoin.seed=N}, the pause before a restart:
 * {@code -Drejoin.restart-ms=MS} or {@code MIN-MAX}. The attempts are written to
 * {@code target/multi-jvm/rejoin_*-attempts.csv} for the node logs next to them.
 */
@ExtendWith(SharedCassandra.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RejoinIT {
    static final int KILLS = 6;
    static final int LEAVES = 2;
    static final int CLIENTS = 12;
    static final String KILL_DB = "rejoin_kill";
    static final String LEAVE_DB = "rejoin_leave";

    static TestCluster cluster;
    static long seed = Long.getLong("rejoin.seed", 13);
    static final String RESTART = System.getProperty("rejoin.restart-ms", String.valueOf(Rejoin.RESTART_AFTER.toMillis()));

    @BeforeAll
    static void startCluster() {
        // one database, as in the issue (a second one would hold a shard of its own and change where the writer goes)
        cluster = TestCluster.ofThreeWithWorkload("rejoin_it", SharedCassandra.server().contactPoint(), KILL_DB);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void killingAndRestartingTheWritersNodeLosesNothing() throws Exception {
        int kills = Integer.getInteger("rejoin.kills", KILLS);
        try (Rejoin rejoin = new Rejoin(cluster, KILL_DB, "rejoin_kill", seed).restartAfter(RESTART)) {
            rejoin.startClients(CLIENTS, "rj-", new AtomicLong(), seed);
            rejoin.killRounds(kills);
            check(rejoin.finish(), kills);
        }
    }

    @Test
    @Order(2)
    void gracefulLeavesAndRejoinsLoseNothing() throws Exception {
        int leaves = Integer.getInteger("rejoin.leaves", LEAVES);
        TestCluster.createDatabase(cluster.node(0), LEAVE_DB, Workload.SCHEMA);
        try (Rejoin rejoin = new Rejoin(cluster, LEAVE_DB, "rejoin_leave", seed + 1).restartAfter(RESTART)) {
            rejoin.startClients(CLIENTS, "rl-", new AtomicLong(), seed + 1);
            rejoin.leaveRounds(leaves);
            check(rejoin.finish(), leaves);
        }
    }

    private static void check(Rejoin.Result result, int rounds) {
        assertEquals(3, result.checks().size(), "checked on every node: " + result.problems());
        assertEquals(0, result.lost(), "acknowledged transactions lost: " + result.summary() + "\n" + String.join("\n", result.details()));
        assertEquals(0, result.doubled(), "transactions committed twice: " + result.summary());
        assertEquals(List.of(), result.problems());
        assertTrue(result.acked() >= rounds * 50L, "the clients got too few acknowledgements: " + result.summary());
    }
}
