package io.chronon.tx;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Datomic's constraints on transactions, checked against registered Java predicates:
 * attribute predicates ({@code :db.attr/preds}: every asserted value of the attribute must
 * pass each) and entity specs ({@code [:db/add e :db/ensure spec]}: after the transaction, the
 * entity must have every attribute of the spec's {@code :db.entity/attrs} and pass each of its
 * {@code :db.entity/preds}, given the database the transaction would make). {@code :db/ensure}
 * itself is never stored; retracting it does nothing.
 *
 * <p>The order of the checks is Datomic's (observed on 1.0.7622): every other error of the
 * transaction first (conflicts, uniqueness, ...), then datom by datom in the transaction's
 * order: a value's attribute predicates where it is asserted, a spec's required attributes
 * and then its predicates where {@code :db/ensure} names it.
 *
 * <p>Failures are Datomic's: {@code :db.error/attr-pred}, {@code :db.error/entity-attr},
 * {@code :db.error/entity-pred} (all incorrect), the form a map carrying Datomic's ex-data key
 * {@code :db.error/pred-return}; a predicate no one registered is not-found, as Datomic's
 * "Can't resolve symbol". A predicate that throws a {@link ChrononException} rejects the
 * transaction with it; any other exception becomes the predicate's own error code, naming it.
 */
final class Specs {
    static final long ENSURE = 68;
    static final long ENTITY_ATTRS = 69;
    static final long ENTITY_PREDS = 70;
    static final long ATTR_PREDS = 71;

    private Specs() {
    }

    /** True if some attribute of {@code db} has predicates (one index seek, so a database without any pays nothing more). */
    static boolean anyAttrPreds(DbValue db) {
        return db.datoms(IndexType.AEVT, ATTR_PREDS).iterator().hasNext();
    }

    /**
     * A transaction's datoms: {@code stored}, without its {@code :db/ensure} ones (never
     * stored), and {@code inOrder}, all of them, for {@link #check}.
     */
    record Ensures(List<Datom> stored, List<Datom> inOrder, boolean any) {
    }

    /** Splits off the {@code :db/ensure} datoms of {@code datoms} (no copy when there are none). */
    static Ensures takeEnsures(List<Datom> datoms) {
        for (Datom d : datoms) {
            if (d.a() == ENSURE) {
                List<Datom> stored = new ArrayList<>(datoms.size());
                for (Datom x : datoms) {
                    if (x.a() != ENSURE) {
                        stored.add(x);
                    }
                }
                return new Ensures(stored, datoms, true);
            }
        }
        return new Ensures(datoms, datoms, false);
    }

    /**
     * Checks the transaction datom by datom, in order (Datomic's order): an asserted value
     * against its attribute's predicates (as of {@code before}), an asserted
     * {@code :db/ensure} against its spec, required attributes then predicates (given
     * {@code after}, the database the transaction makes).
     */
    static void check(DbValue before, DbValue after, Ensures ensures, Map<String, Long> tempids, TxOptions options) {
        boolean attrPreds = anyAttrPreds(before);
        if (!attrPreds && !ensures.any()) {
            return;
        }
        Map<Long, String> names = new HashMap<>();
        if (ensures.any()) {
            tempids.forEach((name, id) -> names.putIfAbsent(id, name));
        }
        Map<Long, List<Symbol>> preds = new HashMap<>();
        Set<List<Long>> checked = new HashSet<>();
        for (Datom d : ensures.inOrder()) {
            if (!d.added()) {
                continue;
            }
            if (d.a() != ENSURE) {
                if (attrPreds) {
                    checkAttrPreds(before, d, options, preds);
                }
            } else if (checked.add(List.of(d.e(), (Long) d.v()))) {
                Object shown = names.containsKey(d.e()) ? names.get(d.e()) : (Object) d.e();
                checkEntityAttrs(after, d.e(), shown, (Long) d.v());
                checkEntityPreds(after, d.e(), shown, (Long) d.v(), options);
            }
        }
    }

