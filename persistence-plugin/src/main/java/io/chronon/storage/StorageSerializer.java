package io.chronon.storage;

import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.storage.codec.ByteReader;
import io.chronon.storage.codec.ByteWriter;
import io.chronon.storage.codec.DbValueCodec;
import io.chronon.storage.codec.ValueCodec;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;

/**
 * The Pekko serializer of what Chronon stores: {@link TxLogEntry} events and {@link DbValue}
 * snapshots, in the compact binary form of {@link ValueCodec}. Bound in this module's
 * {@code reference.conf}. The manifests carry a format version.
 */
public final class StorageSerializer extends SerializerWithStringManifest {
    /** The serializer id; part of the stored format. */
    public static final int ID = 7_411_001;

    static final String TX_LOG_ENTRY = "T1";
    static final String DB_VALUE = "D1";

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof TxLogEntry) {
            return TX_LOG_ENTRY;
        }
        if (o instanceof DbValue) {
            return DB_VALUE;
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
        throw new IllegalArgumentException("Cannot serialize " + o.getClass().getName());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        switch (manifest) {
            case TX_LOG_ENTRY:
                return decodeEntry(bytes);
            case DB_VALUE:
                return DbValueCodec.decode(bytes);
            default:
                throw new NotSerializableException("Unknown Chronon storage manifest " + manifest);
        }
    }

    /** The bytes of a log entry (also used inside protocol messages). */
    public static byte[] encodeEntry(TxLogEntry e) {
        ByteWriter out = new ByteWriter(48 + e.txData().size() * 24);
        out.writeVarLong(e.t());
        out.writeVarLong(e.txInstant());
        out.writeVarLong(e.nextT());
        out.writeVarLong(e.nextDbCounter());
        ValueCodec.writeDatoms(out, e.txData(), Ids.tToTx(e.t()));
        return out.toByteArray();
    }

    /** The log entry encoded by {@link #encodeEntry}. */
    public static TxLogEntry decodeEntry(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        long t = in.readVarLong();
        long txInstant = in.readVarLong();
        long nextT = in.readVarLong();
        long nextDbCounter = in.readVarLong();
        TxLogEntry e = new TxLogEntry(t, txInstant, nextT, nextDbCounter, ValueCodec.readDatoms(in, Ids.tToTx(t)));
        in.expectEnd();
        return e;
    }
}
