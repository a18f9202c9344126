package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.Schema;
import io.chronon.db.ValueType;
import io.chronon.db.Values;
import io.chronon.edn.EdnList;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns transaction data into {@link Op}s: parses list and map forms, calls transaction
 * functions, unfolds nested maps, reverse attributes and cardinality-many collections, and
 * reduces {@code :db/cas}, {@code :db/retractEntity} and {@code [:db/retract e a]} to plain
 * assertions and retractions. Everything that names an existing entity (ids, idents, lookup
 * refs) is resolved here against the database as of the start of the transaction, so a lookup
 * ref never sees an entity created by the same transaction, as in Datomic. Values are checked
 * against their attribute's type and brought to their stored form.
 */
final class TxExpander {
    /** How deep transaction functions and nested maps may nest. */
    static final int MAX_DEPTH = 100;
    /** The tempid of the transaction entity. */
    static final String TX_TEMPID = "datomic.tx";

    static final Keyword DB_ID = Keyword.of("db/id");
    private static final Keyword ADD = Keyword.of("db/add");
    private static final Keyword RETRACT = Keyword.of("db/retract");
    private static final Keyword RETRACT_ENTITY = Keyword.of("db/retractEntity");
    private static final Keyword FN_RETRACT_ENTITY = Keyword.of("db.fn/retractEntity");
    private static final Keyword CAS = Keyword.of("db/cas");
    private static final Keyword FN_CAS = Keyword.of("db.fn/cas");

    private final DbValue db;
    private final Schema schema;
    private final TxOptions options;

    /** The expanded operations, in the order of the transaction data. */
    final List<Op> ops = new ArrayList<>();
    /** Tempids by the name written in the transaction (including negative numbers as text). */
    final Map<String, TempId> named = new HashMap<>();
    /** The transaction entity's tempid, or null if the transaction does not name it. */
    TempId txTempId;

    private int entityUses;
    /** Ops before this index have their values resolved. */
    private int resolvedOps;

    TxExpander(DbValue db, TxOptions options) {
        this.db = db;
        this.schema = db.schema();
        this.options = options;
    }

    void expandAll(List<?> txData) {
        for (Object form : txData) {
            expand(form, 0);
            resolveValues();
        }
    }

    private void expand(Object form, int depth) {
        if (depth > MAX_DEPTH) {
            throw TxErrors.tooDeep(form);
        }
        if (form instanceof Map<?, ?> m) {
            expandMap(m, null, depth);
        } else if (form instanceof List<?> l) {
            expandStatement(l, depth);
        } else {
            throw TxErrors.notTransactionData(form);
        }
    }

    // ------------------------------------------------------------------ list forms

    private void expandStatement(List<?> stmt, int depth) {
        if (stmt.isEmpty()) {
            throw TxErrors.invalidStatement("An empty statement", stmt);
        }
        Object op = stmt.get(0);
        if (!(op instanceof Keyword k)) {
            throw TxErrors.notADataFunction(op, stmt);
        }
        int n = stmt.size();
        if (k == ADD) {
            arity(stmt, n == 4, "[:db/add e a v]");
            Object e = entity(stmt.get(1), stmt);
            Attribute a = attribute(stmt.get(2), stmt);
            if (!a.isComposite()) {
                value(true, e, a, stmt.get(3), stmt);
            } else {
                compositeIdentity(true, e, a, stmt.get(3), stmt);
            }
        } else if (k == RETRACT) {
            arity(stmt, n == 3 || n == 4, "[:db/retract e a v] or [:db/retract e a]");
            if (n == 4) {
                Object e = entity(stmt.get(1), stmt);
                Attribute a = attribute(stmt.get(2), stmt);
                if (!a.isComposite()) {
                    value(false, e, a, stmt.get(3), stmt);
                } else {
                    compositeIdentity(false, e, a, stmt.get(3), stmt);
                }
            } else {
                long e = existingEntity(stmt.get(1), stmt, ":db/retract without a value");
                Attribute a = attribute(stmt.get(2), stmt);
                if (!a.isComposite()) {
                    for (Datom d : db.slice(IndexType.EAVT, lo(e, a.id()), hi(e, a.id()))) {
                        op(false, e, a, d.v(), false, stmt);
                    }
                }
            }
        } else if (k == RETRACT_ENTITY || k == FN_RETRACT_ENTITY) {
            arity(stmt, n == 2, "[:db/retractEntity e]");
            Long e = entityOrNull(stmt.get(1), stmt);
            if (e != null) {
                retractEntity(e, new HashSet<>(), stmt);
            }
        } else if (k == CAS || k == FN_CAS) {
            arity(stmt, n == 5, "[:db/cas e a old new]");
            cas(stmt);
        } else {
            callFunction(k, stmt, depth);
        }
    }

