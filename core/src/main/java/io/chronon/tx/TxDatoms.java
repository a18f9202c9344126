package io.chronon.tx;

import io.chronon.db.Attribute;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.Schema;
import io.chronon.db.Values;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the datoms of a transaction from its resolved {@link Op}s. The operations of one
 * transaction act as if applied at once to the database as it was before it, as in Datomic:
 * <ul>
 *   <li>an assertion and a retraction of one fact, or two values of a cardinality-one
 *       attribute of one entity (asserted, or explicitly retracted), are
 *       {@code :db.error/datoms-conflict};</li>
 *   <li>duplicate operations collapse; asserting a fact that already holds, or retracting one
 *       that does not, adds nothing;</li>
 *   <li>a new value of a cardinality-one attribute retracts the old one;</li>
 *   <li>composite tuples are derived from their attributes' final values;</li>
 *   <li>a unique value held by another entity that keeps it is
 *       {@code :db.error/unique-conflict}; two entities asserting one unique value in the
 *       same transaction are {@code :db.error/datoms-conflict}.</li>
 * </ul>
 */
final class TxDatoms {
    private final DbValue db;
    private final Schema schema;
    private final long txId;

    private final HashMap<Fact, Fact> facts = new HashMap<>();
    private final ArrayList<Fact> order = new ArrayList<>();
    private final HashMap<EntityAttr, Fact> cardinalityOne = new HashMap<>();
    private final HashMap<EntityAttr, Fact> retractedOne = new HashMap<>();

    /** The datoms of the transaction, without the transaction's own {@code :db/txInstant} unless set explicitly. */
    final ArrayList<Datom> datoms = new ArrayList<>();
    /** The {@code :db/txInstant} the transaction data set on the transaction entity, or null. */
    Date explicitTxInstant;

    TxDatoms(DbValue db, long txId) {
        this.db = db;
        this.schema = db.schema();
        this.txId = txId;
    }

    /** Runs every step: collect, resolve against the db, derive composites, check uniqueness. */
    List<Datom> build(List<Op> ops) {
        collect(ops);
        emit();
        CompositeTuples.derive(db, this);
        checkUnique();
        return datoms;
    }

    private void collect(List<Op> ops) {
        for (Op op : ops) {
            if (op.identityOnly) {
                continue;
            }
            if (op.attr.id() == Bootstrap.TX_INSTANT) {
                txInstant(op);
            }
            Fact probe = new Fact(op.e, op.attr, op.v);
            Fact f = facts.putIfAbsent(probe, probe);
            if (f == null) {
                f = probe;
                f.isNew = op.eIsNew;
                order.add(f);
            }
            if (op.added) {
                if (f.retracted) {
                    throw TxErrors.datomsConflict(db, f.datom(txId, false), f.datom(txId, true));
                }
                f.asserted = true;
                if (!op.attr.many()) {
                    Fact prev = cardinalityOne.putIfAbsent(new EntityAttr(op.e, op.attr.id()), f);
                    if (prev != null && prev != f) {
                        throw TxErrors.datomsConflict(db, prev.datom(txId, true), f.datom(txId, true));
                    }
                }
            } else {
                if (f.asserted) {
                    throw TxErrors.datomsConflict(db, f.datom(txId, true), f.datom(txId, false));
                }
                f.retracted = true;
                if (!op.attr.many()) {
                    // Datomic also rejects retracting two values of a cardinality-one attribute
                    Fact prev = retractedOne.putIfAbsent(new EntityAttr(op.e, op.attr.id()), f);
                    if (prev != null && prev != f) {
                        throw TxErrors.datomsConflict(db, prev.datom(txId, false), f.datom(txId, false));
                    }
                }
            }
        }
    }

    private void txInstant(Op op) {
        if (op.e == txId) {
            if (!op.added) {
                throw TxErrors.resetTxInstant(op.form);
            }
            explicitTxInstant = (Date) op.v;
        } else if (Ids.isTx(op.e)) {
            throw TxErrors.resetTxInstant(op.form);
        }
    }

    /** Compares every fact with the database before the transaction. */
    private void emit() {
        for (Fact f : order) {
            if (f.asserted) {
                if (f.isNew) {
                    add(f, true);
                } else if (f.attr.many()) {
                    if (!holds(f)) {
                        add(f, true);
                    }
                } else {
                    Object current = currentValue(f.e, f.attr.id());
                    if (current == null) {
                        add(f, true);
                    } else if (!Values.equal(current, f.v)) {
                        add(f, true);
                        retractImplicitly(f.e, f.attr, current);
                    }
                }
            } else if (!f.isNew && !f.emitted && holds(f)) {
                add(f, false);
            }
        }
    }

