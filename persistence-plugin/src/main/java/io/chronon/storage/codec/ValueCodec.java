package io.chronon.storage.codec;

import io.chronon.db.Datom;
import io.chronon.edn.EdnList;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The compact binary form of Chronon values, datoms and EDN data, used for events,
 * snapshots and every protocol message that carries data. One tag byte per value, integers
 * as zig-zag varints, strings as UTF-8, collections as a count followed by their items.
 * Vectors and lists stay distinct ({@link EdnList} is a list), so query and transaction
 * forms survive a round trip exactly.
 *
 * <p>The tags are part of the on-disk format: never renumber them, only add new ones.
 */
public final class ValueCodec {
    static final int NIL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int LONG = 3;
    static final int DOUBLE = 4;
    static final int FLOAT = 5;
    static final int BIGINT = 6;
    static final int BIGDEC = 7;
    static final int STRING = 8;
    static final int KEYWORD = 9;
    static final int SYMBOL = 10;
    static final int UUID_ = 11;
    static final int URI_ = 12;
    static final int INSTANT = 13;
    static final int BYTES = 14;
    static final int VECTOR = 15;
    static final int LIST = 16;
    static final int SET = 17;
    static final int MAP = 18;
    static final int CHAR = 19;
    static final int TAGGED = 20;

    private ValueCodec() {
    }

    /** The bytes of one value. */
    public static byte[] encode(Object value) {
        ByteWriter out = new ByteWriter(64);
        writeValue(out, value);
        return out.toByteArray();
    }

