package io.chronon.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Clients as an operator's application would run them against a cluster (issue 13): each
 * thread POSTs transaction {@code id}, {@code {:tx-data [{:w/id id :w/check "c<id>"}]
 * :request-id "<prefix><id>"}}, over HTTP (EDN) to a random serving node with a 10 s timeout;
 * after any error or timeout it sends the same request id to another serving node, again and
 * again for up to 30 s from the first attempt, then gives the transaction up
 * (unacknowledged). Every attempt is recorded: node, times, the t of the answer or the error.
 * Transactions are {@link Workload}'s, so {@link WorkloadCheck} checks them.
 */
final class RejoinClients implements AutoCloseable {
    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RETRY_FOR = Duration.ofSeconds(30);

    /** A node the clients may send to: its name and current HTTP port. */
    record Target(String node, int httpPort) {
    }

    /**
     * One attempt of a transaction: acknowledged ({@code error == null}) with the answer's
     * {@code :basis-t} and {@code :duplicate} flag, or failed. Times are {@link System#nanoTime()}
     * and, for the node logs, wall-clock milliseconds.
     */
    record Attempt(int n, String node, long submittedNanos, long answeredNanos, long submittedMillis, long answeredMillis,
                   long t, boolean duplicate, String error) {
        boolean acked() {
            return error == null;
        }
    }

    /** A transaction and its attempts in order; acknowledged if the last one is. */
    record Tx(long id, List<Attempt> attempts) {
        boolean acked() {
            return !attempts.isEmpty() && attempts.get(attempts.size() - 1).acked();
        }

        Attempt last() {
            return attempts.get(attempts.size() - 1);
        }

        /** As {@link WorkloadCheck} takes it: submitted at the first attempt, answered at the last. */
        Workload.Attempt asWorkloadAttempt() {
            if (attempts.isEmpty()) {
                return new Workload.Attempt(id, "-", 0, 0, -1, new IllegalStateException("no node to send to"));
            }
            Attempt first = attempts.get(0);
            Attempt last = last();
            return new Workload.Attempt(id, last.node(), first.submittedNanos(), last.answeredNanos(), last.acked() ? last.t() : -1,
                    last.acked() ? null : new IllegalStateException(last.error()));
        }
    }

    private final NodeHttp http;
    private final String db;
    private final String requestPrefix;
    private final Supplier<List<Target>> serving;
    private final AtomicLong ids;
    private final int clients;
    private final long seed;
    private final ConcurrentLinkedQueue<Tx> done = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    /**
     * {@code clients} threads transacting on {@code db} through the nodes {@code serving}
     * gives at each attempt; request ids are {@code requestPrefix} + the transaction's id from
     * {@code ids}; {@code seed} seeds each thread's choice of nodes.
     */
    RejoinClients(NodeHttp http, String db, String requestPrefix, Supplier<List<Target>> serving, int clients, AtomicLong ids,
                  long seed) {
        this.http = http;
        this.db = db;
        this.requestPrefix = requestPrefix;
        this.serving = serving;
        this.clients = clients;
        this.ids = ids;
        this.seed = seed;
    }

    /** The request body of transaction {@code id}. */
    String body(long id) {
        return "{:tx-data " + Workload.txData(id) + " :request-id \"" + requestPrefix + id + "\"}";
    }

