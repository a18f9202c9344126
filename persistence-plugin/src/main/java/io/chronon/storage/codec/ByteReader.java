package io.chronon.storage.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link ByteWriter} wrote. Malformed input (a truncated or corrupt record) is an
 * {@link IllegalArgumentException}, never an out-of-bounds error or a huge allocation.
 */
public final class ByteReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int offset, int length) {
        this.buf = buf;
        this.pos = offset;
        this.end = offset + length;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new IllegalArgumentException("Truncated data: need " + n + " bytes at " + pos + ", have " + (end - pos));
        }
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    public int readVarInt() {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readByte();
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("Malformed varint at " + pos);
    }

    /** A count or length: a varint that must fit in what is left of the input. */
    public int readCount() {
        int n = readVarInt();
        if (n < 0 || n > end - pos) {
            throw new IllegalArgumentException("Implausible count " + n + " at " + pos);
        }
        return n;
    }

    public long readVarLong() {
        long z = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            int b = readByte();
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw new IllegalArgumentException("Malformed varlong at " + pos);
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt() & 0xFFFFFFFFL;
        long lo = readInt() & 0xFFFFFFFFL;
        return (hi << 32) | lo;
    }

    public byte[] readBytes() {
        int n = readCount();
        byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return b;
    }

    public String readString() {
        int n = readCount();
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    public int position() {
        return pos;
    }

    public boolean atEnd() {
        return pos == end;
    }

    /** Fails unless every byte was read: trailing bytes mean the format was misread. */
    public void expectEnd() {
        if (pos != end) {
            throw new IllegalArgumentException("Unexpected " + (end - pos) + " trailing bytes at " + pos);
        }
    }
}
