package io.chronon.db;

import io.chronon.edn.Keyword;
import io.chronon.index.PersistentSortedSet;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bootstrap database: Datomic's system partitions, value types and attributes, with the
 * entity ids Datomic gives them (read off {@code com.datomic:peer} 1.0.7622), so that raw
 * datoms, tx-data and attribute ids look the same in both systems.
 */
public final class Bootstrap {
    public static final long DB_ADD = 1;
    public static final long DB_RETRACT = 2;
    public static final long IDENT = 10;
    public static final long INSTALL_PARTITION = 11;
    public static final long INSTALL_VALUE_TYPE = 12;
    public static final long INSTALL_ATTRIBUTE = 13;
    public static final long CARDINALITY_ONE = 35;
    public static final long CARDINALITY_MANY = 36;
    public static final long UNIQUE_VALUE = 37;
    public static final long UNIQUE_IDENTITY = 38;
    public static final long VALUE_TYPE = 40;
    public static final long CARDINALITY = 41;
    public static final long UNIQUE = 42;
    public static final long IS_COMPONENT = 43;
    public static final long INDEX = 44;
    public static final long NO_HISTORY = 45;
    public static final long TX_INSTANT = 50;
    public static final long FULLTEXT = 51;
    public static final long RETRACT_ENTITY = 54;
    public static final long CAS = 55;
    public static final long DOC = 62;
    public static final long TUPLE_TYPE = 65;
    public static final long TUPLE_TYPES = 66;
    public static final long TUPLE_ATTRS = 67;

    /** The t of the bootstrap transaction (Datomic's basis t of a new database). */
    public static final long BOOTSTRAP_T = 66;
    /** The t of the first user transaction, as in Datomic. */
    public static final long FIRST_T = 1000;
    /** The first counter for new entities in {@code :db.part/db} (new attributes get 72, 73, ...). */
    public static final long FIRST_DB_COUNTER = 72;

    static final long SCHEMA_ATTR_LIMIT = 68;

    /** Idents that name the same entity as another ident. */
    static final Map<Keyword, Long> ALIASES = Map.of(
            Keyword.of("db.fn/retractEntity"), RETRACT_ENTITY,
            Keyword.of("db.fn/cas"), CAS);

    private Bootstrap() {
    }

    /** True for the attributes whose datoms define idents and attributes. */
    static boolean isSchemaAttribute(long a) {
        return a == IDENT || (a >= VALUE_TYPE && a <= NO_HISTORY) || a == FULLTEXT
                || (a >= TUPLE_TYPE && a <= TUPLE_ATTRS);
    }

    private record Attr(long id, String ident, ValueType type, boolean many, String extra) {
    }

    private static final List<Attr> ATTRS = List.of(
            new Attr(7, "db/system-tx", ValueType.KEYWORD, true, null),
            new Attr(8, "db.sys/partiallyIndexed", ValueType.BOOLEAN, false, null),
            new Attr(9, "db.sys/reId", ValueType.REF, false, null),
            new Attr(IDENT, "db/ident", ValueType.KEYWORD, false, "unique-identity"),
            new Attr(INSTALL_PARTITION, "db.install/partition", ValueType.REF, true, null),
            new Attr(INSTALL_VALUE_TYPE, "db.install/valueType", ValueType.REF, true, null),
            new Attr(INSTALL_ATTRIBUTE, "db.install/attribute", ValueType.REF, true, null),
            new Attr(14, "db.install/function", ValueType.REF, true, null),
            new Attr(15, "db/excise", ValueType.REF, false, null),
            new Attr(16, "db.excise/attrs", ValueType.REF, true, null),
            new Attr(17, "db.excise/beforeT", ValueType.LONG, false, null),
            new Attr(18, "db.excise/before", ValueType.INSTANT, false, null),
            new Attr(19, "db.alter/attribute", ValueType.REF, true, null),
            new Attr(39, "fressian/tag", ValueType.KEYWORD, false, "index"),
            new Attr(VALUE_TYPE, "db/valueType", ValueType.REF, false, null),
            new Attr(CARDINALITY, "db/cardinality", ValueType.REF, false, null),
            new Attr(UNIQUE, "db/unique", ValueType.REF, false, null),
            new Attr(IS_COMPONENT, "db/isComponent", ValueType.BOOLEAN, false, null),
            new Attr(INDEX, "db/index", ValueType.BOOLEAN, false, null),
            new Attr(NO_HISTORY, "db/noHistory", ValueType.BOOLEAN, false, null),
            new Attr(46, "db/lang", ValueType.REF, false, null),
            new Attr(47, "db/code", ValueType.STRING, false, "fulltext"),
            new Attr(TX_INSTANT, "db/txInstant", ValueType.INSTANT, false, "index"),
            new Attr(FULLTEXT, "db/fulltext", ValueType.BOOLEAN, false, null),
            new Attr(52, "db/fn", ValueType.FN, false, null),
            new Attr(DOC, "db/doc", ValueType.STRING, false, "fulltext"),
            new Attr(TUPLE_TYPE, "db/tupleType", ValueType.KEYWORD, false, null),
            new Attr(TUPLE_TYPES, "db/tupleTypes", ValueType.TUPLE, false, "tuple-keyword"),
            new Attr(TUPLE_ATTRS, "db/tupleAttrs", ValueType.TUPLE, false, "tuple-keyword"),
            new Attr(68, "db/ensure", ValueType.REF, true, null),
            new Attr(69, "db.entity/attrs", ValueType.KEYWORD, true, null),
            new Attr(70, "db.entity/preds", ValueType.SYMBOL, true, null),
            new Attr(71, "db.attr/preds", ValueType.SYMBOL, true, null));

