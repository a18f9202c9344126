package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.datomic.DatomicBridge;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Chronon against Datomic's peer: a seeded generator of schemas and transactions (valid and
 * invalid: wrong types, unique conflicts, cardinality conflicts, failing cas, missing lookup
 * refs, upserts, retractions, nested and component maps, reverse refs, retractEntity) runs
 * every transaction on both. After each one they must agree on accept or reject (and the
 * error code), on the tempids and the tx data (raw ids: Chronon numbers entities as Datomic
 * does), and on all current facts, rendered by attribute ident with entities and ref values
 * named by their unique {@code :ent/key}.
 */
class TxDifferentialTest {
    private static final int TXS_PER_SEED = 120;
    private static final int KEYS = 12;
    private static final Keyword KEY = Keyword.of("ent/key");
    private static final Keyword COMPOSITE = Keyword.of("g/composite");
    private static final Map<String, Integer> REJECTIONS = new java.util.concurrent.ConcurrentHashMap<>();

    private record Attr(Keyword ident, String type, boolean many, String unique, boolean component) {
        boolean isRef() {
            return type.equals("ref");
        }
    }

    static java.util.stream.LongStream seeds() {
        return TxTestSupport.differentialSeeds(1, 2, 3, 4, 5, 6, 42, 2024);
    }