    private static void arity(List<?> stmt, boolean ok, String shape) {
        if (!ok) {
            // Datomic ignores extra elements of a statement; Chronon rejects them, as they are a mistake
            throw TxErrors.invalidStatement("Expected " + shape + ", got " + stmt.size() + " elements", stmt);
        }
    }

    private void callFunction(Keyword name, List<?> stmt, int depth) {
        TxFunction fn = options.txFunctions().get(name);
        if (fn == null) {
            throw TxErrors.notADataFunction(name, stmt);
        }
        List<Object> args = Collections.unmodifiableList(Arrays.asList(stmt.subList(1, stmt.size()).toArray()));
        List<?> result;
        try {
            result = fn.apply(db, args);
        } catch (ChrononException e) {
            throw e;
        } catch (RuntimeException e) {
            throw TxErrors.txFunctionFailed(name, e, stmt);
        }
        if (result != null) {
            for (Object form : result) {
                expand(form, depth + 1);
            }
        }
    }

    /**
     * {@code [:db/cas e a old new]}: compared with the database at the start of the
     * transaction. The old value is compared literally, as Datomic does: an ident or lookup ref
     * never equals the id stored for a ref.
     */
    private void cas(List<?> stmt) {
        Object ref = stmt.get(1);
        if (ref instanceof String || (ref instanceof Number n && n.longValue() < 0)) {
            throw TxErrors.tempidNotAllowed(ref, ":db/cas", stmt);
        }
        // like Datomic, an entity that does not resolve has no value: the compare fails
        Long resolved = ref instanceof Number n ? (Long) entity(ref, stmt) : lookup(ref, stmt);
        Attribute a = attribute(stmt.get(2), stmt);
        if (resolved == null) {
            if (stmt.get(3) != null) {
                throw TxErrors.casFailed(stmt.get(3), null, stmt);
            }
            throw TxErrors.notAnEntity(ref, stmt);
        }
        long e = resolved;
        Object expected = stmt.get(3);
        Object replacement = stmt.get(4);
        if (a.many()) {
            throw TxErrors.invalidCasMany(a, stmt);
        }
        if (replacement == null) {
            throw TxErrors.invalidCas("entity, attribute, and new-value must be specified", stmt);
        }
        Object current = null;
        for (Datom d : db.slice(IndexType.EAVT, lo(e, a.id()), hi(e, a.id()))) {
            current = d.v();
            break;
        }
        boolean same = expected == null ? current == null
                : current != null && Values.equal(current, literal(a, expected));
        if (!same) {
            throw TxErrors.casFailed(expected, current, stmt);
        }
        if (!a.isComposite()) {
            value(true, e, a, replacement, stmt);
        }
    }

    /** {@code v} as a stored value for comparison, without resolving anything; null if it cannot be one. */
    private Object literal(Attribute a, Object v) {
        if (a.isRef()) {
            return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                    ? ((Number) v).longValue() : null;
        }
        if (a.valueType() == ValueType.TUPLE) {
            return v instanceof List<?> ? v : null;
        }
        return a.valueType().coerce(v, ValueType.Coercion.TRANSACTION);
    }

