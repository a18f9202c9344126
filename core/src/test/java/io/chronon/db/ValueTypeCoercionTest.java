package io.chronon.db;

import io.chronon.db.ValueType.Coercion;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.sql.Timestamp;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import static io.chronon.db.ValueType.Coercion.QUERY;
import static io.chronon.db.ValueType.Coercion.TRANSACTION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * {@link ValueType#coerce} in its two modes: each difference between the query side and the
 * transaction side pinned on its own, then what both share.
 */
class ValueTypeCoercionTest {

    // ------------------------------------------------------------------ the differences

    @Test
    void aDoubleIsAFloatOnlyInTransactions() {
        Object stored = ValueType.FLOAT.coerce(1.5, TRANSACTION);
        assertEquals(Float.class, stored.getClass());
        assertEquals(1.5f, stored);
        assertNull(ValueType.FLOAT.coerce(1.5, QUERY));
        assertEquals(2.5f, ValueType.FLOAT.coerce(2.5f, QUERY));
        assertEquals(2.5f, ValueType.FLOAT.coerce(2.5f, TRANSACTION));
    }

    @Test
    void aColonStringIsAKeywordOnlyInTransactions() {
        assertEquals(Keyword.of("x/y"), ValueType.KEYWORD.coerce(":x/y", TRANSACTION));
        assertEquals(Keyword.of("x"), ValueType.KEYWORD.coerce(":x", TRANSACTION));
        assertNull(ValueType.KEYWORD.coerce(":x/y", QUERY));
        // no colon, or nothing after it: no keyword (the transaction reports :db.error/not-a-keyword)
        assertNull(ValueType.KEYWORD.coerce("x/y", TRANSACTION));
        assertNull(ValueType.KEYWORD.coerce(":", TRANSACTION));
        assertNull(ValueType.KEYWORD.coerce("", TRANSACTION));
        assertSame(Keyword.of("x"), ValueType.KEYWORD.coerce(Keyword.of("x"), QUERY));
        assertSame(Keyword.of("x"), ValueType.KEYWORD.coerce(Keyword.of("x"), TRANSACTION));
    }

    @Test
    void transactionsCopyDatesQueriesDoNot() {
        Date d = new Date(5);
        Object stored = ValueType.INSTANT.coerce(d, TRANSACTION);
        assertNotSame(d, stored);
        assertEquals(d, stored);
        d.setTime(99);
        assertEquals(new Date(5), stored);
        assertSame(d, ValueType.INSTANT.coerce(d, QUERY));
        // a subclass is stored as a plain Date, and compared as given
        Timestamp ts = new Timestamp(7);
        assertEquals(Date.class, ValueType.INSTANT.coerce(ts, TRANSACTION).getClass());
        assertSame(ts, ValueType.INSTANT.coerce(ts, QUERY));
    }

    @Test
    void transactionsCopyBytesQueriesDoNot() {
        byte[] b = {1, 2};
        byte[] stored = (byte[]) ValueType.BYTES.coerce(b, TRANSACTION);
        assertNotSame(b, stored);
        assertArrayEquals(b, stored);
        assertSame(b, ValueType.BYTES.coerce(b, QUERY));
    }

    @Test
    void refTupleAndFnValuesPassOnlyInQueries() {
        assertEquals(17L, ValueType.REF.coerce(17L, QUERY));
        assertNull(ValueType.REF.coerce(17L, TRANSACTION));
        assertNull(ValueType.REF.coerce(17, QUERY));
        List<Object> tuple = List.of("a", 1L);
        assertSame(tuple, ValueType.TUPLE.coerce(tuple, QUERY));
        assertNull(ValueType.TUPLE.coerce(tuple, TRANSACTION));
        assertNull(ValueType.TUPLE.coerce("a", QUERY));
        Object fn = new Object();
        assertSame(fn, ValueType.FN.coerce(fn, QUERY));
        assertNull(ValueType.FN.coerce(fn, TRANSACTION));
    }

    // ------------------------------------------------------------------ what both modes share

    @Test
    void bothWidenSmallIntegersToLongs() {
        for (Coercion mode : Coercion.values()) {
            assertEquals(3L, ValueType.LONG.coerce(3, mode));
            assertEquals(4L, ValueType.LONG.coerce((short) 4, mode));
            assertEquals(5L, ValueType.LONG.coerce((byte) 5, mode));
            assertEquals(6L, ValueType.LONG.coerce(6L, mode));
        }
    }

    @Test
    void neitherConvertsAnythingElse() {
        for (Coercion mode : Coercion.values()) {
            assertNull(ValueType.DOUBLE.coerce(1L, mode), mode.name());
            assertNull(ValueType.DOUBLE.coerce(1.5f, mode), mode.name());
            assertNull(ValueType.FLOAT.coerce(1L, mode), mode.name());
            assertNull(ValueType.BIGINT.coerce(1L, mode), mode.name());
            assertNull(ValueType.BIGDEC.coerce(1L, mode), mode.name());
            assertNull(ValueType.BIGDEC.coerce(1.5, mode), mode.name());
            assertNull(ValueType.LONG.coerce(1.0, mode), mode.name());
            assertNull(ValueType.LONG.coerce(BigInteger.ONE, mode), mode.name());
            assertNull(ValueType.STRING.coerce(Keyword.of("foo"), mode), mode.name());
            assertNull(ValueType.BOOLEAN.coerce("true", mode), mode.name());
            assertNull(ValueType.URI_.coerce("http://x", mode), mode.name());
            assertNull(ValueType.UUID_.coerce("6f0f1b1e-1b1e-4b1e-8b1e-1b1e1b1e1b1e", mode), mode.name());
            assertNull(ValueType.INSTANT.coerce("2020-01-01", mode), mode.name());
            assertNull(ValueType.SYMBOL.coerce(Keyword.of("x"), mode), mode.name());
        }
    }

    @Test
    void bothKeepValuesOfTheirType() {
        for (Coercion mode : Coercion.values()) {
            assertEquals("s", ValueType.STRING.coerce("s", mode));
            assertEquals(false, ValueType.BOOLEAN.coerce(false, mode));
            assertEquals(2.0, ValueType.DOUBLE.coerce(2.0, mode));
            assertEquals(BigInteger.TEN, ValueType.BIGINT.coerce(BigInteger.TEN, mode));
            assertEquals(new BigDecimal("1.5"), ValueType.BIGDEC.coerce(new BigDecimal("1.5"), mode));
            assertEquals(new UUID(1, 2), ValueType.UUID_.coerce(new UUID(1, 2), mode));
            assertEquals(URI.create("http://x"), ValueType.URI_.coerce(URI.create("http://x"), mode));
            assertEquals(Symbol.of("foo"), ValueType.SYMBOL.coerce(Symbol.of("foo"), mode));
        }
    }

    @Test
    void nullIsNoValueOfAnyType() {
        for (Coercion mode : Coercion.values()) {
            for (ValueType type : ValueType.values()) {
                assertNull(type.coerce(null, mode), type + " " + mode);
            }
        }
    }
}
