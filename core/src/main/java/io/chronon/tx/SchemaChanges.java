package io.chronon.tx;

import io.chronon.db.Attribute;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.Schema;
import io.chronon.db.ValueType;
import io.chronon.db.Values;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Schema as data: checks the attributes a transaction installs and the changes it makes to
 * existing ones, and adds the datoms Datomic adds implicitly, {@code [0 :db.install/attribute id]}
 * for a new attribute and {@code [0 :db.alter/attribute id]} for an altered one.
 *
 * <p>Installing: an entity that asserts {@code :db/valueType}, {@code :db/cardinality},
 * {@code :db/unique}, {@code :db/isComponent}, {@code :db/index}, {@code :db/noHistory},
 * {@code :db/fulltext} or a tuple property is an attribute; it needs {@code :db/ident},
 * {@code :db/valueType} and {@code :db/cardinality}, must be new (it gets an id in
 * {@code :db.part/db}), only refs may be components, and tuples must be well formed.
 *
 * <p>Altering (the changes Datomic allows): renaming with {@code :db/ident}, {@code :db/doc},
 * cardinality one to many, many to one when no entity has several values, {@code :db/isComponent},
 * {@code :db/noHistory}, {@code :db/index}, adding {@code :db/unique} when the attribute is
 * (or becomes) {@code :db/index true} and its values are unique, changing or retracting
 * {@code :db/unique}. Changing the value type, fulltext or tuple definition is rejected.
 *
 * <p>Where Chronon is stricter than Datomic (documented choices): a {@code :db/unique} value
 * other than {@code :db.unique/value} or {@code :db.unique/identity} is rejected (Datomic stores
 * it); {@code :db/isComponent true} on a non-ref attribute is rejected also when altering
 * (Datomic only checks it at install); retracting the {@code :db/ident} of an attribute without
 * giving it a new one is rejected (the attribute would have no name); the bootstrap schema
 * (entities below 72) cannot be changed. The alter datom is only added when it is not already a
 * current fact, as the index holds each fact once (Datomic repeats it in every altering
 * transaction).
 */
final class SchemaChanges {
    private static final int[] PROPS = {
        (int) Bootstrap.IDENT, (int) Bootstrap.VALUE_TYPE, (int) Bootstrap.CARDINALITY, (int) Bootstrap.UNIQUE,
        (int) Bootstrap.IS_COMPONENT, (int) Bootstrap.INDEX, (int) Bootstrap.NO_HISTORY, (int) Bootstrap.FULLTEXT,
        (int) Bootstrap.DOC, (int) Bootstrap.TUPLE_TYPE, (int) Bootstrap.TUPLE_TYPES, (int) Bootstrap.TUPLE_ATTRS};
    private static final long ALTER_ATTRIBUTE = 19;

    private SchemaChanges() {
    }

    /** True for the properties whose assertion makes an entity an attribute. */
    static boolean isInstallProperty(long a) {
        return a == Bootstrap.VALUE_TYPE || a == Bootstrap.CARDINALITY || a == Bootstrap.UNIQUE
                || a == Bootstrap.IS_COMPONENT || a == Bootstrap.INDEX || a == Bootstrap.NO_HISTORY
                || a == Bootstrap.FULLTEXT || a == Bootstrap.TUPLE_TYPE || a == Bootstrap.TUPLE_TYPES
                || a == Bootstrap.TUPLE_ATTRS;
    }

    private static boolean isProperty(long a) {
        return a == Bootstrap.IDENT || a == Bootstrap.DOC || isInstallProperty(a);
    }