    static java.util.stream.LongStream identitySeeds() {
        return TxTestSupport.differentialSeeds(7, 8, 9, 10, 11, 12, 13, 14);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void agreesWithDatomic(long seed) {
        run(seed, false);
    }

    /**
     * Half of the statements name an entity by identity in the ways that once gave wrong
     * answers silently: a unique-identity composite tuple written with a tempid (asserted, in
     * a map, retracted; it upserts, as in Datomic, though it is never stored), a retraction
     * with a tempid and an identity value (it upserts too), and {@code "datomic.tx"} as a ref
     * value. Schemas are drawn until they have a unique-identity composite.
     */
    @ParameterizedTest
    @MethodSource("identitySeeds")
    void identityUpsertsAgreeWithDatomic(long seed) {
        run(seed, true);
    }

    private void run(long seed, boolean focus) {
        Random r = new Random(seed);
        List<Attr> attrs = schema(r);
        while (focus && !identityComposite(attrs)) {
            attrs = schema(r);
        }
        DbValue db = DbValue.empty();
        TxOptions options = TxOptions.defaults();
        int accepted = 0;
        try (DatomicBridge datomic = DatomicBridge.create()) {
            List<Object> schemaTx = schemaTx(attrs);
            db = step(seed, -1, schemaTx, db, options, datomic, attrs);
            for (int i = 0; i < TXS_PER_SEED; i++) {
                List<String> existing = new ArrayList<>();
                for (Datom d : db.datoms(IndexType.AEVT, KEY)) {
                    existing.add((String) d.v());
                }
                List<Object> tx = transaction(r, attrs, existing, focus);
                DbValue next = step(seed, i, tx, db, options, datomic, attrs);
                accepted += next != db ? 1 : 0;
                db = next;
            }
        }
        System.out.println("differential seed " + seed + (focus ? " (identity upserts)" : "") + ": " + accepted + " of " + TXS_PER_SEED
                + " accepted; rejections so far " + REJECTIONS);
        if (accepted < TXS_PER_SEED / 5) {
            fail("seed " + seed + ": only " + accepted + " transactions were accepted; the generator is off");
        }
    }

    /** Runs one transaction on both systems and compares; returns the next Chronon db. */
    private DbValue step(long seed, int i, List<Object> tx, DbValue db, TxOptions options, DatomicBridge datomic,
                         List<Attr> attrs) {
        String where = "seed " + seed + ", transaction " + i + ":\n" + EdnPrinter.print(tx) + "\n";
        TxOutcome ours = null;
        ChrononException ourError = null;
        DatomicBridge.TxResult theirs = null;
        DatomicBridge.DatomicError theirError = null;
        try {
            ours = TxProcessor.transact(db, tx, options);
        } catch (ChrononException e) {
            ourError = e;
        }
        try {
            theirs = datomic.transact(tx);
        } catch (DatomicBridge.DatomicError e) {
            theirError = e;
        }
        if ((ours == null) != (theirs == null)) {
            fail(where + "Chronon " + (ours == null ? "rejected it: " + ourError.code() + " " + ourError.getMessage()
                    : "accepted it") + "; Datomic " + (theirs == null ? "rejected it: " + theirError.code() + " "
                    + theirError.getMessage() : "accepted it: " + theirs.txData()));
        }
        if (ours == null) {
            REJECTIONS.merge(String.valueOf(theirError.code()), 1, Integer::sum);
            if (!ourError.code().equals(theirError.code())) {
                fail(where + "both rejected it, Chronon with " + ourError.code() + " (" + ourError.getMessage()
                        + "), Datomic with " + theirError.code() + " (" + theirError.getMessage() + ")");
            }
            return db;
        }
        if (!ours.tempids().equals(theirs.tempids())) {
            fail(where + "tempids differ: Chronon " + ours.tempids() + ", Datomic " + theirs.tempids());
        }
        TreeSet<String> ourData = rawTxData(ours.txData());
        TreeSet<String> theirData = rawTxData(theirs.txData());
        if (!ourData.equals(theirData)) {
            fail(where + "tx data differ:\n Chronon " + ourData + "\n Datomic " + theirData);
        }
        TreeSet<String> ourFacts = facts(ours.dbAfter(), attrs);
        TreeSet<String> theirFacts = datomicFacts(theirs, attrs);
        if (!ourFacts.equals(theirFacts)) {
            TreeSet<String> onlyOurs = new TreeSet<>(ourFacts);
            onlyOurs.removeAll(theirFacts);
            TreeSet<String> onlyTheirs = new TreeSet<>(theirFacts);
            onlyTheirs.removeAll(ourFacts);
            fail(where + "facts differ: only in Chronon " + onlyOurs + ", only in Datomic " + onlyTheirs);
        }
        return LayeredValues.maybeSplit(ours.dbAfter());
    }

    private static TreeSet<String> rawTxData(List<Datom> datoms) {
        TreeSet<String> out = new TreeSet<>();
        for (Datom d : datoms) {
            if (d.e() == d.tx() && d.a() == 50) {
                continue; // the transaction instant: two different clocks
            }
            out.add("[" + d.e() + " " + d.a() + " " + render(d.v()) + " " + (d.tx() - d.e() == 0 ? "tx" : d.tx())
                    + " " + d.added() + "]");
        }
        return out;
    }

    private static String render(Object v) {
        return EdnPrinter.print(v) + ":" + (v == null ? "nil" : v.getClass().getSimpleName());
    }

    /** Every current fact of the generated attributes, named by keys. */
    private static TreeSet<String> facts(DbValue db, List<Attr> attrs) {
        Map<Long, Object> keys = new HashMap<>();
        for (Datom d : db.datoms(IndexType.AEVT, KEY)) {
            keys.put(d.e(), d.v());
        }
        TreeSet<String> out = new TreeSet<>();
        for (Attr a : attrs) {
            for (Datom d : db.datoms(IndexType.AEVT, a.ident)) {
                out.add(fact(keys, a, d));
            }
        }
        if (db.attribute(COMPOSITE) != null) {
            Attr c = new Attr(COMPOSITE, "tuple", false, "identity", false);
            for (Datom d : db.datoms(IndexType.AEVT, COMPOSITE)) {
                out.add(fact(keys, c, d));
            }
        }
        return out;
    }

    private static TreeSet<String> datomicFacts(DatomicBridge.TxResult r, List<Attr> attrs) {
        Map<Long, Object> keys = new HashMap<>();
        for (Datom d : DatomicBridge.datoms(r.dbAfter(), "aevt", KEY)) {
            keys.put(d.e(), d.v());
        }
        TreeSet<String> out = new TreeSet<>();
        for (Attr a : attrs) {
            for (Datom d : DatomicBridge.datoms(r.dbAfter(), "aevt", a.ident)) {
                out.add(fact(keys, a, d));
            }
        }
        if (compositeParts(attrs) != null) {
            Attr c = new Attr(COMPOSITE, "tuple", false, "identity", false);
            for (Datom d : DatomicBridge.datoms(r.dbAfter(), "aevt", COMPOSITE)) {
                out.add(fact(keys, c, d));
            }
        }
        return out;
    }

    private static String fact(Map<Long, Object> keys, Attr a, Datom d) {
        Object e = keys.getOrDefault(d.e(), "#" + d.e());
        Object v = a.isRef() ? keys.getOrDefault((Long) d.v(), "#" + d.v()) : d.v();
        return "[" + e + " " + a.ident + " " + render(v) + "]";
    }

    // ------------------------------------------------------------------ generators

    private static final String[] TYPES = {"string", "long", "double", "boolean", "keyword", "instant", "uuid",
        "ref", "ref"};

    private static List<Attr> schema(Random r) {
        List<Attr> attrs = new ArrayList<>();
        attrs.add(new Attr(KEY, "string", false, "identity", false));
        attrs.add(new Attr(Keyword.of("g", "ref1"), "ref", false, null, false));
        attrs.add(new Attr(Keyword.of("g", "refs"), "ref", true, null, false));
        attrs.add(new Attr(Keyword.of("g", "comp"), "ref", r.nextBoolean(), null, true));
        int n = 4 + r.nextInt(5);
        for (int i = 0; i < n; i++) {
            String type = TYPES[r.nextInt(TYPES.length)];
            boolean many = r.nextInt(3) == 0;
            String unique = null;
            boolean component = false;
            if (type.equals("ref")) {
                component = r.nextInt(3) == 0;
            } else if (!many && !type.equals("boolean") && r.nextInt(4) == 0) {
                unique = r.nextBoolean() ? "value" : "identity";
            }
            attrs.add(new Attr(Keyword.of("g", "a" + i), type, many, unique, component));
        }
        return attrs;
    }

    /** A composite tuple of the first two scalar cardinality-one attributes, if there are two. */
    private static List<Keyword> compositeParts(List<Attr> attrs) {
        List<Keyword> parts = new ArrayList<>();
        for (Attr a : attrs.subList(1, attrs.size())) {
            if (!a.many && !a.isRef() && parts.size() < 2) {
                parts.add(a.ident);
            }
        }
        return parts.size() == 2 ? parts : null;
    }

    private static List<Object> schemaTx(List<Attr> attrs) {
        List<Object> tx = new ArrayList<>();
        for (Attr a : attrs) {
            Map<Object, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("db/ident"), a.ident);
            m.put(Keyword.of("db/valueType"), Keyword.of("db.type", a.type));
            m.put(Keyword.of("db/cardinality"), Keyword.of("db.cardinality", a.many ? "many" : "one"));
            if (a.unique != null) {
                m.put(Keyword.of("db/unique"), Keyword.of("db.unique", a.unique));
            }
            if (a.component) {
                m.put(Keyword.of("db/isComponent"), true);
            }
            tx.add(m);
        }
        List<Keyword> parts = compositeParts(attrs);
        if (parts != null) {
            Map<Object, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("db/ident"), COMPOSITE);
            m.put(Keyword.of("db/valueType"), Keyword.of("db.type/tuple"));
            m.put(Keyword.of("db/cardinality"), Keyword.of("db.cardinality/one"));
            m.put(Keyword.of("db/tupleAttrs"), parts);
            if (parts.get(0).name().compareTo(parts.get(1).name()) < 0) {
                m.put(Keyword.of("db/unique"), Keyword.of("db.unique/identity"));
            }
            tx.add(m);
        }
        return tx;
    }

    /** True if the schema has a composite tuple of two attributes that is a unique identity. */
    private static boolean identityComposite(List<Attr> attrs) {
        List<Keyword> parts = compositeParts(attrs);
        return parts != null && parts.get(0).name().compareTo(parts.get(1).name()) < 0;
    }

    /** One random transaction of 1 to 4 statements. */
    private static List<Object> transaction(Random r, List<Attr> attrs, List<String> existingKeys, boolean focus) {
        Gen g = new Gen(r, attrs, existingKeys);
        int n = 1 + r.nextInt(3);
        List<Object> tx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tx.add(focus && r.nextBoolean() ? g.identityStatement() : g.statement());
        }
        return tx;
    }

    private static final class Gen {
        final Random r;
        final List<Attr> attrs;
        final List<String> tempids = new ArrayList<>();
        final List<String> existingKeys;

        Gen(Random r, List<Attr> attrs, List<String> existingKeys) {
            this.r = r;
            this.attrs = attrs;
            this.existingKeys = existingKeys;
        }

        String key() {
            return "k" + r.nextInt(KEYS);
        }

        /** A lookup ref, mostly of an entity that exists. */
        List<Object> lookup() {
            if (!existingKeys.isEmpty() && r.nextInt(10) != 0) {
                return List.of(KEY, existingKeys.get(r.nextInt(existingKeys.size())));
            }
            return List.of(KEY, key());
        }

        Attr attr() {
            return attrs.get(1 + r.nextInt(attrs.size() - 1));
        }

        String tempid() {
            if (!tempids.isEmpty() && r.nextInt(3) == 0) {
                return tempids.get(r.nextInt(tempids.size()));
            }
            String t = "t" + tempids.size();
            tempids.add(t);
            return t;
        }

        Object statement() {
            switch (r.nextInt(attrs.size() > 0 && compositeParts(attrs) != null ? 15 : 14)) {
                case 0, 1, 2, 3, 11, 12:
                    return entityMap(0);
                case 5:
                    return List.of(Keyword.of("db/retract"), lookup(), attr().ident, anyValue(attr()));
                case 6: {
                    Attr a = attr();
                    return List.of(Keyword.of("db/retract"), lookup(), a.ident, value(a));
                }
                case 7:
                    return List.of(Keyword.of("db/retract"), lookup(), attr().ident);
                case 8:
                    return List.of(r.nextBoolean() ? Keyword.of("db/retractEntity") : Keyword.of("db.fn/retractEntity"),
                            lookup());
                case 9: {
                    Attr a = attr();
                    while (a.many) {
                        a = attr();
                    }
                    return Arrays.asList(Keyword.of("db/cas"), lookup(), a.ident,
                            r.nextInt(3) == 0 ? null : value(a), value(a));
                }
                case 10: {
                    // a reverse ref: {:ent/key k :g/_ref1 [:ent/key k2]}
                    Map<Object, Object> m = new LinkedHashMap<>();
                    m.put(KEY, key());
                    Keyword ref = r.nextBoolean() ? Keyword.of("g", "_ref1") : Keyword.of("g", "_refs");
                    m.put(ref, r.nextInt(4) == 0 ? tempid() : lookup());
                    return m;
                }
                case 13: {
                    Attr a = attr();
                    while (a.isRef() || a.unique != null) {
                        a = attr();
                    }
                    return List.of(Keyword.of("db/add"), "datomic.tx", a.ident, value(a));
                }
                case 14:
                    // written directly: Datomic drops it, the composite is derived
                    return List.of(Keyword.of("db/add"), lookup(), COMPOSITE, List.of("s1", 2L));
                default:
                    return add();
            }
        }

        /** A statement naming an entity by identity: composites, retractions with tempids, "datomic.tx" as a value. */
        Object identityStatement() {
            List<Keyword> parts = compositeParts(attrs);
            switch (r.nextInt(7)) {
                case 0, 1: {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    if (r.nextInt(3) == 0) {
                        m.put(Keyword.of("db/id"), tempid());
                    }
                    m.put(COMPOSITE, compositeValue(parts));
                    int n = r.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        Attr a = r.nextInt(4) == 0 ? attrs.get(0) : attr();
                        m.put(a.ident, a.many ? List.of(value(a)) : value(a));
                    }
                    return m;
                }
                case 2:
                    return List.of(Keyword.of(r.nextBoolean() ? "db/add" : "db/retract"), tempid(), COMPOSITE,
                            compositeValue(parts));
                case 3: {
                    Attr a = r.nextBoolean() ? attrs.get(0) : attr();
                    return List.of(Keyword.of("db/retract"), tempid(), a.ident,
                            a == attrs.get(0) && !existingKeys.isEmpty() && r.nextBoolean()
                                    ? existingKeys.get(r.nextInt(existingKeys.size())) : value(a));
                }
                case 4: {
                    Map<Object, Object> m = new LinkedHashMap<>();
                    m.put(KEY, key());
                    m.put(r.nextBoolean() ? Keyword.of("g", "ref1") : Keyword.of("g", "refs"), "datomic.tx");
                    return m;
                }
                case 5:
                    return List.of(Keyword.of("db/add"), entity(), Keyword.of("g", "ref1"), "datomic.tx");
                default: {
                    // wrong arity (rejected) or elements of the wrong types (held by no entity)
                    Object v = r.nextBoolean() ? List.of(value(attrOf(parts.get(0)))) : List.of(7L, "s1");
                    return List.of(Keyword.of("db/add"), tempid(), COMPOSITE, v);
                }
            }
        }

        /** A value of the composite: its parts' values, so that existing entities often hold it. */
        List<Object> compositeValue(List<Keyword> parts) {
            return List.of(value(attrOf(parts.get(0))), value(attrOf(parts.get(1))));
        }

        Attr attrOf(Keyword ident) {
            for (Attr a : attrs) {
                if (a.ident.equals(ident)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(String.valueOf(ident));
        }

        List<Object> add() {
            Attr a = r.nextInt(6) == 0 ? attrs.get(0) : attr();
            Object v = r.nextInt(20) == 0 ? wrongValue(a) : value(a);
            return List.of(Keyword.of("db/add"), entity(), a.ident, v);
        }

        Object entity() {
            int k = r.nextInt(5);
            return k < 3 ? lookup() : tempid();
        }

        Map<Object, Object> entityMap(int depth) {
            Map<Object, Object> m = new LinkedHashMap<>();
            int idKind = r.nextInt(6);
            if (idKind == 0) {
                m.put(Keyword.of("db/id"), tempid());
            } else if (idKind == 1 && depth == 0) {
                m.put(Keyword.of("db/id"), lookup());
            }
            if (r.nextInt(8) != 0) {
                m.put(KEY, key());
            }
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                Attr a = attr();
                if (a.isRef() && depth < 2 && r.nextInt(3) == 0) {
                    Map<Object, Object> nested = entityMap(depth + 1);
                    m.put(a.ident, a.many && r.nextBoolean() ? List.of(nested) : nested);
                } else if (a.many && r.nextBoolean()) {
                    List<Object> vs = new ArrayList<>();
                    int k = 1 + r.nextInt(3);
                    for (int j = 0; j < k; j++) {
                        vs.add(value(a));
                    }
                    m.put(a.ident, vs);
                } else {
                    m.put(a.ident, r.nextInt(25) == 0 ? wrongValue(a) : value(a));
                }
            }
            return m;
        }

        Object value(Attr a) {
            return switch (a.type) {
                case "string" -> "s" + r.nextInt(5);
                case "long" -> (long) r.nextInt(5);
                case "double" -> r.nextInt(5) + 0.5;
                case "boolean" -> r.nextBoolean();
                case "keyword" -> Keyword.of("v", "k" + r.nextInt(4));
                case "instant" -> new Date(1000L * r.nextInt(4));
                case "uuid" -> new UUID(0, r.nextInt(4));
                default -> r.nextInt(4) == 0 ? tempid() : lookup();
            };
        }

        Object anyValue(Attr a) {
            return r.nextInt(5) == 0 ? wrongValue(a) : value(a);
        }

        Object wrongValue(Attr a) {
            return switch (a.type) {
                case "string" -> 7L;
                case "long" -> 1.5;
                case "double" -> 3L;
                case "boolean" -> "true";
                case "keyword" -> 5L;
                case "instant" -> 12L;
                case "uuid" -> "not-a-uuid";
                default -> r.nextBoolean() ? Keyword.of("no/such-ident") : List.of(KEY, "missing");
            };
        }
    }
}
