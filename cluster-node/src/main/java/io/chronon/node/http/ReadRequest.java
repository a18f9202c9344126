package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.db.Ids;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.sharding.peer.QueryPeer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read of the HTTP API as the actor protocol's {@link QueryPeer.Read}: the basis keys
 * ({@code :basis-t :as-of :since :history :with}), the operation's keys and {@code :timeout-ms},
 * from a POST body or from GET query parameters (each an EDN value, but {@code query},
 * {@code selector} and {@code index} are taken as text).
 *
 * @param pinned true when the answer can never change (a GET with {@code basis-t}, or an
 *               {@code as-of} t): it is cacheable
 */
record ReadRequest(QueryPeer.Basis basis, QueryPeer.ReadOp op, Duration timeout, boolean pinned) {
    static final Set<String> TEXT_PARAMS = Set.of("query", "selector", "index");

    /** The kinds of read, by the last segment of their path. */
    enum Kind { Q, PULL, PULL_MANY, DATOMS, INDEX_RANGE, LOG, ATTRIBUTE, ENTID_AT }

    /** The parameters of a GET as the map a POST body would hold. */
    static Map<Object, Object> fromQueryParams(Map<String, List<String>> params) {
        Map<Object, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String name = e.getKey();
            if (name.equals("c")) {
                List<Object> components = new ArrayList<>();
                for (String v : e.getValue()) {
                    components.add(edn(name, v));
                }
                out.put(Keyword.of("components"), components);
            } else {
                String v = e.getValue().get(e.getValue().size() - 1);
                out.put(Keyword.of(name), TEXT_PARAMS.contains(name) ? v : edn(name, v));
            }
        }
        return out;
    }

    private static Object edn(String name, String text) {
        try {
            return EdnReader.read(text);
        } catch (EdnParseException e) {
            throw ChrononException.incorrect("chronon.error/invalid-parameter",
                    "Parameter " + name + " is not EDN: " + e.getMessage(), text);
        }
    }

    /**
     * The read a request asks for. On a GET ({@code get}), {@code basis-t} pins the read: it
     * waits for t, then reads as of exactly t, so the answer is immutable.
     */
    static ReadRequest parse(Kind kind, Object body, boolean get, Duration defaultTimeout, Duration maxTimeout) {
        if (!(body instanceof Map<?, ?> m)) {
            throw ChrononException.incorrect("chronon.error/invalid-body", "The body must be a map, not " + describe(body), body);
        }
        long basisT = nonNegative(m, "basis-t", 0L);
        Object asOf = timePoint(m, "as-of");
        Object since = timePoint(m, "since");
        boolean history = bool(m, "history");
        List<Object> with = vectorOf(m, "with", true);
        // without :timeout-ms, the default, but never past the cap (a node configured with a cap below the
        // default answered every such read 400 for a parameter its client never sent)
        long timeoutMs = nonNegative(m, "timeout-ms", Math.min(defaultTimeout.toMillis(), maxTimeout.toMillis()));
        if (timeoutMs <= 0 || timeoutMs > maxTimeout.toMillis()) {
            throw ChrononException.incorrect("chronon.error/invalid-parameter",
                    ":timeout-ms must be between 1 and " + maxTimeout.toMillis(), timeoutMs);
        }
        boolean pinned = asOf instanceof Long && with == null;
        if (get && basisT > 0 && with == null) {
            asOf = asOf instanceof Long a ? Math.min(Ids.txToT(a), basisT) : asOf == null ? basisT : asOf;
            pinned = true;
        }
        int limit = (int) Math.min(Integer.MAX_VALUE, nonNegative(m, "limit", -1L));
        int offset = (int) Math.min(Integer.MAX_VALUE, nonNegative(m, "offset", 0L));
        QueryPeer.ReadOp op = switch (kind) {
            case Q -> new QueryPeer.QueryOp(required(m, "query"), vectorOf(m, "args", false), limit, offset,
                    m.get(Keyword.of("order-by")));
            case PULL -> new QueryPeer.PullOp(required(m, "selector"), required(m, "eid"));
            case PULL_MANY -> new QueryPeer.PullManyOp(required(m, "selector"), vectorOf(m, "eids", false));
            case DATOMS -> new QueryPeer.DatomsOp(text(m, "index"), vectorOf(m, "components", false), limit, offset);
            case INDEX_RANGE -> new QueryPeer.IndexRangeOp(required(m, "attr"), m.get(Keyword.of("start")),
                    m.get(Keyword.of("end")), limit, offset);
            case ATTRIBUTE -> new QueryPeer.AttributeOp(required(m, "attr"));
            case ENTID_AT -> new QueryPeer.EntidAtOp(required(m, "partition"), required(m, "point"));
            case LOG -> {
                Long from = m.get(Keyword.of("from-t")) == null ? null : nonNegative(m, "from-t", 0L);
                Long to = m.get(Keyword.of("to-t")) == null ? null : nonNegative(m, "to-t", 0L);
                if (get && basisT > 0) {
                    to = to == null ? basisT + 1 : Math.min(to, basisT + 1);
                }
                yield new QueryPeer.LogOp(from, to, limit);
            }
        };
        if (op instanceof QueryPeer.PullManyOp p && p.eids() == null) {
            throw missing("eids");
        }
        return new ReadRequest(new QueryPeer.Basis(basisT, asOf, since, history, with), op, Duration.ofMillis(timeoutMs),
                pinned);
    }

    private static Object required(Map<?, ?> m, String key) {
        Object v = m.get(Keyword.of(key));
        if (v == null) {
            throw missing(key);
        }
        return v;
    }

    private static ChrononException missing(String key) {
        return ChrononException.incorrect("chronon.error/missing-parameter", "Missing :" + key, Keyword.of(key));
    }

    private static String text(Map<?, ?> m, String key) {
        Object v = required(m, key);
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Keyword k) {
            return k.name();
        }
        throw ChrononException.incorrect("chronon.error/invalid-parameter", ":" + key + " must be a string, not " + describe(v), v);
    }

    static long nonNegative(Map<?, ?> m, String key, long absent) {
        Object v = m.get(Keyword.of(key));
        if (v == null) {
            return absent;
        }
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        throw ChrononException.incorrect("chronon.error/invalid-parameter",
                ":" + key + " must be a non-negative integer, not " + describe(v), v);
    }

    private static boolean bool(Map<?, ?> m, String key) {
        Object v = m.get(Keyword.of(key));
        if (v == null || v instanceof Boolean) {
            return Boolean.TRUE.equals(v);
        }
        throw ChrononException.incorrect("chronon.error/invalid-parameter", ":" + key + " must be true or false, not " + describe(v), v);
    }

    private static Object timePoint(Map<?, ?> m, String key) {
        Object v = m.get(Keyword.of(key));
        if (v == null || v instanceof Long l && l >= 0 || v instanceof Date) {
            return v;
        }
        throw ChrononException.incorrect("chronon.error/invalid-parameter",
                ":" + key + " must be a t, a transaction id or an #inst, not " + describe(v), v);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> vectorOf(Map<?, ?> m, String key, boolean ofVectors) {
        Object v = m.get(Keyword.of(key));
        if (v == null) {
            return null;
        }
        if (!(v instanceof List<?> l)) {
            throw ChrononException.incorrect("chronon.error/invalid-parameter", ":" + key + " must be a vector, not " + describe(v), v);
        }
        if (ofVectors) {
            for (Object x : l) {
                if (!(x instanceof List<?>)) {
                    throw ChrononException.incorrect("chronon.error/invalid-parameter",
                            ":" + key + " must be a vector of transactions (vectors), not " + describe(v), v);
                }
            }
        }
        return (List<Object>) l;
    }

    private static String describe(Object v) {
        String s = EdnPrinter.printOrDescribe(v);
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
