package io.chronon.storage.segment;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The name of a segment: the first 20 bytes (160 bits) of the SHA-256 of its uncompressed
 * bytes, as 40 lowercase hex digits. Hex rather than base32: it is safe in file names on every
 * file system (case-insensitive ones included), in CQL text and in logs, and its first two
 * digits spread files evenly over 256 directories. 160 bits keep an accidental collision out
 * of reach (as in Git) while the name stays short.
 */
public record SegmentId(String hex) implements Comparable<SegmentId> {
    /** Bytes of the hash kept in an id. */
    public static final int BYTES = 20;
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{" + 2 * BYTES + "}");
    private static final HexFormat FORMAT = HexFormat.of();

    public SegmentId {
        if (hex == null || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("Not a segment id (40 lowercase hex digits): " + hex);
        }
    }

    /** The id of a segment with these (uncompressed) bytes. */
    public static SegmentId of(byte[] bytes) {
        return new SegmentId(FORMAT.formatHex(sha256(bytes), 0, BYTES));
    }

    /** The id named by {@code text}, or null if it is not one (a temporary file, a stray name). */
    public static SegmentId parse(String text) {
        return text != null && HEX.matcher(text).matches() ? new SegmentId(text) : null;
    }

    /** True if {@code bytes} hash to this id. */
    public boolean matches(byte[] bytes) {
        return of(bytes).equals(this);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public int compareTo(SegmentId other) {
        return hex.compareTo(other.hex);
    }

    @Override
    public String toString() {
        return hex;
    }
}
