package io.chronon.client;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The HTTP side of a remote connection: EDN requests to one Chronon server with the access
 * key as Basic credentials, EDN answers, and the server's error bodies
 * ({@code {:category :incorrect :message "..." :form ...}}) turned into
 * {@link ChrononException}s of the same category. Only {@code java.net.http}.
 */
final class HttpEdn {
    static final String EDN = "application/edn";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** A parsed answer. */
    record Response(int status, Object body) {
    }

    private final HttpClient http;
    private final String base;
    private final String authorization;
    private final ChrononUri uri;

    HttpEdn(ChrononUri uri) {
        this.uri = uri;
        // HTTP/1.1: the server speaks it on plain HTTP; without this the JDK client tries an h2c upgrade first
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10));
        if (uri.tls()) {
            builder.sslContext(ClientTls.context());
        }
        this.http = builder.build();
        String host = uri.host().contains(":") && !uri.host().startsWith("[") ? "[" + uri.host() + "]" : uri.host();
        this.base = (uri.tls() ? "https://" : "http://") + host + ":" + uri.port();
        this.authorization = uri.key() == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((uri.key() + ":" + (uri.secret() == null ? "" : uri.secret()))
                .getBytes(StandardCharsets.UTF_8));
    }

    /** The path of database {@code name} ({@code /dbs/name}), plus {@code suffix}. */
    static String dbPath(String name, String suffix) {
        return "/dbs/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20") + suffix;
    }

    /** A query string from pairs; values print as EDN unless they are plain strings meant as text (wrap in {@link Raw}). */
    static String query(List<Object[]> params) {
        StringJoiner q = new StringJoiner("&", "?", "");
        q.setEmptyValue("");
        for (Object[] p : params) {
            String text = p[1] instanceof Raw r ? r.text() : EdnPrinter.print(p[1]);
            q.add(p[0] + "=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
        }
        return q.toString();
    }

    /** A query parameter value sent as is, not as EDN. */
    record Raw(String text) {
    }

    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).header("Accept", EDN);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (uri.queryGroup() != null) {
            // the server routes reads and syncs to this group's peers; writes ignore it
            b.header("X-Chronon-Query-Group", uri.queryGroup());
        }
        return b;
    }

    private HttpRequest build(String method, String pathAndQuery, Object body, Duration timeout) {
        HttpRequest.Builder b = request(pathAndQuery).timeout(timeout);
        if (body == null) {
            return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        return b.header("Content-Type", EDN)
                .method(method, HttpRequest.BodyPublishers.ofString(EdnPrinter.print(body), StandardCharsets.UTF_8)).build();
    }

    /** Sends a request and answers status and parsed body, whatever the status. */
    Response exchange(String method, String pathAndQuery, Object body) {
        try {
            HttpResponse<String> r = http.send(build(method, pathAndQuery, body, REQUEST_TIMEOUT), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), parse(r.statusCode(), r.body()));
        } catch (IOException e) {
            throw unavailable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChrononException(ErrorCategory.INTERRUPTED, Keyword.of("chronon.error/interrupted"),
                    "Interrupted while waiting for " + uri, null, e);
        }
    }

    /** Sends a request and answers the parsed body of a 2xx answer; throws the server's error otherwise. */
    Object call(String method, String pathAndQuery, Object body) {
        Response r = exchange(method, pathAndQuery, body);
        if (r.status() / 100 != 2) {
            throw error(r.status(), r.body());
        }
        return r.body();
    }

    /** {@link #call} without blocking. */
    CompletableFuture<Object> callAsync(String method, String pathAndQuery, Object body) {
        return callAsync(method, pathAndQuery, body, REQUEST_TIMEOUT);
    }

    /** {@link #callAsync} that fails {@code unavailable} when no answer came within {@code timeout} (at most 60 s). */
    CompletableFuture<Object> callAsync(String method, String pathAndQuery, Object body, Duration timeout) {
        Duration wait = timeout.compareTo(REQUEST_TIMEOUT) > 0 ? REQUEST_TIMEOUT : timeout;
        return http.sendAsync(build(method, pathAndQuery, body, wait), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .handle((r, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                        throw cause instanceof ChrononException c ? c : unavailable(cause);
                    }
                    Object parsed = parse(r.statusCode(), r.body());
                    if (r.statusCode() / 100 != 2) {
                        throw error(r.statusCode(), parsed);
                    }
                    return parsed;
                });
    }

    /** Opens a streaming GET (Server-Sent Events); throws the server's error for a non-2xx answer. */
    HttpResponse<InputStream> stream(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest req = request(pathAndQuery).header("Accept", "text/event-stream").GET().build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() / 100 != 2) {
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw error(r.statusCode(), parse(r.statusCode(), text));
        }
        return r;
    }

    /**
     * How answers are read: without the limit of values per form, which protects a server from
     * its clients' bodies; an answer holds what this client asked for (a long read, a large
     * transaction's report), however many values that is.
     */
    static final EdnReader.Options ANSWERS = EdnReader.Options.defaults().withMaxValues(Long.MAX_VALUE);

    private static Object parse(int status, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return EdnReader.read(text, ANSWERS);
        } catch (ChrononException e) {
            if (status / 100 == 2) {
                throw new ChrononException(ErrorCategory.FAULT, Keyword.of("chronon.error/bad-response"),
                        "The server answered something that is not EDN: " + e.getMessage(), null, e);
            }
            return text; // an error page from something in between: keep its text for the message
        }
    }

    private ChrononException unavailable(Throwable e) {
        String tls = ClientTls.handshakeHint(e);
        if (tls != null) {
            return new ChrononException(ErrorCategory.UNAVAILABLE, Keyword.of("chronon.error/tls-handshake"),
                    "Cannot connect to the Chronon server at " + base + ": " + tls, null, e);
        }
        return new ChrononException(ErrorCategory.UNAVAILABLE, Keyword.of("chronon.error/unreachable"),
                "Cannot reach the Chronon server at " + base + ": " + e, null, e);
    }

    /** The exception for an error answer: the body's category, code, message and form, else one from the status. */
    static ChrononException error(int status, Object body) {
        ErrorCategory category = categoryOf(status);
        String message = "HTTP " + status;
        Keyword code = null;
        Object form = null;
        if (body instanceof Map<?, ?> m) {
            if (m.get(Keyword.of("category")) instanceof Keyword k) {
                category = category(k, category);
            }
            if (m.get(Keyword.of("message")) instanceof String s) {
                message = s;
            }
            if (m.get(Keyword.of("code")) instanceof Keyword k) {
                code = k;
            }
            form = m.get(Keyword.of("form"));
        } else if (body instanceof String s && !s.isBlank()) {
            message = message + ": " + s.strip();
        }
        if (status == 401 && !(body instanceof Map<?, ?>)) {
            message = "The server rejected the access key or secret (HTTP 401)";
        }
        if (code == null) {
            code = Keyword.of("chronon.error", category.name().toLowerCase().replace('_', '-'));
        }
        return new ChrononException(category, code, message, form);
    }

    private static ErrorCategory category(Keyword k, ErrorCategory fallback) {
        String name = k.name().toUpperCase().replace('-', '_');
        for (ErrorCategory c : ErrorCategory.values()) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return "TIMEOUT".equals(name) ? ErrorCategory.INTERRUPTED : fallback;
    }

    private static ErrorCategory categoryOf(int status) {
        return switch (status) {
            case 400, 413, 415, 422 -> ErrorCategory.INCORRECT;
            case 401, 403 -> ErrorCategory.FORBIDDEN;
            case 404 -> ErrorCategory.NOT_FOUND;
            case 409 -> ErrorCategory.CONFLICT;
            case 429 -> ErrorCategory.BUSY;
            case 503, 502 -> ErrorCategory.UNAVAILABLE;
            case 504 -> ErrorCategory.INTERRUPTED;
            case 501 -> ErrorCategory.UNSUPPORTED;
            default -> ErrorCategory.FAULT;
        };
    }
}
