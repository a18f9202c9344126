package io.chronon.storage.index;

import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.edn.EdnList;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;
import io.chronon.storage.segment.CorruptSegmentException;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Index nodes survive their encoding: datoms with a value of every type {@code ValueCodec}
 * writes, entity, attribute and tx ids of every size, both added flags; branches with their
 * children. Bytes that are not such a node fail as corrupt, naming the database and segment.
 */
class NodeCodecTest {
    private static final String DB = "db/codec";

    /** One value of every kind the value codec writes, the odd ones included. */
    static List<Object> everyValue() {
        return List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, "", "plain", "ünïcödé 日本 \uD83D\uDE00",
                Keyword.of("person", "name"), Keyword.of("plain"), Symbol.of("sym"), true, false,
                0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, 3.25, 1.5f, Float.NaN,
                new BigInteger("-123456789012345678901234567890"), BigInteger.ZERO,
                new BigDecimal("1.00"), new BigDecimal("-0.000000000000000000123"), new Date(0), new Date(-86_400_000L),
                new Date(1_733_000_000_123L), new UUID(0, 0), UUID.fromString("6f1b6e3a-1c5e-4b8e-9e55-3a0d3c1b2a10"),
                URI.create("https://example.org/a?b=c"), new byte[0], new byte[] {-1, 0, 127},
                List.of(1L, "two", Keyword.of("three")), List.of(), EdnList.of(1L, 2L), Set.of(1L), Map.of(Keyword.of("k"), "v"),
                'c', new Tagged(Symbol.of("my/tag"), "x"));
    }

    @Test
    void aLeafOfEveryValueTypeComesBackAsItWas() throws Exception {
        List<Datom> datoms = new ArrayList<>();
        long e = Ids.entid(Ids.PART_USER, 1);
        long[] attributes = {10, 72, 72, 1_000_000, 72};
        long[] txs = {Ids.tToTx(1000), Ids.tToTx(1000), Ids.tToTx(Integer.MAX_VALUE), 0, Ids.tToTx(1000)};
        int i = 0;
        for (Object v : everyValue()) {
            datoms.add(new Datom(i % 3 == 0 ? e++ : e, attributes[i % attributes.length], v, txs[i % txs.length], i % 4 != 0));
            i++;
        }
        datoms.add(new Datom(Long.MAX_VALUE, Long.MAX_VALUE, 1L, Long.MAX_VALUE, true));
        datoms.add(new Datom(0, 0, 1L, 0, false));
        datoms.add(new Datom(Long.MIN_VALUE, -1, 1L, Long.MIN_VALUE, true));
        try (SegmentStore store = TreeStores.MEMORY.open(null)) {
            TreeStorage storage = new TreeStorage(store, DB, SegmentCache.ofMaxBytes(0));
            // every order: the datoms in any sequence encode and decode
            TreeStorage.Written leaf = storage.write(TreeOrder.VAET, 0, datoms);
            Node read = NodeCodec.decode(DB, leaf.id(), TreeOrder.VAET, store.get(DB, leaf.id()));
            Datom[] back = ((Node.Leaf) read).datoms();
            assertEquals(datoms, Arrays.asList(back));
            for (int k = 0; k < back.length; k++) {
                Object sent = datoms.get(k).v();
                if (!(sent instanceof Collection<?> || sent instanceof Map<?, ?>)) {
                    // collections come back as the codec's unmodifiable ones, equal by content
                    assertEquals(sent.getClass(), back[k].v().getClass(), "the type of " + sent);
                }
                if (sent instanceof byte[] bytes) {
                    assertArrayEquals(bytes, (byte[]) back[k].v());
                }
            }
            assertEquals(leaf.node().bytes(), read.bytes());

            List<ChildRef> children = List.of(new ChildRef(leaf.id(), datoms.get(0), datoms.size()),
                    new ChildRef(SegmentId.of(new byte[] {1}), datoms.get(5), Long.MAX_VALUE / 4));
            TreeStorage.Written branch = storage.write(TreeOrder.VAET, 7, children);
            Node.Branch readBranch = (Node.Branch) NodeCodec.decode(DB, branch.id(), TreeOrder.VAET, store.get(DB, branch.id()));
            assertEquals(7, readBranch.height());
            assertEquals(children, Arrays.asList(readBranch.children()));
            assertEquals(datoms.size() + Long.MAX_VALUE / 4, readBranch.count());
        }
    }

    @Test
    void bytesThatAreNotANodeFailAsCorruptNamingTheDatabaseAndSegment() {
        SegmentId id = SegmentId.of(new byte[] {9});
        Datom d = new Datom(1, 72, "x", Ids.tToTx(1000), true);
        NodeCodec.Encoder encoder = new NodeCodec.Encoder(TreeOrder.EAVT, 0);
        encoder.datom(d);
        byte[] good = encoder.bytes();
        List<byte[]> bad = List.of(new byte[0], new byte[] {2, 0, 0}, Arrays.copyOf(good, 3), Arrays.copyOf(good, good.length - 1),
                withByte(good, 0, 9), withByte(good, 3, 0x7F), withByte(good, 1, 17));
        for (byte[] bytes : bad) {
            CorruptSegmentException e = assertThrows(CorruptSegmentException.class, () -> NodeCodec.decode(DB, id, TreeOrder.EAVT, bytes));
            assertTrue(e.getMessage().contains(DB) && e.getMessage().contains(id.hex()), e.getMessage());
        }
        CorruptSegmentException wrongOrder = assertThrows(CorruptSegmentException.class, () -> NodeCodec.decode(DB, id, TreeOrder.AEVT, good));
        assertTrue(wrongOrder.getMessage().contains("EAVT"), wrongOrder.getMessage());
        assertInstanceOf(Node.Leaf.class, assertDoesNotThrow(() -> NodeCodec.decode(DB, id, TreeOrder.EAVT, good)));
    }

    private static byte[] withByte(byte[] bytes, int at, int value) {
        byte[] copy = bytes.clone();
        copy[at] = (byte) value;
        return copy;
    }
}
