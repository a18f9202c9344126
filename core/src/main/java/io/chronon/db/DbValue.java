package io.chronon.db;

import io.chronon.ChrononException;
import io.chronon.edn.Keyword;
import io.chronon.index.MergingIterator;
import io.chronon.index.PersistentSortedSet;
import io.chronon.index.SortedIndex;

import java.util.Date;
import java.util.Iterator;
import java.util.List;

/**
 * An immutable database value at a basis t: the covering indexes of current facts, the
 * history of retracted facts, the transaction log and the schema. Asking for a view
 * ({@link #asOf}, {@link #since}, {@link #history}) is cheap: views share all data and only
 * filter what index reads return.
 *
 * <p>Layout: the current indexes (EAVT, AEVT, AVET, VAET) hold the facts that are true at
 * the basis, each with the transaction that asserted it. A retracted fact moves to the
 * history indexes as two datoms, its assertion and its retraction (unless its attribute is
 * {@code :db/noHistory}). AVET holds every attribute (Datomic only keeps it for indexed or
 * unique ones) because the query planner uses it for value lookups and ranges; VAET holds
 * refs only.
 *
 * <p>Every index is read through {@link SortedIndex}: held in memory, or layered (a base
 * built at some t plus the novelty since, {@link io.chronon.index.LayeredIndex}). Both give
 * the same answers; a transaction edits the in-memory part only.
 */
public final class DbValue {
    /** No as-of filter. */
    static final long NO_AS_OF = Long.MAX_VALUE;
    /** No since filter. */
    static final long NO_SINCE = -1;

    final Schema schema;
    // Read through SortedIndex: in memory (PersistentSortedSet) or a base plus novelty (LayeredIndex).
    final SortedIndex<Datom>[] current;
    final SortedIndex<Datom>[] retracted;
    final SortedIndex<Datom> log;
    final long basisT;
    final long nextT;
    final long nextDbCounter;
    final long lastTxInstant;

    private final long asOfT;
    private final long sinceT;
    private final boolean history;
    /** Non-null while this value is in a writer's editing run (see {@link #editingRun}). */
    final Object editRun;

    DbValue(Schema schema, SortedIndex<Datom>[] current, SortedIndex<Datom>[] retracted,
            SortedIndex<Datom> log, long basisT, long nextT, long nextDbCounter, long lastTxInstant,
            long asOfT, long sinceT, boolean history) {
        this(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant, asOfT, sinceT, history, null);
    }

    DbValue(Schema schema, SortedIndex<Datom>[] current, SortedIndex<Datom>[] retracted,
            SortedIndex<Datom> log, long basisT, long nextT, long nextDbCounter, long lastTxInstant,
            long asOfT, long sinceT, boolean history, Object editRun) {
        this.editRun = editRun;
        this.schema = schema;
        this.current = current;
        this.retracted = retracted;
        this.log = log;
        this.basisT = basisT;
        this.nextT = nextT;
        this.nextDbCounter = nextDbCounter;
        this.lastTxInstant = lastTxInstant;
        this.asOfT = asOfT;
        this.sinceT = sinceT;
        this.history = history;
    }

    /** A new, empty database holding only Datomic's bootstrap schema. */
    public static DbValue empty() {
        return Bootstrap.DB;
    }

    // ------------------------------------------------------------------ basis and views

    /** The t of the most recent transaction in this value (ignoring as-of). */
    public long basisT() {
        return basisT;
    }

    /**
     * The t of the most recent transaction in this value's durable index (Datomic's
     * {@code indexBasisT}): the transactions after it are novelty, held in memory. 0 when the
     * value has no durable index yet (everything in memory). Reads one path of the log's index.
     */
    public long indexBasisT() {
        if (log instanceof io.chronon.index.LayeredIndex<Datom> layered && !layered.base().isEmpty()) {
            Datom last = layered.base().floor(new Datom(Long.MAX_VALUE, Long.MAX_VALUE, Values.MAX, Long.MAX_VALUE, true));
            return last == null ? 0 : Ids.txToT(last.tx());
        }
        return 0;
    }

    /** The t the next transaction will get; entity ids also count up from here. */
    public long nextT() {
        return nextT;
    }

