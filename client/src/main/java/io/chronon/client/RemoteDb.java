package io.chronon.client;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import io.chronon.query.QueryOptions;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A database value on a server: a basis t plus view options ({@code :with} transactions,
 * as-of, since, history). Holds no data: each read is one request that sends all of it.
 * The server answers from a value whose basis is at least {@link #basisT()}; without a
 * {@code with}, the read is also as of that t, so every read of one {@code RemoteDb} sees
 * the same facts however far the database has moved on.
 */
final class RemoteDb implements Db {
    private static final Symbol DB_TAG = Symbol.of("chronon/db");

    private final RemoteConnection conn;
    private final long basisT;
    private final List<Object> with;
    private final Object asOf;
    private final Object since;
    private final boolean history;
    /** Attribute facts for {@link RemoteEntity}: cardinality, ref-ness, component-ness. */
    final Map<Keyword, List<?>> attributes = new ConcurrentHashMap<>();

    RemoteDb(RemoteConnection conn, long basisT) {
        this(conn, basisT, List.of(), null, null, false);
    }

    private RemoteDb(RemoteConnection conn, long basisT, List<Object> with, Object asOf, Object since, boolean history) {
        this.conn = conn;
        this.basisT = basisT;
        this.with = with;
        this.asOf = asOf;
        this.since = since;
        this.history = history;
    }

    @Override
    public String name() {
        return conn.name();
    }

    @Override
    public long basisT() {
        return basisT;
    }

    @Override
    public long indexBasisT() {
        Object info = conn.http().call("GET", HttpEdn.dbPath(name(), ""), null);
        return info instanceof Map<?, ?> m && m.get(Keyword.of("index-basis-t")) instanceof Number n ? n.longValue() : 0;
    }

    /** The basis keys every read sends. */
    private Map<Keyword, Object> basis() {
        Map<Keyword, Object> m = new LinkedHashMap<>();
        m.put(Keyword.of("basis-t"), basisT);
        if (!with.isEmpty()) {
            m.put(Keyword.of("with"), with);
        }
        if (asOf != null) {
            m.put(Keyword.of("as-of"), asOf);
        } else if (with.isEmpty() && basisT > 0) {
            // the server reads a value at basis-t or later: as-of pins it to exactly this one
            m.put(Keyword.of("as-of"), basisT);
        }
        if (since != null) {
            m.put(Keyword.of("since"), since);
        }
        if (history) {
            m.put(Keyword.of("history"), true);
        }
        return m;
    }

    /** Posts {@code body} plus the basis to {@code /dbs/{db}/op}; answers the result. */
    private Object post(String op, Map<Keyword, Object> body) {
        Map<Keyword, Object> all = new LinkedHashMap<>(body);
        all.putAll(basis());
        Object answer = conn.http().call("POST", HttpEdn.dbPath(name(), "/" + op), all);
        conn.saw(Wire.basisT(answer));
        return Wire.result(answer);
    }

    @Override
    public Object query(Object query, List<?> args, QueryOptions options) {
        Map<Keyword, Object> body = new LinkedHashMap<>();
        body.put(Keyword.of("query"), query instanceof String s ? s : EdnPrinter.print(query));
        List<Object> wireArgs = new ArrayList<>(args.size());
        for (Object a : args) {
            wireArgs.add(a instanceof Db d ? dbInput(d) : a);
        }
        body.put(Keyword.of("args"), wireArgs);
        if (options != null) {
            if (options.limit() >= 0) {
                body.put(Keyword.of("limit"), (long) options.limit());
            }
            if (options.offset() > 0) {
                body.put(Keyword.of("offset"), (long) options.offset());
            }
            if (options.timeoutMillis() > 0) {
                body.put(Keyword.of("timeout-ms"), options.timeoutMillis());
            }
        }
        return post("q", body);
    }

    /** A database among query args: {@code #chronon/db {:name "other" :basis-t 9 :as-of 4}}. */
    private Tagged dbInput(Db d) {
        if (!(d instanceof RemoteDb r)) {
            throw ChrononException.incorrect("chronon.error/invalid-db-input",
                    "A database input of a remote query must be a database of the same server", d.name());
        }
        if (!r.with.isEmpty()) {
            throw ChrononException.incorrect("chronon.error/invalid-db-input",
                    "A speculative (with) database can only be the query's own database, not another input", d.name());
        }
        Map<Keyword, Object> spec = new LinkedHashMap<>();
        spec.put(Keyword.of("name"), r.name());
        spec.putAll(r.basis());
        return new Tagged(DB_TAG, spec);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<Object, Object> pull(Object selector, Object eid) {
        Map<Keyword, Object> body = new LinkedHashMap<>();
        body.put(Keyword.of("selector"), selector instanceof String s ? s : EdnPrinter.print(selector));
        body.put(Keyword.of("eid"), eid);
        return (Map<Object, Object>) post("pull", body);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Map<Object, Object>> pullMany(Object selector, List<?> eids) {
        Map<Keyword, Object> body = new LinkedHashMap<>();
        body.put(Keyword.of("selector"), selector instanceof String s ? s : EdnPrinter.print(selector));
        body.put(Keyword.of("eids"), eids);
        return (List<Map<Object, Object>>) post("pull-many", body);
    }

    @Override
    public Entity entity(Object eid) {
        if (history) {
            throw ChrononException.incorrect("db.error/history-not-supported",
                    "Can't create an entity from a history db; use a current, as-of or since view", null);
        }
        if (eid instanceof Number n) {
            return new RemoteEntity(this, n.longValue());
        }
        Map<Object, Object> found = pull("[:db/id]", eid);
        return found == null || !(found.get(Keyword.of("db/id")) instanceof Number id) ? null : new RemoteEntity(this, id.longValue());
    }

    /** GETs {@code /dbs/{db}/op} with {@code params} plus the basis as query parameters; answers the result. */
    private Object get(String op, List<Object[]> params) {
        List<Object[]> all = new ArrayList<>(params);
        for (Map.Entry<Keyword, Object> e : basis().entrySet()) {
            all.add(new Object[] {e.getKey().name(), e.getValue()});
        }
        Object answer = conn.http().call("GET", HttpEdn.dbPath(name(), "/" + op) + HttpEdn.query(all), null);
        conn.saw(Wire.basisT(answer));
        return Wire.result(answer);
    }

    @Override
    public io.chronon.db.Attribute attribute(Object attr) {
        if (attr == null) {
            return null;
        }
        Map<Keyword, Object> body = new LinkedHashMap<>();
        body.put(Keyword.of("attr"), attr);
        return post("attribute", body) instanceof Map<?, ?> m ? io.chronon.db.Attribute.fromMap(m) : null;
    }

    @Override
    public long entidAt(Object partition, Object point) {
        Map<Keyword, Object> body = new LinkedHashMap<>();
        body.put(Keyword.of("partition"), partition);
        body.put(Keyword.of("point"), point);
        return ((Number) post("entid-at", body)).longValue();
    }

    @Override
    public List<Datom> datoms(IndexType index, Object... components) {
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {"index", new HttpEdn.Raw(index.name().toLowerCase())});
        for (Object c : components) {
            params.add(new Object[] {"c", c});
        }
        return pagedDatoms("datoms", params);
    }

    /**
     * Datoms per request: a server answers at most {@code chronon.read.max-result-rows} rows
     * per read (at least 10,000), so longer reads are made in pages of this many, all at this
     * value's basis.
     */
    static final int PAGE_ROWS = 10_000;

    /** Every datom a datoms or index-range read gives, read in pages of {@link #PAGE_ROWS}. */
    private List<Datom> pagedDatoms(String op, List<Object[]> params) {
        List<Datom> all = new ArrayList<>();
        for (long offset = 0; ; offset += PAGE_ROWS) {
            List<Object[]> page = new ArrayList<>(params);
            page.add(new Object[] {"limit", (long) PAGE_ROWS});
            page.add(new Object[] {"offset", offset});
            List<Datom> rows = Wire.datoms(get(op, page));
            all.addAll(rows);
            if (rows.size() < PAGE_ROWS) {
                return all;
            }
        }
    }

    @Override
    public List<Datom> indexRange(Object attr, Object start, Object end) {
        List<Object[]> params = new ArrayList<>();
        params.add(new Object[] {"attr", attr});
        if (start != null) {
            params.add(new Object[] {"start", start});
        }
        if (end != null) {
            params.add(new Object[] {"end", end});
        }
        return pagedDatoms("index-range", params);
    }

    @Override
    public Db asOf(Object point) {
        Object p = timePoint(point);
        if (asOf instanceof Long a && p instanceof Long b) {
            p = Ids.txToT(a) <= Ids.txToT(b) ? a : b; // views narrow, as in core
        }
        return new RemoteDb(conn, basisT, with, p, since, history);
    }

    @Override
    public Db since(Object point) {
        Object p = timePoint(point);
        if (since instanceof Long a && p instanceof Long b) {
            p = Ids.txToT(a) >= Ids.txToT(b) ? a : b;
        }
        return new RemoteDb(conn, basisT, with, asOf, p, history);
    }

    @Override
    public Db history() {
        return new RemoteDb(conn, basisT, with, asOf, since, true);
    }

    @Override
    public Db with(Object txData) {
        List<Object> more = new ArrayList<>(with);
        more.add(Wire.txData(txData));
        return new RemoteDb(conn, basisT, List.copyOf(more), null, null, false);
    }

    private static Object timePoint(Object point) {
        if (point instanceof Number n) {
            return n.longValue();
        }
        if (point instanceof Date) {
            return point;
        }
        throw ChrononException.incorrect("chronon.error/invalid-time-point",
                "A time point is a t, a transaction id or a java.util.Date, not " + EdnPrinter.printOrDescribe(point), point);
    }

    @Override
    public String toString() {
        Map<Keyword, Object> spec = new LinkedHashMap<>();
        spec.put(Keyword.of("name"), name());
        spec.putAll(basis());
        return "#chronon/db" + EdnPrinter.print(spec);
    }
}
