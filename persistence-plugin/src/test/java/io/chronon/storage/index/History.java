package io.chronon.storage.index;

import io.chronon.ChrononException;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.storage.TxLogEntry;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random history of a small people database, kept as the in-memory value after every
 * transaction and the log entry of each: new people, updates, retractions, retractEntity, cas,
 * refs, a {@code :db/noHistory} attribute, and in its middle a schema change (a new attribute
 * and a renamed one, whose old name keeps resolving) so that later values need a schema
 * rebuilt from the trees. Entry {@code i} leads from value {@code i} to value {@code i + 1}.
 */
final class History {
    static final String SCHEMA = "[{:db/ident :p/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/index true}"
            + " {:db/ident :p/secret :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/noHistory true}"
            + " {:db/ident :p/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}"
            + " {:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}]";
    private static final String SCHEMA_CHANGE = "[{:db/ident :p/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}"
            + " {:db/id :p/tags :db/ident :p/labels}]";

    final List<DbValue> values = new ArrayList<>();
    final List<TxLogEntry> entries = new ArrayList<>();

    /** {@code txs} attempted transactions over people {@code 0..people} (the failing ones left out). */
    History(Random r, int txs, int people) {
        long[] clock = {1_700_000_000_000L};
        TxOptions options = new TxOptions(() -> clock[0]++, Map.of());
        DbValue db = TxProcessor.transact(DbValue.empty(), (List<?>) EdnReader.read(SCHEMA), options).dbAfter();
        values.add(db);
        for (int i = 0; i < txs; i++) {
            boolean renamed = i > txs / 2;
            String tx = i == txs / 2 ? SCHEMA_CHANGE : randomTx(r, people, renamed);
            TxOutcome outcome;
            try {
                outcome = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), options);
            } catch (ChrononException e) {
                continue;
            }
            db = outcome.dbAfter();
            values.add(db);
            entries.add(TxLogEntry.withoutHint(db, outcome.txData()));
        }
    }

    private static String randomTx(Random r, int n, boolean renamed) {
        int id = r.nextInt(n);
        // after the rename the old name :p/tags still resolves, now and then it is used
        String tags = renamed && r.nextBoolean() ? ":p/labels" : ":p/tags";
        String age = renamed ? " :p/age " + r.nextInt(90) : "";
        return switch (r.nextInt(8)) {
            case 0, 1, 2 -> "[{:p/id " + id + " :p/name \"n" + r.nextInt(50) + "\" :p/secret \"s" + r.nextInt(9) + "\" " + tags + " [:t" + r.nextInt(5)
                    + "] :p/friend [{:p/id " + r.nextInt(n) + "}]" + age + "}]";
            case 3 -> "[[:db/retract [:p/id " + id + "] " + tags + " :t" + r.nextInt(5) + "]]";
            case 4 -> "[[:db/retractEntity [:p/id " + id + "]]]";
            case 5 -> "[{:p/id " + id + " :p/name \"n" + r.nextInt(50) + "\"} {:p/id " + r.nextInt(n) + " :p/secret \"x" + r.nextInt(9) + "\"}]";
            case 6 -> "[[:db/cas [:p/id " + id + "] :p/name \"n" + r.nextInt(50) + "\" \"m" + r.nextInt(50) + "\"]]";
            default -> "[[:db/add \"new\" :p/id " + (n + r.nextInt(1000)) + "] [:db/add \"new\" " + tags + " :t0]]";
        };
    }

    /** The value of {@link IndexRestore#at} on {@code roots} (indexed at value {@code from}) with the entries up to value {@code to} applied. */
    DbValue restored(TreeStorage storage, IndexRoots roots, int from, int to) {
        DbValue indexed = values.get(from);
        return TxLogEntry.applyAll(IndexRestore.at(storage, roots), tail(from, to));
    }

    /** The entries after value {@code from} up to value {@code to}. */
    List<TxLogEntry> tail(int from, int to) {
        return entries.subList(from, to);
    }
}
