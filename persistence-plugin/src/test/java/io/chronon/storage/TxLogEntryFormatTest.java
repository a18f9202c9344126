package io.chronon.storage;

import io.chronon.db.Datom;
import io.chronon.db.Ids;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The stored form of log entries: the format before request ids still reads, and entries with one keep it. */
class TxLogEntryFormatTest {
    private static final long TX = Ids.tToTx(1001);
    private static final List<Datom> DATOMS = List.of(new Datom(17592186045418L, 72, "Ann", TX, true),
            new Datom(TX, 50, new Date(1700000000000L), TX, true));
    /** An entry as the serializer wrote it before request ids existed (manifest T1), captured from that version. */
    private static final String OLD_T1_HEX = "d20f80a0abfef962d40fa0010201d48f808080800890010803416e6e0181808080808002640d80a0abfef962";

    private final StorageSerializer serializer = new StorageSerializer();

    @Test
    void entriesOfTheFormatBeforeRequestIdsStillRead() throws Exception {
        TxLogEntry old = (TxLogEntry) serializer.fromBinary(HexFormat.of().parseHex(OLD_T1_HEX), "T1");
        assertEquals(new TxLogEntry(1001, 1700000000000L, 1002, 80, DATOMS), old);
        assertNull(old.requestId());
        assertEquals(Map.of(), old.tempids());
    }

    @Test
    void anEntryWithoutARequestIdIsWrittenExactlyAsBefore() {
        TxLogEntry e = new TxLogEntry(1001, 1700000000000L, 1002, 80, DATOMS);
        assertEquals("T1", serializer.manifest(e));
        assertArrayEquals(HexFormat.of().parseHex(OLD_T1_HEX), serializer.toBinary(e));
    }

    @Test
    void anEntryWithARequestIdKeepsItAndItsTempids() throws Exception {
        Map<String, Long> tempids = new LinkedHashMap<>();
        tempids.put("ann", 17592186045418L);
        tempids.put("datomic.tx", TX);
        tempids.put("ünïcode", 17592186045419L);
        TxLogEntry e = new TxLogEntry(1001, 1700000000000L, 1002, 80, DATOMS, "req-1", tempids);
        assertEquals("T2", serializer.manifest(e));
        TxLogEntry back = (TxLogEntry) serializer.fromBinary(serializer.toBinary(e), serializer.manifest(e));
        assertEquals(e, back);
        assertEquals("req-1", back.requestId());
        assertEquals(tempids, back.tempids());
        // the same bytes inside protocol messages, where there is no manifest
        assertEquals(e, StorageSerializer.decodeEntry(StorageSerializer.encodeEntry(e)));
        assertEquals(new TxLogEntry(1001, 1700000000000L, 1002, 80, DATOMS, "r", Map.of()),
                StorageSerializer.decodeEntry(StorageSerializer.encodeEntry(new TxLogEntry(1001, 1700000000000L, 1002, 80, DATOMS, "r", Map.of()))));
    }

    @Test
    void aTruncatedRequestIdPartIsAnError() {
        TxLogEntry e = new TxLogEntry(1001, 1700000000000L, 1002, 80, DATOMS, "req-1", Map.of("a", 5L));
        byte[] bytes = StorageSerializer.encodeEntry(e);
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 1);
        assertThrows(IllegalArgumentException.class, () -> StorageSerializer.decodeEntry(cut));
    }
}
