package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.LayeredValues;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Helpers for the transaction tests: EDN transaction data, a controllable clock, readable facts. */
final class TxTestSupport {
    /** A clock the tests move by hand; starts at 2020-01-01 and ticks one millisecond per reading. */
    static final class Clock {
        final AtomicLong now = new AtomicLong(1_577_836_800_000L);

        long read() {
            return now.getAndIncrement();
        }
    }

    /**
     * The first {@code chronon.test.differential.seeds} of {@code seeds} (all of them without it):
     * the differential suites run fewer where each transaction costs more, over bases in a real
     * segment store (module persistence-plugin's build).
     */
    static java.util.stream.LongStream differentialSeeds(long... seeds) {
        return java.util.Arrays.stream(seeds).limit(Integer.getInteger("chronon.test.differential.seeds", seeds.length));
    }

    static final String SCHEMA = """
            [{:db/ident :p/key :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
             {:db/ident :p/email :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/value}
             {:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
             {:db/ident :p/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}
             {:db/ident :p/tags :db/valueType :db.type/string :db/cardinality :db.cardinality/many}
             {:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
             {:db/ident :p/friends :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
             {:db/ident :p/addr :db/valueType :db.type/ref :db/cardinality :db.cardinality/one :db/isComponent true}
             {:db/ident :p/addrs :db/valueType :db.type/ref :db/cardinality :db.cardinality/many :db/isComponent true}
             {:db/ident :a/street :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
             {:db/ident :p/d :db/valueType :db.type/double :db/cardinality :db.cardinality/one}
             {:db/ident :p/f :db/valueType :db.type/float :db/cardinality :db.cardinality/one}
             {:db/ident :p/bi :db/valueType :db.type/bigint :db/cardinality :db.cardinality/one}
             {:db/ident :p/bd :db/valueType :db.type/bigdec :db/cardinality :db.cardinality/one}
             {:db/ident :p/inst :db/valueType :db.type/instant :db/cardinality :db.cardinality/one}
             {:db/ident :p/kw :db/valueType :db.type/keyword :db/cardinality :db.cardinality/one}
             {:db/ident :p/uuid :db/valueType :db.type/uuid :db/cardinality :db.cardinality/one}
             {:db/ident :p/uri :db/valueType :db.type/uri :db/cardinality :db.cardinality/one}
             {:db/ident :p/bytes :db/valueType :db.type/bytes :db/cardinality :db.cardinality/one}
             {:db/ident :p/bool :db/valueType :db.type/boolean :db/cardinality :db.cardinality/one}
             {:db/ident :p/sym :db/valueType :db.type/symbol :db/cardinality :db.cardinality/one}]""";

    final Clock clock = new Clock();
    TxOptions options = TxOptions.defaults().withClock(clock::read);
    DbValue db = DbValue.empty();

    /** A fresh database with {@link #SCHEMA} installed. */
    static TxTestSupport withSchema() {
        TxTestSupport s = new TxTestSupport();
        s.tx(SCHEMA);
        return s;
    }

    static List<?> edn(String text) {
        return (List<?>) EdnReader.read(text);
    }

    /** Transacts EDN text and moves {@link #db} on. */
    TxOutcome tx(String ednText) {
        return tx(edn(ednText));
    }

    TxOutcome tx(List<?> data) {
        TxOutcome r = TxProcessor.transact(db, data, options);
        db = LayeredValues.maybeSplit(r.dbAfter());
        return r;
    }

    /** Asserts that the transaction is rejected with {@code code}, and that the db is unchanged. */
    ChrononException fails(String code, String ednText) {
        return fails(code, edn(ednText));
    }

    ChrononException fails(String code, List<?> data) {
        DbValue before = db;
        int size = before.size();
        ChrononException e = assertThrows(ChrononException.class, () -> TxProcessor.transact(db, data, options));
        assertEquals(Keyword.of(code), e.code(), e.getMessage());
        assertEquals(size, before.size());
        return e;
    }

    long id(String lookupAttr, Object value) {
        return db.entidStrict(List.of(Keyword.of(lookupAttr), value));
    }

    /** The current facts of an entity as sorted strings {@code ":attr value"}. */
    List<String> facts(long e) {
        TreeSet<String> out = new TreeSet<>();
        for (Datom d : db.datoms(IndexType.EAVT, e)) {
            out.add(db.ident(d.a()) + " " + show(d.v()));
        }
        return new ArrayList<>(out);
    }

    /** The tx data of a report, without the txInstant datom, as strings {@code "[e :attr v added]"}. */
    List<String> txData(TxOutcome r) {
        List<String> out = new ArrayList<>();
        for (Datom d : r.txData()) {
            if (d.e() == d.tx() && d.a() == 50) {
                continue;
            }
            out.add("[" + d.e() + " " + db.ident(d.a()) + " " + show(d.v()) + " " + d.added() + "]");
        }
        return out;
    }

    static String show(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : String.valueOf(v);
    }

    static Keyword kw(String s) {
        return Keyword.of(s);
    }

    static Map<Object, Object> map(Object... kvs) {
        Map<Object, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kvs.length; i += 2) {
            m.put(kvs[i], kvs[i + 1]);
        }
        return m;
    }
}
