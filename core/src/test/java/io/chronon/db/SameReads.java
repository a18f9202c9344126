package io.chronon.db;

import io.chronon.edn.Keyword;
import io.chronon.index.SortedIndex;
import io.chronon.pull.Pull;
import io.chronon.query.Datalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Asserts that two db values of the same database read alike: counters, schema, every index
 * (current and retracted, both directions, seeks, ceilings, floors, counts), the log, the
 * views (as-of, since, history and their mixes), entities, pulls and a few queries over the
 * people schema of {@link EditingRunTest#SCHEMA}: for tests in any package that build a value
 * another way (e.g. from durable index roots) and compare it with the one held in memory.
 */
public final class SameReads {
    private static final List<String> QUERIES = List.of(
            "[:find ?e ?n :where [?e :p/name ?n]]",
            "[:find ?n ?fn :where [?e :p/name ?n] [?e :p/friend ?f] [?f :p/name ?fn]]",
            "[:find ?id (count ?t) :where [?e :p/id ?id] [?e :p/tags ?t]]",
            "[:find ?e :where [?e :p/name ?n] [(< \"n2\" ?n)] [(< ?n \"n4\")]]",
            "[:find ?a ?v :where [?a :db/ident ?v] [?a :db/valueType _]]");

    private SameReads() {
    }

    /** Fails naming {@code where} and the read if {@code actual} reads otherwise than {@code expected}. */
    public static void assertSameReads(DbValue expected, DbValue actual, Random r, String where) {
        assertEquals(List.of(expected.basisT(), expected.nextT(), expected.nextDbCounter(), expected.lastTxInstant(), (long) expected.size()),
                List.of(actual.basisT(), actual.nextT(), actual.nextDbCounter(), actual.lastTxInstant(), (long) actual.size()), where + ", counters");
        List<Datom> log = all(expected.logDatoms());
        assertEquals(log, all(actual.logDatoms()), where + ", log");
        for (Datom d : all(expected.history().datoms(IndexType.AEVT, Keyword.of("db/ident")))) {
            assertEquals(expected.attribute(d.e()), actual.attribute(d.e()), where + ", attribute " + d);
            assertEquals(expected.entid(d.v()), actual.entid(d.v()), where + ", entid " + d.v());
            assertEquals(expected.ident(d.e()), actual.ident(d.e()), where + ", ident " + d.e());
        }
        List<Datom> samples = all(expected.history().datoms(IndexType.EAVT));
        for (IndexType type : IndexType.values()) {
            for (boolean current : new boolean[] {true, false}) {
                assertSameIndex(IndexedValue.index(expected, type, current), IndexedValue.index(actual, type, current), samples, r,
                        where + ", " + (current ? "current " : "retracted ") + type);
            }
        }
        long t1 = randomT(log, r);
        long t2 = randomT(log, r);
        List<UnaryOperator<DbValue>> views = List.of(db -> db, db -> db.asOf(t1), db -> db.since(t2), DbValue::history,
                db -> db.history().asOf(t1), db -> db.asOf(t1).since(t2));
        for (UnaryOperator<DbValue> view : views) {
            DbValue e = view.apply(expected);
            DbValue a = view.apply(actual);
            String in = where + ", view " + e;
            for (IndexType type : IndexType.values()) {
                assertEquals(all(e.datoms(type)), all(a.datoms(type)), in + ", all of " + type);
                for (int i = 0; i < 10; i++) {
                    Object[] components = components(type, samples.get(r.nextInt(samples.size())), r);
                    String what = in + ", " + type + " " + Arrays.toString(components);
                    assertEquals(all(e.datoms(type, components)), all(a.datoms(type, components)), what);
                    assertEquals(first(e.seekDatoms(type, components), 30), first(a.seekDatoms(type, components), 30), "seek " + what);
                    IndexRange range = IndexRange.on(type).e(samples.get(r.nextInt(samples.size())).e()).build();
                    assertEquals(e.first(type, range.from(), range.to()), a.first(type, range.from(), range.to()), "first " + what);
                    assertEquals(e.count(type, range.from(), null), a.count(type, range.from(), null), "count " + what);
                }
            }
            assertEquals(all(e.indexRange(Keyword.of("p/name"), "n1", "n3")), all(a.indexRange(Keyword.of("p/name"), "n1", "n3")), in + ", indexRange");
            for (String q : QUERIES) {
                assertEquals(Datalog.q(q, e), Datalog.q(q, a), in + ", " + q);
            }
            if (!e.isHistory()) {
                for (int i = 0; i < 5; i++) {
                    long id = samples.get(r.nextInt(samples.size())).e();
                    assertEquals(Pull.pull(e, "[* {:p/friend [:p/id :p/name]}]", id), Pull.pull(a, "[* {:p/friend [:p/id :p/name]}]", id), in + ", pull " + id);
                    assertEquals(Pull.entity(e, id).toMap(), Pull.entity(a, id).toMap(), in + ", entity " + id);
                    assertEquals(Pull.entity(e, id).touch().toString(), Pull.entity(a, id).touch().toString(), in + ", touched entity " + id);
                }
            }
        }
        for (int i = 0; i < 10; i++) {
            Long from = r.nextInt(4) == 0 ? null : randomT(log, r);
            Long to = r.nextInt(4) == 0 ? null : randomT(log, r);
            assertEquals(all(expected.txRange(from, to)), all(actual.txRange(from, to)), where + ", txRange " + from + " " + to);
        }
    }

    /** The index itself: both directions whole and from samples, and its point reads. */
    private static void assertSameIndex(SortedIndex<Datom> e, SortedIndex<Datom> a, List<Datom> samples, Random r, String where) {
        assertEquals(e.size(), a.size(), where + ", size");
        assertEquals(all(e), all(a), where + ", ascending");
        assertEquals(all(e.rslice(null, null)), all(a.rslice(null, null)), where + ", descending");
        for (int i = 0; i < 10; i++) {
            Datom lo = samples.get(r.nextInt(samples.size()));
            Datom hi = samples.get(r.nextInt(samples.size()));
            if (e.comparator().compare(lo, hi) > 0) {
                Datom swap = lo;
                lo = hi;
                hi = swap;
            }
            String what = where + " " + lo + " .. " + hi;
            assertEquals(all(e.slice(lo, hi)), all(a.slice(lo, hi)), what);
            assertEquals(all(e.rslice(hi, lo)), all(a.rslice(hi, lo)), "reversed " + what);
            assertEquals(e.count(lo, hi), a.count(lo, hi), "count " + what);
            assertEquals(e.ceiling(lo), a.ceiling(lo), "ceiling " + what);
            assertEquals(e.floor(hi), a.floor(hi), "floor " + what);
            assertEquals(e.contains(lo), a.contains(lo), "contains " + what);
        }
    }

    /** Leading components of {@code d} in {@code type}'s order, 0 to 4 of them, now and then one of them changed. */
    public static Object[] components(IndexType type, Datom d, Random r) {
        Object[] out = new Object[r.nextInt(5)];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (IndexRange.component(type, i)) {
                case IndexRange.E -> d.e();
                case IndexRange.A -> d.a();
                case IndexRange.V -> d.v();
                default -> d.tx();
            };
        }
        if (out.length > 0 && r.nextInt(6) == 0 && IndexRange.component(type, out.length - 1) == IndexRange.E) {
            out[out.length - 1] = d.e() + 1;
        }
        return out;
    }

    private static long randomT(List<Datom> log, Random r) {
        return log.isEmpty() ? 66 : log.get(r.nextInt(log.size())).t() + r.nextInt(3) - 1;
    }

    /** The first {@code n} datoms of {@code it} (fewer if it has fewer). */
    public static List<Datom> first(Iterable<Datom> it, int n) {
        List<Datom> out = new ArrayList<>();
        for (Datom d : it) {
            if (out.size() == n) {
                break;
            }
            out.add(d);
        }
        return out;
    }

    /** Every datom of {@code it}, in its order. */
    public static List<Datom> all(Iterable<Datom> it) {
        List<Datom> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }
}
