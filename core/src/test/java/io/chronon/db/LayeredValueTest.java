package io.chronon.db;

import io.chronon.ChrononException;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.index.LayeredIndex;
import io.chronon.index.PersistentSortedSet;
import io.chronon.index.SortedIndex;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

import static io.chronon.db.SameReads.all;
import static io.chronon.db.SameReads.components;
import static io.chronon.db.SameReads.first;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A db value split into base plus novelty at a random t ({@link LayeredValues#split}) reads
 * exactly as the plain value it came from: random histories (new entities, updates,
 * retractions, retractEntity, cas, a {@code :db/noHistory} attribute, refs) are split at
 * random points, and datoms, seekDatoms, indexRange, first, count and the log are compared
 * in every index and in every view (current, as-of, since, history and their mixes).
 * Transactions applied to the layered value (one by one, or in a writer's editing run) keep
 * it equal to the plain one.
 */
class LayeredValueTest {
    private static final int TXS = 400;
    private static final int CHECK_EVERY = 40;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void aSplitValueReadsAsThePlainOneInEveryView(long seed) {
        Random r = new Random(seed);
        long[] clock = {1_700_000_000_000L};
        TxOptions options = new TxOptions(() -> clock[0]++, Map.of());
        DbValue plain = TxProcessor.transact(DbValue.empty(), (List<?>) EdnReader.read(EditingRunTest.SCHEMA), options).dbAfter();
        DbValue layered = LayeredValues.split(plain, Bootstrap.BOOTSTRAP_T);
        for (int i = 1; i <= TXS; i++) {
            List<?> tx = (List<?>) EdnReader.read(EditingRunTest.randomTx(r, 60));
            long now = clock[0];
            DbValue plainAfter;
            try {
                plainAfter = TxProcessor.transact(plain, tx, options).dbAfter();
            } catch (ChrononException e) {
                continue;
            }
            clock[0] = now;
            layered = TxProcessor.transact(layered, tx, options).dbAfter();
            plain = plainAfter;
            if (i % CHECK_EVERY == 0) {
                String where = "seed " + seed + ", tx " + i + (layered.inEditingRun() ? " (in an editing run)" : "");
                layered = layered.sealed();
                assertInstanceOf(LayeredIndex.class, layered.current[IndexType.AVET.ordinal()]);
                assertSameReads(plain, layered, new Random(r.nextLong()), where + ", novelty grown by transactions");
                long indexT = LayeredValues.randomT(plain, r);
                layered = LayeredValues.split(layered, indexT);
                assertSameReads(plain, layered, new Random(r.nextLong()), where + ", split at " + indexT);
                assertSameReads(plain, LayeredValues.split(plain, indexT), new Random(r.nextLong()), where + ", plain split at " + indexT);
                if (r.nextBoolean()) {
                    layered = layered.editingRun(); // the novelty's nodes then edited in place, as a writer does
                }
            }
        }
    }

    /**
     * The suite's layered mode ({@code -Dchronon.test.layered=true}) really gives the builders
     * layered values, over the bases {@code chronon.test.layered.base} makes if it names a factory.
     */
    @Test
    void theLayeredModeSplitsWhatTheBuildersBuild() {
        DbValue db = TxProcessor.transact(DbValue.empty(), (List<?>) EdnReader.read(EditingRunTest.SCHEMA), TxOptions.defaults()).dbAfter();
        DbValue built = LayeredValues.maybeSplit(db);
        if (LayeredValues.ON) {
            assertInstanceOf(LayeredIndex.class, built.current[IndexType.EAVT.ordinal()]);
            for (IndexType type : IndexType.values()) {
                for (SortedIndex<Datom> index : List.of(built.current[type.ordinal()], built.retracted[type.ordinal()])) {
                    SortedIndex<Datom> base = ((LayeredIndex<Datom>) index).base();
                    assertEquals(LayeredValues.BASES == null, base instanceof PersistentSortedSet, type + " base " + base);
                }
            }
        } else {
            assertSame(db, built);
        }
    }

    /** Every read of every view of {@code plain} and {@code layered} gives the same datoms. */
    private static void assertSameReads(DbValue plain, DbValue layered, Random r, String where) {
        assertEquals(plain.size(), layered.size(), where);
        assertEquals(all(plain.currentDatoms()), all(layered.currentDatoms()), where);
        assertEquals(all(plain.retractedDatoms()), all(layered.retractedDatoms()), where);
        assertEquals(all(plain.logDatoms()), all(layered.logDatoms()), where);
        List<Datom> log = all(plain.logDatoms());
        for (int i = 0; i < 20 && !log.isEmpty(); i++) {
            Datom d = log.get(r.nextInt(log.size()));
            assertEquals(plain.kept(d), layered.kept(d), where + ", kept " + d);
            Long from = r.nextInt(4) == 0 ? null : randomT(log, r);
            Long to = r.nextInt(4) == 0 ? null : randomT(log, r);
            assertEquals(all(plain.txRange(from, to)), all(layered.txRange(from, to)), where + ", txRange " + from + " " + to);
        }
        List<UnaryOperator<DbValue>> views = new ArrayList<>();
        long t1 = log.isEmpty() ? Bootstrap.BOOTSTRAP_T : randomT(log, r);
        long t2 = log.isEmpty() ? Bootstrap.BOOTSTRAP_T : randomT(log, r);
        views.add(db -> db);
        views.add(db -> db.asOf(t1));
        views.add(db -> db.since(t2));
        views.add(DbValue::history);
        views.add(db -> db.history().asOf(t1));
        views.add(db -> db.history().since(t2));
        views.add(db -> db.asOf(t1).since(t2));
        List<Datom> samples = all(plain.history().datoms(IndexType.EAVT));
        for (UnaryOperator<DbValue> view : views) {
            DbValue p = view.apply(plain);
            DbValue l = view.apply(layered);
            String in = where + ", view " + p;
            for (IndexType type : IndexType.values()) {
                assertEquals(all(p.datoms(type)), all(l.datoms(type)), in + ", all of " + type);
                for (int i = 0; i < 25; i++) {
                    Object[] components = components(type, samples.get(r.nextInt(samples.size())), r);
                    String what = in + ", " + type + " " + Arrays.toString(components);
                    assertEquals(all(p.datoms(type, components)), all(l.datoms(type, components)), what);
                    assertEquals(first(p.seekDatoms(type, components), 40), first(l.seekDatoms(type, components), 40), "seek " + what);
                    IndexRange range = IndexRange.on(type).e(samples.get(r.nextInt(samples.size())).e()).build();
                    Datom lo = r.nextInt(5) == 0 ? null : range.from();
                    Datom hi = r.nextInt(5) == 0 ? null : range.to();
                    assertEquals(p.first(type, lo, hi), l.first(type, lo, hi), "first " + what);
                    assertEquals(p.count(type, lo, hi), l.count(type, lo, hi), "count " + what);
                }
            }
            for (int i = 0; i < 10; i++) {
                Object start = r.nextInt(4) == 0 ? null : "n" + r.nextInt(60);
                Object end = r.nextInt(4) == 0 ? null : "n" + r.nextInt(60);
                assertEquals(all(p.indexRange(Keyword.of("p/name"), start, end)), all(l.indexRange(Keyword.of("p/name"), start, end)),
                        in + ", indexRange " + start + " " + end);
                Object id = (long) r.nextInt(70);
                assertEquals(p.entid(List.of(Keyword.of("p/id"), id)), l.entid(List.of(Keyword.of("p/id"), id)), in + ", lookup " + id);
            }
        }
    }

    private static long randomT(List<Datom> log, Random r) {
        return Ids.txToT(log.get(r.nextInt(log.size())).tx()) + r.nextInt(3) - 1;
    }
}
