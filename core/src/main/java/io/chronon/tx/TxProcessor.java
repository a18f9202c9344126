package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Turns transaction data into the next db value, with Datomic's semantics (observed on
 * 1.0.7622 and checked by a differential test against it). The steps, each in its own class:
 * <ol>
 *   <li>{@link TxExpander}: list and map forms, transaction functions, nested maps, reverse
 *       attributes, {@code :db/cas}, {@code :db/retractEntity}; types checked; ids, idents
 *       and lookup refs resolved against the database before the transaction;</li>
 *   <li>{@link Tempids}: upserts and new entity ids;</li>
 *   <li>{@link TxDatoms}: conflicts, redundancy, cardinality one, composite tuples
 *       ({@link CompositeTuples}), uniqueness;</li>
 *   <li>{@link SchemaChanges}: attribute installation and alteration;</li>
 *   <li>{@link Specs}: entity specs ({@code :db/ensure}, on the value the transaction
 *       makes) and attribute predicates;</li>
 *   <li>{@code :db/txInstant}: the writer's clock, never earlier than the previous
 *       transaction; a transaction may set it explicitly on {@code "datomic.tx"}, neither
 *       earlier than the previous transaction ({@code :db.error/past-tx-instant}) nor later
 *       than the clock ({@code :db.error/future-tx-instant}).</li>
 * </ol>
 * A rejected transaction throws {@link ChrononException} and changes nothing: db values are
 * immutable and all working state belongs to the one call.
 *
 * <p>Choices that differ from Datomic, each because Datomic's behaviour looks accidental:
 * statements with extra elements are rejected (Datomic ignores the extras); a tempid in
 * {@code :db/retractEntity}, {@code :db/cas} or {@code [:db/retract e a]} is
 * {@code :db.error/not-an-entity} (Datomic reports {@code :db.error/not-a-keyword}); a reverse
 * attribute in a map accepts a set or a list of entities (Datomic only one); a negative number
 * used as a tempid gets an id in {@code :db.part/user} (Datomic gives it an odd partition); a
 * retraction implied twice is listed once in the tx data (Datomic may list it twice). See
 * {@link SchemaChanges} for the schema rules.
 */
public final class TxProcessor {
    private TxProcessor() {
    }

    /**
     * Applies {@code txData} to {@code db} (its unfiltered value, if it is a view).
     *
     * @throws ChrononException if the transaction is rejected; {@code db} is unchanged
     */
    public static TxOutcome transact(DbValue db, List<?> txData, TxOptions options) {
        Objects.requireNonNull(txData, "txData");
        Objects.requireNonNull(options, "options");
        DbValue before = db.unfiltered();
        long t = before.nextT();
        long txId = Ids.tToTx(t);

        TxExpander expander = new TxExpander(before, options);
        Tempids.Resolution ids;
        TxDatoms tx = new TxDatoms(before, txId);
        List<Datom> datoms;
        Specs.Ensures ensures;
        try {
            expander.expandAll(txData);
            ids = Tempids.resolve(before, expander, t);
            ensures = Specs.takeEnsures(tx.build(expander.ops));
            datoms = ensures.stored();
            SchemaChanges.apply(before, datoms, txId);
        } catch (StackOverflowError e) {
            // nothing is touched before the datoms are applied below, so the transaction is simply rejected:
            // an error that would otherwise end the writer (fatal under Pekko) and then the next one it is retried on
            throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/transaction-too-deep"),
                    "The transaction nests too deeply to process (a transaction function that recurses without end?)",
                    null);
        }

        long now = options.clock().getAsLong();
        long last = before.lastTxInstant();
        long instant;
        List<Datom> all = new ArrayList<>(datoms.size() + 1);
        if (tx.explicitTxInstant != null) {
            instant = tx.explicitTxInstant.getTime();
            if (instant < last) {
                throw TxErrors.pastTxInstant(tx.explicitTxInstant, last);
            }
            if (instant > Math.max(now, last)) {
                throw TxErrors.futureTxInstant(tx.explicitTxInstant, now);
            }
        } else {
            instant = Math.max(now, last);
            all.add(new Datom(txId, Bootstrap.TX_INSTANT, new Date(instant), txId, true));
        }
        all.addAll(datoms);
        List<Datom> txDatoms = Collections.unmodifiableList(all);
        // checked before the run's value is touched: a writer's editing run edits its indexes in place, and a
        // rejection must leave them as they were; a spec reads the value the transaction would make, built
        // apart from the run (sealed() shares its nodes without the right to edit them)
        DbValue checked = ensures.any() ? before.sealed().applyTransaction(t, txDatoms, ids.nextT(), ids.nextDbCounter(), instant) : null;
        Specs.check(before, checked, ensures, ids.tempids(), options);
        DbValue after = before.applyTransaction(t, txDatoms, ids.nextT(), ids.nextDbCounter(), instant);
        return new TxOutcome(before, after, txDatoms, ids.tempids());
    }
}
