package io.chronon.multijvm;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API of the nodes (docs/http.md) where the tests need more than the Java client
 * gives: {@code GET /cluster}, the query-group request header and the
 * {@code X-Chronon-Served-By} answer header. Answers are EDN.
 */
final class NodeHttp {
    static final String QUERY_GROUP = "X-Chronon-Query-Group";
    static final String SERVED_BY = "X-Chronon-Served-By";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String authorization;

    NodeHttp(String accessKey) {
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(accessKey.getBytes(StandardCharsets.UTF_8));
    }

    /** An answer: its status, its {@code X-Chronon-Served-By} header (or null) and its EDN body (or null). */
    record Answer(int status, String servedBy, Object body, String text) {
        /** A key of the body map. */
        Object get(String key) {
            return ((Map<?, ?>) body).get(Keyword.of(key));
        }

        long basisT() {
            return ((Number) get("basis-t")).longValue();
        }

        Answer ok() {
            if (status != 200) {
                throw new IllegalStateException("HTTP " + status + ": " + text);
            }
            return this;
        }
    }

    /** GET {@code path} on the node at {@code httpPort}, with optional extra headers (name, value, ...). */
    Answer get(int httpPort, String path, Duration timeout, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(timeout).header("Authorization", authorization).header("Accept", "application/edn").GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Object body = r.body().isBlank() ? null : EdnReader.read(r.body());
            return new Answer(r.statusCode(), r.headers().firstValue(SERVED_BY).orElse(null), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * POST of the EDN text {@code edn} to {@code path} on the node at {@code httpPort}; the
     * body of the answer is null when it is not EDN (e.g. a plain-text error of the server).
     */
    Answer post(int httpPort, String path, String edn, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(timeout).header("Authorization", authorization).header("Accept", "application/edn")
                .header("Content-Type", "application/edn").POST(HttpRequest.BodyPublishers.ofString(edn, StandardCharsets.UTF_8))
                .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Object body;
            try {
                body = r.body().isBlank() ? null : EdnReader.read(r.body());
            } catch (RuntimeException notEdn) {
                body = null;
            }
            return new Answer(r.statusCode(), r.headers().firstValue(SERVED_BY).orElse(null), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code GET /dbs/{db}/q?query=...} plus extra query parameters (name, EDN value, ...). */
    Answer query(int httpPort, String db, String query, Duration timeout, List<String> params, String... headers) {
        StringBuilder path = new StringBuilder("/dbs/" + db + "/q?query=" + encode(query));
        for (int i = 0; i + 1 < params.size(); i += 2) {
            path.append('&').append(params.get(i)).append('=').append(encode(params.get(i + 1)));
        }
        return get(httpPort, path.toString(), timeout, headers);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** What {@code GET /cluster} answers about the cluster as one node sees it. */
    record ClusterView(String self, List<String> roles, List<Member> members, List<String> writers) {
        /** The members with status up and reachable. */
        List<String> upAndReachable() {
            return members.stream().filter(m -> m.status().equals("up") && m.reachable()).map(Member::address).sorted().toList();
        }
    }

    /** One member in {@link ClusterView}. */
    record Member(String address, String status, List<String> roles, boolean reachable) {
    }

    /** {@code GET /cluster} of one node; empty if it does not answer 200 within 3 s. */
    Optional<ClusterView> cluster(int httpPort) {
        Answer a;
        try {
            a = get(httpPort, "/cluster", Duration.ofSeconds(3));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (a.status() != 200) {
            return Optional.empty();
        }
        List<Member> members = new ArrayList<>();
        for (Object o : (List<?>) a.get("members")) {
            Map<?, ?> m = (Map<?, ?>) o;
            members.add(new Member((String) m.get(Keyword.of("address")), ((Keyword) m.get(Keyword.of("status"))).name(),
                    strings(m.get(Keyword.of("roles"))), Boolean.TRUE.equals(m.get(Keyword.of("reachable")))));
        }
        return Optional.of(new ClusterView((String) a.get("self"), strings(a.get("roles")), members, strings(a.get("writers"))));
    }

    private static List<String> strings(Object list) {
        List<String> out = new ArrayList<>();
        if (list != null) {
            for (Object o : (Iterable<?>) list) {
                out.add(String.valueOf(o));
            }
        }
        return out;
    }
}
