package io.chronon.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnReader;
import io.chronon.pull.Pull;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The transaction grammar, on any text (docs/fuzzing.md): the text's EDN forms are the
 * transaction data (a text of one vector or list: its elements), transacted against a small
 * database ({@link FuzzSupport#smallDb()}, with a schema of most value types). The contract:
 * <ul>
 *   <li>the transaction succeeds, or throws a {@link io.chronon.ChrononException} that is
 *       not a fault: never another exception, a stack overflow, a hang (the timeout) or a
 *       500;</li>
 *   <li>the database it was given is unchanged either way (its basis t and datom count);</li>
 *   <li>a transaction that succeeds moves the basis t on, and what it stored reads back: each
 *       entity it touched pulls with {@code [*]}, and the pull, its tx data and tempids
 *       print as EDN.</li>
 * </ul>
 * Text that is not EDN is the EDN reader's test. The seeds are in
 * {@code TxFuzzTestInputs/transact/}.
 */
class TxFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "tx.dict")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void transact(byte[] data) {
        String text = FuzzSupport.text(data);
        List<Object> forms;
        try {
            forms = EdnReader.readAll(text);
        } catch (EdnParseException e) {
            return;
        }
        List<?> txData = forms.size() == 1 && forms.get(0) instanceof List<?> l ? l : forms;

        DbValue db = FuzzSupport.smallDb();
        long basisT = db.basisT();
        int size = db.size();
        TxOutcome outcome = null;
        try {
            outcome = TxProcessor.transact(db, txData, TxOptions.defaults());
        } catch (RuntimeException e) {
            FuzzSupport.expectedFailure(e, text);
        }
        if (db.basisT() != basisT || db.size() != size) {
            throw new AssertionError("the transaction " + FuzzSupport.show(text) + " changed the database it was given: basis t "
                    + basisT + " -> " + db.basisT() + ", " + size + " -> " + db.size() + " datoms");
        }
        if (outcome == null) {
            return;
        }
        DbValue after = outcome.dbAfter();
        if (after.basisT() <= basisT) {
            throw new AssertionError("the transaction " + FuzzSupport.show(text) + " did not move the basis t on: " + after.basisT());
        }
        FuzzSupport.printable(outcome.txData(), text);
        FuzzSupport.printable(outcome.tempids(), text);
        Set<Long> touched = new LinkedHashSet<>();
        for (Datom d : outcome.txData()) {
            touched.add(d.e());
        }
        for (Long e : touched) {
            FuzzSupport.printable(Pull.pull(after, "[*]", e), text);
            for (Datom d : after.datoms(IndexType.EAVT, e)) {
                FuzzSupport.printable(d.v(), text);
            }
        }
    }
}
