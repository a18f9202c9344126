package io.chronon.storage.segment;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * How a segment is stored: a 10-byte header, then the payload.
 *
 * <pre>
 *   byte    format version (1)
 *   byte    codec: 0 = the bytes as they are, 1 = raw Deflate (java.util.zip, level 1)
 *   int     length of the uncompressed bytes
 *   int     CRC-32C of the 6 bytes above and the payload
 *   ...     payload
 * </pre>
 *
 * Deflate at its fastest level is in every JDK and shrinks index nodes (sorted datoms with long
 * shared prefixes) several times; bytes it does not shrink (already compressed or random) are
 * kept as they are, so a segment is never larger than its content plus the header. The checksum
 * covers the header fields too, so a damaged length is caught before anything is allocated.
 * Decoding checks everything and fails with {@link CorruptSegmentException}; the store then
 * checks the content against its id.
 */
public final class SegmentCodec {
    /** The format version written. */
    public static final byte VERSION = 1;
    /** Bytes before the payload. */
    public static final int HEADER = 10;
    /** The largest segment (uncompressed). */
    public static final int MAX_LENGTH = 1 << 30;

    private static final byte RAW = 0;
    private static final byte DEFLATE = 1;

    private SegmentCodec() {
    }

    /** The stored form of {@code bytes}. */
    public static byte[] encode(byte[] bytes) {
        if (bytes.length > MAX_LENGTH) {
            throw new IllegalArgumentException("A segment may hold at most " + MAX_LENGTH + " bytes, not " + bytes.length);
        }
        byte[] compressed = deflate(bytes);
        boolean shrunk = compressed != null;
        byte[] payload = shrunk ? compressed : bytes;
        ByteBuffer out = ByteBuffer.allocate(HEADER + payload.length);
        out.put(VERSION).put(shrunk ? DEFLATE : RAW).putInt(bytes.length);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, 6);
        crc.update(payload, 0, payload.length);
        out.putInt((int) crc.getValue()).put(payload);
        return out.array();
    }

    /** The bytes of a stored segment, checked; fails naming {@code database} and {@code id} if they are damaged. */
    public static byte[] decode(String database, SegmentId id, byte[] stored) throws CorruptSegmentException {
        if (stored.length < HEADER) {
            throw new CorruptSegmentException(database, id, "only " + stored.length + " bytes, shorter than the header");
        }
        ByteBuffer in = ByteBuffer.wrap(stored);
        byte version = in.get();
        byte codec = in.get();
        int length = in.getInt();
        int expected = in.getInt();
        CRC32C crc = new CRC32C();
        crc.update(stored, 0, 6);
        crc.update(stored, HEADER, stored.length - HEADER);
        if ((int) crc.getValue() != expected) {
            throw new CorruptSegmentException(database, id, "checksum mismatch");
        }
        if (version != VERSION) {
            throw new CorruptSegmentException(database, id, "unknown format version " + version);
        }
        if (length < 0 || length > MAX_LENGTH) {
            throw new CorruptSegmentException(database, id, "impossible length " + length);
        }
        byte[] bytes = switch (codec) {
            case RAW -> {
                if (stored.length - HEADER != length) {
                    throw new CorruptSegmentException(database, id, "payload of " + (stored.length - HEADER) + " bytes, not " + length);
                }
                yield Arrays.copyOfRange(stored, HEADER, stored.length);
            }
            case DEFLATE -> inflate(database, id, stored, length);
            default -> throw new CorruptSegmentException(database, id, "unknown codec " + codec);
        };
        if (!id.matches(bytes)) {
            throw new CorruptSegmentException(database, id, "content does not hash to its id");
        }
        return bytes;
    }

    /** The raw Deflate form of {@code bytes}, or null if it is not smaller. */
    private static byte[] deflate(byte[] bytes) {
        if (bytes.length < 16) {
            return null;
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
        try {
            deflater.setInput(bytes);
            deflater.finish();
            byte[] out = new byte[bytes.length - 1];
            int n = 0;
            while (!deflater.finished() && n < out.length) {
                n += deflater.deflate(out, n, out.length - n);
            }
            return deflater.finished() ? Arrays.copyOf(out, n) : null;
        } finally {
            deflater.end();
        }
    }

    private static byte[] inflate(String database, SegmentId id, byte[] stored, int length) throws CorruptSegmentException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(stored, HEADER, stored.length - HEADER);
            byte[] out = new byte[length];
            int n = 0;
            while (n < length && !inflater.finished()) {
                int k = inflater.inflate(out, n, length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != length || (!inflater.finished() && inflateMore(inflater))) {
                throw new CorruptSegmentException(database, id, "payload does not decompress to " + length + " bytes");
            }
            return out;
        } catch (DataFormatException e) {
            throw new CorruptSegmentException(database, id, "payload does not decompress: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** True if the stream holds more than the declared length. */
    private static boolean inflateMore(Inflater inflater) throws DataFormatException {
        return inflater.inflate(new byte[1]) > 0 || !inflater.finished();
    }
}
