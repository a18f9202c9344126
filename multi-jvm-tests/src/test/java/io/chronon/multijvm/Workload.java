package io.chronon.multijvm;

import io.chronon.client.Connection;
import io.chronon.client.TxReport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients transacting without pause through some nodes, each with the Java client (which
 * retries a transaction with its request id on timeouts and failovers). Transaction
 * {@code id} writes one new entity with two datoms, {@code :w/id id} and
 * {@code :w/check "c<id>"}: {@code :w/id} is deliberately not unique, so a transaction
 * committed twice shows as two entities (see {@link WorkloadCheck}). Every attempt is
 * recorded with its submit and answer times ({@link System#nanoTime()}), its t if
 * acknowledged, its error if not.
 */
final class Workload implements AutoCloseable {
    /** The schema of {@link Workload}'s transactions. */
    static final String SCHEMA = "[{:db/ident :w/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
            + " {:db/ident :w/check :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]";

    /** One transaction: acknowledged ({@code error == null}) with its t, or not. */
    record Attempt(long id, String node, long submittedNanos, long answeredNanos, long t, RuntimeException error) {
        boolean acked() {
            return error == null;
        }
    }

    private final List<Connection> connections = new ArrayList<>();
    private final List<String> nodeNames = new ArrayList<>();
    private final AtomicLong ids;
    private final int clients;
    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * Connects to {@code db} through each of {@code through}; {@link #start} starts
     * {@code clients} threads spread over them. {@code ids} hands out the transactions'
     * ids (share one across workloads of a database so ids never repeat).
     */
    Workload(String db, List<NodeProcess> through, int clients, AtomicLong ids) {
        for (NodeProcess n : through) {
            connections.add(TestCluster.connect(n, db));
            nodeNames.add(n.name());
        }
        this.ids = ids;
        this.clients = clients;
    }

    /** The transaction data of transaction {@code id}. */
    static String txData(long id) {
        return "[{:w/id " + id + " :w/check \"c" + id + "\"}]";
    }

    Workload start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            Connection c = connections.get(i % connections.size());
            String node = nodeNames.get(i % connections.size());
            Thread t = new Thread(() -> {
                while (running) {
                    long id = ids.incrementAndGet();
                    long submitted = System.nanoTime();
                    try {
                        TxReport r = c.transact(txData(id));
                        attempts.add(new Attempt(id, node, submitted, System.nanoTime(), r.basisT(), null));
                    } catch (RuntimeException e) {
                        attempts.add(new Attempt(id, node, submitted, System.nanoTime(), -1, e));
                    }
                }
            }, "workload-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** Stops the clients after their current transaction and waits for them. */
    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still waits for a transaction 120 s after stop");
            }
        }
    }

    /** Every attempt so far. */
    Collection<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    long ackedCount() {
        return attempts.stream().filter(Attempt::acked).count();
    }

    /** The acknowledged transactions answered in {@code [fromNanos, toNanos)}. */
    long ackedBetween(long fromNanos, long toNanos) {
        return attempts.stream().filter(a -> a.acked() && a.answeredNanos() >= fromNanos && a.answeredNanos() < toNanos).count();
    }

    /**
     * The first acknowledged transaction submitted after {@code nanos}: one the writer that
     * was there before cannot have committed.
     */
    Optional<Attempt> firstAckSubmittedAfter(long nanos) {
        return attempts.stream().filter(a -> a.acked() && a.submittedNanos() > nanos)
                .min(Comparator.comparingLong(Attempt::answeredNanos));
    }

    /** The highest t acknowledged by an answer before {@code nanos}, or 0. */
    long maxAckedTBefore(long nanos) {
        return attempts.stream().filter(a -> a.acked() && a.answeredNanos() < nanos).mapToLong(Attempt::t).max().orElse(0);
    }

    /** The errors of the unacknowledged attempts, counted by message (the first few kinds). */
    String errorSummary() {
        java.util.Map<String, Long> byKind = new java.util.TreeMap<>();
        for (Attempt a : attempts) {
            if (!a.acked()) {
                String m = a.error().getClass().getSimpleName() + ": " + String.valueOf(a.error().getMessage());
                byKind.merge(m.length() > 160 ? m.substring(0, 160) : m, 1L, Long::sum);
            }
        }
        return byKind.toString();
    }

    @Override
    public void close() {
        stop();
        connections.forEach(Connection::close);
    }
}