    /** The value encoded by {@link #encode}. */
    public static Object decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        Object v = readValue(in);
        in.expectEnd();
        return v;
    }

    /**
     * Writes a value: a Chronon datom value (Long, String, Keyword, Symbol, Boolean, Double,
     * Float, BigInteger, BigDecimal, Date, UUID, URI, byte[], tuples), or EDN data (lists,
     * vectors, sets, maps, characters, tagged elements, nil). Integer, Short and Byte are
     * written as longs, as EDN has one integer type.
     */
    public static void writeValue(ByteWriter out, Object v) {
        if (v == null) {
            out.writeByte(NIL);
        } else if (v instanceof Long l) {
            out.writeByte(LONG);
            out.writeVarLong(l);
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            out.writeString(s);
        } else if (v instanceof Keyword k) {
            out.writeByte(KEYWORD);
            out.writeString(k.text());
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (v instanceof Date d) {
            out.writeByte(INSTANT);
            out.writeVarLong(d.getTime());
        } else if (v instanceof Double d) {
            out.writeByte(DOUBLE);
            out.writeLong(Double.doubleToRawLongBits(d));
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.writeByte(LONG);
            out.writeVarLong(((Number) v).longValue());
        } else if (v instanceof Float f) {
            out.writeByte(FLOAT);
            out.writeInt(Float.floatToRawIntBits(f));
        } else if (v instanceof BigInteger b) {
            out.writeByte(BIGINT);
            out.writeBytes(b.toByteArray());
        } else if (v instanceof BigDecimal b) {
            out.writeByte(BIGDEC);
            out.writeVarLong(b.scale());
            out.writeBytes(b.unscaledValue().toByteArray());
        } else if (v instanceof Symbol s) {
            out.writeByte(SYMBOL);
            out.writeString(s.text());
        } else if (v instanceof UUID u) {
            out.writeByte(UUID_);
            out.writeLong(u.getMostSignificantBits());
            out.writeLong(u.getLeastSignificantBits());
        } else if (v instanceof URI u) {
            out.writeByte(URI_);
            out.writeString(u.toString());
        } else if (v instanceof byte[] b) {
            out.writeByte(BYTES);
            out.writeBytes(b);
        } else if (v instanceof EdnList l) {
            out.writeByte(LIST);
            writeItems(out, l);
        } else if (v instanceof List<?> l) {
            out.writeByte(VECTOR);
            writeItems(out, l);
        } else if (v instanceof Set<?> s) {
            out.writeByte(SET);
            out.writeVarInt(s.size());
            for (Object o : s) {
                writeValue(out, o);
            }
        } else if (v instanceof Map<?, ?> m) {
            out.writeByte(MAP);
            out.writeVarInt(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                writeValue(out, e.getKey());
                writeValue(out, e.getValue());
            }
        } else if (v instanceof Character c) {
            out.writeByte(CHAR);
            out.writeVarInt(c);
        } else if (v instanceof Tagged t) {
            out.writeByte(TAGGED);
            out.writeString(t.tag().text());
            writeValue(out, t.value());
        } else if (v instanceof Object[] a) {
            out.writeByte(VECTOR);
            writeItems(out, List.of(a));
        } else {
            throw new IllegalArgumentException("Cannot encode a value of " + v.getClass().getName() + ": " + v);
        }
    }

    private static void writeItems(ByteWriter out, List<?> items) {
        out.writeVarInt(items.size());
        for (Object o : items) {
            writeValue(out, o);
        }
    }

    /** Reads one value written by {@link #writeValue}. Collections come back unmodifiable. */
    public static Object readValue(ByteReader in) {
        int tag = in.readByte();
        switch (tag) {
            case NIL:
                return null;
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case LONG:
                return in.readVarLong();
            case DOUBLE:
                return Double.longBitsToDouble(in.readLong());
            case FLOAT:
                return Float.intBitsToFloat(in.readInt());
            case BIGINT:
                return new BigInteger(in.readBytes());
            case BIGDEC: {
                int scale = (int) in.readVarLong();
                return new BigDecimal(new BigInteger(in.readBytes()), scale);
            }
            case STRING:
                return in.readString();
            case KEYWORD:
                return Keyword.of(in.readString());
            case SYMBOL:
                return Symbol.of(in.readString());
            case UUID_:
                return new UUID(in.readLong(), in.readLong());
            case URI_:
                return URI.create(in.readString());
            case INSTANT:
                return new Date(in.readVarLong());
            case BYTES:
                return in.readBytes();
            case VECTOR: {
                int n = in.readCount();
                List<Object> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readValue(in));
                }
                return Collections.unmodifiableList(items);
            }
            case LIST: {
                int n = in.readCount();
                Object[] items = new Object[n];
                for (int i = 0; i < n; i++) {
                    items[i] = readValue(in);
                }
                return EdnList.of(items);
            }
            case SET: {
                int n = in.readCount();
                Set<Object> items = new LinkedHashSet<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    items.add(readValue(in));
                }
                return Collections.unmodifiableSet(items);
            }
            case MAP: {
                int n = in.readCount();
                Map<Object, Object> m = new LinkedHashMap<>(Math.max(4, n * 2));
                for (int i = 0; i < n; i++) {
                    Object k = readValue(in);
                    m.put(k, readValue(in));
                }
                return Collections.unmodifiableMap(m);
            }
            case CHAR:
                return (char) in.readVarInt();
            case TAGGED: {
                Symbol tagSymbol = Symbol.of(in.readString());
                return new Tagged(tagSymbol, readValue(in));
            }
            default:
                throw new IllegalArgumentException("Unknown value tag " + tag + " at byte " + (in.position() - 1));
        }
    }

    // ------------------------------------------------------------------ datoms

    /**
     * Writes datoms compactly: entity ids as deltas from the previous datom's, and the
     * transaction id only when it differs from {@code commonTx} (a transaction's own datoms
     * all share it).
     */
    public static void writeDatoms(ByteWriter out, List<Datom> datoms, long commonTx) {
        out.writeVarInt(datoms.size());
        writeDatomBodies(out, datoms, commonTx);
    }

    /** {@link #writeDatoms} without the leading count, for formats that store it elsewhere. */
    public static void writeDatomBodies(ByteWriter out, List<Datom> datoms, long commonTx) {
        long prevE = 0;
        for (Datom d : datoms) {
            boolean ownTx = d.tx() != commonTx;
            out.writeByte((d.added() ? 1 : 0) | (ownTx ? 2 : 0));
            out.writeVarLong(d.e() - prevE);
            prevE = d.e();
            out.writeVarLong(d.a());
            writeValue(out, d.v());
            if (ownTx) {
                out.writeVarLong(d.tx());
            }
        }
    }

    /** Reads datoms written by {@link #writeDatoms} with the same {@code commonTx}. */
    public static List<Datom> readDatoms(ByteReader in, long commonTx) {
        return readDatomBodies(in, in.readCount(), commonTx);
    }

    /** Reads {@code count} datoms written by {@link #writeDatomBodies}. */
    public static List<Datom> readDatomBodies(ByteReader in, int count, long commonTx) {
        List<Datom> datoms = new ArrayList<>(count);
        long e = 0;
        for (int i = 0; i < count; i++) {
            int flags = in.readByte();
            e += in.readVarLong();
            long a = in.readVarLong();
            Object v = readValue(in);
            long tx = (flags & 2) != 0 ? in.readVarLong() : commonTx;
            datoms.add(new Datom(e, a, v, tx, (flags & 1) != 0));
        }
        return Collections.unmodifiableList(datoms);
    }

    /** The bytes of a list of datoms with no common transaction. */
    public static byte[] encodeDatoms(List<Datom> datoms) {
        ByteWriter out = new ByteWriter(32 + datoms.size() * 24);
        long common = datoms.isEmpty() ? 0 : datoms.get(0).tx();
        out.writeVarLong(common);
        writeDatoms(out, datoms, common);
        return out.toByteArray();
    }

    /** The datoms encoded by {@link #encodeDatoms}. */
    public static List<Datom> decodeDatoms(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        long common = in.readVarLong();
        List<Datom> datoms = readDatoms(in, common);
        in.expectEnd();
        return datoms;
    }
}