    /** The next counter for new entities in {@code :db.part/db}. For the transaction processor. */
    public long nextDbCounter() {
        return nextDbCounter;
    }

    /** The {@code :db/txInstant} of the most recent transaction, in epoch milliseconds. */
    public long lastTxInstant() {
        return lastTxInstant;
    }

    /** The as-of t of this view, or -1 if it is not an as-of view. */
    public long asOfT() {
        return asOfT == NO_AS_OF ? -1 : asOfT;
    }

    /** The since t of this view, or -1 if it is not a since view. */
    public long sinceT() {
        return sinceT;
    }

    public boolean isHistory() {
        return history;
    }

    /** True for an as-of, since or history view. */
    public boolean isFiltered() {
        return asOfT != NO_AS_OF || sinceT != NO_SINCE || history;
    }

    /**
     * This database as it was at {@code point}: a t, a transaction entity id, or a
     * {@link Date} (the last transaction at or before that instant).
     */
    public DbValue asOf(Object point) {
        long t = toT(point);
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                Math.min(t, asOfT), sinceT, history);
    }

    /** This database restricted to facts asserted after {@code point} (a t, tx id or Date). */
    public DbValue since(Object point) {
        long t = toT(point);
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                asOfT, Math.max(t, sinceT), history);
    }

    /** Every assertion and retraction ever made, with their transactions and added flags. */
    public DbValue history() {
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                asOfT, sinceT, true);
    }

    /**
     * For a transactor: this value, starting a run of transactions that edit in place the
     * index nodes the run itself creates instead of copying them again for every
     * transaction ({@link PersistentSortedSet#toTransient(Object)}). Applying a transaction
     * to a value of the run gives the next value of the run; every value of the run but the
     * newest becomes invalid when the next transaction is applied (they share the edited
     * nodes), so only the newest may be read, and only through {@link #sealed()} may it
     * leave the writer. A transaction that fails leaves the run's newest value as it was.
     */
    public DbValue editingRun() {
        if (isFiltered()) {
            throw new IllegalStateException("an editing run starts from an unfiltered value");
        }
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                NO_AS_OF, NO_SINCE, false, new Object());
    }

    /** True if this value belongs to an editing run that is not sealed (see {@link #editingRun}). */
    public boolean inEditingRun() {
        return editRun != null;
    }

    /**
     * Ends this value's editing run: the same data as an ordinary immutable value, which
     * no later transaction edits (later ones copy, or start a new run). Values of the run
     * other than this one must not be used any more. This value itself if not in a run.
     */
    public DbValue sealed() {
        if (editRun == null) {
            return this;
        }
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                asOfT, sinceT, history, null);
    }

    /** This value without as-of, since and history filters. */
    public DbValue unfiltered() {
        if (!isFiltered()) {
            return this;
        }
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                NO_AS_OF, NO_SINCE, false);
    }

    /** This value (its views included) reading other indexes that hold the same datoms; outside any editing run. */
    DbValue withIndexes(SortedIndex<Datom>[] current, SortedIndex<Datom>[] retracted, SortedIndex<Datom> log) {
        return new DbValue(schema, current, retracted, log, basisT, nextT, nextDbCounter, lastTxInstant,
                asOfT, sinceT, history);
    }

    private long toT(Object point) {
        if (point instanceof Date d) {
            IndexRange upTo = IndexRange.on(IndexType.AVET).a(Bootstrap.TX_INSTANT).values(null, d).build();
            for (Datom x : current[IndexType.AVET.ordinal()].rslice(upTo.to(), upTo.from())) {
                // any entity may carry :db/txInstant; only transactions count
                if (Ids.isTx(x.e())) {
                    return Ids.txToT(x.e());
                }
            }
            return 0;
        }
        if (point instanceof Number n) {
            return Ids.txToT(n.longValue());
        }
        throw ChrononException.incorrect("db.error/invalid-time-point",
                "A time point must be a t, a transaction id or a java.util.Date, not " + point, point);
    }

    // ------------------------------------------------------------------ schema and ids

    public Schema schema() {
        return schema;
    }

    /** The attribute named by an ident, an entity id or a lookup ref; null if it is not one. */
    public Attribute attribute(Object attr) {
        if (attr instanceof Keyword k) {
            return schema.attribute(k);
        }
        if (attr instanceof Number n) {
            return schema.attribute(n.longValue());
        }
        Long id = entid(attr);
        return id == null ? null : schema.attribute(id);
    }

    /**
     * The entity id for an entity id (returned as is), an ident keyword, or a lookup ref
     * {@code [unique-attr value]}; null when nothing matches. Idents ignore views, as in Datomic.
     */
    public Long entid(Object eid) {
        if (eid instanceof Long l) {
            return l;
        }
        if (eid instanceof Number n) {
            return n.longValue();
        }
        if (eid instanceof Keyword k) {
            return schema.entid(k);
        }
        if (eid instanceof List<?> ref && ref.size() == 2 && !(ref.get(0) instanceof Number)) {
            return lookup(ref.get(0), ref.get(1), ref);
        }
        return null;
    }

    /** Like {@link #entid} but a missing entity or ident is a {@code not-found} error. */
    public long entidStrict(Object eid) {
        Long id = entid(eid);
        if (id == null) {
            if (eid instanceof List<?>) {
                throw ChrononException.notFound("db.error/not-found", "No entity matches lookup ref " + io.chronon.edn.EdnPrinter.print(eid), eid);
            }
            throw ChrononException.notFound("db.error/not-an-entity", "Unable to resolve entity: " + io.chronon.edn.EdnPrinter.print(eid), eid);
        }
        return id;
    }

    private Long lookup(Object attrRef, Object value, Object form) {
        Attribute a = attribute(attrRef);
        if (a == null) {
            throw ChrononException.incorrect("db.error/not-an-attribute",
                    "Lookup ref attribute is not an attribute: " + io.chronon.edn.EdnPrinter.print(attrRef), form);
        }
        if (!a.isUnique()) {
            throw ChrononException.incorrect("db.error/lookup-ref-attr-not-unique",
                    "Attribute " + a.ident() + " of lookup ref " + io.chronon.edn.EdnPrinter.print(form) + " is not :db/unique", form);
        }
        Object v = value;
        if (a.isRef()) {
            Long ref = entid(value);
            if (ref == null) {
                return null;
            }
            v = ref;
        } else {
            Object c = a.valueType().coerce(value, ValueType.Coercion.QUERY);
            if (c == null && a.valueType() != ValueType.TUPLE) {
                return null;
            }
            if (c != null) {
                v = c;
            }
        }
        for (Datom d : datoms(IndexType.AVET, a.id(), v)) {
            return d.e();
        }
        return null;
    }

    /**
     * Datomic's {@code attribute}: the attribute an ident or id names, or null (nil, an
     * unknown name, an entity that is no attribute); anything else is {@code :db.error/not-a-keyword}.
     * Ignores views, as idents do.
     */
    public Attribute attributeOf(Object attr) {
        return Lookups.attribute(this, attr);
    }

    /**
     * Datomic's {@code entidAt}: an entity id in {@code partition} (an ident or id) whose t
     * part is {@code point} (a t, a transaction id, or a {@link Date}: the first transaction
     * at or after it, else the next t), for ranges of entity ids by creation time. Ignores views.
     */
    public long entidAt(Object partition, Object point) {
        return Lookups.entidAt(this, partition, point);
    }

    /** The ident of an entity (an id or a keyword), or null. Idents ignore views. */
    public Keyword ident(Object eid) {
        if (eid instanceof Keyword k) {
            return schema.entid(k) == null ? null : k;
        }
        if (eid instanceof Number n) {
            return schema.ident(n.longValue());
        }
        return null;
    }

    // ------------------------------------------------------------------ index reads

    /**
     * The datoms of {@code index} whose leading components equal {@code components}, in
     * index order, as seen by this view. Components are entity ids, idents or lookup refs
     * for e (and for v of a ref attribute), attribute idents or ids for a, values, and t or
     * tx ids for tx. An entity that does not exist gives no datoms.
     */
    public Iterable<Datom> datoms(IndexType index, Object... components) {
        IndexRange range = range(index, components);
        if (range == null) {
            return List.of();
        }
        return slice(index, range.from(), range.to());
    }

    /**
     * The datoms of {@code index} from the first one at or after {@code components} to the
     * end of the index, as seen by this view.
     */
    public Iterable<Datom> seekDatoms(IndexType index, Object... components) {
        IndexRange range = range(index, components);
        if (range == null) {
            return List.of();
        }
        return slice(index, range.from(), null);
    }

    /**
     * The AVET datoms of {@code attr} with {@code start <= v < end}; a null bound is open.
     */
    public Iterable<Datom> indexRange(Object attr, Object start, Object end) {
        Attribute a = attribute(attr);
        if (a == null) {
            throw ChrononException.incorrect("db.error/not-an-attribute",
                    "Not an attribute: " + io.chronon.edn.EdnPrinter.print(attr), attr);
        }
        IndexRange range = IndexRange.on(IndexType.AVET).a(a.id()).values(start, null).build();
        Iterable<Datom> all = slice(IndexType.AVET, range.from(), range.to());
        if (end == null) {
            return all;
        }
        return () -> new LookaheadIterator<>() {
            private final Iterator<Datom> it = all.iterator();

            @Override
            protected Datom computeNext() {
                if (it.hasNext()) {
                    Datom d = it.next();
                    if (Values.compare(d.v(), end) < 0) {
                        return d;
                    }
                }
                return null;
            }
        };
    }

    /**
     * The datoms of {@code index} between two bound datoms (inclusive; null is open), as
     * seen by this view. The primitive read that queries and pull are built on.
     */
    public Iterable<Datom> slice(IndexType index, Datom from, Datom to) {
        SortedIndex<Datom> cur = current[index.ordinal()];
        if (!isFiltered()) {
            return cur.slice(from, to);
        }
        if (!history && asOfT == NO_AS_OF) {
            long since = sinceT;
            return () -> new FilterIterator(cur.slice(from, to).iterator(), since, NO_AS_OF);
        }
        SortedIndex<Datom> old = retracted[index.ordinal()];
        Iterable<Datom> merged = () -> new MergingIterator<>(cur.slice(from, to).iterator(),
                old.slice(from, to).iterator(), index.comparator());
        if (history) {
            long since = sinceT;
            long asOf = asOfT;
            return () -> new FilterIterator(merged.iterator(), since, asOf);
        }
        long since = sinceT;
        long asOf = asOfT;
        return () -> new AsOfIterator(merged.iterator(), asOf, since);
    }

    /**
     * The first datom of {@code index} between two bounds (inclusive; null is open) as seen
     * by this view, or null: {@link #slice} for when one datom is all that can match (a
     * cardinality-one value of an entity), without an iterator on an unfiltered value.
     */
    public Datom first(IndexType index, Datom from, Datom to) {
        if (!isFiltered()) {
            Datom d = from == null ? null : current[index.ordinal()].ceiling(from);
            if (from == null) {
                java.util.Iterator<Datom> it = current[index.ordinal()].iterator();
                d = it.hasNext() ? it.next() : null;
            }
            return d != null && (to == null || index.comparator().compare(d, to) <= 0) ? d : null;
        }
        java.util.Iterator<Datom> it = slice(index, from, to).iterator();
        return it.hasNext() ? it.next() : null;
    }

    /**
     * How many current datoms lie between two bounds, ignoring views: an O(log n) estimate
     * for the query planner.
     */
    public int count(IndexType index, Datom from, Datom to) {
        return (int) Math.min(Integer.MAX_VALUE, current[index.ordinal()].count(from, to));
    }

    /** The number of current datoms (ignoring views); {@link Integer#MAX_VALUE} if there are more. */
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, current[IndexType.EAVT.ordinal()].size());
    }

    /**
     * The datoms of the transactions with {@code startT <= t < endT} (a null bound is open),
     * in transaction order: Datomic's {@code tx-range} over the log. The log is the whole
     * database's: views do not filter it (pass bounds instead).
     */
    public Iterable<Datom> txRange(Long startT, Long endT) {
        Datom from = startT == null ? null : new Datom(Long.MIN_VALUE, Long.MIN_VALUE, Values.MIN, Ids.tToTx(startT), false);
        Datom to = endT == null ? null : new Datom(Long.MAX_VALUE, Long.MAX_VALUE, Values.MAX, Ids.tToTx(endT) - 1, true);
        return log.slice(from, to);
    }

    /** The range of {@code index} that leading components select; null if they match nothing. */
    private IndexRange range(IndexType index, Object[] components) {
        if (components.length > 4) {
            throw ChrononException.incorrect("db.error/invalid-datoms-components",
                    "At most 4 components can be given, got " + components.length, List.of(components));
        }
        IndexRange.Builder range = IndexRange.on(index);
        Attribute attr = null;
        // resolve the attribute first: it decides how a value is read
        for (int i = 0; i < components.length; i++) {
            if (IndexRange.component(index, i) == IndexRange.A && components[i] != null) {
                attr = attribute(components[i]);
                if (attr == null) {
                    if (components[i] instanceof Keyword && schema.entid((Keyword) components[i]) == null) {
                        throw ChrononException.incorrect("db.error/not-an-attribute",
                                "Not an attribute: " + components[i], components[i]);
                    }
                    return null;
                }
                range.a(attr.id());
            }
        }
        for (int i = 0; i < components.length; i++) {
            Object c = components[i];
            if (c == null) {
                continue;
            }
            switch (IndexRange.component(index, i)) {
                case IndexRange.E -> {
                    Long e = entid(c);
                    if (e == null) {
                        return null;
                    }
                    range.e(e);
                }
                case IndexRange.A -> {
                }
                case IndexRange.V -> {
                    Object v = c;
                    if ((attr != null && attr.isRef()) || index == IndexType.VAET) {
                        Long ref = c instanceof Number || c instanceof Keyword || c instanceof List ? entid(c) : null;
                        if (ref == null) {
                            return null;
                        }
                        v = ref;
                    } else if (attr != null) {
                        Object coerced = attr.valueType().coerce(c, ValueType.Coercion.QUERY);
                        if (coerced != null) {
                            v = coerced;
                        }
                    }
                    range.v(v);
                }
                default -> {
                    if (!(c instanceof Number n)) {
                        throw ChrononException.incorrect("db.error/invalid-datoms-components",
                                "A tx component must be a t or a transaction id, not " + c, c);
                    }
                    range.tx(Ids.tToTx(Ids.txToT(n.longValue())));
                }
            }
        }
        return range.build();
    }

    // ------------------------------------------------------------------ transactions

    /**
     * Everything a snapshot needs to rebuild this value exactly with {@link #restore}: the
     * current and the retracted datoms (EAVT order) and the log (transaction order). Views
     * are ignored: this is the whole database.
     */
    public Iterable<Datom> currentDatoms() {
        return current[IndexType.EAVT.ordinal()];
    }

    /** The retracted facts (assertion and retraction datoms), in EAVT order; see {@link #currentDatoms}. */
    public Iterable<Datom> retractedDatoms() {
        return retracted[IndexType.EAVT.ordinal()];
    }

    /** Every datom of every transaction, in transaction order; see {@link #currentDatoms}. */
    public Iterable<Datom> logDatoms() {
        return log;
    }

    /** Where a datom is kept in a db value: what a snapshot records per log datom (see {@link #restore}). */
    public enum Kept {
        /** An assertion that is still current. */
        CURRENT,
        /** Part of a retracted fact (its assertion or its retraction), kept for {@link #history}. */
        RETRACTED,
        /** Only in the log: a retracted fact of a {@code :db/noHistory} attribute. */
        LOG_ONLY
    }

    /** Where {@code datom} (of this value's log or bootstrap) is kept now. O(log n). */
    public Kept kept(Datom datom) {
        DbValue value = unfiltered();
        if (datom.added() && value.current[IndexType.EAVT.ordinal()].contains(datom)) {
            return Kept.CURRENT;
        }
        return value.retracted[IndexType.EAVT.ordinal()].contains(datom) ? Kept.RETRACTED : Kept.LOG_ONLY;
    }

    /**
     * Rebuilds a db value from a snapshot in O(n log n), without replaying transactions: the
     * datoms of {@link #currentDatoms}, {@link #retractedDatoms} and {@link #logDatoms} (in any
     * order) and the counters of the value they came from.
     */
    public static DbValue restore(List<Datom> currentDatoms, List<Datom> retractedDatoms, List<Datom> logDatoms,
                                  long basisT, long nextT, long nextDbCounter, long lastTxInstant) {
        return Indexer.restore(currentDatoms, retractedDatoms, logDatoms, basisT, nextT, nextDbCounter, lastTxInstant);
    }

    /**
     * The next db value: this one with {@code txData} applied as transaction {@code t}. For
     * the transaction processor only: {@code txData} must already be validated, resolved and
     * free of redundant datoms, with every retraction naming a current fact.
     */
    public DbValue applyTransaction(long t, List<Datom> txData, long newNextT, long newNextDbCounter, long txInstant) {
        return Indexer.apply(this, t, txData, newNextT, newNextDbCounter, txInstant);
    }

    /**
     * A speculative transaction: what the database would be after {@code txData}, without
     * committing anything. Works on any db value; views are dropped first, as the
     * transaction applies to the whole database.
     */
    public io.chronon.tx.TxOutcome with(List<?> txData) {
        return with(txData, io.chronon.tx.TxOptions.defaults());
    }

    /** {@link #with(List)} with the writer's options: its clock and transaction functions. */
    public io.chronon.tx.TxOutcome with(List<?> txData, io.chronon.tx.TxOptions options) {
        return io.chronon.tx.TxProcessor.transact(unfiltered(), txData, options);
    }

    @Override
    public String toString() {
        return "#chronon/db{:basis-t " + basisT + (asOfT != NO_AS_OF ? " :as-of " + asOfT : "")
                + (sinceT != NO_SINCE ? " :since " + sinceT : "") + (history ? " :history true" : "") + "}";
    }

    /** Current-index reads of a view without history: keep datoms with since < tx <= asOf. */
    private static final class FilterIterator extends LookaheadIterator<Datom> {
        private final Iterator<Datom> in;
        private final long sinceTx;
        private final long asOfTx;

        FilterIterator(Iterator<Datom> in, long sinceT, long asOfT) {
            this.in = in;
            this.sinceTx = sinceT == NO_SINCE ? Long.MIN_VALUE : Ids.tToTx(sinceT);
            this.asOfTx = asOfT == NO_AS_OF ? Long.MAX_VALUE : Ids.tToTx(asOfT);
        }

        @Override
        protected Datom computeNext() {
            while (in.hasNext()) {
                Datom d = in.next();
                if (d.tx() > sinceTx && d.tx() <= asOfTx) {
                    return d;
                }
            }
            return null;
        }
    }

    /**
     * The facts true at asOf: from the merged current and retracted datoms of each fact (they
     * are adjacent in every index order), the latest event at or before asOf decides.
     */
    private static final class AsOfIterator extends LookaheadIterator<Datom> {
        private final Iterator<Datom> in;
        private final long asOfTx;
        private final long sinceTx;
        private Datom pending;

        AsOfIterator(Iterator<Datom> in, long asOfT, long sinceT) {
            this.in = in;
            this.asOfTx = asOfT == NO_AS_OF ? Long.MAX_VALUE : Ids.tToTx(asOfT);
            this.sinceTx = sinceT == NO_SINCE ? Long.MIN_VALUE : Ids.tToTx(sinceT);
            this.pending = in.hasNext() ? in.next() : null;
        }

        @Override
        protected Datom computeNext() {
            while (pending != null) {
                Datom first = pending;
                Datom lastVisible = null;
                Datom d = first;
                while (true) {
                    if (d.tx() <= asOfTx) {
                        lastVisible = d;
                    }
                    if (!in.hasNext()) {
                        pending = null;
                        break;
                    }
                    Datom n = in.next();
                    if (!n.sameFact(first)) {
                        pending = n;
                        break;
                    }
                    d = n;
                }
                if (lastVisible != null && lastVisible.added() && lastVisible.tx() > sinceTx) {
                    return lastVisible;
                }
            }
            return null;
        }
    }
}
