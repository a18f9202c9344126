package io.chronon.multijvm;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One kill -9 of the node hosting a database's writer while a {@link Workload} transacts
 * through the other nodes, as {@link WriterFailoverIT} and {@link FailoverBench} run it:
 * the workload runs until it has enough acknowledgements, each surviving node's peer is read
 * (its basis noted), the writer's node is killed, the survivors are read again at once
 * (during the failover), then the round waits for the first transaction submitted after the
 * kill to be acknowledged, checks {@code sync(t)} of the last t acknowledged before the kill on
 * every survivor, and lets the workload run on.
 *
 * @param killed          the node killed
 * @param killNanos       when ({@link System#nanoTime()})
 * @param recoveredNanos  when the first transaction submitted after the kill was acknowledged
 * @param writerBackNanos when a survivor's {@code GET /dbs/{db}/sync} (which asks the writer, with a 1 s
 *                        timeout, again and again from the kill on) first answered: the new writer is up
 * @param lastTBeforeKill the highest t acknowledged before the kill
 * @param readsDuringFailover one line per survivor: its read right after the kill
 * @param problems        reads or syncs that did not behave; empty if all did
 */
record Failover(NodeProcess killed, long killNanos, long recoveredNanos, long writerBackNanos, long lastTBeforeKill,
                List<String> readsDuringFailover, List<String> problems) {

    /** A read every node can answer from its own peer, as the probe of a survivor. */
    static final String PROBE = "[:find (count ?e) . :where [?e :w/check]]";

    /** Kill to first acknowledged transaction, in milliseconds. */
    long failoverMillis() {
        return (recoveredNanos - killNanos) / 1_000_000;
    }

    /** Kill to the first answer of the new writer (to a sync), in milliseconds. */
    long writerBackMillis() {
        return (writerBackNanos - killNanos) / 1_000_000;
    }

    /**
     * Runs one round: waits until {@code workload} (through the nodes other than
     * {@code writer}) has {@code acksBefore} more acknowledgements and {@code before} has
     * passed, kills {@code writer}'s node, waits for the recovery, then until {@code acksAfter}
     * more acknowledgements and {@code after} have passed. The killed node stays down.
     */
    static Failover run(TestCluster cluster, String db, NodeProcess writer, Workload workload,
                        long acksBefore, Duration before, long acksAfter, Duration after, Duration recoveryTimeout) {
        List<NodeProcess> survivors = cluster.live().stream().filter(n -> n != writer).toList();
        NodeHttp http = cluster.http();
        long start = System.nanoTime();
        long ackedAtStart = workload.ackedCount();
        Poll.until(acksBefore + " acknowledged transactions through " + survivors + " before the kill", recoveryTimeout,
                () -> workload.ackedCount() - ackedAtStart >= acksBefore && System.nanoTime() - start >= before.toNanos());
        List<Long> basisBefore = new ArrayList<>();
        for (NodeProcess n : survivors) {
            basisBefore.add(http.query(n.httpPort(), db, PROBE, Duration.ofSeconds(10), List.of()).ok().basisT());
        }

        long killAt = System.nanoTime();
        writer.kill();
        CompletableFuture<Long> writerBack = CompletableFuture.supplyAsync(() -> Poll.until(
                "the writer of " + db + " answers a sync on a survivor", recoveryTimeout, () -> {
                    NodeProcess via = survivors.get((int) (System.nanoTime() / 1_000_000 % survivors.size()));
                    return http.get(via.httpPort(), "/dbs/" + db + "/sync", Duration.ofSeconds(1)).status() == 200
                            ? Optional.of(System.nanoTime()) : Optional.empty();
                }));
        List<String> reads = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Long> readAnsweredAt = new ArrayList<>();
        for (int i = 0; i < survivors.size(); i++) {
            NodeProcess n = survivors.get(i);
            try {
                NodeHttp.Answer a = http.query(n.httpPort(), db, PROBE, Duration.ofSeconds(5), List.of());
                long at = System.nanoTime();
                readAnsweredAt.add(at);
                reads.add(n.name() + ": HTTP " + a.status() + " basis " + (a.status() == 200 ? a.basisT() : "-")
                        + " (before the kill " + basisBefore.get(i) + ") " + (at - killAt) / 1_000_000 + " ms after the kill");
                if (a.status() != 200) {
                    problems.add("read on survivor " + n + " during the failover: HTTP " + a.status() + " " + a.text());
                } else if (a.basisT() < basisBefore.get(i)) {
                    problems.add("read on survivor " + n + " during the failover at basis " + a.basisT()
                            + ", below its basis before the kill " + basisBefore.get(i));
                }
            } catch (RuntimeException e) {
                problems.add("read on survivor " + n + " during the failover failed: " + e);
            }
        }

        Workload.Attempt first = Poll.until("a transaction submitted after the kill of " + writer + " is acknowledged",
                recoveryTimeout, () -> workload.firstAckSubmittedAfter(killAt));
        long recovered = first.answeredNanos();
        for (long at : readAnsweredAt) {
            if (at > recovered) {
                problems.add("a survivor's read answered only after the new writer was up ("
                        + (at - killAt) / 1_000_000 + " ms vs " + (recovered - killAt) / 1_000_000 + " ms after the kill)");
            }
        }
        long lastT = workload.maxAckedTBefore(killAt);
        for (NodeProcess n : survivors) {
            try {
                NodeHttp.Answer s = http.get(n.httpPort(), "/dbs/" + db + "/sync?t=" + lastT, Duration.ofSeconds(30));
                if (s.status() != 200 || s.basisT() < lastT) {
                    problems.add("sync?t=" + lastT + " on " + n + " after the failover: HTTP " + s.status() + " " + s.text());
                }
            } catch (RuntimeException e) {
                problems.add("sync?t=" + lastT + " on " + n + " after the failover failed: " + e);
            }
        }
        long ackedAtRecovery = workload.ackedCount();
        Poll.until(acksAfter + " acknowledged transactions after the failover", recoveryTimeout,
                () -> workload.ackedCount() - ackedAtRecovery >= acksAfter && System.nanoTime() - recovered >= after.toNanos());
        return new Failover(writer, killAt, recovered, writerBack.join(), lastT, List.copyOf(reads), List.copyOf(problems));
    }
}
