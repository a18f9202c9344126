package io.chronon.node.http;

import io.chronon.sharding.access.Principal;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

import java.util.Map;

/**
 * A request being answered: the request, its path variables ({@code db}, ...), its answer
 * format and the principal it proved (null on open endpoints).
 */
record Call(HttpRequest request, Map<String, String> vars, Format format, Principal principal, BodyBudget.Intake intake) {
    String header(String name) {
        return request.getHeader(name).map(HttpHeader::value).orElse(null);
    }

    /** The database the path names, or null. */
    String db() {
        return vars.get("db");
    }

    /** Path variable {@code name}, or null. */
    String var(String name) {
        return vars.get(name);
    }

    /** The id of the access key the request proved, or null. */
    String key() {
        return principal == null ? null : principal.key();
    }
}