    /**
     * Retractions of every datom of {@code e}, of every ref pointing at it, and, recursively,
     * of the entities under its component attributes.
     */
    /**
     * Retracts {@code root}'s datoms, the refs to it and, depth first, its components. A walk
     * with its own stack, not recursion: a chain of components as long as the database allows
     * must not overflow the writer's thread stack (a StackOverflowError is fatal to the JVM).
     */
    private void retractEntity(long root, Set<Long> visited, Object form) {
        java.util.ArrayDeque<Long> pending = new java.util.ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            long e = pending.pop();
            if (!visited.add(e)) {
                continue;
            }
            List<Long> components = null;
            for (Datom d : db.slice(IndexType.EAVT, lo(e), hi(e))) {
                Attribute a = schema.attribute(d.a());
                op(false, e, a, d.v(), false, form);
                if (a.isComponent() && a.isRef()) {
                    if (components == null) {
                        components = new ArrayList<>();
                    }
                    components.add((Long) d.v());
                }
            }
            Datom from = new Datom(Long.MIN_VALUE, Long.MIN_VALUE, e, Long.MIN_VALUE, false);
            Datom to = new Datom(Long.MAX_VALUE, Long.MAX_VALUE, e, Long.MAX_VALUE, true);
            for (Datom d : db.slice(IndexType.VAET, from, to)) {
                op(false, d.e(), schema.attribute(d.a()), d.v(), false, form);
            }
            if (components != null) {
                // in reverse, so that they are visited in the order of the index, as recursion did
                for (int i = components.size() - 1; i >= 0; i--) {
                    pending.push(components.get(i));
                }
            }
        }
    }

    // ------------------------------------------------------------------ map forms

    /**
     * A map form. {@code entity} is the already resolved entity of a nested map, or null to
     * read {@code :db/id} (a fresh tempid when absent).
     */
    private void expandMap(Map<?, ?> m, Object entity, int depth) {
        if (depth > MAX_DEPTH) {
            throw TxErrors.tooDeep(m);
        }
        Object e = entity;
        if (e == null) {
            Object id = m.get(DB_ID);
            e = id == null ? newTempid() : entity(id, m);
        }
        for (Map.Entry<?, ?> entry : m.entrySet()) {
            Object key = entry.getKey();
            if (key == DB_ID) {
                continue;
            }
            Object v = entry.getValue();
            Attribute a;
            if (key instanceof Keyword k) {
                a = schema.attribute(k);
                if (a == null && k.isReverse()) {
                    Attribute forward = schema.attribute(k.reverse());
                    if (forward != null) {
                        if (v == null) {
                            throw TxErrors.nilValue(forward, m);
                        }
                        reverse(e, forward, v, m);
                        continue;
                    }
                }
                if (a == null) {
                    throw schema.entid(k) != null ? TxErrors.notAnAttribute(k, m) : TxErrors.notAnEntity(k, m);
                }
            } else {
                a = attribute(key, m);
            }
            if (v == null) {
                throw TxErrors.nilValue(a, m);
            }
            if (a.isComposite()) {
                // derived by the processor; Datomic drops direct writes, but upserts a tempid through a unique one
                compositeIdentity(true, e, a, v, m);
                continue;
            }
            if (a.many() && (v instanceof List<?> || v instanceof Set<?>)) {
                for (Object x : (Collection<?>) v) {
                    mapValue(e, a, x, m, depth);
                }
            } else {
                mapValue(e, a, v, m, depth);
            }
        }
    }

    private void mapValue(Object e, Attribute a, Object v, Map<?, ?> m, int depth) {
        if (v == null) {
            throw TxErrors.nilValue(a, m);
        }
        if (a.isRef() && v instanceof Map<?, ?> nested) {
            Object id = nested.get(DB_ID);
            Object child;
            if (id != null) {
                child = entity(id, nested);
            } else {
                if (!a.isComponent() && !hasIdentity(nested)) {
                    throw TxErrors.invalidNestedEntity(nested);
                }
                child = newTempid();
            }
            if (child instanceof TempId t) {
                t.usedAsValue = true;
            }
            op(true, e, a, child, child instanceof TempId, m);
            expandMap(nested, child, depth + 1);
            return;
        }
        value(true, e, a, v, m);
    }

    private boolean hasIdentity(Map<?, ?> m) {
        for (Object k : m.keySet()) {
            if (k instanceof Keyword kw) {
                Attribute a = schema.attribute(kw);
                if (a != null && a.unique() == Attribute.Unique.IDENTITY) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code :ns/_attr v}: the entities {@code v} point at {@code e} through {@code attr}.
     * Datomic reads the value as one entity reference; Chronon also accepts a set, or a list
     * that is not a lookup ref, of references. A nested map is rejected, as in Datomic.
     */
    private void reverse(Object e, Attribute attr, Object v, Map<?, ?> m) {
        if (!attr.isRef()) {
            throw TxErrors.wrongType(e, attr, m);
        }
        if (v instanceof Set<?> || (v instanceof List<?> l && !isLookupRef(l))) {
            for (Object x : (Collection<?>) v) {
                reverseOne(e, attr, x, m);
            }
        } else {
            reverseOne(e, attr, v, m);
        }
    }

    private void reverseOne(Object e, Attribute attr, Object source, Map<?, ?> m) {
        if (source == null || source instanceof Map<?, ?>) {
            throw TxErrors.notAnEntity(source, m);
        }
        Object from = entity(source, m);
        if (e instanceof TempId t) {
            t.usedAsValue = true;
        }
        op(true, from, attr, e, e instanceof TempId, m);
    }

    private static boolean isLookupRef(List<?> l) {
        return l.size() == 2 && l.get(0) instanceof Keyword;
    }

    // ------------------------------------------------------------------ positions

    /** An entity position: an id, ident, lookup ref or tempid; returns a Long or a {@link TempId}. */
    private Object entity(Object ref, Object form) {
        if (ref instanceof String s) {
            return tempid(s);
        }
        if (ref instanceof Long || ref instanceof Integer || ref instanceof Short || ref instanceof Byte) {
            long id = ((Number) ref).longValue();
            if (id < 0) {
                return tempid(Long.toString(id));
            }
            // ids the database has not given out yet are rejected, as Datomic does; stricter
            // than Datomic, an id in :db.part/db must be one already handed out there (else a
            // later attribute could be given an id that already has datoms), and only the
            // three partitions exist
            long c = Ids.counter(id);
            long part = Ids.part(id);
            boolean given = part == Ids.PART_DB ? c < db.nextDbCounter()
                    : (part == Ids.PART_USER || part == Ids.PART_TX) && c < db.nextT();
            if (!given) {
                throw TxErrors.invalidEntityId(id, form);
            }
            return id;
        }
        Long id = lookup(ref, form);
        if (id == null) {
            throw TxErrors.notAnEntity(ref, form);
        }
        return id;
    }

    /** An ident or lookup ref resolved against the database; null if nothing matches or it is not one. */
    private Long lookup(Object ref, Object form) {
        if (ref instanceof Keyword k) {
            return schema.entid(k);
        }
        if (ref instanceof List<?> l && isLookupRef(l)) {
            Object v = l.get(1);
            if (v == null) {
                return null;
            }
            try {
                return db.entid(l);
            } catch (ChrononException e) {
                throw new ChrononException(e.category(), e.code(), e.getMessage() + " in " + TxErrors.print(form),
                        form, e);
            }
        }
        return null;
    }

    /** The entity of a function such as cas: it must exist, and tempids are not allowed. */
    private long existingEntity(Object ref, Object form, String where) {
        if (ref instanceof String || (ref instanceof Number n && n.longValue() < 0)) {
            throw TxErrors.tempidNotAllowed(ref, where, form);
        }
        Object e = entity(ref, form);
        return (Long) e;
    }

    /** The entity of {@code :db/retractEntity}: a lookup ref or ident matching nothing is no entity, not an error. */
    private Long entityOrNull(Object ref, Object form) {
        if (ref instanceof String || (ref instanceof Number n && n.longValue() < 0)) {
            throw TxErrors.tempidNotAllowed(ref, ":db/retractEntity", form);
        }
        if (ref instanceof Number n) {
            return n.longValue();
        }
        if (ref instanceof Keyword || ref instanceof List<?>) {
            return lookup(ref, form);
        }
        throw TxErrors.notAnEntity(ref, form);
    }

    private Attribute attribute(Object ref, Object form) {
        if (ref instanceof Keyword k) {
            Attribute a = schema.attribute(k);
            if (a != null) {
                return a;
            }
            throw schema.entid(k) != null ? TxErrors.notAnAttribute(k, form) : TxErrors.notAnEntity(k, form);
        }
        if (ref instanceof Long || ref instanceof Integer) {
            Attribute a = schema.attribute(((Number) ref).longValue());
            if (a != null) {
                return a;
            }
        }
        if (ref instanceof String s) {
            throw TxErrors.notAKeyword(s, form);
        }
        throw TxErrors.notAnAttribute(ref, form);
    }

    /**
     * A value position: records the op with the value as written. Values are checked and
     * resolved once their top-level form is expanded ({@link #resolveValues}), so that, as in
     * Datomic, a malformed map (say, an invalid nested map) is reported before a bad value in
     * it, and the forms of a transaction are checked in order.
     */
    private void value(boolean added, Object e, Attribute a, Object v, Object form) {
        if (v == null) {
            throw TxErrors.nilValue(a, form);
        }
        op(added, e, a, v, false, form);
        ops.get(ops.size() - 1).rawValue = true;
    }

    private void resolveValues() {
        for (int n = ops.size(); resolvedOps < n; resolvedOps++) {
            Op op = ops.get(resolvedOps);
            if (op.rawValue) {
                op.rawValue = false;
                resolveValue(op);
            }
        }
    }

    private void resolveValue(Op op) {
        Attribute a = op.attr;
        Object v = op.v;
        switch (a.valueType()) {
            case REF -> {
                Object r = refValue(v, a, op.form);
                op.v = r;
                op.vHasTempid = r instanceof TempId;
            }
            case TUPLE -> {
                boolean[] hasTempid = new boolean[1];
                op.v = tuple(a, v, op.form, hasTempid);
                op.vHasTempid = hasTempid[0];
            }
            default -> {
                Object s = a.valueType().coerce(v, ValueType.Coercion.TRANSACTION);
                if (s == null) {
                    // a string not of the form ":ns/name" is Datomic's not-a-keyword, not a wrong type
                    throw a.valueType() == ValueType.KEYWORD && v instanceof String
                            ? TxErrors.notAKeyword(v, op.form) : TxErrors.wrongType(v, a, op.form);
                }
                op.v = s;
            }
        }
    }

    /**
     * A composite tuple written directly (asserted or retracted). It is never stored (the
     * processor derives composites from their parts), but a {@code :db.unique/identity}
     * composite written for a tempid decides,
     * like any identity value, which entity the tempid upserts to: {@code {:reg/course+student
     * [c s] :reg/grade :a}} changes the registration that holds that pair, as in Datomic. The
     * value must have one element per part (else {@code :db.error/invalid-tuple-value}, as in
     * Datomic); one whose elements are not of their parts' types can be held by no entity and
     * upserts nothing. Written for an existing entity, it is dropped.
     */
    private void compositeIdentity(boolean added, Object e, Attribute a, Object v, Object form) {
        if (!(e instanceof TempId)) {
            return;
        }
        List<Long> parts = a.tupleAttrs();
        if (!(v instanceof List<?> l) || l.size() != parts.size()) {
            throw TxErrors.invalidTupleValue(v, a, "expected " + parts.size() + " elements", form);
        }
        Object[] out = new Object[parts.size()];
        boolean holdable = a.unique() == Attribute.Unique.IDENTITY;
        for (int i = 0; i < out.length && holdable; i++) {
            Object x = l.get(i);
            if (x == null) {
                continue;
            }
            Attribute part = schema.attribute(parts.get(i));
            Object s;
            if (part.isRef()) {
                s = x instanceof Long ? x : x instanceof Keyword || x instanceof List<?> ? lookup(x, form) : null;
            } else {
                s = part.valueType().coerce(x, ValueType.Coercion.TRANSACTION);
            }
            holdable = s != null;
            out[i] = s;
        }
        // the tempid is used (it gets an id, as in Datomic) even when the value upserts nothing; tempids
        // naming one value are one entity, even a value no entity can hold
        boolean identity = a.unique() == Attribute.Unique.IDENTITY;
        op(added, e, a, !identity ? null : holdable ? Collections.unmodifiableList(Arrays.asList(out)) : l, false, form);
        Op op = ops.get(ops.size() - 1);
        op.identityOnly = true;
        op.unheld = identity && !holdable;
    }

    /** A ref value: any id (Datomic does not check that it exists), an ident, a lookup ref or a tempid. */
    private Object refValue(Object v, Attribute a, Object form) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            long id = ((Number) v).longValue();
            if (id < 0) {
                TempId t = tempid(Long.toString(id));
                t.usedAsValue = true;
                return t;
            }
            return id;
        }
        if (v instanceof String s) {
            TempId t = tempid(s);
            t.usedAsValue = true;
            return t;
        }
        if (v instanceof Keyword || v instanceof List<?>) {
            Long id = lookup(v, form);
            if (id == null) {
                throw TxErrors.notAnEntity(v, form);
            }
            return id;
        }
        // nested maps are a map-form feature; anything else is no entity reference either
        throw TxErrors.notAnEntity(v, form);
    }

    /**
     * A tuple value: a vector (an EDN list is rejected, as in Datomic) of the declared arity,
     * 2 to 8 elements for a homogeneous tuple, each nil or of its element type.
     */
    private Object tuple(Attribute a, Object v, Object form, boolean[] hasTempid) {
        if (!(v instanceof List<?> l) || v instanceof EdnList) {
            throw TxErrors.invalidTupleValue(v, a, "a tuple must be a vector", form);
        }
        int n = l.size();
        List<ValueType> types = a.tupleTypes();
        if (types != null) {
            if (n != types.size()) {
                throw TxErrors.invalidTupleValue(v, a, "expected " + types.size() + " elements", form);
            }
        } else if (n < 2 || n > 8) {
            throw TxErrors.invalidTupleValue(v, a, "a tuple has 2 to 8 elements", form);
        }
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            Object x = l.get(i);
            if (x == null) {
                continue;
            }
            ValueType type = types != null ? types.get(i) : a.tupleType();
            if (type == null) {
                throw TxErrors.invalidTupleValue(v, a, "the attribute declares no element types", form);
            }
            Object s;
            if (type == ValueType.REF) {
                s = tupleRef(x, v, a, form);
                hasTempid[0] |= s instanceof TempId;
            } else {
                s = type.coerce(x, ValueType.Coercion.TRANSACTION);
                if (s == null) {
                    throw TxErrors.invalidTupleValue(v, a, TxErrors.print(x) + " is not a " + type.ident(), form);
                }
                if (s instanceof String str && str.length() > TxValues.MAX_TUPLE_STRING) {
                    throw TxErrors.invalidTupleValue(v, a, "strings in tuples have at most "
                            + TxValues.MAX_TUPLE_STRING + " characters", form);
                }
            }
            out[i] = s;
        }
        return Collections.unmodifiableList(Arrays.asList(out));
    }

    private Object tupleRef(Object x, Object tuple, Attribute a, Object form) {
        if (x instanceof Long || x instanceof Integer || x instanceof String) {
            return refValue(x, a, form);
        }
        if (x instanceof Keyword || x instanceof List<?>) {
            Long id = lookup(x, form);
            if (id == null) {
                throw TxErrors.notAnEntity(x, tuple);
            }
            return id;
        }
        throw TxErrors.invalidTupleValue(tuple, a, TxErrors.print(x) + " is not an entity reference", form);
    }

    // ------------------------------------------------------------------ tempids and ops

    private TempId tempid(String name) {
        if (TX_TEMPID.equals(name)) {
            if (txTempId == null) {
                txTempId = new TempId(TX_TEMPID, true);
            }
            return txTempId;
        }
        TempId t = named.get(name);
        if (t == null) {
            t = new TempId(name, false);
            named.put(name, t);
        }
        return t;
    }

    private static TempId newTempid() {
        return new TempId(null, false);
    }

    private void op(boolean added, Object e, Attribute a, Object v, boolean vHasTempid, Object form) {
        if (e instanceof TempId t) {
            if (t.firstEntityUse < 0) {
                t.firstEntityUse = entityUses++;
            }
            ops.add(new Op(added, 0, t, a, v, vHasTempid, form));
        } else {
            ops.add(new Op(added, (Long) e, null, a, v, vHasTempid, form));
        }
    }

    private void op(boolean added, long e, Attribute a, Object v, boolean vHasTempid, Object form) {
        ops.add(new Op(added, e, null, a, v, vHasTempid, form));
    }

    static Datom lo(long e) {
        return new Datom(e, Long.MIN_VALUE, Values.MIN, Long.MIN_VALUE, false);
    }

    static Datom hi(long e) {
        return new Datom(e, Long.MAX_VALUE, Values.MAX, Long.MAX_VALUE, true);
    }

    static Datom lo(long e, long a) {
        return new Datom(e, a, Values.MIN, Long.MIN_VALUE, false);
    }

    static Datom hi(long e, long a) {
        return new Datom(e, a, Values.MAX, Long.MAX_VALUE, true);
    }
}
