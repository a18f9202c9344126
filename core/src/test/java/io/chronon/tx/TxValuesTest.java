package io.chronon.tx;

import io.chronon.db.IndexType;
import io.chronon.edn.Symbol;
import io.chronon.query.Datalog;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static io.chronon.tx.TxTestSupport.kw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Value types: what Datomic accepts for each, and what it rejects. */
class TxValuesTest {
    private static List<Object> add(String attr, Object v) {
        return List.of(List.of(kw("db/add"), List.of(kw("p/key"), "a"), kw(attr), v));
    }

    private static Object value(TxTestSupport s, String attr) {
        for (var d : s.db.datoms(io.chronon.db.IndexType.EAVT, s.id("p/key", "a"), kw(attr))) {
            return d.v();
        }
        return null;
    }

    @Test
    void acceptedValues() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        s.tx(add("p/age", 3));
        assertEquals(3L, value(s, "p/age"));
        s.tx(add("p/age", (short) 4));
        assertEquals(4L, value(s, "p/age"));
        s.tx(add("p/f", 1.5));
        assertEquals(1.5f, value(s, "p/f"));
        s.tx(add("p/f", 2.5f));
        assertEquals(2.5f, value(s, "p/f"));
        s.tx(add("p/d", 2.0));
        s.tx(add("p/bi", BigInteger.TEN));
        s.tx(add("p/bd", new BigDecimal("1.5")));
        s.tx(add("p/kw", ":x/y"));
        assertEquals(kw("x/y"), value(s, "p/kw"));
        s.tx(add("p/uuid", new UUID(1, 2)));
        s.tx(add("p/uri", URI.create("http://x")));
        s.tx(add("p/inst", new Date(5)));
        s.tx(add("p/bool", false));
        s.tx(add("p/sym", Symbol.of("foo")));
        s.tx(add("p/bytes", new byte[] {1, 2}));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) value(s, "p/bytes"));
        // the same bytes again are the same fact
        TxOutcome r = s.tx(add("p/bytes", new byte[] {1, 2}));
        assertEquals(1, r.txData().size());
    }

    @Test
    void rejectedValues() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        String wrong = "db.error/wrong-type-for-attribute";
        s.fails(wrong, add("p/d", 1L));
        s.fails(wrong, add("p/d", 1.5f));
        s.fails(wrong, add("p/f", 1L));
        s.fails(wrong, add("p/bi", 1L));
        s.fails(wrong, add("p/bd", 1L));
        s.fails(wrong, add("p/bd", 1.5));
        s.fails(wrong, add("p/age", 1.0));
        s.fails(wrong, add("p/age", BigInteger.ONE));
        s.fails(wrong, add("p/name", kw("foo")));
        s.fails(wrong, add("p/name", 1L));
        s.fails(wrong, add("p/bool", "true"));
        s.fails(wrong, add("p/uri", "http://x"));
        s.fails(wrong, add("p/uuid", "6f0f1b1e-1b1e-4b1e-8b1e-1b1e1b1e1b1e"));
        s.fails(wrong, add("p/inst", "2020-01-01"));
        s.fails(wrong, add("p/sym", kw("x")));
        s.fails("db.error/not-a-keyword", add("p/kw", "x"));
        // ":ns/name" text is a keyword only when it is the text of one (":a b" was stored, then no answer could print it)
        for (String notAKeyword : List.of(":a b", "::a", ":1", ":a/", ":a/b/c", ": ")) {
            s.fails("db.error/not-a-keyword", add("p/kw", notAKeyword));
        }
        s.fails(wrong, add("p/name", List.of("A")));
    }

    @Test
    void storedDatesAreCopies() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        Date d = new Date(5);
        s.tx(add("p/inst", d));
        d.setTime(99);
        assertEquals(new Date(5), value(s, "p/inst"));
    }

    @Test
    void storedBytesAreCopies() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        byte[] b = {1, 2};
        s.tx(add("p/bytes", b));
        b[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, (byte[]) value(s, "p/bytes"));
    }

    private static int count(Object queryResult) {
        return ((Collection<?>) queryResult).size();
    }

    /**
     * Reads take a value as given (ValueType.Coercion.QUERY): what a transaction converts, a
     * double for a float or ":ns/name" for a keyword, matches nothing in a query or a datoms call.
     */
    @Test
    void readsDoNotConvertWhatTransactionsDo() {
        TxTestSupport s = TxTestSupport.withSchema();
        s.tx("[{:p/key \"a\"}]");
        s.tx(add("p/f", 1.5));
        s.tx(add("p/kw", ":x/y"));
        String byFloat = "[:find ?e :in $ ?f :where [?e :p/f ?f]]";
        assertEquals(1, count(Datalog.q(byFloat, s.db, 1.5f)));
        assertEquals(0, count(Datalog.q(byFloat, s.db, 1.5)));
        assertEquals(0, count(Datalog.q("[:find ?e :where [?e :p/f 1.5]]", s.db)));
        assertFalse(s.db.datoms(IndexType.AVET, kw("p/f"), 1.5).iterator().hasNext());
        assertEquals(1, count(Datalog.q("[:find ?e :where [?e :p/kw :x/y]]", s.db)));
        assertEquals(0, count(Datalog.q("[:find ?e :in $ ?k :where [?e :p/kw ?k]]", s.db, ":x/y")));
        assertFalse(s.db.datoms(IndexType.AVET, kw("p/kw"), ":x/y").iterator().hasNext());
    }
}
