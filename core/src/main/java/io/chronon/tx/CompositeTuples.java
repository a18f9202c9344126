package io.chronon.tx;

import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Schema;
import io.chronon.db.Values;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Composite tuples ({@code :db/tupleAttrs}): whenever a transaction changes one of the
 * attributes a composite is made of, the composite of that entity is recomputed from the
 * attributes' values after the transaction, nil for a missing one. A composite whose values
 * are all missing is retracted rather than stored as all nils (as Datomic does). Writing a
 * composite directly is silently dropped by the expander, as in Datomic.
 */
final class CompositeTuples {
    /** Per schema: attribute id to the composites it is part of. Schemas are immutable, so this never goes stale. */
    private static final Map<Schema, Map<Long, List<Attribute>>> INDEX = new WeakHashMap<>();

    private CompositeTuples() {
    }

    static Map<Long, List<Attribute>> compositesByPart(Schema schema) {
        synchronized (INDEX) {
            Map<Long, List<Attribute>> m = INDEX.get(schema);
            if (m == null) {
                m = new HashMap<>();
                for (Attribute a : schema.attributes()) {
                    if (a.isComposite()) {
                        for (long part : a.tupleAttrs()) {
                            m.computeIfAbsent(part, k -> new ArrayList<>()).add(a);
                        }
                    }
                }
                m = m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
                INDEX.put(schema, m);
            }
            return m;
        }
    }

    static void derive(DbValue db, TxDatoms tx) {
        Map<Long, List<Attribute>> byPart = compositesByPart(db.schema());
        if (byPart.isEmpty()) {
            return;
        }
        Map<TxDatoms.EntityAttr, List<Datom>> changes = tx.byEntityAttr(byPart::containsKey);
        if (changes.isEmpty()) {
            return;
        }
        Set<TxDatoms.EntityAttr> touched = new LinkedHashSet<>();
        for (TxDatoms.EntityAttr ea : changes.keySet()) {
            for (Attribute composite : byPart.get(ea.a())) {
                touched.add(new TxDatoms.EntityAttr(ea.e(), composite.id()));
            }
        }
        for (TxDatoms.EntityAttr ea : touched) {
            Attribute composite = db.schema().attribute(ea.a());
            List<Long> parts = composite.tupleAttrs();
            Object[] values = new Object[parts.size()];
            boolean any = false;
            for (int i = 0; i < values.length; i++) {
                values[i] = valueAfter(db, tx, changes, ea.e(), parts.get(i));
                any |= values[i] != null;
            }
            Object after = any ? Collections.unmodifiableList(Arrays.asList(values)) : null;
            Object before = tx.currentValue(ea.e(), composite.id());
            if (before != null && tx.retracts(ea.e(), composite, before)) {
                before = null; // retracted by the transaction itself (retractEntity)
            }
            if (Values.equal(before, after)) {
                continue;
            }
            if (before != null) {
                tx.addDerived(ea.e(), composite, before, false);
            }
            if (after != null) {
                tx.addDerived(ea.e(), composite, after, true);
            }
        }
    }

    /** The value of cardinality-one attribute {@code a} of {@code e} after the transaction. */
    private static Object valueAfter(DbValue db, TxDatoms tx, Map<TxDatoms.EntityAttr, List<Datom>> changes,
                                     long e, long a) {
        List<Datom> ds = changes.get(new TxDatoms.EntityAttr(e, a));
        Object retracted = null;
        if (ds != null) {
            for (Datom d : ds) {
                if (d.added()) {
                    return d.v();
                }
                retracted = d.v();
            }
        }
        Object current = tx.currentValue(e, a);
        return current != null && retracted != null && Values.equal(current, retracted) ? null : current;
    }
}
