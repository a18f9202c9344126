package io.chronon.node.cli;

import io.chronon.ChrononException;
import io.chronon.client.Connection;
import io.chronon.client.TxReport;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.db.Ids;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Tagged;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Transacts an EDN file of transactions (tx-data vectors, one after the other) in order,
 * with a progress bar and the rate on stderr. A file written by {@link Exporter} is replayed
 * with its entity ids mapped: an entity is created (as a tempid) by the first transaction
 * that names it and is referred to by its new id after that; each transaction's own entity
 * is {@code "datomic.tx"}; Chronon's bootstrap entities keep their ids.
 */
final class Importer {
    private static final Object EOF = new Object();
    private static final long REDRAW_NANOS = 100_000_000;

    /** What was imported. */
    record Result(long transactions, long datoms, long basisT) {
    }

    private final Connection conn;
    private final PrintStream progress;

    Importer(Connection conn, PrintStream progress) {
        this.conn = conn;
        this.progress = progress;
    }

    Result run(Path file) throws IOException {
        long size = Math.max(1, Files.size(file));
        long[] read = {0};
        long start = System.nanoTime();
        long lastDraw = 0;
        long txs = 0;
        long datoms = 0;
        long basisT = conn.knownT();
        IdMap ids = null;
        try (InputStream in = new FilterInputStream(Files.newInputStream(file)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    read[0] += n;
                }
                return n;
            }
        }) {
            // a local file, not a client's body: a transaction as large as the file holds
            EdnReader edn = new EdnReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    EdnReader.Options.defaults().withMaxValues(Long.MAX_VALUE));
            Object form;
            while ((form = edn.next(EOF)) != EOF) {
                if (txs == 0 && ids == null && form instanceof Tagged t && t.tag().equals(Exporter.HEADER_TAG)) {
                    ids = IdMap.of(t.value());
                    continue;
                }
                if (!(form instanceof List<?> txData)) {
                    throw ChrononException.incorrect("chronon.error/invalid-import",
                            "Transaction " + (txs + 1) + " of " + file + " is not a tx-data vector", form);
                }
                TxReport r = conn.transact(ids == null ? txData : ids.rewrite(txData));
                if (ids != null) {
                    ids.learn(r);
                }
                txs++;
                datoms += r.txData().size();
                basisT = r.basisT();
                long now = System.nanoTime();
                if (now - lastDraw > REDRAW_NANOS) {
                    draw(read[0], size, txs, datoms, now - start, false);
                    lastDraw = now;
                }
            }
        }
        draw(size, size, txs, datoms, System.nanoTime() - start, true);
        return new Result(txs, datoms, basisT);
    }

    private void draw(long done, long total, long txs, long datoms, long nanos, boolean last) {
        int width = 30;
        int filled = (int) Math.min(width, done * width / total);
        double seconds = Math.max(nanos / 1e9, 1e-3);
        progress.printf("\rimport [%s%s] %3d%%  %d tx  %d datoms  %.0f tx/s  %.0f datoms/s%s",
                "#".repeat(filled), "-".repeat(width - filled), done * 100 / total, txs, datoms,
                txs / seconds, datoms / seconds, last ? String.format("  (%.1f s)%n", seconds) : "");
        progress.flush();
    }

    /** The old ids of an exported database and the new ids they got. */
    static final class IdMap {
        private static final Keyword REFS = Keyword.of("refs");
        private static final String TX = "datomic.tx";
        private final Set<Long> refs = new HashSet<>();
        private final Map<Long, Long> ids = new HashMap<>();
        private final Set<Long> bootstrap = new HashSet<>();
        private final Set<Long> created = new HashSet<>();
        private Long currentTx;

        static IdMap of(Object header) {
            IdMap m = new IdMap();
            if (header instanceof Map<?, ?> h && h.get(REFS) instanceof Iterable<?> refs) {
                for (Object r : refs) {
                    m.refs.add(((Number) r).longValue());
                }
            }
            return m;
        }

        private boolean isBootstrap(long id) {
            if (bootstrap.contains(id)) {
                return true;
            }
            boolean b = DbValue.empty().datoms(IndexType.EAVT, id).iterator().hasNext();
            if (b) {
                bootstrap.add(id);
            }
            return b;
        }

        /** An old entity id as the new transaction names it. */
        private Object entity(Object old) {
            if (!(old instanceof Long id)) {
                return old;
            }
            Long mapped = ids.get(id);
            if (mapped != null) {
                return mapped;
            }
            if (Ids.part(id) == Ids.PART_TX) {
                currentTx = id;
                return TX;
            }
            if (isBootstrap(id)) {
                return id;
            }
            created.add(id);
            return "e" + id;
        }

        List<Object> rewrite(List<?> txData) {
            currentTx = null;
            created.clear();
            List<Object> out = new ArrayList<>(txData.size());
            for (Object form : txData) {
                if (!(form instanceof List<?> op) || op.size() != 4) {
                    throw ChrononException.incorrect("chronon.error/invalid-import",
                            "An exported transaction holds [:db/add e a v] and [:db/retract e a v] forms only", form);
                }
                Object a = op.get(2);
                boolean ref = a instanceof Long l && refs.contains(l);
                out.add(List.of(op.get(0), entity(op.get(1)), entity(a), ref ? entity(op.get(3)) : op.get(3)));
            }
            return out;
        }

        void learn(TxReport r) {
            for (Long old : created) {
                Long now = r.tempid("e" + old);
                if (now != null) {
                    ids.put(old, now);
                }
            }
            if (currentTx != null) {
                ids.put(currentTx, r.tx());
            }
        }
    }
}
