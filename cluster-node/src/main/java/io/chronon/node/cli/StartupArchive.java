package io.chronon.node.cli;

import com.typesafe.config.ConfigFactory;
import io.chronon.node.ChrononNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The training run of the class-data-sharing archive {@code bin/chronon} starts nodes with: a
 * node in a temporary directory (loopback, any free ports) created, asked to create a database,
 * transact, query, pull and read its log over HTTP, then stopped; run with
 * {@code -XX:ArchiveClassesAtExit=FILE}, the JVM writes every class the run loaded into FILE at
 * exit, and a node started with {@code -XX:SharedArchiveFile=FILE} maps them instead of loading,
 * verifying and linking them again (docs/operations.md, "Start-up time"). Exits 0 once done, 1
 * if the node did not answer as it should (no archive is worth keeping then).
 */
public final class StartupArchive {
    private static final String KEY = "startup-archive";

    private StartupArchive() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("chronon-startup-archive");
        int status = 1;
        String secret = Long.toHexString(Double.doubleToLongBits(Math.random())) + Long.toHexString(System.nanoTime());
        try (ChrononNode node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseMap(Map.of(
                "chronon.http.host", "127.0.0.1",
                "chronon.http.port", 0,
                "chronon.http.access-keys", java.util.List.of(KEY + ":" + secret),
                "pekko.remote.artery.canonical.hostname", "127.0.0.1",
                "pekko.remote.artery.canonical.port", 0,
                "chronon.storage.data-dir", dir.toString()))))) {
            node.ready().toCompletableFuture().get(2, TimeUnit.MINUTES);
            String base = "http://127.0.0.1:" + node.httpPort() + "/dbs/archive";
            String auth = "Basic " + Base64.getEncoder().encodeToString((KEY + ":" + secret).getBytes(StandardCharsets.UTF_8));
            HttpClient http = HttpClient.newHttpClient();
            send(http, auth, HttpRequest.newBuilder(URI.create(base)).PUT(HttpRequest.BodyPublishers.noBody()));
            post(http, auth, base + "/transact", "{:tx-data [{:db/ident :archive/name :db/valueType :db.type/string"
                    + " :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
                    + " {:db/ident :archive/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}]}");
            post(http, auth, base + "/transact", "{:tx-data [{:db/id \"a\" :archive/name \"a\" :archive/friend \"b\"}"
                    + " {:db/id \"b\" :archive/name \"b\"}]}");
            post(http, auth, base + "/q", "{:query \"[:find ?n (count ?f) :where [?e :archive/name ?n] [?e :archive/friend ?f]]\"}");
            post(http, auth, base + "/pull", "{:selector \"[* {:archive/friend [:archive/name]}]\" :eid [:archive/name \"a\"]}");
            send(http, auth, HttpRequest.newBuilder(URI.create(base + "/log")).GET());
            status = 0;
        } finally {
            deleteTree(dir);
        }
        System.exit(status);
    }

    private static void post(HttpClient http, String auth, String uri, String edn) throws IOException, InterruptedException {
        send(http, auth, HttpRequest.newBuilder(URI.create(uri)).header("Content-Type", "application/edn")
                .POST(HttpRequest.BodyPublishers.ofString(edn)));
    }

    private static void send(HttpClient http, String auth, HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.header("Authorization", auth).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(r.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
