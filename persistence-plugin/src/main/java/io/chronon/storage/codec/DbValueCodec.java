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
 * bootstrap transaction, grouped by transaction, with one flag per datom saying where the
 * value keeps it (current, retracted or only in the log, {@link DbValue.Kept}), the
 * bootstrap datoms that are no longer current or were retracted, and the counters of the
 * value; reading it back builds every index at once with {@link DbValue#restore} (sorting,
 * no transaction replayed), so loading a snapshot costs O(n log n) however many transactions
 * made the value.
 *
 * <p>Layout {@code "CDB2"}: basisT, nextT, nextDbCounter, lastTxInstant; per transaction its
 * datom count (never 0), t, datoms and a flag byte per datom; a 0 count ends the log; then
 * the current and the retracted datoms of the bootstrap transaction (a count and datoms
 * each). Snapshots of the first format ({@code "CDB1"}: the log only, replayed on read) are
 * still read.
 */
public final class DbValueCodec {
    private static final int MAGIC_REPLAY = 0x43444231; // "CDB1"
    private static final int MAGIC = 0x43444232; // "CDB2"
    private static final long BOOTSTRAP_TX = Ids.tToTx(Bootstrap.BOOTSTRAP_T);

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
                writeGroup(out, value, groupTx, group);
                group.clear();
            }
            groupTx = d.tx();
            group.add(d);
        }
        if (!group.isEmpty()) {
            writeGroup(out, value, groupTx, group);
        }
        out.writeVarInt(0);
        writeBootstrap(out, value.currentDatoms());
        writeBootstrap(out, value.retractedDatoms());
        return out.toByteArray();
    }

    private static void writeGroup(ByteWriter out, DbValue value, long tx, List<Datom> datoms) {
        out.writeVarInt(datoms.size());
        out.writeVarLong(Ids.txToT(tx));
        ValueCodec.writeDatomBodies(out, datoms, tx);
        for (Datom d : datoms) {
            out.writeByte(value.kept(d).ordinal());
        }
    }

    /** The datoms of the bootstrap transaction among {@code datoms} (the only ones not in the log). */
    private static void writeBootstrap(ByteWriter out, Iterable<Datom> datoms) {
        List<Datom> bootstrap = new ArrayList<>();
        for (Datom d : datoms) {
            if (d.tx() == BOOTSTRAP_TX) {
                bootstrap.add(d);
            }
        }
        out.writeVarInt(bootstrap.size());
        ValueCodec.writeDatomBodies(out, bootstrap, BOOTSTRAP_TX);
    }

    public static DbValue decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int magic = in.readInt();
        if (magic == MAGIC_REPLAY) {
            return decodeByReplay(in);
        }
        if (magic != MAGIC) {
            throw new IllegalArgumentException("Not a Chronon db value snapshot");
        }
        long basisT = in.readVarLong();
        long nextT = in.readVarLong();
        long nextDbCounter = in.readVarLong();
        long lastTxInstant = in.readVarLong();
        List<Datom> log = new ArrayList<>();
        List<Datom> current = new ArrayList<>();
        List<Datom> retracted = new ArrayList<>();
        DbValue.Kept[] places = DbValue.Kept.values();
        while (true) {
            int count = in.readVarInt();
            if (count == 0) {
                break;
            }
            long tx = Ids.tToTx(in.readVarLong());
            List<Datom> datoms = ValueCodec.readDatomBodies(in, count, tx);
            log.addAll(datoms);
            for (Datom d : datoms) {
                int place = in.readByte();
                if (place < 0 || place >= places.length) {
                    throw new IllegalArgumentException("Corrupt snapshot: datom place " + place);
                }
                switch (places[place]) {
                    case CURRENT -> current.add(d);
                    case RETRACTED -> retracted.add(d);
                    case LOG_ONLY -> {
                    }
                }
            }
        }
        current.addAll(ValueCodec.readDatomBodies(in, in.readCount(), BOOTSTRAP_TX));
        retracted.addAll(ValueCodec.readDatomBodies(in, in.readCount(), BOOTSTRAP_TX));
        in.expectEnd();
        return DbValue.restore(current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant);
    }

    /** The first format: the log, replayed transaction by transaction. */
    private static DbValue decodeByReplay(ByteReader in) {
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
