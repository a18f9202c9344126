package io.chronon.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chronon.ChrononException;
import io.chronon.datomic.DatomicBridge;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DbValue#attributeOf} and {@link DbValue#entidAt} against Datomic's
 * {@code Database.attribute} and {@code Database.entidAt}, on generated schemas and data
 * (issue 18): every attribute by ident and by id, ids and names that are no attribute, on the
 * value and its views; every partition-like argument with every kind of time point (t's, tx
 * ids, out-of-range numbers, doubles, instants just before, at and after each transaction's,
 * before and after all). Both must answer the same or both reject.
 */
class LookupsDifferentialTest {
    static final String[] TYPES = {"string", "long", "ref", "keyword", "double", "boolean", "instant", "uuid"};

    static String schema(Random r, int n) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            String type = TYPES[r.nextInt(TYPES.length)];
            boolean many = r.nextInt(3) == 0;
            s.append("{:db/ident :g/a").append(i).append(" :db/valueType :db.type/").append(type)
                    .append(" :db/cardinality :db.cardinality/").append(many ? "many" : "one");
            if (!many && !type.equals("boolean") && r.nextInt(3) == 0) {
                s.append(" :db/unique :db.unique/").append(r.nextBoolean() ? "identity" : "value");
            }
            if (r.nextInt(3) == 0) {
                s.append(" :db/index true");
            }
            if (type.equals("ref") && r.nextBoolean()) {
                s.append(" :db/isComponent true");
            }
            if (r.nextInt(4) == 0) {
                s.append(" :db/noHistory true");
            }
            if (type.equals("string") && r.nextInt(3) == 0) {
                s.append(" :db/fulltext true");
            }
            s.append(r.nextInt(4) == 0 ? " :db/doc \"a doc\"}" : "}");
        }
        return s.append(" {:db/ident :g/enum} {:db/ident :g/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}]").toString();
    }

    /** Datomic's attribute, as the fields its Java interface shows. */
    static Object theirs(datomic.Attribute a) {
        if (a == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", ((Number) a.id()).longValue());
        m.put("ident", DatomicBridge.fromDatomic(a.ident()));
        m.put("valueType", DatomicBridge.fromDatomic(a.valueType()));
        m.put("cardinality", DatomicBridge.fromDatomic(a.cardinality()));
        m.put("unique", DatomicBridge.fromDatomic(a.unique()));
        m.put("isComponent", a.isComponent());
        m.put("isIndexed", a.isIndexed());
        m.put("hasAVET", a.hasAVET());
        m.put("noHistory", a.hasNoHistory());
        m.put("fulltext", a.hasFulltext());
        return m;
    }

    static Object ours(Attribute a) {
        if (a == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("ident", a.ident());
        m.put("valueType", a.valueType().ident());
        m.put("cardinality", a.cardinalityIdent());
        m.put("unique", a.unique().ident());
        m.put("isComponent", a.isComponent());
        m.put("isIndexed", a.index());
        m.put("hasAVET", a.indexed());
        m.put("noHistory", a.noHistory());
        m.put("fulltext", a.fulltext());
        return m;
    }

    record Outcome(Object value, Throwable error) {
    }

    static Outcome run(java.util.function.Supplier<Object> f) {
        try {
            return new Outcome(f.get(), null);
        } catch (Throwable e) {
            return new Outcome(null, e);
        }
    }

    static int compared;

    static void same(String what, Outcome ours, Outcome theirs) {
        compared++;
        if (ours.error() != null && !(ours.error() instanceof ChrononException)) {
            throw new AssertionError(what + ": not a ChrononException", ours.error());
        }
        if ((ours.error() == null) != (theirs.error() == null)) {
            fail(what + ": Chronon " + (ours.error() != null ? "rejected it: " + ours.error().getMessage() : ours.value())
                    + "; Datomic " + (theirs.error() != null ? "rejected it: " + theirs.error().getMessage() : theirs.value()));
        }
        assertEquals(theirs.value(), ours.value(), what);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void agreeWithDatomic(long seed) {
        Random r = new Random(seed);
        // both sides get the same instants, a second apart (Datomic's clock can give two transactions one millisecond)
        long base = System.currentTimeMillis() - 60_000;
        TxOptions options = TxOptions.defaults();
        DbValue db = DbValue.empty();
        int attrs = 4 + r.nextInt(6);
        List<String> txs = new ArrayList<>(List.of(schema(r, attrs), "[{:g/name \"x\"}]", "[{:g/name \"y\"} {:g/name \"z\"}]",
                "[[:db/add [:g/name \"x\"] :db/doc \"no new entity\"]]", "[{:g/name \"w\"}]"));
        compared = 0;
        try (DatomicBridge d = DatomicBridge.create()) {
            List<Long> ts = new ArrayList<>();
            for (int k = 0; k < txs.size(); k++) {
                List<Object> data = new ArrayList<>((List<?>) EdnReader.read(txs.get(k)));
                data.add(Map.of(Keyword.of("db/id"), "datomic.tx", Keyword.of("db/txInstant"), new Date(base + 1000L * k)));
                db = TxProcessor.transact(db, data, options).dbAfter();
                DatomicBridge.TxResult theirs = d.transact(data);
                assertEquals(theirs.basisT(), db.basisT(), "Chronon numbers t as Datomic does");
                ts.add(db.basisT());
            }
            datomic.Database ddb = d.db();
            assertEquals(ddb.nextT(), db.nextT());
            long first = ts.get(1);
            List<Object> names = new ArrayList<>();
            for (int i = 0; i < attrs; i++) {
                names.add(Keyword.of("g/a" + i));
            }
            names.addAll(List.of(Keyword.of("g/enum"), Keyword.of("g/name"), Keyword.of("nope"), Keyword.of("db/ident"),
                    Keyword.of("db/txInstant"), Keyword.of("db.part/user"), "g/a0", List.of(Keyword.of("g/name"), "x"),
                    List.of(Keyword.of("db/ident"), Keyword.of("g/a0")), List.of(Keyword.of("g/name"), "nobody")));
            for (long id = 0; id < 72 + attrs + 4; id += 1 + r.nextInt(3)) {
                names.add(id);
            }
            names.add(db.entid(List.of(Keyword.of("g/name"), "x")));
            names.add(Ids.tToTx(first));
            names.add(null);
            Map<String, Function<DbValue, DbValue>> ourViews = Map.of("db", v -> v, "asOf", v -> v.asOf(first),
                    "since", v -> v.since(first), "history", DbValue::history);
            Map<String, Function<datomic.Database, datomic.Database>> theirViews = Map.of("db", v -> v,
                    "asOf", v -> v.asOf(first), "since", v -> v.since(first), "history", datomic.Database::history);
            for (String view : ourViews.keySet()) {
                DbValue ov = ourViews.get(view).apply(db);
                datomic.Database tv = theirViews.get(view).apply(ddb);
                for (Object name : names) {
                    same("attribute " + name + " on " + view, run(() -> ours(ov.attributeOf(name))),
                            run(() -> theirs(tv.attribute(DatomicBridge.toDatomic(name)))));
                }
            }
            List<Object> parts = new ArrayList<>(List.of(Keyword.of("db.part/user"), Keyword.of("db.part/db"), Keyword.of("db.part/tx"),
                    4L, 0L, 3L, Keyword.of("g/a0"), Keyword.of("nope"), 72L, 999_999L, "x"));
            List<Object> points = new ArrayList<>(List.of(0L, 1L, 66L, 1000L, -5L, 1L << 43, (1L << 42) - 1, 2.5, "x",
                    new Date(0), new Date(1), new Date(4_102_444_800_000L)));
            for (long t : ts) {
                points.add(t);
                points.add(Ids.tToTx(t));
            }
            for (int k = 0; k < ts.size(); k++) {
                for (long delta : new long[] {-1, 0, 1}) {
                    points.add(new Date(base + 1000L * k + delta));
                }
            }
            for (String view : List.of("db", "asOf")) {
                DbValue ov = ourViews.get(view).apply(db);
                datomic.Database tv = theirViews.get(view).apply(ddb);
                for (Object part : parts) {
                    for (Object point : points) {
                        same("entidAt " + part + " " + point + " on " + view, run(() -> ov.entidAt(part, point)),
                                run(() -> tv.entidAt(DatomicBridge.toDatomic(part), point)));
                    }
                }
            }
        }
        System.out.println("lookups seed " + seed + ": " + compared + " cases compared with Datomic");
        assertTrue(compared > 400, "only " + compared);
    }
}