    /** Validates the schema changes among {@code datoms} and appends the implicit install and alter datoms. */
    static void apply(DbValue db, List<Datom> datoms, long txId) {
        Map<Long, List<Datom>> touched = null;
        Set<Long> installDatoms = null;
        Set<Long> alterDatoms = null;
        for (Datom d : datoms) {
            long a = d.a();
            if (isProperty(a)) {
                if (touched == null) {
                    touched = new LinkedHashMap<>();
                }
                touched.computeIfAbsent(d.e(), k -> new ArrayList<>()).add(d);
            } else if (a == Bootstrap.INSTALL_ATTRIBUTE && d.added()) {
                if (touched == null) {
                    touched = new LinkedHashMap<>();
                }
                touched.computeIfAbsent((Long) d.v(), k -> new ArrayList<>());
                if (installDatoms == null) {
                    installDatoms = new HashSet<>();
                }
                installDatoms.add((Long) d.v());
            } else if (a == ALTER_ATTRIBUTE && d.added()) {
                if (alterDatoms == null) {
                    alterDatoms = new HashSet<>();
                }
                alterDatoms.add((Long) d.v());
            }
        }
        if (touched == null) {
            return;
        }
        Map<Long, Map<Long, Object>> after = new LinkedHashMap<>();
        for (Map.Entry<Long, List<Datom>> t : touched.entrySet()) {
            after.put(t.getKey(), propertiesAfter(db, t.getKey(), t.getValue()));
        }
        List<Datom> implicit = new ArrayList<>();
        for (Map.Entry<Long, List<Datom>> t : touched.entrySet()) {
            long e = t.getKey();
            Map<Long, Object> props = after.get(e);
            if (e < Bootstrap.FIRST_DB_COUNTER && !t.getValue().isEmpty()) {
                throw TxErrors.invalidAlterAttribute("db.error/unsupported-alter-schema",
                        "the bootstrap schema cannot be changed, entity " + e, show(db, e, props));
            }
            Attribute existing = db.schema().attribute(e);
            if (existing == null) {
                boolean explicit = installDatoms != null && installDatoms.contains(e);
                if (!explicit && props.keySet().stream().noneMatch(SchemaChanges::isInstallProperty)) {
                    continue; // an ident or doc of an ordinary entity
                }
                if (Ids.part(e) != Ids.PART_DB) {
                    throw TxErrors.notInSystemPartition(e, show(db, e, props));
                }
                checkInstall(db, e, props, after);
                if (!explicit) {
                    implicit.add(new Datom(Ids.PART_DB, Bootstrap.INSTALL_ATTRIBUTE, e, txId, true));
                }
            } else if (checkAlter(db, existing, props)
                    && (alterDatoms == null || !alterDatoms.contains(e)) && !holds(db, e)) {
                implicit.add(new Datom(Ids.PART_DB, ALTER_ATTRIBUTE, e, txId, true));
            }
        }
        datoms.addAll(implicit);
    }

    private static boolean holds(DbValue db, long attrId) {
        Datom from = new Datom(Ids.PART_DB, ALTER_ATTRIBUTE, attrId, Long.MIN_VALUE, false);
        Datom to = new Datom(Ids.PART_DB, ALTER_ATTRIBUTE, attrId, Long.MAX_VALUE, true);
        return db.slice(IndexType.EAVT, from, to).iterator().hasNext();
    }

    /** The schema properties of {@code e} after the transaction: attribute id to value. */
    private static Map<Long, Object> propertiesAfter(DbValue db, long e, List<Datom> changes) {
        Map<Long, Object> props = new LinkedHashMap<>();
        for (Datom d : db.slice(IndexType.EAVT, TxExpander.lo(e), TxExpander.hi(e))) {
            if (isProperty(d.a())) {
                props.put(d.a(), d.v());
            }
        }
        for (Datom d : changes) {
            if (!d.added() && Values.equal(props.get(d.a()), d.v())) {
                props.remove(d.a());
            }
        }
        for (Datom d : changes) {
            if (d.added()) {
                props.put(d.a(), d.v());
            }
        }
        return props;
    }

    private static void checkInstall(DbValue db, long e, Map<Long, Object> props, Map<Long, Map<Long, Object>> all) {
        Object entity = show(db, e, props);
        if (props.get(Bootstrap.IDENT) == null) {
            throw TxErrors.attributeIdentMissing(entity);
        }
        Object typeId = props.get(Bootstrap.VALUE_TYPE);
        ValueType type = typeId == null ? null : ValueType.byId((Long) typeId);
        if (typeId != null && type == null) {
            throw TxErrors.notAValueType(name(db, typeId), entity);
        }
        Object card = props.get(Bootstrap.CARDINALITY);
        if (card != null && (Long) card != Bootstrap.CARDINALITY_ONE && (Long) card != Bootstrap.CARDINALITY_MANY) {
            throw TxErrors.notACardinality(name(db, card), entity);
        }
        Object unique = props.get(Bootstrap.UNIQUE);
        if (unique != null && (Long) unique != Bootstrap.UNIQUE_VALUE && (Long) unique != Bootstrap.UNIQUE_IDENTITY) {
            throw TxErrors.invalidInstallAttribute("db.error/not-a-unique",
                    "not a :db/unique value: " + TxErrors.print(name(db, unique)), entity);
        }
        if (Boolean.TRUE.equals(props.get(Bootstrap.IS_COMPONENT)) && type != ValueType.REF) {
            throw TxErrors.invalidInstallAttribute("db.error/components-must-be-refs",
                    "only ref attributes can be components", entity);
        }
        String tupleError = tupleError(db, props, type, all);
        if (tupleError != null) {
            throw TxErrors.invalidInstallAttribute(tupleError, "invalid tuple attribute", entity);
        }
        if (card == null) {
            throw TxErrors.invalidInstallAttribute("db.error/schema-attribute-missing",
                    ":db/cardinality is missing", entity);
        }
        if (type == null) {
            throw TxErrors.invalidInstallAttribute("db.error/schema-attribute-missing",
                    ":db/valueType is missing", entity);
        }
    }

