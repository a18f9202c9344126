package io.chronon.storage;

import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.storage.codec.ByteReader;
import io.chronon.storage.codec.ByteWriter;
import io.chronon.storage.codec.DbValueCodec;
import io.chronon.storage.index.IndexRoots;
import io.chronon.storage.codec.ValueCodec;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Pekko serializer of what Chronon stores: {@link TxLogEntry} events, {@link IndexRoots}
 * records (where snapshots were) and {@link DbValue} snapshots (written before the durable
 * indexes; still read, so a database stored by an older version opens), in the compact binary form of {@link ValueCodec}. Bound in this module's
 * {@code reference.conf}. The manifests carry a format version.
 *
 * <p>Log entries: {@code T1} is an entry without a request id; {@code T2} (since request
 * ids) is the same bytes followed by the request id and the tempids. An entry without a
 * request id is still written as {@code T1}, so its bytes are what they always were, and
 * both read back.
 */
public final class StorageSerializer extends SerializerWithStringManifest {
    /** The serializer id; part of the stored format. */
    public static final int ID = 7_411_001;

    static final String TX_LOG_ENTRY = "T1";
    static final String TX_LOG_ENTRY_WITH_REQUEST = "T2";
    static final String DB_VALUE = "D1";
    /** The roots of a database's durable index ({@link IndexRoots}, format 2), stored where whole-value snapshots were. */
    public static final String INDEX_ROOTS = "R2";

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof TxLogEntry e) {
            return e.requestId() == null ? TX_LOG_ENTRY : TX_LOG_ENTRY_WITH_REQUEST;
        }
        if (o instanceof DbValue) {
            return DB_VALUE;
        }
        if (o instanceof IndexRoots) {
            return INDEX_ROOTS;
        }
        throw new IllegalArgumentException("Cannot serialize " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof TxLogEntry e) {
            return encodeEntry(e);
        }
        if (o instanceof DbValue db) {
            return DbValueCodec.encode(db);
        }
        if (o instanceof IndexRoots roots) {
            return roots.encode();
        }
        throw new IllegalArgumentException("Cannot serialize " + o.getClass().getName());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        switch (manifest) {
            case TX_LOG_ENTRY:
            case TX_LOG_ENTRY_WITH_REQUEST:
                return decodeEntry(bytes);
            case DB_VALUE:
                return DbValueCodec.decode(bytes);
            case INDEX_ROOTS:
                // the database is not known here; the snapshot store names it when it skips a corrupt record
                return IndexRoots.decode("(index roots record)", bytes);
            default:
                throw new NotSerializableException("Unknown Chronon storage manifest " + manifest);
        }
    }

    /**
     * The bytes of a log entry (also used inside protocol messages, without a manifest):
     * t, txInstant, nextT, nextDbCounter and the datoms; then, only for an entry with a
     * request id, the request id and the tempids (count, then name and entity id each).
     */
    public static byte[] encodeEntry(TxLogEntry e) {
        ByteWriter out = new ByteWriter(48 + e.txData().size() * 24);
        out.writeVarLong(e.t());
        out.writeVarLong(e.txInstant());
        out.writeVarLong(e.nextT());
        out.writeVarLong(e.nextDbCounter());
        ValueCodec.writeDatoms(out, e.txData(), Ids.tToTx(e.t()));
        if (e.requestId() != null) {
            out.writeString(e.requestId());
            out.writeVarInt(e.tempids().size());
            for (Map.Entry<String, Long> id : e.tempids().entrySet()) {
                out.writeString(id.getKey());
                out.writeVarLong(id.getValue());
            }
        }
        return out.toByteArray();
    }

    /** The log entry encoded by {@link #encodeEntry}, in either format. */
    public static TxLogEntry decodeEntry(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        long t = in.readVarLong();
        long txInstant = in.readVarLong();
        long nextT = in.readVarLong();
        long nextDbCounter = in.readVarLong();
        List<Datom> datoms = ValueCodec.readDatoms(in, Ids.tToTx(t));
        if (in.atEnd()) {
            return new TxLogEntry(t, txInstant, nextT, nextDbCounter, datoms);
        }
        String requestId = in.readString();
        int n = in.readCount();
        Map<String, Long> tempids = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            tempids.put(in.readString(), in.readVarLong());
        }
        in.expectEnd();
        return new TxLogEntry(t, txInstant, nextT, nextDbCounter, datoms, requestId, tempids);
    }
}
