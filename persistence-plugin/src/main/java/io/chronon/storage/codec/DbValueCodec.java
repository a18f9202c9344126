package io.chronon.storage.codec;

import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A whole db value as bytes: the snapshot form. It stores the transaction log after the
 * bootstrap transaction, grouped by transaction, plus the counters of the value; reading it
 * back replays the transactions on {@link DbValue#empty()} with
 * {@link DbValue#applyTransaction}, which rebuilds the current and history indexes and the
 * schema exactly as they were.
 *
 * <p>Layout: {@code "CDB1"}, basisT, nextT, nextDbCounter, lastTxInstant, then per
 * transaction its datom count (never 0), t and datoms; a 0 count ends the value.
 */
public final class DbValueCodec {
    private static final int MAGIC = 0x43444231; // "CDB1"

    private DbValueCodec() {
    }

    public static byte[] encode(DbValue db) {
        DbValue value = db.unfiltered();
        ByteWriter out = new ByteWriter(1024 + value.size() * 16);
        out.writeInt(MAGIC);
        out.writeVarLong(value.basisT());
        out.writeVarLong(value.nextT());
        out.writeVarLong(value.nextDbCounter());
        out.writeVarLong(value.lastTxInstant());
        List<Datom> group = new ArrayList<>();
        long groupTx = Long.MIN_VALUE;
        for (Datom d : value.txRange(Bootstrap.BOOTSTRAP_T + 1, null)) {
            if (d.tx() != groupTx && !group.isEmpty()) {
                writeGroup(out, groupTx, group);
                group.clear();
            }
            groupTx = d.tx();
            group.add(d);
        }
        if (!group.isEmpty()) {
            writeGroup(out, groupTx, group);
        }
        out.writeVarInt(0);
        return out.toByteArray();
    }

    private static void writeGroup(ByteWriter out, long tx, List<Datom> datoms) {
        out.writeVarInt(datoms.size());
        out.writeVarLong(Ids.txToT(tx));
        ValueCodec.writeDatomBodies(out, datoms, tx);
    }

    public static DbValue decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        if (in.readInt() != MAGIC) {
            throw new IllegalArgumentException("Not a Chronon db value snapshot");
        }
        long basisT = in.readVarLong();
        long nextT = in.readVarLong();
        long nextDbCounter = in.readVarLong();
        long lastTxInstant = in.readVarLong();
        DbValue db = DbValue.empty();
        while (true) {
            int count = in.readVarInt();
            if (count == 0) {
                break;
            }
            long t = in.readVarLong();
            long tx = Ids.tToTx(t);
            List<Datom> datoms = ValueCodec.readDatomBodies(in, count, tx);
            db = db.applyTransaction(t, datoms, nextT, nextDbCounter, txInstantOf(datoms, tx, lastTxInstant));
        }
        in.expectEnd();
        if (db.basisT() != basisT) {
            throw new IllegalArgumentException("Snapshot replay ended at t " + db.basisT() + ", expected " + basisT);
        }
        return db;
    }

    private static long txInstantOf(List<Datom> datoms, long tx, long fallback) {
        for (Datom d : datoms) {
            if (d.e() == tx && d.a() == Bootstrap.TX_INSTANT && d.added() && d.v() instanceof Date date) {
                return date.getTime();
            }
        }
        return fallback;
    }
}