    /** The first problem with the tuple properties of a new attribute, as a Datomic error code, or null. */
    private static String tupleError(DbValue db, Map<Long, Object> props, ValueType type,
                                     Map<Long, Map<Long, Object>> all) {
        Object attrs = props.get(Bootstrap.TUPLE_ATTRS);
        Object elemType = props.get(Bootstrap.TUPLE_TYPE);
        Object elemTypes = props.get(Bootstrap.TUPLE_TYPES);
        int kinds = (attrs != null ? 1 : 0) + (elemType != null ? 1 : 0) + (elemTypes != null ? 1 : 0);
        if (type != ValueType.TUPLE) {
            return kinds > 0 ? "db.error/type-on-non-tuple" : null;
        }
        if (kinds != 1) {
            return "db.error/invalid-tuple-kind";
        }
        if (elemType != null) {
            return TxValues.isTupleElementType(ValueType.byIdent((Keyword) elemType)) ? null : "db.error/invalid-tuple-type";
        }
        if (elemTypes != null) {
            for (Object t : (List<?>) elemTypes) {
                if (!(t instanceof Keyword k) || !TxValues.isTupleElementType(ValueType.byIdent(k))) {
                    return "db.error/invalid-tuple-types";
                }
            }
            return null;
        }
        if (!Long.valueOf(Bootstrap.CARDINALITY_ONE).equals(props.get(Bootstrap.CARDINALITY))) {
            return "db.error/tuple-of-attrs-must-be-card-one";
        }
        for (Object k : (List<?>) attrs) {
            if (!(k instanceof Keyword ident) || !validTuplePart(db, ident, all)) {
                return "db.error/invalid-tuple-attrs";
            }
        }
        return null;
    }

    /** A composite's part: an attribute (existing or installed by this transaction), cardinality one, of a tuple element type. */
    private static boolean validTuplePart(DbValue db, Keyword ident, Map<Long, Map<Long, Object>> all) {
        Attribute a = db.schema().attribute(ident);
        if (a != null) {
            return !a.many() && TxValues.isTupleElementType(a.valueType());
        }
        for (Map<Long, Object> p : all.values()) {
            if (ident.equals(p.get(Bootstrap.IDENT)) && p.get(Bootstrap.VALUE_TYPE) != null) {
                ValueType t = ValueType.byId((Long) p.get(Bootstrap.VALUE_TYPE));
                return Long.valueOf(Bootstrap.CARDINALITY_ONE).equals(p.get(Bootstrap.CARDINALITY))
                        && TxValues.isTupleElementType(t);
            }
        }
        return false;
    }

