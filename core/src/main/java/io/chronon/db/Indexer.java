package io.chronon.db;

import io.chronon.edn.Keyword;
import io.chronon.index.IndexEditor;
import io.chronon.index.LayeredIndex;
import io.chronon.index.PersistentSortedSet;
import io.chronon.index.SortedIndex;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a resolved transaction to the indexes of a db value, producing the next value,
 * and keeps the schema in step when the transaction touches idents or attribute definitions.
 */
final class Indexer {
    /** Log order: by transaction, then entity, attribute, value. */
    static final Comparator<Datom> LOG_ORDER = (x, y) -> {
        int c = Long.compare(x.tx(), y.tx());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.e(), y.e());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.a(), y.a());
        if (c != 0) {
            return c;
        }
        c = Values.compare(x.v(), y.v());
        return c != 0 ? c : Boolean.compare(x.added(), y.added());
    };

    private static final IndexType[] TYPES = IndexType.values();

    private Indexer() {
    }

    @SuppressWarnings("unchecked")
    static DbValue apply(DbValue db, long t, List<Datom> txData, long nextT, long nextDbCounter, long txInstant) {
        Schema schema = db.schema;
        IndexEditor<Datom>[] cur = new IndexEditor[4];
        IndexEditor<Datom>[] old = new IndexEditor[4];
        // in a writer's editing run the nodes of the run's earlier transactions are edited in place
        Object run = db.editRun != null ? db.editRun : new Object();
        for (int i = 0; i < 4; i++) {
            cur[i] = editor(db.current[i], run);
            old[i] = editor(db.retracted[i], run);
        }
        IndexEditor<Datom> log = editor(db.log, run);
        // looked up in the editor: in an editing run the value before shares (edited) nodes with it
        IndexEditor<Datom> eavt = cur[IndexType.EAVT.ordinal()];
        Set<Long> schemaTouched = null;
        // No index of db holds a datom of a transaction after its basis (nor can a base built
        // before it), so such a datom is added without a look in a durable base: one segment
        // read per index saved. Any other datom (tx data may repeat an old one) is looked up.
        long basisTx = Ids.tToTx(db.basisT);
        for (Datom d : txData) {
            Attribute attr = schema.attribute(d.a());
            if (attr == null) {
                throw new IllegalStateException("transaction processor passed a datom of a non-attribute: " + d);
            }
            boolean ref = attr.isRef();
            boolean isNew = d.tx() > basisTx;
            if (d.added()) {
                for (IndexType type : TYPES) {
                    if (type != IndexType.VAET || ref) {
                        add(cur[type.ordinal()], d, isNew);
                    }
                }
            } else {
                Datom asserted = eavt.ceiling(new Datom(d.e(), d.a(), d.v(), Long.MIN_VALUE, false));
                if (asserted == null || !asserted.sameFact(d) || !asserted.added()) {
                    throw new IllegalStateException("transaction processor retracted a fact that is not current: " + d);
                }
                for (IndexType type : TYPES) {
                    if (type != IndexType.VAET || ref) {
                        cur[type.ordinal()].remove(asserted);
                        if (!attr.noHistory()) {
                            // an older transaction's datom: its tx does not prove the history's base lacks it
                            old[type.ordinal()].add(asserted);
                            add(old[type.ordinal()], d, isNew);
                        }
                    }
                }
            }
            add(log, d, isNew);
            if (d.a() < Bootstrap.SCHEMA_ATTR_LIMIT && Bootstrap.isSchemaAttribute(d.a())) {
                if (schemaTouched == null) {
                    schemaTouched = new LinkedHashSet<>();
                }
                schemaTouched.add(d.e());
            }
        }
        SortedIndex<Datom>[] newCur = new SortedIndex[4];
        SortedIndex<Datom>[] newOld = new SortedIndex[4];
        for (int i = 0; i < 4; i++) {
            newCur[i] = cur[i].persistent();
            newOld[i] = old[i].persistent();
        }
        Schema newSchema = schemaTouched == null ? schema
                : rebuildSchema(schema, newCur[IndexType.EAVT.ordinal()], schemaTouched);
        return new DbValue(newSchema, newCur, newOld, log.persistent(), t, nextT, nextDbCounter, txInstant,
                DbValue.NO_AS_OF, DbValue.NO_SINCE, false, db.editRun);
    }

    /** Adds {@code d} to {@code index}, without a look in its base if {@code isNew} (a datom after the value's basis). */
    private static void add(IndexEditor<Datom> index, Datom d, boolean isNew) {
        if (isNew) {
            index.addNew(d);
        } else {
            index.add(d);
        }
    }

    /**
     * An editor of {@code index}: in memory, an index is edited as it is; any other (a durable
     * base) only through novelty layered over it, which the editor adds to.
     */
    private static IndexEditor<Datom> editor(SortedIndex<Datom> index, Object run) {
        if (index instanceof PersistentSortedSet<Datom> set) {
            return set.toTransient(run);
        }
        LayeredIndex<Datom> layered = index instanceof LayeredIndex<Datom> l ? l : LayeredIndex.over(index);
        return layered.editor(run);
    }

    /** Builds every index of a db value at once from snapshot datoms (see {@link DbValue#restore}). */
    @SuppressWarnings("unchecked")
    static DbValue restore(List<Datom> currentDatoms, List<Datom> retractedDatoms, List<Datom> logDatoms,
                           long basisT, long nextT, long nextDbCounter, long lastTxInstant) {
        PersistentSortedSet<Datom> eavt = sorted(IndexType.EAVT.comparator(), currentDatoms);
        Set<Long> schemaEntities = new LinkedHashSet<>();
        for (Datom d : currentDatoms) {
            if (d.a() < Bootstrap.SCHEMA_ATTR_LIMIT && Bootstrap.isSchemaAttribute(d.a())) {
                schemaEntities.add(d.e());
            }
        }
        Schema.Builder builder = rebuildSchema(new Schema.Builder(null).build(), eavt, schemaEntities).toBuilder();
        // retired idents keep resolving to the entity that last held them, unless taken since
        PersistentSortedSet<Datom> logSet = sorted(LOG_ORDER, logDatoms);
        for (Datom d : logSet.rslice(null, null)) {
            if (d.a() == Bootstrap.IDENT && !d.added()) {
                builder.identToId.putIfAbsent((Keyword) d.v(), d.e());
            }
        }
        Schema schema = builder.build();
        PersistentSortedSet<Datom>[] cur = new PersistentSortedSet[4];
        PersistentSortedSet<Datom>[] old = new PersistentSortedSet[4];
        for (IndexType type : TYPES) {
            List<Datom> c = type == IndexType.VAET ? refsOnly(schema, currentDatoms) : currentDatoms;
            List<Datom> r = type == IndexType.VAET ? refsOnly(schema, retractedDatoms) : retractedDatoms;
            cur[type.ordinal()] = type == IndexType.EAVT ? eavt : sorted(type.comparator(), c);
            old[type.ordinal()] = sorted(type.comparator(), r);
        }
        return new DbValue(schema, cur, old, logSet, basisT, nextT, nextDbCounter,
                lastTxInstant, DbValue.NO_AS_OF, DbValue.NO_SINCE, false);
    }

    private static List<Datom> refsOnly(Schema schema, List<Datom> datoms) {
        List<Datom> out = new ArrayList<>();
        for (Datom d : datoms) {
            Attribute a = schema.attribute(d.a());
            if (a != null && a.isRef()) {
                out.add(d);
            }
        }
        return out;
    }

    private static PersistentSortedSet<Datom> sorted(Comparator<Datom> order, List<Datom> datoms) {
        List<Datom> copy = new ArrayList<>(datoms);
        copy.sort(order);
        List<Datom> distinct = new ArrayList<>(copy.size());
        for (Datom d : copy) {
            if (distinct.isEmpty() || order.compare(distinct.get(distinct.size() - 1), d) != 0) {
                distinct.add(d);
            }
        }
        return PersistentSortedSet.fromSorted(order, distinct);
    }

    /**
     * Re-reads the idents and attribute definitions of the touched entities. Idents are
     * settled first (in a pass of their own) so that a composite tuple may name attributes
     * defined later in the same transaction. As in Datomic, a retired ident (renamed or
     * retracted) keeps resolving to its entity until another entity takes the name.
     */
    static Schema rebuildSchema(Schema before, SortedIndex<Datom> eavt, Set<Long> touched) {
        Schema.Builder b = before.toBuilder();
        for (long e : touched) {
            Datom identDatom = first(eavt, e, Bootstrap.IDENT);
            Keyword ident = identDatom == null ? null : (Keyword) identDatom.v();
            if (ident != null) {
                b.identToId.put(ident, e);
                b.idToIdent.put(e, ident);
            } else {
                b.idToIdent.remove(e);
            }
        }
        for (long e : touched) {
            b.attributes.remove(e);
            Keyword ident = b.idToIdent.get(e);
            ValueType type = null;
            Boolean many = null;
            Attribute.Unique unique = Attribute.Unique.NONE;
            boolean component = false;
            boolean index = false;
            boolean noHistory = false;
            boolean fulltext = false;
            List<Object> tupleAttrIdents = null;
            ValueType tupleType = null;
            List<ValueType> tupleTypes = null;
            for (Datom d : entity(eavt, e)) {
                long a = d.a();
                Object v = d.v();
                if (a == Bootstrap.VALUE_TYPE) {
                    type = ValueType.byId((Long) v);
                } else if (a == Bootstrap.CARDINALITY) {
                    many = (Long) v == Bootstrap.CARDINALITY_MANY;
                } else if (a == Bootstrap.UNIQUE) {
                    unique = (Long) v == Bootstrap.UNIQUE_IDENTITY ? Attribute.Unique.IDENTITY : Attribute.Unique.VALUE;
                } else if (a == Bootstrap.IS_COMPONENT) {
                    component = (Boolean) v;
                } else if (a == Bootstrap.INDEX) {
                    index = (Boolean) v;
                } else if (a == Bootstrap.NO_HISTORY) {
                    noHistory = (Boolean) v;
                } else if (a == Bootstrap.FULLTEXT) {
                    fulltext = (Boolean) v;
                } else if (a == Bootstrap.TUPLE_ATTRS) {
                    tupleAttrIdents = new ArrayList<>((List<?>) v);
                } else if (a == Bootstrap.TUPLE_TYPE) {
                    tupleType = ValueType.byIdent((Keyword) v);
                } else if (a == Bootstrap.TUPLE_TYPES) {
                    List<ValueType> ts = new ArrayList<>();
                    for (Object o : (List<?>) v) {
                        ts.add(ValueType.byIdent((Keyword) o));
                    }
                    tupleTypes = List.copyOf(ts);
                }
            }
            if (ident != null && type != null && many != null) {
                List<Long> tupleAttrs = null;
                if (tupleAttrIdents != null) {
                    List<Long> ids = new ArrayList<>();
                    for (Object k : tupleAttrIdents) {
                        Long id = b.identToId.get((Keyword) k);
                        ids.add(id == null ? -1L : id);
                    }
                    tupleAttrs = List.copyOf(ids);
                }
                b.attributes.put(e, new Attribute(e, ident, type, many, unique, component, index, noHistory,
                        fulltext, tupleAttrs, tupleType, tupleTypes));
            }
        }
        // aliases such as :db.fn/cas stay
        for (var alias : Bootstrap.ALIASES.entrySet()) {
            b.identToId.putIfAbsent(alias.getKey(), alias.getValue());
        }
        return b.build();
    }

    private static Iterable<Datom> entity(SortedIndex<Datom> eavt, long e) {
        return eavt.slice(new Datom(e, Long.MIN_VALUE, Values.MIN, Long.MIN_VALUE, false),
                new Datom(e, Long.MAX_VALUE, Values.MAX, Long.MAX_VALUE, true));
    }

    private static Datom first(SortedIndex<Datom> eavt, long e, long a) {
        for (Datom d : eavt.slice(new Datom(e, a, Values.MIN, Long.MIN_VALUE, false),
                new Datom(e, a, Values.MAX, Long.MAX_VALUE, true))) {
            return d;
        }
        return null;
    }
}
