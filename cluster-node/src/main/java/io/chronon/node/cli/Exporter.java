package io.chronon.node.cli;

import io.chronon.client.Connection;
import io.chronon.client.Db;
import io.chronon.client.LogEntry;
import io.chronon.db.Datom;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.edn.Tagged;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a database's log as a file {@link Importer} replays: a header
 * {@code #chronon/export {:version 1 :database "name" :basis-t t :refs #{attribute ids}}},
 * then one tx-data vector per transaction, in order, each datom as
 * {@code [:db/add e a v]} or {@code [:db/retract e a v]} with the original entity ids
 * (the transaction's own {@code :db/txInstant} included, so instants are kept). The
 * {@code :refs} tell the importer which values are entity ids to map.
 */
final class Exporter {
    static final Symbol HEADER_TAG = Symbol.of("chronon/export");
    private static final Keyword ADD = Keyword.of("db/add");
    private static final Keyword RETRACT = Keyword.of("db/retract");

    /** What was written. */
    record Result(long transactions, long datoms, long basisT) {
    }

    private final Connection conn;

    Exporter(Connection conn) {
        this.conn = conn;
    }

    Result run(Path file) throws IOException {
        Db db = conn.sync().join();
        Set<Long> refs = new LinkedHashSet<>();
        for (Object a : (List<?>) db.q("[:find [?a ...] :where [?a :db/valueType :db.type/ref]]")) {
            refs.add((Long) a);
        }
        Map<Keyword, Object> header = new LinkedHashMap<>();
        header.put(Keyword.of("version"), 1L);
        header.put(Keyword.of("database"), conn.name());
        header.put(Keyword.of("basis-t"), db.basisT());
        header.put(Keyword.of("refs"), refs);
        long txs = 0;
        long datoms = 0;
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.write(EdnPrinter.print(new Tagged(HEADER_TAG, header)));
            w.write('\n');
            StringBuilder line = new StringBuilder();
            for (LogEntry e : conn.txRange(null, db.basisT() + 1)) {
                line.setLength(0);
                line.append('[');
                for (Datom d : e.data()) {
                    if (line.length() > 1) {
                        line.append(' ');
                    }
                    EdnPrinter.print(List.of(d.added() ? ADD : RETRACT, d.e(), d.a(), d.v()), line);
                    datoms++;
                }
                line.append("]\n");
                w.write(line.toString());
                txs++;
            }
        }
        return new Result(txs, datoms, db.basisT());
    }
}
