package io.chronon.sharding.peer;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import io.chronon.query.Datalog;
import io.chronon.query.QueryOptions;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link QueryPeer.Read} does once the peer has a value at the basis asked for: builds
 * the view ({@code :with}, then as-of, since, history) and runs the operation on it. Pure
 * functions of immutable values, run on the query dispatcher.
 */
final class PeerReads {
    /** The tag of a database input in query args: {@code #chronon/db {:name "other" :as-of 4}}. */
    static final Symbol DB_TAG = Symbol.of("chronon/db");

    private static final Keyword NAME = Keyword.of("name");
    private static final Keyword AS_OF = Keyword.of("as-of");
    private static final Keyword SINCE = Keyword.of("since");
    private static final Keyword HISTORY = Keyword.of("history");
    private static final Keyword BASIS_T = Keyword.of("basis-t");
    private static final Keyword ORDER_BY = Keyword.of("order-by");

    /**
     * The most rows one read may answer (datoms, index-range, the rows of a query): the JVM
     * system property {@code chronon.read.max-result-rows}, by default the maximum heap / 4096
     * (131,072 on a 512 MB heap). An answer is built whole in the peer's memory and then
     * encoded, so a read of every datom of a large database would fill the heap; past the
     * limit the read fails with {@code chronon.error/result-too-large} and the caller pages
     * ({@code limit} and {@code offset}; the Java client does so itself).
     */
    private static volatile long maxResultRows = Long.getLong("chronon.read.max-result-rows",
            Math.max(10_000, Runtime.getRuntime().maxMemory() / 4096));

    private PeerReads() {
    }

    /** The row limit of one read (see {@link #maxResultRows}). */
    public static long maxResultRows() {
        return maxResultRows;
    }

    /** Sets the row limit of one read in this JVM (tests, and nodes configured at start). */
    public static void maxResultRows(long rows) {
        maxResultRows = rows;
    }

    private static ChrononException resultTooLarge(String what) {
        return ChrononException.incorrect("chronon.error/result-too-large", "The " + what + " gives more than "
                + String.format(java.util.Locale.ROOT, "%,d", maxResultRows) + " rows, the most one read answers"
                + " (chronon.read.max-result-rows); read it in pages with limit and offset", null);
    }

