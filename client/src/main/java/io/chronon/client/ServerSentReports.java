package io.chronon.client;

import io.chronon.client.spi.TxReportStream;
import io.chronon.db.Ids;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.LinkedHashMap;

/**
 * Reads the server's tx-report stream ({@code GET /dbs/{db}/tx-reports?from-t=}, Server-Sent
 * Events: {@code event: tx-report}, {@code id:} the t, {@code data:}
 * {@code {:t 13 :tx ... :tx-data [[e a v tx added] ...]}}; {@code event: error} ends the
 * stream with an error body). Comments (keep-alives) are skipped; {@link TxReportStream}
 * reconnects from the last t when the stream drops. The stream carries no tempids and no
 * basis before: the first report's is asked for once per connection, later ones follow
 * from the previous report.
 */
final class ServerSentReports implements TxReportStream.Source {
    private static final Keyword T = Keyword.of("t");
    private static final Keyword BASIS_T_BEFORE = Keyword.of("basis-t-before");
    private static final String PREVIOUS_T = "[:find (max ?tx) . :in $ ?before :where [?tx :db/txInstant] [(< ?tx ?before)]]";

    private final RemoteConnection conn;
    private volatile InputStream open;

    ServerSentReports(RemoteConnection conn) {
        this.conn = conn;
    }

    /** The t of the last transaction before {@code t}. */
    private long previousT(long t) {
        Object tx = new RemoteDb(conn, 0).q(PREVIOUS_T, Ids.tToTx(t));
        return tx instanceof Number n ? Ids.txToT(n.longValue()) : -1;
    }

    /** Streams from {@code fromT}; t 0 is never a transaction, and the server reads from-t=0 as "from now". */
    @Override
    public void stream(long fromT, Consumer<TxReport> sink, BooleanSupplier stopped) throws Exception {
        HttpResponse<InputStream> response = conn.http().stream(HttpEdn.dbPath(conn.name(), "/tx-reports")
                + HttpEdn.query(List.<Object[]>of(new Object[] {"from-t", Math.max(1, fromT)})));
        open = response.body();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            StringBuilder data = new StringBuilder();
            String type = "message";
            long previous = -1;
            String line;
            while (!stopped.getAsBoolean() && (line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        Object event = EdnReader.read(data.toString(), HttpEdn.ANSWERS);
                        data.setLength(0);
                        if (type.equals("error")) {
                            throw HttpEdn.error(500, event);
                        }
                        if (event instanceof Map<?, ?> m && m.get(T) instanceof Number t) {
                            if (previous < 0) {
                                previous = previousT(t.longValue());
                            }
                            Map<Object, Object> report = new LinkedHashMap<>(m);
                            report.put(Wire.BASIS_T, t);
                            report.put(BASIS_T_BEFORE, previous);
                            TxReport r = Wire.txReport(report);
                            previous = r.basisT();
                            conn.saw(r.basisT());
                            sink.accept(r);
                        }
                    }
                    type = "message";
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.startsWith("data: ") ? line.substring(6) : line.substring(5));
                }
                // id:, retry: and comment lines carry nothing we need: the report has its t
            }
        } finally {
            open = null;
        }
    }

    @Override
    public void interrupt() {
        InputStream in = open;
        if (in != null) {
            try {
                in.close();
            } catch (Exception ignored) {
                // closing a stream that is already broken
            }
        }
    }
}