    /** Checks the changes to an existing attribute; true if Datomic would record them with {@code :db.alter/attribute}. */
    private static boolean checkAlter(DbValue db, Attribute attr, Map<Long, Object> after) {
        Map<Long, Object> before = propertiesAfter(db, attr.id(), List.of());
        boolean altered = false;
        for (int p : PROPS) {
            long a = p;
            Object was = before.get(a);
            Object now = after.get(a);
            if (Objects.equals(was, now) || (was != null && Values.equal(was, now))) {
                continue;
            }
            if (a == Bootstrap.IDENT) {
                if (now == null) {
                    throw unsupported(db, attr, a, was, null,
                            "retracting the ident of an attribute would leave it without a name");
                }
            } else if (a == Bootstrap.DOC) {
                // free to change
            } else if (a == Bootstrap.CARDINALITY) {
                if (now == null) {
                    throw unsupported(db, attr, a, was, null, "the cardinality cannot be retracted");
                }
                if ((Long) now == Bootstrap.CARDINALITY_ONE) {
                    checkCardinalityOne(db, attr);
                } else if ((Long) now != Bootstrap.CARDINALITY_MANY) {
                    throw TxErrors.notACardinality(name(db, now), show(db, attr.id(), after));
                }
                altered = true;
            } else if (a == Bootstrap.UNIQUE) {
                if (now != null) {
                    if ((Long) now != Bootstrap.UNIQUE_VALUE && (Long) now != Bootstrap.UNIQUE_IDENTITY) {
                        throw TxErrors.invalidAlterAttribute("db.error/not-a-unique",
                                "not a :db/unique value: " + TxErrors.print(name(db, now)), show(db, attr.id(), after));
                    }
                    if (was == null) {
                        if (!Boolean.TRUE.equals(after.get(Bootstrap.INDEX))) {
                            throw TxErrors.invalidAlterAttribute("db.error/unique-without-index",
                                    attr.ident() + " needs :db/index true before it can be made unique",
                                    show(db, attr.id(), after));
                        }
                        checkUniqueValues(db, attr);
                    }
                }
                altered = true;
            } else if (a == Bootstrap.IS_COMPONENT) {
                if (Boolean.TRUE.equals(now) && !attr.isRef()) {
                    throw TxErrors.invalidAlterAttribute("db.error/components-must-be-refs",
                            "only ref attributes can be components: " + attr.ident(), show(db, attr.id(), after));
                }
                altered = true;
            } else if (a == Bootstrap.INDEX || a == Bootstrap.NO_HISTORY) {
                altered = true;
            } else {
                throw unsupported(db, attr, a, was, now, "this property cannot be altered");
            }
        }
        return altered;
    }

    private static RuntimeException unsupported(DbValue db, Attribute attr, long prop, Object from, Object to,
                                                String why) {
        return TxErrors.invalidAlterAttribute("db.error/unsupported-alter-schema",
                why + ": " + attr.ident() + " " + db.schema().ident(prop) + " from " + TxErrors.print(name(db, from))
                        + " to " + (to == null ? ":disabled" : TxErrors.print(name(db, to))),
                List.of(attr.ident(), db.schema().ident(prop)));
    }

    private static void checkCardinalityOne(DbValue db, Attribute attr) {
        Datom prev = null;
        Datom from = new Datom(Long.MIN_VALUE, attr.id(), Values.MIN, Long.MIN_VALUE, false);
        Datom to = new Datom(Long.MAX_VALUE, attr.id(), Values.MAX, Long.MAX_VALUE, true);
        for (Datom d : db.slice(IndexType.AEVT, from, to)) {
            if (prev != null && prev.e() == d.e()) {
                throw TxErrors.invalidAlterAttribute("db.error/cardinality-violation",
                        "entity " + d.e() + " has several values of " + attr.ident(),
                        List.of(TxErrors.show(db, prev), TxErrors.show(db, d)));
            }
            prev = d;
        }
    }

    private static void checkUniqueValues(DbValue db, Attribute attr) {
        Datom prev = null;
        Datom from = new Datom(Long.MIN_VALUE, attr.id(), Values.MIN, Long.MIN_VALUE, false);
        Datom to = new Datom(Long.MAX_VALUE, attr.id(), Values.MAX, Long.MAX_VALUE, true);
        for (Datom d : db.slice(IndexType.AVET, from, to)) {
            if (prev != null && prev.e() != d.e() && Values.equal(prev.v(), d.v())) {
                throw TxErrors.invalidAlterAttribute("db.error/unique-violation",
                        "entities " + prev.e() + " and " + d.e() + " share the value " + TxErrors.print(d.v())
                                + " of " + attr.ident(),
                        List.of(TxErrors.show(db, prev), TxErrors.show(db, d)));
            }
            prev = d;
        }
    }

    /** The ident of a ref value (such as 23 for :db.type/string) for messages. */
    private static Object name(DbValue db, Object v) {
        if (v instanceof Long id) {
            Keyword k = db.schema().ident(id);
            return k != null ? k : id;
        }
        return v;
    }

    /** An entity's schema properties as a map for messages: {@code {:db/id e, :db/ident ..., ...}}. */
    private static Map<Object, Object> show(DbValue db, long e, Map<Long, Object> props) {
        Schema s = db.schema();
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(TxExpander.DB_ID, e);
        for (Map.Entry<Long, Object> p : props.entrySet()) {
            Keyword k = s.ident(p.getKey());
            m.put(k != null ? k : p.getKey(), name(db, p.getValue()));
        }
        return m;
    }
}
