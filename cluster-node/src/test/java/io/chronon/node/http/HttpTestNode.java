package io.chronon.node.http;

import com.typesafe.config.ConfigFactory;
import io.chronon.node.ChrononNode;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real node in the test JVM (HTTP and cluster ports 0 on 127.0.0.1, file storage in a temp
 * directory, two access keys, CORS for one origin), and a small java.net.http client for it.
 */
final class HttpTestNode implements AutoCloseable {
    static final String KEY = "test-key:test-secret";
    static final String ROTATED = "next-key:next-secret";
    static final String ORIGIN = "https://app.example";

    final ChrononNode node;
    final Path dataDir;
    private final boolean ownsDataDir;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String base;

    HttpTestNode(String extraConfig) throws Exception {
        this(Files.createTempDirectory("chronon-http"), extraConfig, true);
    }

    /** A node on {@code dataDir}, which the caller deletes (a restart test starts a second node on it). */
    HttpTestNode(Path dataDir, String extraConfig) throws Exception {
        this(dataDir, extraConfig, false);
    }

    private HttpTestNode(Path dataDir, String extraConfig, boolean ownsDataDir) throws Exception {
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
        // extraConfig last: what a test gives wins over these defaults
        node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString(""
                + "chronon.storage.data-dir = \"" + dataDir.toString().replace("\\", "/") + "\"\n"
                + "chronon.storage.default-kind = file\n"
                + "chronon.node.port = 0\n"
                + "chronon.http.port = 0\n"
                + "chronon.http.access-keys = [\"" + KEY + "\", \"" + ROTATED + "\"]\n"
                + "chronon.http.cors.allowed-origins = [\"" + ORIGIN + "\"]\n"
                + "chronon.http.max-body-size = 64k\n"
                // tests send many wrong credentials from one address on purpose; AccessMatrixTest checks the limits
                + "chronon.http.failed-logins { per-name = 1000000, per-address = 1000000 }\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n" + extraConfig + "\n")));
        node.ready().toCompletableFuture().get(60, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + node.httpPort();
    }

    HttpTestNode() throws Exception {
        this("");
    }

    static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** A request builder for {@code path} with the test key and {@code Accept}. */
    HttpRequest.Builder request(String path, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", basic(KEY));
        return accept == null ? b : b.header("Accept", accept);
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<String> get(String path, String accept) {
        return send(request(path, accept).GET().build());
    }

    HttpResponse<String> post(String path, String contentType, String body, String accept) {
        return send(request(path, accept).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> put(String path) {
        return send(request(path, null).PUT(HttpRequest.BodyPublishers.noBody()).build());
    }

    HttpResponse<String> delete(String path) {
        return send(request(path, null).DELETE().build());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() throws IOException {
        node.close();
        if (!ownsDataDir) {
            return;
        }
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
