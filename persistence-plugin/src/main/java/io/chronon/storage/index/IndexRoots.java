package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;
import io.chronon.storage.segment.SegmentId;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The durable index of one database as of a t: the roots of its four current trees, four
 * history (retracted) trees and its log tree (every datom in transaction order), and the counters a db value at that t carries besides its
 * indexes. With the log after {@link #t} it is all a peer or a moved writer needs to build the
 * value ({@link IndexRestore}), whatever the size of the database.
 *
 * <p>Kept here: the basis {@code t}, {@code nextT} and {@code nextDbCounter} (the tempid
 * counters, which no datom records: a transaction may skip ids) and {@code lastTxInstant}
 * (which a later transaction's {@code :db/txInstant} may not precede). Not kept: the schema
 * and the idents. They are datoms in the trees, and
 * {@link io.chronon.db.IndexedValue#over} rebuilds them by reading only the schema
 * attributes' datoms, so a record stays a few hundred bytes and can never disagree with the
 * trees it names.
 *
 * <p>{@link #encode()} is compact and checked:
 * <pre>
 *   4 bytes  "CIXR"
 *   byte     format version (2; 1 had no log root and was never written outside tests)
 *   long x4  t, nextT, nextDbCounter, lastTxInstant
 *   9 roots  current EAVT, AEVT, AVET, VAET, then history in the same order, then the log; each
 *            a byte (0 = the empty tree, 1 = a segment) and, for a segment, its 20-byte id
 *   int      CRC-32C of everything above
 * </pre>
 *
 * @param t             the basis t the trees are indexed to
 * @param nextT         the next t of the value at {@code t}
 * @param nextDbCounter the next {@code :db.part/db} counter of the value at {@code t}
 * @param lastTxInstant the {@code :db/txInstant} of the transaction at {@code t}, in epoch ms
 * @param current       the roots of the current trees, one per {@link IndexType} in declaration order
 * @param history       the roots of the retracted (history) trees, in the same order
 * @param log           the root of the log tree ({@link TreeOrder#LOG})
 */
public record IndexRoots(long t, long nextT, long nextDbCounter, long lastTxInstant,
                         List<IndexRoot> current, List<IndexRoot> history, IndexRoot log) {
    /** The format version {@link #encode()} writes. */
    public static final byte VERSION = 2;
    private static final byte[] MAGIC = {'C', 'I', 'X', 'R'};
    private static final int FIXED = MAGIC.length + 1 + 4 * Long.BYTES;
    private static final HexFormat HEX = HexFormat.of();

    /** Checks that there is one root per index order in each list. */
    public IndexRoots {
        current = List.copyOf(current);
        history = List.copyOf(history);
        Objects.requireNonNull(log, "log");
        int n = IndexType.values().length;
        if (current.size() != n || history.size() != n) {
            throw new IllegalArgumentException("index roots need " + n + " current and " + n + " history roots, not "
                    + current.size() + " and " + history.size());
        }
    }

    /** The root of the current ({@code current}) or history tree of {@code type}. */
    public IndexRoot root(IndexType type, boolean current) {
        return (current ? this.current : history).get(type.ordinal());
    }

    /** The stored form: see the class comment. */
    public byte[] encode() {
        int size = FIXED + Integer.BYTES;
        for (IndexRoot root : roots()) {
            size += 1 + (root.isEmpty() ? 0 : SegmentId.BYTES);
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(MAGIC).put(VERSION).putLong(t).putLong(nextT).putLong(nextDbCounter).putLong(lastTxInstant);
        for (IndexRoot root : roots()) {
            if (root.isEmpty()) {
                out.put((byte) 0);
            } else {
                out.put((byte) 1).put(HEX.parseHex(root.id().hex()));
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * The roots {@code bytes} encode; fails with a {@link ChrononException} ({@code fault},
     * {@code :db.error/corrupt-index-roots}) naming {@code database} and what is wrong if they
     * are damaged, truncated or of an unknown version: a corrupt record is never read as empty.
     */
    public static IndexRoots decode(String database, byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length < FIXED + Integer.BYTES) {
            throw corrupt(database, "only " + bytes.length + " bytes, shorter than any record");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - Integer.BYTES);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt(bytes.length - Integer.BYTES) != (int) crc.getValue()) {
            throw corrupt(database, "checksum mismatch");
        }
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw corrupt(database, "not an index roots record");
        }
        byte version = in.get();
        if (version != VERSION) {
            throw corrupt(database, "unknown format version " + version);
        }
        try {
            long t = in.getLong();
            long nextT = in.getLong();
            long nextDbCounter = in.getLong();
            long lastTxInstant = in.getLong();
            IndexRoot[] roots = new IndexRoot[2 * IndexType.values().length + 1];
            for (int i = 0; i < roots.length; i++) {
                byte kind = in.get();
                if (kind == 0) {
                    roots[i] = IndexRoot.EMPTY;
                } else if (kind == 1) {
                    byte[] id = new byte[SegmentId.BYTES];
                    in.get(id);
                    roots[i] = IndexRoot.of(new SegmentId(HEX.formatHex(id)));
                } else {
                    throw corrupt(database, "unknown root kind " + kind);
                }
            }
            if (in.remaining() != Integer.BYTES) {
                throw corrupt(database, in.remaining() - Integer.BYTES + " bytes after the last root");
            }
            int n = IndexType.values().length;
            return new IndexRoots(t, nextT, nextDbCounter, lastTxInstant, List.of(roots).subList(0, n), List.of(roots).subList(n, 2 * n),
                    roots[2 * n]);
        } catch (BufferUnderflowException e) {
            throw corrupt(database, "truncated");
        }
    }

    private List<IndexRoot> roots() {
        List<IndexRoot> all = new java.util.ArrayList<>(current);
        all.addAll(history);
        all.add(log);
        return all;
    }

    private static ChrononException corrupt(String database, String reason) {
        return new ChrononException(ErrorCategory.FAULT, Keyword.of("db.error", "corrupt-index-roots"),
                "The index roots record of database " + database + " is corrupt: " + reason, Map.of(Keyword.of("database"), database));
    }
}
