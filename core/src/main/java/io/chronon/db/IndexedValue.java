package io.chronon.db;

import io.chronon.edn.Keyword;
import io.chronon.index.LayeredIndex;
import io.chronon.index.PersistentSortedSet;
import io.chronon.index.SortedIndex;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A db value over durable index bases: what a peer or a moved writer starts from (the roots
 * of an indexing job at some t) before it applies the log after that t as novelty. Core knows
 * no durable tree; the bases are any {@link SortedIndex} of the right order and datoms.
 *
 * <p>The schema is not handed in: it is rebuilt from the bases themselves, by reading the
 * datoms of the schema attributes (AEVT) and the entities they name (EAVT), and the retired
 * idents from the retracted {@code :db/ident} datoms. That costs reads in proportion to the
 * schema, not to the database, and the schema can never disagree with the datoms it is
 * made of (as it is rebuilt by {@link DbValue#restore} from a snapshot's datoms).
 */
public final class IndexedValue {
    /** The order of the log: by transaction, then entity, attribute, value, added ({@link DbValue#txRange} reads in it). */
    public static final Comparator<Datom> LOG_ORDER = Indexer.LOG_ORDER;

    private IndexedValue() {
    }

    /** The durable bases a value is built over. */
    @FunctionalInterface
    public interface Bases {
        /**
         * The base of the current ({@code current}) or retracted index of {@code type}: its
         * datoms as of the value's basis t, in the order of {@code type}; for VAET, the datoms
         * of reference attributes only.
         */
        SortedIndex<Datom> base(IndexType type, boolean current);
    }

    /**
     * The unfiltered value at {@code basisT} whose eight indexes and log are {@code bases} and
     * {@code log} with no novelty yet ({@link LayeredIndex}), so that transactions applied to it
     * ({@link DbValue#applyTransaction}) edit only novelty. {@code log} holds every datom
     * transacted up to {@code basisT} in {@link #LOG_ORDER}; the counters are those of the value
     * the bases were indexed from.
     */
    @SuppressWarnings("unchecked")
    public static DbValue over(Bases bases, SortedIndex<Datom> log, long basisT, long nextT, long nextDbCounter, long lastTxInstant) {
        SortedIndex<Datom>[] current = new SortedIndex[4];
        SortedIndex<Datom>[] retracted = new SortedIndex[4];
        for (IndexType type : IndexType.values()) {
            current[type.ordinal()] = LayeredIndex.over(checked(bases.base(type, true), type));
            retracted[type.ordinal()] = LayeredIndex.over(checked(bases.base(type, false), type));
        }
        if (Objects.requireNonNull(log, "log").comparator() != LOG_ORDER) {
            throw new IllegalArgumentException("the base of the log is in another order: " + log);
        }
        Schema schema = schema(current[IndexType.AEVT.ordinal()], current[IndexType.EAVT.ordinal()],
                retracted[IndexType.AEVT.ordinal()]);
        return new DbValue(schema, current, retracted, LayeredIndex.over(log),
                basisT, nextT, nextDbCounter, lastTxInstant, DbValue.NO_AS_OF, DbValue.NO_SINCE, false);
    }

    /** {@link #over(Bases, SortedIndex, long, long, long, long)} with the log up to {@code basisT} given in any order and held in memory. */
    public static DbValue over(Bases bases, Iterable<Datom> log, long basisT, long nextT, long nextDbCounter, long lastTxInstant) {
        List<Datom> logDatoms = new ArrayList<>();
        log.forEach(logDatoms::add);
        logDatoms.sort(Indexer.LOG_ORDER);
        return over(bases, PersistentSortedSet.fromSorted(Indexer.LOG_ORDER, logDatoms), basisT, nextT, nextDbCounter, lastTxInstant);
    }

    /** The log of {@code db} (every datom transacted up to its basis, in {@link #LOG_ORDER}), whatever its views. */
    public static SortedIndex<Datom> log(DbValue db) {
        return db.log;
    }

    /**
     * The datoms {@code db} holds in memory beyond durable bases: its log's novelty if the log
     * is layered over a base ({@link LayeredIndex}), else its whole log. What an indexing job
     * would merge, and so what decides when one is due.
     */
    public static long noveltyDatoms(DbValue db) {
        return db.log instanceof LayeredIndex<Datom> layered ? layered.added().size() + layered.removed().size() : db.log.size();
    }

    /**
     * The current ({@code current}) or retracted index of {@code type} of {@code db}, whatever
     * its views: for an indexing job, which reads the novelty of a layered index.
     */
    public static SortedIndex<Datom> index(DbValue db, IndexType type, boolean current) {
        return current ? db.current[type.ordinal()] : db.retracted[type.ordinal()];
    }

    private static SortedIndex<Datom> checked(SortedIndex<Datom> base, IndexType type) {
        if (Objects.requireNonNull(base, "base").comparator() != type.comparator()) {
            throw new IllegalArgumentException("the base of the " + type + " index is in another order: " + base);
        }
        return base;
    }

    /** As {@link Indexer#restore}: the schema entities' definitions, then retired idents newest first. */
    private static Schema schema(SortedIndex<Datom> aevt, SortedIndex<Datom> eavt, SortedIndex<Datom> retractedAevt) {
        Set<Long> entities = new LinkedHashSet<>();
        for (long a = 0; a < Bootstrap.SCHEMA_ATTR_LIMIT; a++) {
            if (Bootstrap.isSchemaAttribute(a)) {
                for (Datom d : attribute(aevt, a)) {
                    entities.add(d.e());
                }
            }
        }
        Schema.Builder builder = Indexer.rebuildSchema(new Schema.Builder(null).build(), eavt, entities).toBuilder();
        List<Datom> retired = new ArrayList<>();
        for (Datom d : attribute(retractedAevt, Bootstrap.IDENT)) {
            if (!d.added()) {
                retired.add(d);
            }
        }
        // newest first, as the log read backwards (ties by entity, also backwards)
        retired.sort(Comparator.comparingLong(Datom::tx).thenComparingLong(Datom::e).reversed());
        for (Datom d : retired) {
            builder.identToId.putIfAbsent((Keyword) d.v(), d.e());
        }
        return builder.build();
    }

    private static Iterable<Datom> attribute(SortedIndex<Datom> aevt, long a) {
        return aevt.slice(new Datom(Long.MIN_VALUE, a, Values.MIN, Long.MIN_VALUE, false),
                new Datom(Long.MAX_VALUE, a, Values.MAX, Long.MAX_VALUE, true));
    }
}
