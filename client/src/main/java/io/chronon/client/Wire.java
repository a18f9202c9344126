package io.chronon.client;

import io.chronon.ChrononException;
import io.chronon.db.Datom;
import io.chronon.db.Ids;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The EDN shapes of the HTTP API's answers, read into the client's types. */
final class Wire {
    static final Keyword BASIS_T = Keyword.of("basis-t");
    static final Keyword RESULT = Keyword.of("result");

    private Wire() {
    }

    /** {@code [e a v tx added]} as a datom. */
    static Datom datom(Object row) {
        if (!(row instanceof List<?> l) || l.size() != 5) {
            throw bad("a datom [e a v tx added]", row);
        }
        return new Datom(num(l.get(0)), num(l.get(1)), l.get(2), num(l.get(3)), Boolean.TRUE.equals(l.get(4)));
    }

    static List<Datom> datoms(Object rows) {
        if (!(rows instanceof List<?> l)) {
            throw bad("a vector of datoms", rows);
        }
        List<Datom> out = new ArrayList<>(l.size());
        for (Object row : l) {
            out.add(datom(row));
        }
        return List.copyOf(out);
    }

    /** {@code {:basis-t-before 11 :basis-t 12 :tx ... :tx-data [...] :tempids {...}}} as a report. */
    static TxReport txReport(Object body) {
        if (!(body instanceof Map<?, ?> m)) {
            throw bad("a tx report map", body);
        }
        long t = num(m.get(BASIS_T));
        Object tx = m.get(Keyword.of("tx"));
        Object before = m.get(Keyword.of("basis-t-before"));
        Map<String, Long> tempids = new LinkedHashMap<>();
        if (m.get(Keyword.of("tempids")) instanceof Map<?, ?> ids) {
            for (Map.Entry<?, ?> e : ids.entrySet()) {
                tempids.put(String.valueOf(e.getKey()), num(e.getValue()));
            }
        }
        return new TxReport(before == null ? -1 : num(before), t, tx == null ? Ids.tToTx(t) : num(tx),
                datoms(m.get(Keyword.of("tx-data"))), tempids);
    }

    /** {@code {:t 12 :tx ... :data [...]}} as a log entry. */
    static LogEntry logEntry(Object item) {
        if (!(item instanceof Map<?, ?> m)) {
            throw bad("a log entry {:t .. :data [..]}", item);
        }
        long t = num(m.get(Keyword.of("t")));
        Object tx = m.get(Keyword.of("tx"));
        return new LogEntry(t, tx == null ? Ids.tToTx(t) : num(tx), datoms(m.get(Keyword.of("data"))));
    }

    /** The {@code :basis-t} of an answer map, or -1. */
    static long basisT(Object body) {
        return body instanceof Map<?, ?> m && m.get(BASIS_T) instanceof Number n ? n.longValue() : -1;
    }

    /** The {@code :result} of an answer {@code {:basis-t .. :result ..}}. */
    static Object result(Object body) {
        if (body instanceof Map<?, ?> m && m.containsKey(RESULT) && m.containsKey(BASIS_T)) {
            return m.get(RESULT);
        }
        throw bad("an answer {:basis-t .. :result ..}", body);
    }

    /** Transaction data given as EDN text or data, as data. */
    static Object txData(Object txData) {
        Object data = txData instanceof String s ? EdnReader.read(s) : txData;
        if (!(data instanceof List<?>)) {
            throw ChrononException.incorrect("db.error/invalid-tx-data",
                    "Transaction data is a list of list and map forms, not " + describe(data), data);
        }
        return data;
    }

    static long num(Object o) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        throw bad("a number", o);
    }

    private static String describe(Object v) {
        return io.chronon.edn.EdnPrinter.printOrDescribe(v);
    }

    private static ChrononException bad(String expected, Object got) {
        return new ChrononException(io.chronon.ErrorCategory.FAULT, Keyword.of("chronon.error/bad-response"),
                "The server answered something unexpected: expected " + expected + ", got " + describe(got), got);
    }
}