    /** The retraction of the old value of a cardinality-one attribute, unless the data retracts it already. */
    void retractImplicitly(long e, Attribute attr, Object old) {
        Fact probe = new Fact(e, attr, old);
        Fact r = facts.get(probe);
        if (r == null) {
            probe.retracted = true;
            facts.put(probe, probe);
            add(probe, false);
        } else if (r.asserted) {
            throw TxErrors.datomsConflict(db, r.datom(txId, true), r.datom(txId, false));
        }
        // an explicit retraction is emitted in its own turn
    }

    private void add(Fact f, boolean added) {
        f.emitted = true;
        datoms.add(f.datom(txId, added));
    }

    /** Adds a derived datom (a composite tuple), checking it against the transaction's own. */
    void addDerived(long e, Attribute attr, Object v, boolean added) {
        Fact probe = new Fact(e, attr, v);
        Fact f = facts.get(probe);
        if (f == null) {
            f = probe;
            facts.put(f, f);
        } else if (added ? f.retracted : f.asserted) {
            throw TxErrors.datomsConflict(db, f.datom(txId, !added), f.datom(txId, added));
        } else if (f.emitted) {
            return;
        }
        if (added) {
            f.asserted = true;
        } else {
            f.retracted = true;
        }
        add(f, added);
    }

    /** True if the transaction retracts the fact. */
    boolean retracts(long e, Attribute attr, Object v) {
        Fact f = facts.get(new Fact(e, attr, v));
        return f != null && f.retracted;
    }

    boolean holds(Fact f) {
        Datom from = new Datom(f.e, f.attr.id(), f.v, Long.MIN_VALUE, false);
        Datom to = new Datom(f.e, f.attr.id(), f.v, Long.MAX_VALUE, true);
        for (Datom ignored : db.slice(IndexType.EAVT, from, to)) {
            return true;
        }
        return false;
    }

    /** The value of a cardinality-one attribute in the db before the transaction, or null. */
    Object currentValue(long e, long a) {
        for (Datom d : db.slice(IndexType.EAVT, TxExpander.lo(e, a), TxExpander.hi(e, a))) {
            return d.v();
        }
        return null;
    }

    /** Two entities asserting one unique value first (a datoms conflict, as Datomic reports it), then values held in the db. */
    private void checkUnique() {
        Map<Tempids.IdentityKey, Datom> seen = null;
        List<Datom> unique = null;
        for (Datom d : datoms) {
            if (!d.added() || !schema.attribute(d.a()).isUnique()) {
                continue;
            }
            if (seen == null) {
                seen = new HashMap<>();
                unique = new ArrayList<>();
            }
            Datom prev = seen.putIfAbsent(new Tempids.IdentityKey(d.a(), d.v()), d);
            if (prev != null && prev.e() != d.e()) {
                throw TxErrors.datomsConflict(db, prev, d);
            }
            unique.add(d);
        }
        if (unique == null) {
            return;
        }
        for (Datom d : unique) {
            Attribute attr = schema.attribute(d.a());
            long holder = Tempids.holder(db, d.a(), d.v());
            if (holder >= 0 && holder != d.e() && !retracts(holder, attr, d.v())) {
                throw TxErrors.uniqueConflict(attr, d.v(), holder, d.e());
            }
        }
    }

    /** The datoms emitted so far, grouped by entity and attribute, for the derivation steps. */
    Map<EntityAttr, List<Datom>> byEntityAttr(java.util.function.LongPredicate attrFilter) {
        Map<EntityAttr, List<Datom>> out = new LinkedHashMap<>();
        for (Datom d : datoms) {
            if (attrFilter.test(d.a())) {
                out.computeIfAbsent(new EntityAttr(d.e(), d.a()), k -> new ArrayList<>(2)).add(d);
            }
        }
        return out;
    }

    /** One (entity, attribute, value) of the transaction, with what the transaction does to it. */
    static final class Fact {
        final long e;
        final Attribute attr;
        final Object v;
        private final int hash;
        boolean asserted;
        boolean retracted;
        boolean isNew;
        boolean emitted;

        Fact(long e, Attribute attr, Object v) {
            this.e = e;
            this.attr = attr;
            this.v = v;
            this.hash = (Long.hashCode(e) * 31 + Long.hashCode(attr.id())) * 31 + Values.hash(v);
        }

        Datom datom(long tx, boolean added) {
            return new Datom(e, attr.id(), v, tx, added);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fact f && f.e == e && f.attr.id() == attr.id() && Values.equal(f.v, v);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /** An (entity, attribute) pair. */
    record EntityAttr(long e, long a) {
    }
}
