package io.chronon.node;

import com.typesafe.config.ConfigFactory;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load run over HTTP (not a test): {@code load.clients} (32) concurrent clients, each in a
 * loop for {@code load.seconds} (60) choosing a transaction (one new person, probability
 * {@code load.tx-ratio}, 0.5) or a query (read-your-writes: a lookup of the person this client
 * wrote last, at the {@code :basis-t} of that write; or a count over every person).
 * Reports throughput, p50/p99 latency per kind, and errors; at the end checks that every
 * acknowledged transaction is in the database (zero lost).
 *
 * <p>Against a running server: {@code -Dload.url=http://127.0.0.1:8998 -Dload.key=KEY:SECRET};
 * without {@code load.url} it starts a node in this JVM on the embedded file store (fsync on)
 * in a temporary directory. Run with
 * {@code mvn -pl cluster-node test-compile exec:exec@load-run -Dload.args="load.seconds=30 load.clients=16"}
 * (see docs/performance.md).
 */
public final class LoadRun {
    static int CLIENTS;
    static int SECONDS;
    static double TX_RATIO;
    static String DB;

    static final String SCHEMA = "[{:db/ident :person/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String auth;

    LoadRun(String base, String key) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.auth = "Basic " + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** One HTTP exchange with an EDN body; the parsed EDN answer, or an exception naming the status. */
    Object call(String method, String path, String ednBody) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", auth).header("Accept", "application/edn");
        if (ednBody == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/edn").method(method, HttpRequest.BodyPublishers.ofString(ednBody));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return r.body().isEmpty() ? null : EdnReader.read(r.body());
    }

    static long[] grown(long[] a, int used) {
        return used < a.length ? a : Arrays.copyOf(a, a.length * 2);
    }

    static long basisT(Object answer) {
        return ((Number) ((Map<?, ?>) answer).get(Keyword.of("basis-t"))).longValue();
    }

    static final class Kind {
        final String name;
        final List<long[]> lat = new ArrayList<>();
        final AtomicLong errors = new AtomicLong();

        Kind(String name) {
            this.name = name;
        }

        synchronized void add(long[] l) {
            lat.add(l);
        }

        String line(double secs) {
            long[] all = lat.stream().flatMapToLong(Arrays::stream).filter(x -> x > 0).sorted().toArray();
            return String.format(Locale.ROOT, "  %-10s %9d ok  %8.0f /s   p50 %7.2f ms   p99 %7.2f ms   max %8.2f ms   errors %d",
                    name, all.length, all.length / secs, q(all, 0.5), q(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors.get());
        }

        static double q(long[] sorted, double q) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
        }
    }

    void run() throws Exception {
        call("PUT", "/dbs/" + DB, null);
        call("POST", "/dbs/" + DB + "/transact", "{:tx-data " + SCHEMA + "}");
        Kind tx = new Kind("transact");
        Kind lookup = new Kind("q-lookup");
        Kind count = new Kind("q-count");
        AtomicLong ids = new AtomicLong(1);
        ConcurrentHashMap<Long, Long> acked = new ConcurrentHashMap<>(); // person id -> t
        AtomicLong maxT = new AtomicLong();
        List<String> firstErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + SECONDS * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(CLIENTS);
        for (int c = 0; c < CLIENTS; c++) {
            Thread th = new Thread(() -> {
                long[] txLat = new long[4096];
                long[] lkLat = new long[4096];
                long[] ctLat = new long[256];
                int nt = 0;
                int nl = 0;
                int nc = 0;
                long myLastId = 0;
                long myLastT = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                    while (System.nanoTime() < end) {
                        double dice = random.nextDouble();
                        long t0 = System.nanoTime();
                        try {
                            if (dice < TX_RATIO || myLastId == 0) {
                                long id = ids.getAndIncrement();
                                Object r = call("POST", "/dbs/" + DB + "/transact", "{:tx-data [{:person/id " + id
                                        + " :person/name \"p" + id + "\" :person/age " + (id % 90) + "}]}");
                                long t = basisT(r);
                                acked.put(id, t);
                                maxT.accumulateAndGet(t, Math::max);
                                myLastId = id;
                                myLastT = t;
                                txLat = grown(txLat, nt);
                                txLat[nt++] = System.nanoTime() - t0;
                            } else if (dice < 1 - (1 - TX_RATIO) * 0.05) {
                                Object r = call("POST", "/dbs/" + DB + "/q", "{:query \"[:find ?n . :in $ ?id :where [?e :person/id ?id] [?e :person/name ?n]]\""
                                        + " :args [" + myLastId + "] :basis-t " + myLastT + "}");
                                Object name = ((Map<?, ?>) r).get(Keyword.of("result"));
                                if (!("p" + myLastId).equals(name)) {
                                    throw new IllegalStateException("read-your-writes broken: person " + myLastId + " at t " + myLastT + " -> " + r);
                                }
                                lkLat = grown(lkLat, nl);
                                lkLat[nl++] = System.nanoTime() - t0;
                            } else {
                                call("POST", "/dbs/" + DB + "/q", "{:query \"[:find (count ?e) . :where [?e :person/id]]\"}");
                                ctLat = grown(ctLat, nc);
                                ctLat[nc++] = System.nanoTime() - t0;
                            }
                        } catch (Exception e) {
                            (dice < TX_RATIO ? tx : dice < 1 - (1 - TX_RATIO) * 0.05 ? lookup : count).errors.incrementAndGet();
                            if (firstErrors.size() < 5) {
                                firstErrors.add(e.toString());
                            }
                        }
                    }
                } finally {
                    tx.add(Arrays.copyOf(txLat, nt));
                    lookup.add(Arrays.copyOf(lkLat, nl));
                    count.add(Arrays.copyOf(ctLat, nc));
                    done.countDown();
                }
            }, "load-client-" + c);
            th.start();
        }
        long start = System.nanoTime();
        done.await();
        double secs = (System.nanoTime() - start) / 1e9;
        Object total = ((Map<?, ?>) call("POST", "/dbs/" + DB + "/q", "{:query \"[:find (count ?e) . :where [?e :person/id]]\" :basis-t "
                + maxT.get() + "}")).get(Keyword.of("result"));
        long found = total == null ? 0 : ((Number) total).longValue();
        long totalOps = tx.lat.stream().mapToLong(a -> a.length).sum() + lookup.lat.stream().mapToLong(a -> a.length).sum()
                + count.lat.stream().mapToLong(a -> a.length).sum();
        System.out.printf(Locale.ROOT, "LoadRun: %d clients, %.0f s, tx ratio %.2f, database %s at %s; %d cores%n", CLIENTS, secs, TX_RATIO, DB,
                base, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "  all        %9d ok  %8.0f /s%n", totalOps, totalOps / secs);
        System.out.println(tx.line(secs));
        System.out.println(lookup.line(secs));
        System.out.println(count.line(secs));
        System.out.printf(Locale.ROOT, "  acknowledged transactions %d, people found at basis %d: %d -> lost %d%n", acked.size(), maxT.get(), found,
                acked.size() - found);
        firstErrors.forEach(e -> System.out.println("  error: " + e));
    }

    /** Settings from system properties, or from arguments {@code load.x=value} (exec:exec passes them as one). */
    public static void main(String[] args) throws Exception {
        for (String arg : String.join(" ", args).trim().split("\\s+")) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                System.setProperty(arg.substring(0, eq).replaceFirst("^-D", ""), arg.substring(eq + 1));
            }
        }
        CLIENTS = Integer.getInteger("load.clients", 32);
        SECONDS = Integer.getInteger("load.seconds", 60);
        TX_RATIO = Double.parseDouble(System.getProperty("load.tx-ratio", "0.5"));
        DB = System.getProperty("load.db", "load-" + Long.toString(System.currentTimeMillis(), 36));
        String url = System.getProperty("load.url");
        ChrononNode node = null;
        try {
            if (url == null) {
                Path dir = Files.createTempDirectory(Path.of(System.getProperty("bench.dir", "target")).toAbsolutePath(), "load-run");
                node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(
                        "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                                + "chronon.node.port = 0\n"
                                + "chronon.http.port = 0\n"
                                + "chronon.http.access-keys = [\"load:secret\"]\n"
                                + "pekko.loglevel = WARNING\n"
                                + "pekko.coordinated-shutdown.exit-jvm = off\n")));
                node.ready().toCompletableFuture().get(120, java.util.concurrent.TimeUnit.SECONDS);
                url = "http://127.0.0.1:" + node.httpPort();
            }
            new LoadRun(url, System.getProperty("load.key", "load:secret")).run();
        } finally {
            if (node != null) {
                node.close();
            }
        }
        System.exit(0);
    }
}
