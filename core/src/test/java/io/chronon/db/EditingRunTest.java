package io.chronon.db;

import io.chronon.ChrononException;
import io.chronon.edn.EdnReader;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A writer's editing runs ({@link DbValue#editingRun}): the same transactions applied in runs
 * (nodes edited in place within a run) give exactly the values applied one by one, and a
 * sealed value never changes afterwards, whatever later runs do.
 */
class EditingRunTest {
    static final String SCHEMA = "[{:db/ident :p/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :p/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/index true}"
            + " {:db/ident :p/secret :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/noHistory true}"
            + " {:db/ident :p/tags :db/valueType :db.type/keyword :db/cardinality :db.cardinality/many}"
            + " {:db/ident :p/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}]";

    /** A random transaction over people 0..n: new people, updates, retractions, retractEntity, a failing one now and then. */
    static String randomTx(Random r, int n) {
        int id = r.nextInt(n);
        return switch (r.nextInt(8)) {
            case 0, 1, 2 -> "[{:p/id " + id + " :p/name \"n" + r.nextInt(50) + "\" :p/secret \"s" + r.nextInt(9) + "\" :p/tags [:t" + r.nextInt(5)
                    + "] :p/friend [{:p/id " + r.nextInt(n) + "}]}]";
            case 3 -> "[[:db/retract [:p/id " + id + "] :p/tags :t" + r.nextInt(5) + "]]";
            case 4 -> "[[:db/retractEntity [:p/id " + id + "]]]";
            case 5 -> "[{:p/id " + id + " :p/name \"n" + r.nextInt(50) + "\"} {:p/id " + r.nextInt(n) + " :p/secret \"x" + r.nextInt(9) + "\"}]";
            case 6 -> "[[:db/cas [:p/id " + id + "] :p/name \"n" + r.nextInt(50) + "\" \"m" + r.nextInt(50) + "\"]]";
            default -> "[[:db/add \"new\" :p/id " + (n + r.nextInt(1000)) + "] [:db/add \"new\" :p/tags :t0]]";
        };
    }

    private static List<Datom> all(Iterable<Datom> it) {
        List<Datom> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    /** Everything a value holds, as plain lists: every index, current and history, and the log. */
    static List<List<Datom>> contents(DbValue db) {
        List<List<Datom>> out = new ArrayList<>();
        for (IndexType type : IndexType.values()) {
            out.add(all(db.datoms(type)));
            out.add(all(db.history().datoms(type)));
        }
        out.add(all(db.txRange(null, null)));
        return out;
    }

    @Test
    void runsGiveTheSameValuesAsOneByOneAndSealedValuesNeverChange() {
        for (int seed = 0; seed < 6; seed++) {
            Random r = new Random(seed);
            long[] clock = {1_700_000_000_000L};
            TxOptions options = new TxOptions(() -> clock[0]++, Map.of());
            DbValue plain = TxProcessor.transact(DbValue.empty(), (List<?>) EdnReader.read(SCHEMA), options).dbAfter();
            DbValue run = plain.editingRun();
            List<DbValue> sealed = new ArrayList<>();
            List<List<List<Datom>>> sealedContents = new ArrayList<>();
            int inRun = 0;
            int runLength = 1 + r.nextInt(40);
            for (int i = 0; i < 1500; i++) {
                List<?> tx = (List<?>) EdnReader.read(randomTx(r, 200));
                long now = clock[0];
                DbValue plainAfter;
                try {
                    plainAfter = TxProcessor.transact(plain, tx, options).dbAfter();
                } catch (ChrononException e) {
                    clock[0] = now;
                    DbValue before = run;
                    ChrononException again = assertThrows(ChrononException.class, () -> TxProcessor.transact(before, tx, options));
                    assertEquals(e.getMessage(), again.getMessage());
                    continue;
                }
                clock[0] = now;
                DbValue runAfter = TxProcessor.transact(run, tx, options).dbAfter();
                assertTrue(runAfter.inEditingRun());
                plain = plainAfter;
                run = runAfter;
                if (++inRun == runLength) {
                    DbValue s = run.sealed();
                    assertFalse(s.inEditingRun());
                    assertEquals(contents(plain), contents(s), "seed " + seed + " tx " + i);
                    sealed.add(s);
                    sealedContents.add(contents(s));
                    run = s.editingRun();
                    inRun = 0;
                    runLength = 1 + r.nextInt(40);
                }
            }
            for (int k = 0; k < sealed.size(); k++) {
                assertEquals(sealedContents.get(k), contents(sealed.get(k)), "sealed value " + k + " changed, seed " + seed);
            }
        }
    }

    @Test
    void aRunStartsOnlyFromAnUnfilteredValue() {
        DbValue db = DbValue.empty();
        assertThrows(IllegalStateException.class, () -> db.history().editingRun());
        assertFalse(db.inEditingRun());
        DbValue run = db.editingRun();
        assertTrue(run.inEditingRun());
        assertFalse(run.sealed().inEditingRun());
        assertEquals(contents(db), contents(run.sealed()));
    }
}