    /** Checks the value {@code d} asserts against its attribute's predicates in {@code db}. */
    private static void checkAttrPreds(DbValue db, Datom d, TxOptions options, Map<Long, List<Symbol>> preds) {
        for (Symbol name : preds.computeIfAbsent(d.a(), a -> symbols(db, a, ATTR_PREDS))) {
            AttrPredicate p = options.attrPredicates().get(name);
            if (p == null) {
                throw unknown(name, "attribute");
            }
            Keyword attr = db.ident(d.a());
            boolean ok;
            try {
                ok = p.test(d.v());
            } catch (ChrononException e) {
                throw e;
            } catch (RuntimeException e) {
                throw threw("db.error/attr-pred", "Entity " + d.e() + " attribute " + attr + " value "
                        + TxErrors.print(d.v()) + ": pred " + name, e, TxErrors.show(db, d));
            }
            if (!ok) {
                throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/attr-pred"), "Entity " + d.e()
                        + " attribute " + attr + " value " + TxErrors.print(d.v()) + " failed pred " + name,
                        failure(d.e(), attr, d.v(), name, null));
            }
        }
    }

    private static void checkEntityAttrs(DbValue after, long entity, Object shown, long spec) {
        List<Keyword> missing = new ArrayList<>();
        for (Datom d : after.datoms(IndexType.EAVT, spec, ENTITY_ATTRS)) {
            Attribute a = after.attribute(d.v());
            if (a == null || !after.datoms(IndexType.EAVT, entity, a.id()).iterator().hasNext()) {
                missing.add((Keyword) d.v());
            }
        }
        if (!missing.isEmpty()) {
            Object specName = specName(after, spec);
            Map<Keyword, Object> data = new LinkedHashMap<>();
            data.put(Keyword.of("entity"), shown);
            data.put(Keyword.of("db.error/missing-attrs"), missing);
            data.put(Keyword.of("db/ensure"), specName);
            throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/entity-attr"), "Entity " + shown
                    + " missing attributes " + TxErrors.print(missing) + " of spec " + TxErrors.print(specName), data);
        }
    }

    private static void checkEntityPreds(DbValue after, long entity, Object shown, long spec, TxOptions options) {
        for (Symbol name : symbols(after, spec, ENTITY_PREDS)) {
            EntityPredicate p = options.entityPredicates().get(name);
            if (p == null) {
                throw unknown(name, "entity");
            }
            Object specName = specName(after, spec);
            boolean ok;
            try {
                ok = p.test(after, entity);
            } catch (ChrononException x) {
                throw x;
            } catch (RuntimeException x) {
                throw threw("db.error/entity-pred", "Entity " + shown + ": pred " + name + " of spec "
                        + TxErrors.print(specName), x, specName);
            }
            if (!ok) {
                throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("db.error/entity-pred"), "Entity " + shown
                        + " failed pred " + name + " of spec " + TxErrors.print(specName),
                        failure(shown, null, null, name, specName));
            }
        }
    }

    private static Object specName(DbValue db, long spec) {
        Keyword ident = db.ident(spec);
        return ident != null ? ident : (Object) spec;
    }

    private static List<Symbol> symbols(DbValue db, long entity, long attr) {
        List<Symbol> out = new ArrayList<>();
        for (Datom d : db.datoms(IndexType.EAVT, entity, attr)) {
            out.add((Symbol) d.v());
        }
        return out;
    }

    /** Datomic's ex-data ({@code :db.error/pred-return false}) with what failed. */
    private static Map<Keyword, Object> failure(Object entity, Keyword attr, Object value, Symbol pred, Object spec) {
        Map<Keyword, Object> data = new LinkedHashMap<>();
        data.put(Keyword.of("db.error/pred-return"), false);
        data.put(Keyword.of("entity"), entity);
        if (attr != null) {
            data.put(Keyword.of("attribute"), attr);
            data.put(Keyword.of("value"), value);
        }
        data.put(Keyword.of("pred"), pred);
        if (spec != null) {
            data.put(Keyword.of("db/ensure"), spec);
        }
        return data;
    }

    private static ChrononException unknown(Symbol name, String kind) {
        return new ChrononException(ErrorCategory.NOT_FOUND, Keyword.of("chronon.error/unknown-predicate"),
                "Can't resolve symbol: " + name + " (no " + kind + " predicate of that name is registered on the writer)", name);
    }

    private static ChrononException threw(String code, String what, RuntimeException e, Object form) {
        return new ChrononException(ErrorCategory.INCORRECT, Keyword.of(code), what + " threw: "
                + (e.getMessage() == null ? "an error" : e.getMessage()), form, e);
    }
}