    RejoinClients start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            Random random = new Random(seed * 31 + i);
            Thread t = new Thread(() -> {
                while (running) {
                    done.add(transact(ids.incrementAndGet(), random));
                }
            }, "rejoin-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    private Tx transact(long id, Random random) {
        String body = body(id);
        String path = "/dbs/" + db + "/transact";
        List<Attempt> attempts = new ArrayList<>();
        long start = System.nanoTime();
        String previous = null;
        while (true) {
            Optional<Target> target = pick(random, previous);
            if (target.isEmpty()) {
                if (System.nanoTime() - start >= RETRY_FOR.toNanos()) {
                    return new Tx(id, List.copyOf(attempts));
                }
                sleep(100);
                continue;
            }
            Target to = target.get();
            long submitted = System.nanoTime();
            long submittedMillis = System.currentTimeMillis();
            String error;
            try {
                NodeHttp.Answer a = http.post(to.httpPort(), path, body, ATTEMPT_TIMEOUT);
                if (a.status() == 200 && a.body() instanceof Map) {
                    attempts.add(new Attempt(attempts.size() + 1, to.node(), submitted, System.nanoTime(), submittedMillis,
                            System.currentTimeMillis(), a.basisT(), Boolean.TRUE.equals(a.get("duplicate")), null));
                    return new Tx(id, List.copyOf(attempts));
                }
                error = "HTTP " + a.status() + " " + oneLine(a.text());
            } catch (RuntimeException e) {
                error = e.getCause() != null && e instanceof UncheckedIOException ? e.getCause().toString() : e.toString();
            }
            long answered = System.nanoTime();
            attempts.add(new Attempt(attempts.size() + 1, to.node(), submitted, answered, submittedMillis, System.currentTimeMillis(),
                    -1, false, oneLine(error)));
            previous = to.node();
            if (answered - start >= RETRY_FOR.toNanos()) {
                return new Tx(id, List.copyOf(attempts));
            }
            if (answered - submitted < 100_000_000L) {
                sleep(100); // an instant refusal: do not spin
            }
        }
    }

    /** A random serving node, another than {@code previous} when there is one. */
    private Optional<Target> pick(Random random, String previous) {
        List<Target> all = serving.get();
        List<Target> others = all.stream().filter(t -> !t.node().equals(previous)).toList();
        List<Target> from = others.isEmpty() ? all : others;
        return from.isEmpty() ? Optional.empty() : Optional.of(from.get(random.nextInt(from.size())));
    }

    private static String oneLine(String s) {
        String line = s == null ? "" : s.replaceAll("\\s+", " ").trim();
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Tells the clients to stop after their current transaction, without waiting. */
    void halt() {
        running = false;
    }

    /** Stops the clients after their current transaction (with its retries) and waits for them. */
    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(RETRY_FOR.plus(ATTEMPT_TIMEOUT).plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                throw new AssertionError(t.getName() + " still transacts long after stop");
            }
        }
    }

    /** The transactions finished so far. */
    List<Tx> transactions() {
        return List.copyOf(done);
    }

    /** Every attempt of every finished transaction, with its transaction. */
    static List<Map.Entry<Tx, Attempt>> attempts(Collection<Tx> txs) {
        List<Map.Entry<Tx, Attempt>> out = new ArrayList<>();
        for (Tx tx : txs) {
            for (Attempt a : tx.attempts()) {
                out.add(Map.entry(tx, a));
            }
        }
        return out;
    }

    /**
     * The first acknowledged attempt submitted after {@code nanos} (by its answer time):
     * one a writer that was stopped at {@code nanos} cannot have answered.
     */
    static Optional<Attempt> firstAckSubmittedAfter(Collection<Tx> txs, long nanos) {
        return txs.stream().filter(Tx::acked).map(Tx::last).filter(a -> a.submittedNanos() > nanos)
                .min(Comparator.comparingLong(Attempt::answeredNanos));
    }

    /** Writes every attempt as CSV: id, attempt, node, submitted and answered (epoch ms), t, duplicate, error. */
    static void writeCsv(Collection<Tx> txs, Path file) {
        StringBuilder b = new StringBuilder("id,attempt,node,submitted_ms,answered_ms,t,duplicate,error\n");
        txs.stream().sorted(Comparator.comparingLong(Tx::id)).forEach(tx -> {
            for (Attempt a : tx.attempts()) {
                b.append(tx.id()).append(',').append(a.n()).append(',').append(a.node()).append(',').append(a.submittedMillis())
                        .append(',').append(a.answeredMillis()).append(',').append(a.t()).append(',').append(a.duplicate())
                        .append(',').append(a.error() == null ? "" : '"' + a.error().replace("\"", "'") + '"').append('\n');
            }
        });
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, b);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
