package io.chronon.node.http;

import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * The headers every answer of the API carries for browsers: no content sniffing, no framing,
 * no referrer, a Content-Security-Policy that lets an answer load or run nothing (they are
 * data, never pages), and {@code Cache-Control: private, no-store} unless the answer chose its
 * own (the reads with ETags: {@code private}, so a shared cache never keeps an answer given
 * to one access key).
 */
final class SecurityHeaders {
    /** What an answer of the API may do when a browser opens it as a page: nothing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";
    static final String NO_STORE = "private, no-store";

    private static final List<RawHeader> ALWAYS = List.of(
            RawHeader.create("X-Content-Type-Options", "nosniff"),
            RawHeader.create("X-Frame-Options", "DENY"),
            RawHeader.create("Referrer-Policy", "no-referrer"),
            RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY));

    private SecurityHeaders() {
    }

    /** {@code response} with the headers above. */
    static HttpResponse decorate(HttpResponse response) {
        List<RawHeader> headers = new ArrayList<>(ALWAYS);
        if (response.getHeader("Cache-Control").isEmpty()) {
            headers.add(RawHeader.create("Cache-Control", NO_STORE));
        }
        return response.addHeaders(List.copyOf(headers));
    }
}
