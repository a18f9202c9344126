package io.chronon.node.http;

import io.chronon.sharding.access.AccessObject;
import io.chronon.sharding.access.Action;
import io.chronon.sharding.access.ObjectKind;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.HttpResponse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * One endpoint: method, path ({@code {db}}, {@code {user}}... are path variables), the permission it needs
 * (null: open to anyone), what it does.
 */
record Route(HttpMethod method, String path, Access access, Handler handler) {
    List<String> segments() {
        return List.of(path.substring(1).split("/"));
    }

    /** The path variables (by name, without braces) if {@code path} matches {@code pattern}, else null. */
    Map<String, String> match(List<String> path) {
        List<String> pattern = segments();
        if (pattern.size() != path.size()) {
            return null;
        }
        Map<String, String> vars = new java.util.HashMap<>();
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.startsWith("{") && p.endsWith("}")) {
                vars.put(p.substring(1, p.length() - 1), path.get(i));
            } else if (!p.equals(path.get(i))) {
                return null;
            }
        }
        return vars;
    }

    /**
     * The permission a route needs: {@code action} on the object {@code object} names for the request
     * (from its path); {@code action} null: any authenticated principal (the handler shows it only what it may see).
     */
    record Access(Action action, java.util.function.Function<Call, AccessObject> object) {
        static final Access AUTHENTICATED = new Access(null, c -> null);

        /** {@code action} on the database of the path. */
        static Access database(Action action) {
            return new Access(action, c -> AccessObject.database(c.db()));
        }

        /** {@code action} on the object of {@code kind} named by path variable {@code var} (all of them when var is null). */
        static Access on(Action action, ObjectKind kind, String var) {
            return new Access(action, c -> new AccessObject(kind, var == null ? null : c.var(var)));
        }
    }

    @FunctionalInterface
    interface Handler {
        CompletionStage<HttpResponse> handle(Call call) throws Exception;
    }
}
