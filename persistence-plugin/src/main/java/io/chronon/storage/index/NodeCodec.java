package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.storage.codec.ByteReader;
import io.chronon.storage.codec.ByteWriter;
import io.chronon.storage.codec.ValueCodec;
import io.chronon.storage.segment.CorruptSegmentException;
import io.chronon.storage.segment.SegmentId;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The bytes of an index node (before the segment codec compresses and checksums them).
 *
 * <pre>
 *   byte    format version (1)
 *   byte    index: the ordinal of its TreeOrder (a tree read in the wrong order fails)
 *   varint  height: 0 for a leaf, 1 for a branch of leaves, ...
 *   then entries up to the end, at least one:
 *     leaf:   datom
 *     branch: 20 bytes child segment id, varlong child datom count, datom (the child's first)
 *   datom:
 *     byte     flags: 1 added, 2 same e as the entry before, 4 same a, 8 same tx
 *     varlong  e - e before   (unless flag 2)
 *     varlong  a - a before   (unless flag 4)
 *     value    ValueCodec
 *     varlong  tx - tx before (unless flag 8)
 * </pre>
 *
 * Fields are deltas from the entry before (zero before the first), so the sorted runs of a leaf
 * cost a byte or two per repeated field whatever the index order; Deflate in the segment codec
 * then takes out most of what is left (repeated values and attributes).
 */
final class NodeCodec {
    static final int VERSION = 1;

    private static final int ADDED = 1;
    private static final int SAME_E = 2;
    private static final int SAME_A = 4;
    private static final int SAME_TX = 8;
    private static final TreeOrder[] TYPES = TreeOrder.values();
    private static final HexFormat HEX = HexFormat.of();

    private NodeCodec() {
    }

    /** Writes the entries of one node, each as a delta from the one before. */
    static final class Encoder {
        private ByteWriter out;
        private long prevE;
        private long prevA;
        private long prevTx;

        Encoder(TreeOrder type, int height) {
            out = new ByteWriter(4096);
            out.writeByte(VERSION);
            out.writeByte(type.ordinal());
            out.writeVarInt(height);
        }

        /** Appends a leaf entry; returns the bytes it took. */
        int datom(Datom d) {
            int before = out.size();
            int flags = (d.added() ? ADDED : 0) | (d.e() == prevE ? SAME_E : 0) | (d.a() == prevA ? SAME_A : 0)
                    | (d.tx() == prevTx ? SAME_TX : 0);
            out.writeByte(flags);
            if (d.e() != prevE) {
                out.writeVarLong(d.e() - prevE);
            }
            if (d.a() != prevA) {
                out.writeVarLong(d.a() - prevA);
            }
            ValueCodec.writeValue(out, d.v());
            if (d.tx() != prevTx) {
                out.writeVarLong(d.tx() - prevTx);
            }
            prevE = d.e();
            prevA = d.a();
            prevTx = d.tx();
            return out.size() - before;
        }

        /** Appends a branch entry; returns the bytes it took. */
        int child(ChildRef child) {
            int before = out.size();
            byte[] id = HEX.parseHex(child.id().hex());
            out.writeRaw(id, 0, id.length);
            out.writeVarLong(child.count());
            datom(child.first());
            return out.size() - before;
        }

        /** Forgets the bytes written so far but not the entry before (for an encoder that only measures). */
        void dropBytes() {
            out = new ByteWriter(4096);
        }

        int size() {
            return out.size();
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** The encoded size of each entry of {@code entries} (datoms for height 0, else children), each after the one before. */
    static int[] entrySizes(TreeOrder type, int height, List<?> entries) {
        Encoder sizer = new Encoder(type, height);
        int[] sizes = new int[entries.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = height == 0 ? sizer.datom((Datom) entries.get(i)) : sizer.child((ChildRef) entries.get(i));
            if (sizer.size() > 1 << 20) {
                sizer.dropBytes();
            }
        }
        return sizes;
    }

    /**
     * The node in {@code bytes}, read as segment {@code id} of {@code database} in the order of
     * {@code type}; fails as corrupt, naming both, if the bytes are not such a node.
     */
    static Node decode(String database, SegmentId id, TreeOrder type, byte[] bytes) throws CorruptSegmentException {
        try {
            ByteReader in = new ByteReader(bytes);
            int version = in.readByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown index node format " + version);
            }
            int index = in.readByte();
            if (index != type.ordinal()) {
                throw new IllegalArgumentException("a node of the " + (index < TYPES.length ? TYPES[index] : "unknown " + index)
                        + " index read as one of " + type);
            }
            int height = in.readVarInt();
            DatomReader datoms = new DatomReader(in);
            if (height == 0) {
                List<Datom> leaf = new ArrayList<>();
                while (!in.atEnd()) {
                    leaf.add(datoms.next());
                }
                requireEntries(leaf);
                return new Node.Leaf(type, leaf.toArray(new Datom[0]), bytes.length);
            }
            List<ChildRef> children = new ArrayList<>();
            long count = 0;
            byte[] raw = new byte[SegmentId.BYTES];
            while (!in.atEnd()) {
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = (byte) in.readByte();
                }
                long childCount = in.readVarLong();
                if (childCount <= 0) {
                    throw new IllegalArgumentException("a child of " + childCount + " datoms");
                }
                children.add(new ChildRef(new SegmentId(HEX.formatHex(raw)), datoms.next(), childCount));
                count += childCount;
            }
            requireEntries(children);
            return new Node.Branch(type, height, children.toArray(new ChildRef[0]), count, bytes.length);
        } catch (IllegalArgumentException e) {
            throw new CorruptSegmentException(database, id, "not an index node: " + e.getMessage(), e);
        }
    }

    private static void requireEntries(List<?> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a node without entries");
        }
    }

    /** Reads the datoms an {@link Encoder} wrote, each after the one before. */
    private static final class DatomReader {
        private final ByteReader in;
        private long e;
        private long a;
        private long tx;

        DatomReader(ByteReader in) {
            this.in = in;
        }

        Datom next() {
            int flags = in.readByte();
            if (flags > (ADDED | SAME_E | SAME_A | SAME_TX)) {
                throw new IllegalArgumentException("datom flags " + flags);
            }
            if ((flags & SAME_E) == 0) {
                e += in.readVarLong();
            }
            if ((flags & SAME_A) == 0) {
                a += in.readVarLong();
            }
            Object v = ValueCodec.readValue(in);
            if ((flags & SAME_TX) == 0) {
                tx += in.readVarLong();
            }
            return new Datom(e, a, v, tx, (flags & ADDED) != 0);
        }
    }
}
