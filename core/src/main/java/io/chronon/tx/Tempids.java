package io.chronon.tx;

import io.chronon.db.Attribute;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.Values;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves the tempids of a transaction, following Datomic's algorithm (as observed on
 * 1.0.7622, down to the numbering):
 * <ul>
 *   <li>the operations are visited in order; a tempid is decided at its first use in an
 *       entity position: if that operation asserts (or retracts) a {@code :db.unique/identity}
 *       value already held in the db, the tempid becomes that entity (upsert); if another tempid of the
 *       transaction asserted the same identity value first, it becomes that tempid's entity;
 *       otherwise it gets the next new id: the transaction's t is {@code db.nextT()}, new
 *       entities take the following counters in {@code :db.part/user}, and entities that
 *       install an attribute take {@code db.nextDbCounter()}, ... in {@code :db.part/db};</li>
 *   <li>a later identity assertion of a decided tempid still upserts (the last one held in the
 *       db wins, and the unique check then rejects the other value); the id it was given is
 *       then skipped, not reused, exactly as Datomic skips it;</li>
 *   <li>only literal values upsert: an identity value that is itself a tempid does not;</li>
 *   <li>a tempid used only in value positions is {@code :db.error/tempid-not-an-entity}.</li>
 * </ul>
 */
final class Tempids {
    /** The next t and db-partition counter after this transaction, and the tempid report. */
    record Resolution(long nextT, long nextDbCounter, Map<String, Long> tempids) {
    }

    private Tempids() {
    }

    static Resolution resolve(DbValue db, TxExpander ex, long t) {
        List<Op> ops = ex.ops;
        checkValueUses(ops);
        markAttributeInstalls(ops);

        long txId = Ids.tToTx(t);
        if (ex.txTempId != null) {
            // also when "datomic.tx" appears only as a ref value: {:best-friend "datomic.tx"}
            ex.txTempId.id = txId;
        }
        long userCounter = t + 1;
        long dbCounter = db.nextDbCounter();
        Map<IdentityKey, TempId> claims = null;
        java.util.Set<Long> newUserIds = new java.util.HashSet<>();
        for (Op op : ops) {
            if (op.eTemp == null) {
                continue;
            }
            TempId r = op.eTemp.root();
            if (!op.vHasTempid && op.v != null && op.attr.unique() == Attribute.Unique.IDENTITY && !r.isTx) {
                long holder = op.unheld ? -1 : holder(db, op.attr.id(), op.v);
                if (holder >= 0) {
                    // the last identity value held in the db wins; a new id given before is not reused
                    r.upsertTo = holder;
                    continue;
                }
                if (claims == null) {
                    claims = new HashMap<>();
                }
                TempId claimer = claims.putIfAbsent(new IdentityKey(op.attr.id(), op.v), r);
                if (claimer != null && claimer.root() != r) {
                    claimer.root().absorb(r);
                    continue;
                }
            }
            if (r.id < 0 && r.upsertTo < 0) {
                if (r.isTx) {
                    r.id = txId;
                } else if (r.installsAttribute) {
                    r.id = Ids.entid(Ids.PART_DB, dbCounter++);
                } else {
                    r.id = Ids.entid(Ids.PART_USER, userCounter++);
                    newUserIds.add(r.id);
                }
            }
        }
        for (Op op : ops) {
            if (op.eTemp != null) {
                TempId r = op.eTemp.root();
                op.eIsNew = r.upsertTo < 0;
                op.e = resolved(r);
                op.eTemp = null;
            }
            if (op.vHasTempid) {
                op.v = substitute(op.v);
                op.vHasTempid = false;
            }
        }
        Map<String, Long> report = new LinkedHashMap<>();
        for (Map.Entry<String, TempId> e : ex.named.entrySet()) {
            TempId r = e.getValue().root();
            if (r.id >= 0 || r.upsertTo >= 0) {
                report.put(e.getKey(), resolved(r));
            }
        }
        if (ex.txTempId != null && ex.txTempId.firstEntityUse >= 0) {
            // as Datomic: named in the report only when it was used as an entity
            report.put(TxExpander.TX_TEMPID, txId);
        }
        return new Resolution(nextT(t, ops, newUserIds), dbCounter, Collections.unmodifiableMap(report));
    }

    /**
     * The next t: one past the highest new id that a statement uses as its entity, as in
     * Datomic. A tempid named as an entity only by composite tuples (never stored) is reported
     * with its id but takes none, and the next transaction may give that id again.
     */
    private static long nextT(long t, List<Op> ops, java.util.Set<Long> newUserIds) {
        long next = t + 1;
        for (Op op : ops) {
            if (op.identityOnly) {
                continue;
            }
            if (newUserIds.contains(op.e)) {
                next = Math.max(next, Ids.counter(op.e) + 1);
            }
        }
        return next;
    }

    private static long resolved(TempId root) {
        return root.upsertTo >= 0 ? root.upsertTo : root.id;
    }

    private static void checkValueUses(List<Op> ops) {
        for (Op op : ops) {
            if (op.vHasTempid) {
                if (op.v instanceof TempId t) {
                    checkValueUse(t, op);
                } else {
                    for (Object x : (List<?>) op.v) {
                        if (x instanceof TempId t) {
                            checkValueUse(t, op);
                        }
                    }
                }
            }
        }
    }

    private static void checkValueUse(TempId t, Op op) {
        if (t.firstEntityUse < 0 && !t.isTx) {
            throw TxErrors.tempidNotAnEntity(t.display(), op.form);
        }
    }

    /** The entity holding {@code v} for unique attribute {@code a}, or -1. */
    static long holder(DbValue db, long a, Object v) {
        Datom from = new Datom(Long.MIN_VALUE, a, v, Long.MIN_VALUE, false);
        Datom to = new Datom(Long.MAX_VALUE, a, v, Long.MAX_VALUE, true);
        for (Datom d : db.slice(IndexType.AVET, from, to)) {
            return d.e();
        }
        return -1;
    }

    /** Entities asserting attribute properties (or named by {@code :db.install/attribute}) go to {@code :db.part/db}. */
    private static void markAttributeInstalls(List<Op> ops) {
        for (Op op : ops) {
            if (!op.added) {
                continue;
            }
            long a = op.attr.id();
            if (op.eTemp != null && SchemaChanges.isInstallProperty(a)) {
                op.eTemp.installsAttribute = true;
            } else if (a == Bootstrap.INSTALL_ATTRIBUTE && op.v instanceof TempId t) {
                t.installsAttribute = true;
            }
        }
    }

    private static Object substitute(Object v) {
        if (v instanceof TempId t) {
            return resolved(t.root());
        }
        List<?> l = (List<?>) v;
        List<Object> out = new ArrayList<>(l.size());
        for (Object x : l) {
            out.add(x instanceof TempId t ? (Object) resolved(t.root()) : x);
        }
        return Collections.unmodifiableList(out);
    }

    /** An (attribute, value) pair with value equality (byte arrays by content). */
    static final class IdentityKey {
        final long a;
        final Object v;
        private final int hash;

        IdentityKey(long a, Object v) {
            this.a = a;
            this.v = v;
            this.hash = Long.hashCode(a) * 31 + Values.hash(v);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityKey k && k.a == a && Values.equal(k.v, v);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
