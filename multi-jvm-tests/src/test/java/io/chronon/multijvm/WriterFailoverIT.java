package io.chronon.multijvm;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill -9 of the node hosting a database's writer while clients transact through the two
 * other nodes, three times in a row (the killed node started again each time): transacting
 * resumes on a new writer, no acknowledged transaction is lost or doubled, none is half
 * present, the surviving peers answer reads during the failover, and {@code sync(t)} of a t
 * acknowledged before the kill completes after it.
 */
@ExtendWith(SharedCassandra.class)
class WriterFailoverIT {
    static final String DB = "failover";
    static final int KILLS = 3;
    static final int CLIENTS = 4;
    static final Duration RECOVERY = Duration.ofSeconds(90);

    static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.ofThreeWithWorkload("failover_it", SharedCassandra.server().contactPoint(), DB);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void killingTheWritersNodeLosesNoAcknowledgedTransaction() throws Exception {
        AtomicLong ids = new AtomicLong();
        List<Workload.Attempt> attempts = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int kill = 1; kill <= KILLS; kill++) {
            NodeProcess writer = cluster.writerOf(DB, cluster.nodes(), Duration.ofSeconds(60));
            List<NodeProcess> through = cluster.nodes().stream().filter(n -> n != writer).toList();
            Failover round;
            try (Workload workload = new Workload(DB, through, CLIENTS, ids).start()) {
                round = Failover.run(cluster, DB, writer, workload, 30, Duration.ZERO, 30, Duration.ZERO, RECOVERY);
                workload.stop();
                attempts.addAll(workload.attempts());
                NodeProcess newWriter = cluster.writerOf(DB, cluster.live(), RECOVERY);
                System.out.println("kill " + kill + " of " + writer + " (new writer " + newWriter.name() + "): first transaction "
                        + round.failoverMillis() + " ms after the kill, writer answering a sync after " + round.writerBackMillis()
                        + " ms; reads during the failover " + round.readsDuringFailover() + "; unacknowledged " + workload.errorSummary());
            }
            problems.addAll(round.problems());
            if (kill < KILLS) {
                // back to three nodes for the next kill (after the last one two are enough to check)
                cluster.restart(writer);
            }
        }
        WorkloadCheck check;
        try (Connection c = TestCluster.connect(cluster.live().get(0), DB)) {
            check = WorkloadCheck.of(c, attempts);
        }
        System.out.println("WriterFailoverIT: " + check.summary());
        problems.addAll(check.problems());
        assertEquals(List.of(), problems);
        assertTrue(check.acked() >= KILLS * 60, check.summary());
    }
}