    /** Entities that are only idents: partitions, enums, system functions. */
    private static final Map<Long, String> IDENTS = Map.ofEntries(
            Map.entry(0L, "db.part/db"),
            Map.entry(DB_ADD, "db/add"),
            Map.entry(DB_RETRACT, "db/retract"),
            Map.entry(3L, "db.part/tx"),
            Map.entry(4L, "db.part/user"),
            Map.entry(CARDINALITY_ONE, "db.cardinality/one"),
            Map.entry(CARDINALITY_MANY, "db.cardinality/many"),
            Map.entry(UNIQUE_VALUE, "db.unique/value"),
            Map.entry(UNIQUE_IDENTITY, "db.unique/identity"),
            Map.entry(48L, "db.lang/clojure"),
            Map.entry(49L, "db.lang/java"),
            Map.entry(53L, "db.bootstrap/part"),
            Map.entry(RETRACT_ENTITY, "db/retractEntity"),
            Map.entry(CAS, "db/cas"));

    /** The bootstrap db value (declared after the tables it is built from). */
    static final DbValue DB = build();

    @SuppressWarnings("unchecked")
    private static DbValue build() {
        long tx = Ids.tToTx(BOOTSTRAP_T);
        List<Datom> datoms = new ArrayList<>();
        Set<Long> touched = new LinkedHashSet<>();
        for (var e : IDENTS.entrySet()) {
            datoms.add(new Datom(e.getKey(), IDENT, Keyword.of(e.getValue()), tx, true));
            touched.add(e.getKey());
        }
        for (long part : new long[] {Ids.PART_DB, Ids.PART_TX, Ids.PART_USER}) {
            datoms.add(new Datom(Ids.PART_DB, INSTALL_PARTITION, part, tx, true));
        }
        for (ValueType t : ValueType.values()) {
            datoms.add(new Datom(t.id(), IDENT, t.ident(), tx, true));
            datoms.add(new Datom(Ids.PART_DB, INSTALL_VALUE_TYPE, t.id(), tx, true));
            touched.add(t.id());
        }
        for (Attr a : ATTRS) {
            datoms.add(new Datom(a.id, IDENT, Keyword.of(a.ident), tx, true));
            datoms.add(new Datom(a.id, VALUE_TYPE, a.type.id(), tx, true));
            datoms.add(new Datom(a.id, CARDINALITY, a.many ? CARDINALITY_MANY : CARDINALITY_ONE, tx, true));
            if ("unique-identity".equals(a.extra)) {
                datoms.add(new Datom(a.id, UNIQUE, UNIQUE_IDENTITY, tx, true));
            } else if ("index".equals(a.extra)) {
                datoms.add(new Datom(a.id, INDEX, true, tx, true));
            } else if ("fulltext".equals(a.extra)) {
                datoms.add(new Datom(a.id, FULLTEXT, true, tx, true));
            } else if ("tuple-keyword".equals(a.extra)) {
                datoms.add(new Datom(a.id, TUPLE_TYPE, ValueType.KEYWORD.ident(), tx, true));
            }
            datoms.add(new Datom(Ids.PART_DB, INSTALL_ATTRIBUTE, a.id, tx, true));
            touched.add(a.id);
        }
        datoms.add(new Datom(tx, TX_INSTANT, new java.util.Date(0), tx, true));

        // The schema must know the bootstrap attributes before their own datoms are indexed.
        PersistentSortedSet<Datom>[] empty = new PersistentSortedSet[4];
        PersistentSortedSet<Datom>[] emptyOld = new PersistentSortedSet[4];
        for (IndexType type : IndexType.values()) {
            empty[type.ordinal()] = PersistentSortedSet.empty(type.comparator());
            emptyOld[type.ordinal()] = PersistentSortedSet.empty(type.comparator());
        }
        PersistentSortedSet<Datom> eavt = PersistentSortedSet.empty(IndexType.EAVT.comparator());
        PersistentSortedSet.Transient<Datom> tr = eavt.toTransient();
        datoms.forEach(tr::add);
        Schema schema = Indexer.rebuildSchema(new Schema.Builder(null).build(), tr.persistent(), touched);
        DbValue seed = new DbValue(schema, empty, emptyOld, PersistentSortedSet.empty(Indexer.LOG_ORDER),
                0, FIRST_T, FIRST_DB_COUNTER, 0, DbValue.NO_AS_OF, DbValue.NO_SINCE, false);
        DbValue db = Indexer.apply(seed, BOOTSTRAP_T, datoms, FIRST_T, FIRST_DB_COUNTER, 0);
        // as in Datomic, the log holds user transactions only: the bootstrap is not one
        return new DbValue(db.schema, db.current, db.retracted, PersistentSortedSet.<Datom>empty(Indexer.LOG_ORDER),
                db.basisT, db.nextT, db.nextDbCounter, db.lastTxInstant, DbValue.NO_AS_OF, DbValue.NO_SINCE, false);
    }
}
