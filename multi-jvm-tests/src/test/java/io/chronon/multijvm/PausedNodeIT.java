package io.chronon.multijvm;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.client.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * SIGSTOP of the node hosting a database's writer (a long GC pause or a frozen VM) while
 * clients transact through the other nodes: the writer moves, and when the paused node runs
 * again (SIGCONT) it must not write as a second writer: it leaves the cluster, the log has
 * each t once, and every acknowledged transaction is there exactly once.
 */
@ExtendWith(SharedCassandra.class)
class PausedNodeIT {
    static final String DB = "paused";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.ofThreeWithWorkload("paused_it", SharedCassandra.server().contactPoint(), DB);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aPausedWriterNodeResumingDoesNotWriteAsASecondWriter() throws Exception {
        NodeProcess paused = cluster.writerOf(DB, cluster.nodes(), Duration.ofSeconds(60));
        List<NodeProcess> others = cluster.nodes().stream().filter(n -> n != paused).toList();
        WorkloadCheck check;
        try (Workload workload = new Workload(DB, others, 4, new AtomicLong()).start()) {
            Poll.until("30 transactions acknowledged", TIMEOUT, () -> workload.ackedCount() >= 30);
            long pausedAt = System.nanoTime();
            paused.pause();
            Workload.Attempt first = Poll.until("a transaction submitted after the pause is acknowledged", TIMEOUT,
                    () -> workload.firstAckSubmittedAfter(pausedAt));
            System.out.println("PausedNodeIT: writes succeed again " + (first.answeredNanos() - pausedAt) / 1_000_000
                    + " ms after SIGSTOP of " + paused);
            NodeProcess newWriter = cluster.writerOf(DB, others, TIMEOUT);
            long acked = workload.ackedCount();
            Poll.until("30 more transactions acknowledged on the new writer " + newWriter, TIMEOUT,
                    () -> workload.ackedCount() - acked >= 30);

            paused.resume();
            // the paused node was downed while it slept: once it runs it learns so and leaves
            Poll.until(paused + " is gone from the cluster (process exited or no longer a member)", TIMEOUT,
                    () -> !paused.isAlive() || others.stream().allMatch(o -> cluster.http().cluster(o.httpPort())
                            .filter(v -> v.members().stream().noneMatch(m -> m.address().equals(paused.address()))).isPresent()));
            long ackedAtResume = workload.ackedCount();
            Poll.until("30 transactions acknowledged after the resume", TIMEOUT, () -> workload.ackedCount() - ackedAtResume >= 30);
            workload.stop();
            System.out.println("PausedNodeIT: after SIGCONT the paused node " + (paused.awaitExit(Duration.ofSeconds(30))
                    ? "exited" : "still runs (no longer a member)") + "; unacknowledged " + workload.errorSummary());
            if (paused.isAlive()) {
                Optional<NodeHttp.ClusterView> view = cluster.http().cluster(paused.httpPort());
                assertFalse(view.map(v -> v.writers().contains(DB)).orElse(false),
                        "the resumed node still runs a writer of " + DB + ": " + view);
            }
            try (Connection c = TestCluster.connect(others.get(0), DB)) {
                check = WorkloadCheck.of(c, workload.attempts());
            }
        }
        System.out.println("PausedNodeIT: " + check.summary());
        assertEquals(List.of(), check.problems());
    }
}