    /** Reads stop when their thread is interrupted (the read runner does so at the read's timeout). */
    private static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new ChrononException(io.chronon.ErrorCategory.INTERRUPTED, Keyword.of("db.error/query-interrupted"),
                    "Read interrupted: it timed out or was canceled");
        }
    }

    /** The view of {@code base} that {@code basis} describes. */
    static DbValue view(DbValue base, QueryPeer.Basis basis) {
        DbValue d = base;
        if (basis.with() != null) {
            for (Object tx : basis.with()) {
                if (!(tx instanceof List<?> txData)) {
                    throw ChrononException.incorrect("chronon.error/invalid-with",
                            ":with takes a vector of transactions (each a vector of tx-data), not " + describe(tx), tx);
                }
                d = d.with(txData).dbAfter();
            }
        }
        return filter(d, basis.asOf(), basis.since(), basis.history());
    }

    private static DbValue filter(DbValue d, Object asOf, Object since, boolean history) {
        if (asOf != null) {
            d = d.asOf(timePoint(asOf, ":as-of"));
        }
        if (since != null) {
            d = d.since(timePoint(since, ":since"));
        }
        return history ? d.history() : d;
    }

    private static Object timePoint(Object p, String key) {
        if (p instanceof Long || p instanceof Integer || p instanceof Date) {
            return p;
        }
        throw ChrononException.incorrect("chronon.error/invalid-time-point",
                key + " takes a t, a transaction id or an instant, not " + describe(p), p);
    }

    /** The names of the other databases that {@code op}'s inputs refer to, with the basis t each asks for. */
    static Map<String, Long> otherDatabases(String self, QueryPeer.ReadOp op) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (op instanceof QueryPeer.QueryOp q && q.args() != null) {
            for (Object a : q.args()) {
                Map<?, ?> spec = dbSpec(a);
                if (spec != null && !self.equals(spec.get(NAME))) {
                    out.merge((String) spec.get(NAME), basisT(spec), Math::max);
                }
            }
        }
        return out;
    }

    /** The map of a {@code #chronon/db} input, checked; null if {@code arg} is not one. */
    private static Map<?, ?> dbSpec(Object arg) {
        if (!(arg instanceof Tagged t) || !t.tag().equals(DB_TAG)) {
            return null;
        }
        if (!(t.value() instanceof Map<?, ?> m) || !(m.get(NAME) instanceof String)) {
            throw ChrononException.incorrect("chronon.error/invalid-db-input",
                    "A database input is #chronon/db {:name \"db\" ...}, not " + describe(arg), arg);
        }
        return m;
    }

    private static long basisT(Map<?, ?> spec) {
        Object t = spec.get(BASIS_T);
        return t instanceof Number n ? n.longValue() : 0;
    }

    /**
     * Runs {@code op} on {@code view} (of the peer's value {@code current}); {@code others}
     * holds the values of other databases named among the inputs.
     */
    static Object run(String self, DbValue current, DbValue view, QueryPeer.ReadOp op, Map<String, DbValue> others,
                      long timeoutMillis) {
        if (op instanceof QueryPeer.QueryOp q) {
            List<Object> inputs = new ArrayList<>();
            inputs.add(view);
            if (q.args() != null) {
                for (Object a : q.args()) {
                    Map<?, ?> spec = dbSpec(a);
                    if (spec == null) {
                        inputs.add(a);
                    } else {
                        DbValue base = self.equals(spec.get(NAME)) ? current : others.get((String) spec.get(NAME));
                        inputs.add(filter(base, spec.get(AS_OF), spec.get(SINCE), Boolean.TRUE.equals(spec.get(HISTORY))));
                    }
                }
            }
            QueryOptions options = QueryOptions.DEFAULTS.withTimeoutMillis(timeoutMillis).withLimit(q.limit());
            if (q.offset() < 0) {
                throw ChrononException.incorrect("chronon.error/invalid-offset", ":offset must not be negative", q.offset());
            }
            Object result = Datalog.query(withOrderBy(q.query(), q.orderBy()), inputs, options.withOffset(q.offset()));
            if (result instanceof java.util.Collection<?> rows && rows.size() > maxResultRows) {
                throw resultTooLarge("query");
            }
            return result;
        }
        if (op instanceof QueryPeer.PullOp p) {
            return io.chronon.pull.Pull.pull(view, p.selector(), p.eid());
        }
        if (op instanceof QueryPeer.PullManyOp p) {
            if (!(p.eids() instanceof List<?> eids)) {
                throw ChrononException.incorrect("chronon.error/invalid-eids", ":eids must be a vector of entity references", p.eids());
            }
            return io.chronon.pull.Pull.pullMany(view, p.selector(), eids);
        }
        if (op instanceof QueryPeer.DatomsOp d) {
            Object[] components = d.components() == null ? new Object[0] : d.components().toArray();
            return datomRows("datoms read", view.datoms(index(d.index()), components), d.offset(), d.limit());
        }
        if (op instanceof QueryPeer.IndexRangeOp r) {
            return datomRows("index-range read", view.indexRange(r.attr(), r.start(), r.end()), r.offset(), r.limit());
        }
        if (op instanceof QueryPeer.LogOp l) {
            return log(current, l);
        }
        if (op instanceof QueryPeer.AttributeOp a) {
            io.chronon.db.Attribute attr = view.attributeOf(a.attr());
            return attr == null ? null : attr.toMap();
        }
        if (op instanceof QueryPeer.EntidAtOp e) {
            if (e.partition() == null || e.point() == null) {
                throw ChrononException.incorrect("chronon.error/missing-parameter", "entid-at takes :partition and :point", null);
            }
            return view.entidAt(e.partition(), e.point());
        }
        Map<Object, Object> info = new LinkedHashMap<>();
        info.put(Keyword.of("db/name"), self);
        info.put(BASIS_T, current.basisT());
        info.put(Keyword.of("index-basis-t"), current.indexBasisT());
        if (view.asOfT() >= 0) {
            info.put(AS_OF, view.asOfT());
        }
        if (view.sinceT() >= 0) {
            info.put(SINCE, view.sinceT());
        }
        if (view.isHistory()) {
            info.put(HISTORY, true);
        }
        return info;
    }

    private static IndexType index(String name) {
        if (name != null) {
            for (IndexType t : IndexType.values()) {
                if (t.name().equalsIgnoreCase(name)) {
                    return t;
                }
            }
        }
        throw ChrononException.incorrect("chronon.error/invalid-index",
                "The index is one of eavt, aevt, avet, vaet, not " + name, name);
    }

    /** {@code [e a v tx added]} rows, skipping {@code offset} and at most {@code limit} (negative: all). */
    private static List<Object> datomRows(String what, Iterable<Datom> datoms, int offset, int limit) {
        List<Object> rows = new ArrayList<>();
        int skipped = 0;
        long seen = 0;
        for (Datom d : datoms) {
            if ((++seen & 1023) == 0) {
                checkInterrupted();
            }
            if (limit >= 0 && rows.size() >= limit) {
                break;
            }
            if (rows.size() >= maxResultRows) {
                throw resultTooLarge(what);
            }
            if (skipped < offset) {
                skipped++;
                continue;
            }
            rows.add(row(d));
        }
        return rows;
    }

    /** A datom as the vector {@code [e a v tx added]}. */
    static List<Object> row(Datom d) {
        return List.of(d.e(), d.a(), d.v(), d.tx(), d.added());
    }

    /** Datomic's tx-range: one map {@code {:t t :tx tx :data [[e a v tx added] ...]}} per transaction. */
    private static List<Object> log(DbValue current, QueryPeer.LogOp l) {
        List<Object> out = new ArrayList<>();
        Map<Object, Object> tx = null;
        List<Object> data = null;
        long txId = Long.MIN_VALUE;
        long rows = 0;
        long seen = 0;
        for (Datom d : current.txRange(l.fromT(), l.toT())) {
            if ((++seen & 1023) == 0) {
                checkInterrupted();
            }
            if (d.tx() != txId) {
                if (l.limit() >= 0 && out.size() >= l.limit()) {
                    break;
                }
                if (rows >= maxResultRows && !out.isEmpty()) {
                    if (l.partial()) {
                        break;
                    }
                    throw resultTooLarge("log read");
                }
                txId = d.tx();
                data = new ArrayList<>();
                tx = new LinkedHashMap<>();
                tx.put(Keyword.of("t"), Ids.txToT(txId));
                tx.put(Keyword.of("tx"), txId);
                tx.put(Keyword.of("data"), data);
                out.add(tx);
            }
            data.add(row(d));
            rows++;
        }
        return out;
    }

    /** {@code query} with {@code :order-by} added (turning the vector form into the map form). */
    private static Object withOrderBy(Object query, Object orderBy) {
        if (orderBy == null) {
            return query;
        }
        Object form = query instanceof String s ? EdnReader.read(s) : query;
        Map<Object, Object> map = new LinkedHashMap<>();
        if (form instanceof Map<?, ?> m) {
            map.putAll(m);
        } else if (form instanceof List<?> parts) {
            Keyword key = null;
            for (Object part : parts) {
                if (part instanceof Keyword k) {
                    key = k;
                    map.putIfAbsent(k, new ArrayList<>());
                } else if (key == null) {
                    throw ChrononException.incorrect("db.error/invalid-query", "A query starts with :find", query);
                } else {
                    @SuppressWarnings("unchecked")
                    List<Object> clauses = (List<Object>) map.get(key);
                    clauses.add(part);
                }
            }
        } else {
            throw ChrononException.incorrect("db.error/invalid-query", "A query is a vector, a map or EDN text, not " + describe(query), query);
        }
        map.put(ORDER_BY, orderBy instanceof List<?> ? orderBy : List.of(orderBy));
        return map;
    }

    private static String describe(Object v) {
        return EdnPrinter.printOrDescribe(v);
    }
}
