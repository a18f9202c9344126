package io.chronon.multijvm;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients of a {@link NetnsCluster} over HTTP, as an application behind a load balancer
 * would be: each thread posts {@code {:tx-data [{:w/id i :w/check "c<i>"}] :request-id "nf-<i>"}}
 * ({@link Workload#SCHEMA}) to a random node with a 10 s timeout and, after any error (a
 * status other than 200, a timeout, a refused connection), sends the same request id to
 * another node, until it is acknowledged or 30 s have passed since the first attempt. Each
 * transaction is recorded with its first submit time, the answer (node, t, time) if
 * acknowledged, and its attempts.
 */
final class NetWorkload implements AutoCloseable {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    static final Duration RETRY_FOR = Duration.ofSeconds(30);

    /**
     * One transaction.
     *
     * @param id            its {@code :w/id} (request id {@code nf-<id>})
     * @param submitted     first attempt ({@link System#nanoTime()})
     * @param answered      the acknowledgement's arrival, or the giving up
     * @param node          the node that acknowledged it, or null
     * @param t             the acknowledged basis-t, or -1
     * @param attempts      how many requests were sent
     * @param duplicate     the answer said {@code :duplicate true} (a retry answered from the first commit)
     * @param lastError     the last error, or null
     */
    record Tx(long id, long submitted, long answered, String node, long t, int attempts, boolean duplicate, String lastError) {
        boolean acked() {
            return t >= 0;
        }
    }

    private final NetnsCluster cluster;
    private final String db;
    private final int clients;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentLinkedQueue<Tx> done = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;

    NetWorkload(NetnsCluster cluster, String db, int clients) {
        this.cluster = cluster;
        this.db = db;
        this.clients = clients;
    }

    static String body(long id) {
        return "{:tx-data [{:w/id " + id + " :w/check \"c" + id + "\"}] :request-id \"nf-" + id + "\"}";
    }

    NetWorkload start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(this::client, "nf-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    private void client() {
        while (running) {
            long id = ids.incrementAndGet();
            long submitted = System.nanoTime();
            Answer a = send(cluster, "/dbs/" + db + "/transact", body(id), submitted, RETRY_FOR, errors);
            if (a.ok()) {
                long t = ((Number) a.body().get(Keyword.of("basis-t"))).longValue();
                done.add(new Tx(id, submitted, a.answered(), a.node(), t, a.attempts(),
                        Boolean.TRUE.equals(a.body().get(Keyword.of("duplicate"))), a.lastError()));
            } else {
                done.add(new Tx(id, submitted, a.answered(), null, -1, a.attempts(), false, a.lastError()));
            }
        }
    }

    /**
     * The outcome of a request sent with {@link #send}.
     *
     * @param body         the answer (status 200), or null if none came in time
     * @param node         the node that answered, or null
     * @param answered     the answer's arrival, or the giving up ({@link System#nanoTime()})
     * @param attempts     how many requests were sent
     * @param lastError    the last error, or null
     * @param maybeApplied some attempt failed in a way that leaves its outcome unknown (a timeout, a status 5xx, a
     *                     reset connection), rather than certainly not applied (a status 4xx, a refused connection)
     */
    record Answer(Map<?, ?> body, String node, long answered, int attempts, String lastError, boolean maybeApplied) {
        boolean ok() {
            return body != null;
        }
    }

    /**
     * Posts {@code edn} to {@code path} on a random node of {@code cluster} with a
     * {@link #REQUEST_TIMEOUT} and, after any error (a status other than 200, a timeout, a
     * refused connection), the same to another node, until a 200 or {@code retryFor} has
     * passed since {@code submitted}. Counts each failed attempt in {@code errors} by node and kind.
     */
    static Answer send(NetnsCluster cluster, String path, String edn, long submitted, Duration retryFor, Map<String, AtomicLong> errors) {
        List<NetnsCluster.Node> nodes = cluster.nodes();
        NetnsCluster.Node node = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
        int attempts = 0;
        String lastError = null;
        boolean maybeApplied = false;
        while (true) {
            attempts++;
            long sent = System.nanoTime();
            try {
                HttpResponse<String> r = cluster.post(node, path, edn, REQUEST_TIMEOUT);
                if (r.statusCode() == 200) {
                    return new Answer((Map<?, ?>) EdnReader.read(r.body()), node.name(), System.nanoTime(), attempts, lastError, maybeApplied);
                }
                lastError = "HTTP " + r.statusCode() + " " + abbreviate(r.body());
                maybeApplied |= r.statusCode() >= 500;
            } catch (RuntimeException e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                lastError = c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + abbreviate(c.getMessage()));
                maybeApplied |= !(c instanceof java.net.ConnectException || c instanceof java.net.http.HttpConnectTimeoutException);
            }
            errors.computeIfAbsent(node.name() + " " + kind(lastError), k -> new AtomicLong()).incrementAndGet();
            if (System.nanoTime() - submitted > retryFor.toNanos()) {
                return new Answer(null, null, System.nanoTime(), attempts, lastError, maybeApplied);
            }
            NetnsCluster.Node previous = node;
            List<NetnsCluster.Node> others = nodes.stream().filter(n -> n != previous).toList();
            node = others.get(ThreadLocalRandom.current().nextInt(others.size()));
            if (System.nanoTime() - sent < 100_000_000L) {
                sleep(100); // a refused connection: do not spin
            }
        }
    }

    private static String kind(String error) {
        String e = error.replaceAll("\\d+", "#");
        return e.length() > 90 ? e.substring(0, 90) : e;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the clients after their current transaction (its retries included) and waits for them. */
    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(RETRY_FOR.toMillis() + REQUEST_TIMEOUT.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The transactions finished so far. */
    Collection<Tx> done() {
        return List.copyOf(done);
    }

    long ackedCount() {
        return done.stream().filter(Tx::acked).count();
    }

    /** The latest acknowledgement's arrival, or 0. */
    long lastAckNanos() {
        return done.stream().filter(Tx::acked).mapToLong(Tx::answered).max().orElse(0);
    }

    /** Errors of single attempts, by node and kind, counted. */
    Map<String, Long> errorCounts() {
        return counted(errors);
    }

    static Map<String, Long> counted(Map<String, AtomicLong> errors) {
        Map<String, Long> out = new java.util.TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    @Override
    public void close() {
        stop();
    }
}
