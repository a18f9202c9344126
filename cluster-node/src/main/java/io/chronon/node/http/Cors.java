package io.chronon.node.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

import java.time.Duration;
import java.util.List;

/**
 * Cross-origin access for browsers: off unless {@code chronon.http.cors.allowed-origins}
 * names origins ({@code "*"} for any). An allowed origin gets
 * {@code Access-Control-Allow-Origin} on every answer and a preflight answer to
 * {@code OPTIONS}. Credentials (the access key) are allowed only for origins named one by
 * one: with {@code "*"} the answer says {@code Access-Control-Allow-Origin: *} and never
 * {@code Access-Control-Allow-Credentials}, so a browser sends no credentials from an origin
 * it was not told of by name (any web site could otherwise act with the user's key).
 */
final class Cors {
    private final List<String> origins;
    private final Duration maxAge;

    Cors(List<String> origins, Duration maxAge) {
        this.origins = origins;
        this.maxAge = maxAge;
    }

    boolean enabled() {
        return !origins.isEmpty();
    }

    private boolean allows(String origin) {
        return origin != null && (origins.contains("*") || origins.contains(origin));
    }

    /** True when {@code origin} is named one by one, the only case where credentials are allowed. */
    private boolean named(String origin) {
        return origins.contains(origin);
    }

    /** {@code response} with the CORS headers {@code origin} may see. */
    HttpResponse decorate(String origin, HttpResponse response) {
        if (!allows(origin)) {
            return response;
        }
        if (!named(origin)) {
            return response.addHeaders(List.of(RawHeader.create("Access-Control-Allow-Origin", "*"),
                    RawHeader.create("Access-Control-Expose-Headers", "ETag")));
        }
        return response.addHeaders(List.of(RawHeader.create("Access-Control-Allow-Origin", origin),
                RawHeader.create("Access-Control-Allow-Credentials", "true"),
                RawHeader.create("Access-Control-Expose-Headers", "ETag"),
                RawHeader.create("Vary", "Origin")));
    }

    /** The answer to a preflight {@code OPTIONS}: 204 with what is allowed, or 403 for an origin that is not. */
    HttpResponse preflight(String origin) {
        if (!allows(origin)) {
            return HttpResponse.create().withStatus(403);
        }
        // the preflight's Allow-Origin (and Allow-Credentials) come from decorate, as on every answer
        return HttpResponse.create().withStatus(204).addHeaders(List.of(
                RawHeader.create("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS"),
                RawHeader.create("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, If-None-Match, Last-Event-ID"),
                RawHeader.create("Access-Control-Max-Age", String.valueOf(maxAge.toSeconds()))));
    }
}
