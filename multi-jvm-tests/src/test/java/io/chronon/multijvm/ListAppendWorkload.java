package io.chronon.multijvm;

import io.chronon.db.Ids;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.multijvm.ListAppendChecker.Elem;
import io.chronon.multijvm.ListAppendChecker.KeyElem;
import io.chronon.multijvm.ListAppendChecker.LogTx;
import io.chronon.multijvm.ListAppendChecker.Op;
import io.chronon.multijvm.ListAppendChecker.Type;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A list-append workload over HTTP for {@link ListAppendChecker}, beside {@link NetWorkload}
 * and with its requests ({@link NetWorkload#send}: a random node, after any error the same
 * request to another node, for up to 30 s). Each list is an entity {@code {:list/key k}}
 * ({@code :db.unique/identity}, upserted by the first append) and each element one entity
 * {@code {:elem/list <list> :elem/v v}}; a list's order is the t of the transactions that
 * asserted its elements. Each client thread, in a loop, either appends a unique element to
 * one or two keys in one transaction (with a request id, so a retry is not committed twice;
 * {@code :elem/v} is not unique, so a transaction committed twice would show its element twice)
 * or reads one to three keys with one query, half the time at the client's own latest basis
 * ({@code :basis-t}: the t of its last append or the basis of its last read), half the time
 * at whatever the node has; the answer's {@code :basis-t} and each element's t are recorded.
 *
 * <p>Keys rotate as in Elle: {@link #ACTIVE_KEYS} keys take appends at a time, and a key
 * that had {@link #WRITES_PER_KEY} is replaced by a fresh one, so lists stay short and reads
 * cheap however long the run. An append is ok when acknowledged, failed when every attempt
 * was refused (a status 4xx, a refused connection), unknown (info) otherwise; a read is ok
 * or failed (then not recorded). After the run {@link #finalReads} reads every key on one node
 * and {@link #log} reads a node's log, for the checker.
 */
final class ListAppendWorkload implements AutoCloseable {
    static final String SCHEMA = "[{:db/ident :list/key :db/valueType :db.type/long :db/cardinality :db.cardinality/one"
            + " :db/unique :db.unique/identity}"
            + " {:db/ident :elem/list :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}"
            + " {:db/ident :elem/v :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]";
    static final int ACTIVE_KEYS = 8;
    static final int WRITES_PER_KEY = 64;
    static final Duration READ_RETRY_FOR = Duration.ofSeconds(10);
    static final String READ = "[:find ?k ?e ?v ?tx :in $ [?k ...] :where [?l :list/key ?k] [?e :elem/list ?l] [?e :elem/v ?v ?tx]]";

    private final NetnsCluster cluster;
    private final String db;
    private final int clients;
    private final AtomicLong opIds = new AtomicLong();
    private final AtomicLong elements = new AtomicLong();
    private final ConcurrentLinkedQueue<Op> history = new ConcurrentLinkedQueue<>();
    private final AtomicLong readsFailed = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long[] active = new long[ACTIVE_KEYS];
    private final int[] writes = new int[ACTIVE_KEYS];
    private long nextKey;
    private volatile boolean running;

    ListAppendWorkload(NetnsCluster cluster, String db, int clients) {
        this.cluster = cluster;
        this.db = db;
        this.clients = clients;
        for (int i = 0; i < ACTIVE_KEYS; i++) {
            active[i] = nextKey++;
        }
    }

    /** The schema of {@code other} (an EDN vector) with this workload's. */
    static String withSchema(String other) {
        return other.substring(0, other.lastIndexOf(']')) + " " + SCHEMA.substring(1);
    }

    ListAppendWorkload start() {
        running = true;
        for (int i = 0; i < clients; i++) {
            int process = i;
            Thread t = new Thread(() -> client(process), "la-client-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        return this;
    }

    /** {@code n} distinct active keys for an append, each counted; a key with enough appends is replaced by a new one. */
    private synchronized List<Long> keysToAppend(int n) {
        List<Long> out = new ArrayList<>();
        for (int slot : slots(n)) {
            out.add(active[slot]);
            if (++writes[slot] >= WRITES_PER_KEY) {
                active[slot] = nextKey++;
                writes[slot] = 0;
            }
        }
        return out;
    }

    private synchronized List<Long> keysToRead(int n) {
        List<Long> out = new ArrayList<>();
        for (int slot : slots(n)) {
            out.add(active[slot]);
        }
        return out;
    }

    /** Every key used so far. */
    synchronized List<Long> keys() {
        List<Long> out = new ArrayList<>();
        for (long k = 0; k < nextKey; k++) {
            out.add(k);
        }
        return out;
    }

    private static int[] slots(int n) {
        return ThreadLocalRandom.current().ints(0, ACTIVE_KEYS).distinct().limit(n).toArray();
    }

    private void client(int process) {
        long session = -1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            long id = opIds.incrementAndGet();
            long invoke = System.nanoTime();
            if (random.nextBoolean()) {
                Map<Long, Long> appends = new LinkedHashMap<>();
                StringBuilder tx = new StringBuilder("[");
                for (long k : keysToAppend(1 + random.nextInt(2))) {
                    long v = elements.incrementAndGet();
                    appends.put(k, v);
                    tx.append("{:db/id \"l").append(k).append("\" :list/key ").append(k).append("} {:elem/list \"l").append(k)
                            .append("\" :elem/v ").append(v).append("} ");
                }
                String body = "{:tx-data " + tx.append(']') + " :request-id \"la-" + id + "\"}";
                NetWorkload.Answer a = NetWorkload.send(cluster, "/dbs/" + db + "/transact", body, invoke, NetWorkload.RETRY_FOR, errors);
                long t = a.ok() ? ((Number) a.body().get(Keyword.of("basis-t"))).longValue() : -1;
                Type type = a.ok() ? Type.OK : a.maybeApplied() ? Type.INFO : Type.FAIL;
                history.add(new Op(id, process, type, invoke, a.answered(), appends, t, Map.of(), -1, -1, a.node(), false));
                session = Math.max(session, t);
            } else {
                List<Long> keys = keysToRead(1 + random.nextInt(3));
                long asked = random.nextBoolean() ? session : -1;
                NetWorkload.Answer a = NetWorkload.send(cluster, "/dbs/" + db + "/q", readBody(keys, asked), invoke, READ_RETRY_FOR, errors);
                if (a.ok()) {
                    long basis = ((Number) a.body().get(Keyword.of("basis-t"))).longValue();
                    history.add(new Op(id, process, Type.OK, invoke, a.answered(), Map.of(), -1, lists(keys, a.body()), asked, basis,
                            a.node(), false));
                    session = Math.max(session, basis);
                } else {
                    readsFailed.incrementAndGet();
                }
            }
        }
    }

    private static String readBody(List<Long> keys, long basis) {
        StringBuilder args = new StringBuilder("[[");
        keys.forEach(k -> args.append(k).append(' '));
        return "{:query \"" + READ + "\" :args " + args.append("]]") + (basis >= 0 ? " :basis-t " + basis : "") + " :timeout-ms 5000}";
    }

    /** The lists of {@code keys} in a query's answer, each in the order of t (then element). */
    private static Map<Long, List<Elem>> lists(List<Long> keys, Map<?, ?> answer) {
        Map<Long, List<Elem>> out = new TreeMap<>();
        keys.forEach(k -> out.put(k, new ArrayList<>()));
        for (Object row : (Collection<?>) answer.get(Keyword.of("result"))) {
            List<?> r = (List<?>) row;
            long k = ((Number) r.get(0)).longValue();
            out.computeIfAbsent(k, x -> new ArrayList<>())
                    .add(new Elem(((Number) r.get(2)).longValue(), Ids.txToT(((Number) r.get(3)).longValue())));
        }
        out.values().forEach(l -> l.sort(java.util.Comparator.comparingLong(Elem::t).thenComparingLong(Elem::v)));
        return out;
    }

    /** Stops the clients after their current operation (its retries included) and waits for them. */
    void stop() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(NetWorkload.RETRY_FOR.toMillis() + NetWorkload.REQUEST_TIMEOUT.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The operations finished so far. */
    List<Op> history() {
        return List.copyOf(history);
    }

    int clients() {
        return clients;
    }

    long readsFailed() {
        return readsFailed.get();
    }

    /** Errors of single attempts, by node and kind, counted. */
    Map<String, Long> errorCounts() {
        return NetWorkload.counted(errors);
    }

    /** The highest t acknowledged to an append, or 0. */
    long maxT() {
        return history.stream().mapToLong(Op::t).max().orElse(0);
    }

    /** Every key, read on {@code node} at a basis of at least {@code t} (synced), 64 keys per query: final reads. */
    List<Op> finalReads(NetnsCluster.Node node, long t) {
        List<Long> all = keys();
        List<Op> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += 64) {
            List<Long> keys = all.subList(i, Math.min(all.size(), i + 64));
            Map<?, ?> answer = query(node, readBody(keys, t));
            long basis = ((Number) answer.get(Keyword.of("basis-t"))).longValue();
            out.add(Op.finalRead(opIds.incrementAndGet(), lists(keys, answer), basis, node.name()));
        }
        return out;
    }

    /** {@code node}'s log up to (at least) {@code t}: per transaction its appended elements and {@code :w/id}s. */
    List<LogTx> log(NetnsCluster.Node node, long t) {
        Map<?, ?> idents = query(node, "{:query \"[:find ?i ?a :in $ [?i ...] :where [?a :db/ident ?i]]\""
                + " :args [[:list/key :elem/list :elem/v :w/id]] :basis-t " + t + " :timeout-ms 50000}");
        Map<String, Long> attr = new HashMap<>();
        for (Object row : (Collection<?>) idents.get(Keyword.of("result"))) {
            List<?> r = (List<?>) row;
            attr.put(String.valueOf(r.get(0)), ((Number) r.get(1)).longValue());
        }
        long listKey = attr.get(":list/key");
        long elemList = attr.get(":elem/list");
        long elemV = attr.get(":elem/v");
        long wId = attr.get(":w/id");
        Map<Long, Long> keyOfList = new HashMap<>();
        List<LogTx> out = new ArrayList<>();
        long from = 1;
        while (true) {
            long fromT = from;
            Map<?, ?> page = Poll.until(node.name() + " reads its log from t " + from, Duration.ofSeconds(90), () -> {
                HttpResponse<String> r = cluster.send(node, HttpRequest.newBuilder(cluster.uri(node, "/dbs/" + db + "/log?from-t=" + fromT
                        + "&limit=2000&basis-t=" + t)).GET(), Duration.ofSeconds(60));
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
                }
                return Optional.of((Map<?, ?>) EdnReader.read(r.body()));
            });
            List<?> txs = (List<?>) page.get(Keyword.of("result"));
            if (txs.isEmpty()) {
                return out;
            }
            for (Object o : txs) {
                Map<?, ?> tx = (Map<?, ?>) o;
                long txT = ((Number) tx.get(Keyword.of("t"))).longValue();
                Map<Long, Long> listOf = new HashMap<>();
                Map<Long, Long> valueOf = new HashMap<>();
                List<Long> others = new ArrayList<>();
                for (Object d : (List<?>) tx.get(Keyword.of("data"))) {
                    List<?> datom = (List<?>) d;
                    if (!Boolean.TRUE.equals(datom.get(4))) {
                        continue;
                    }
                    long e = ((Number) datom.get(0)).longValue();
                    long a = ((Number) datom.get(1)).longValue();
                    if (a == listKey) {
                        keyOfList.put(e, ((Number) datom.get(2)).longValue());
                    } else if (a == elemList) {
                        listOf.put(e, ((Number) datom.get(2)).longValue());
                    } else if (a == elemV) {
                        valueOf.put(e, ((Number) datom.get(2)).longValue());
                    } else if (a == wId) {
                        others.add(((Number) datom.get(2)).longValue());
                    }
                }
                List<KeyElem> appends = new ArrayList<>();
                valueOf.forEach((e, v) -> appends.add(new KeyElem(keyOfList.getOrDefault(listOf.getOrDefault(e, -1L), -1L), v)));
                out.add(new LogTx(txT, appends, others));
                from = txT + 1;
            }
        }
    }

    private Map<?, ?> query(NetnsCluster.Node node, String body) {
        return Poll.until(node.name() + " answers " + body, Duration.ofSeconds(90), () -> {
            HttpResponse<String> r = cluster.post(node, "/dbs/" + db + "/q", body, Duration.ofSeconds(60));
            if (r.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
            }
            return Optional.of((Map<?, ?>) EdnReader.read(r.body()));
        });
    }

    @Override
    public void close() {
        stop();
    }
}
