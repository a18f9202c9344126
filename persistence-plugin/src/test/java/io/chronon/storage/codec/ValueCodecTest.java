package io.chronon.storage.codec;

import io.chronon.db.Datom;
import io.chronon.db.Ids;
import io.chronon.db.Values;
import io.chronon.edn.EdnList;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValueCodecTest {

    private static Object roundTrip(Object v) {
        return ValueCodec.decode(ValueCodec.encode(v));
    }

    private static void assertSameValue(Object expected) {
        Object back = roundTrip(expected);
        assertTrue(Values.equal(expected, back), () -> "round trip of " + expected + " gave " + back);
    }

    @Test
    void everyDatomValueTypeRoundTrips() {
        List<Object> values = List.of(
                0L, 1L, -1L, 63L, 64L, -64L, -65L, Long.MAX_VALUE, Long.MIN_VALUE, 17592186045418L,
                "", "hello", "ünïcødé ✓ 日本語 \uD83D\uDE00", "x".repeat(10_000),
                Keyword.of("db/ident"), Keyword.of("name"), Keyword.of("person/_friend"),
                Symbol.of("?e"), Symbol.of("clojure.string/includes?"),
                true, false,
                0.0, -0.0, 1.5, Double.MAX_VALUE, Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                1.5f, -0.0f, Float.MAX_VALUE,
                BigInteger.ZERO, new BigInteger("-123456789012345678901234567890"), BigInteger.valueOf(Long.MIN_VALUE),
                new BigDecimal("0"), new BigDecimal("-1.000"), new BigDecimal("123456789.123456789e-40"), new BigDecimal("1E+30"),
                new Date(0), new Date(-1), new Date(1_700_000_000_123L),
                UUID.randomUUID(), new UUID(0, 0),
                URI.create("https://example.com/a?b=c#d"), URI.create("urn:isbn:0451450523"));
        for (Object v : values) {
            Object back = roundTrip(v);
            assertEquals(v, back, "round trip of " + v);
            assertEquals(v.getClass(), back.getClass(), "type of " + v);
        }
    }

    @Test
    void nanKeepsItsBits() {
        double nan = Double.longBitsToDouble(0x7ff8000000000123L);
        assertEquals(Double.doubleToRawLongBits(nan), Double.doubleToRawLongBits((Double) roundTrip(nan)));
        assertTrue(Float.isNaN((Float) roundTrip(Float.NaN)));
    }

    @Test
    void bytesRoundTripByContent() {
        byte[] empty = new byte[0];
        byte[] some = {0, 1, -1, 127, -128};
        assertArrayEquals(empty, (byte[]) roundTrip(empty));
        assertArrayEquals(some, (byte[]) roundTrip(some));
    }

    @Test
    void tuplesMayHoldNulls() {
        List<Object> tuple = Arrays.asList(1L, null, "x", Keyword.of("k"), null);
        assertSameValue(tuple);
        assertEquals(tuple, roundTrip(tuple));
    }

    @Test
    void ednCollectionsKeepTheirKind() {
        EdnList list = EdnList.of(Symbol.of("pull"), Symbol.of("?e"), List.of(Symbol.of("*")));
        Object back = roundTrip(list);
        assertInstanceOf(EdnList.class, back);
        assertEquals(list, back);
        Object vector = roundTrip(List.of(1L, 2L));
        assertTrue(!(vector instanceof EdnList) && vector instanceof List);

        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(Keyword.of("db/id"), "tempid");
        map.put(Keyword.of("person/name"), "Ann");
        map.put(Keyword.of("person/tags"), Set.of(Keyword.of("a"), Keyword.of("b")));
        map.put(List.of(1L, 2L), null);
        assertEquals(map, roundTrip(map));
        assertEquals(Set.of(1L, "two", Keyword.of("three")), roundTrip(Set.of(1L, "two", Keyword.of("three"))));
        assertEquals('x', roundTrip('x'));
        assertEquals(new Tagged(Symbol.of("my/tag"), List.of(1L)), roundTrip(new Tagged(Symbol.of("my/tag"), List.of(1L))));
        assertNull(roundTrip(null));
    }

    @Test
    void smallIntegersAreLongs() {
        assertEquals(42L, roundTrip(42));
        assertEquals(-7L, roundTrip((short) -7));
        assertEquals(3L, roundTrip((byte) 3));
    }

    @Test
    void datomsRoundTrip() {
        long tx = Ids.tToTx(1000);
        List<Datom> datoms = List.of(
                new Datom(tx, 50, new Date(1_700_000_000_000L), tx, true),
                new Datom(Ids.entid(Ids.PART_USER, 1001), 72, "Ann", tx, true),
                new Datom(Ids.entid(Ids.PART_USER, 1001), 73, 42L, tx, true),
                new Datom(Ids.entid(Ids.PART_USER, 17), 72, "Old", Ids.tToTx(990), false),
                new Datom(5, 74, Arrays.asList(1L, null), tx, false));
        ByteWriter out = new ByteWriter(16);
        ValueCodec.writeDatoms(out, datoms, tx);
        ByteReader in = new ByteReader(out.toByteArray());
        assertEquals(datoms, ValueCodec.readDatoms(in, tx));
        assertTrue(in.atEnd());
        assertEquals(datoms, ValueCodec.decodeDatoms(ValueCodec.encodeDatoms(datoms)));
        assertEquals(List.of(), ValueCodec.decodeDatoms(ValueCodec.encodeDatoms(List.of())));
    }

    @Test
    void randomDataRoundTrips() {
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            Object v = randomValue(r, 3);
            Object back = roundTrip(v);
            assertTrue(deepEquals(v, back), () -> "round trip of " + v + " gave " + back);
        }
    }

    private static boolean deepEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!deepEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !deepEquals(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return Values.equal(a, b);
    }

    private static Object randomValue(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 14 : 11);
        switch (kind) {
            case 0: return r.nextLong() >> r.nextInt(64);
            case 1: return "s" + r.nextInt();
            case 2: return Keyword.of("ns" + r.nextInt(5), "k" + r.nextInt(100));
            case 3: return r.nextBoolean();
            case 4: return r.nextDouble() * 1e6;
            case 5: return new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(20) - 10);
            case 6: return new Date(r.nextLong() >> 20);
            case 7: return new UUID(r.nextLong(), r.nextLong());
            case 8: byte[] b = new byte[r.nextInt(20)]; r.nextBytes(b); return b;
            case 9: return null;
            case 10: return BigInteger.valueOf(r.nextLong()).shiftLeft(r.nextInt(100));
            case 11: {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    l.add(randomValue(r, depth - 1));
                }
                return l;
            }
            case 12: {
                Object[] items = new Object[r.nextInt(4)];
                for (int i = 0; i < items.length; i++) {
                    items[i] = randomValue(r, depth - 1);
                }
                return EdnList.of(items);
            }
            default: {
                Map<Object, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put(Keyword.of("k" + r.nextInt(1000)), randomValue(r, depth - 1));
                }
                return m;
            }
        }
    }

    @Test
    void truncatedOrCorruptInputFailsCleanly() {
        byte[] good = ValueCodec.encode(List.of("hello", 123456789L, Map.of(Keyword.of("a"), 1L)));
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(cut), "prefix of " + n + " bytes");
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(trailing));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(new byte[] {(byte) 200}));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.encode(new Object()));
    }
}
