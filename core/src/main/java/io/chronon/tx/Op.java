package io.chronon.tx;

import io.chronon.db.Attribute;

/**
 * One assertion or retraction after expansion: map forms, tx functions, {@code :db/cas},
 * {@code :db/retractEntity} and {@code [:db/retract e a]} are all reduced to these. The
 * entity is an id or a {@link TempId}; the value is in its stored form, except that refs (and
 * ref elements of tuples) may still be tempids until they are resolved.
 */
final class Op {
    final boolean added;
    long e;
    /** Non-null while the entity is a tempid. */
    TempId eTemp;
    final Attribute attr;
    Object v;
    /** True if {@code v} is or contains a {@link TempId}. */
    boolean vHasTempid;
    /** True while {@code v} is still the value as written in the transaction data. */
    boolean rawValue;
    /**
     * True for the value of a unique-identity composite tuple written with a tempid: it only
     * decides which entity the tempid upserts to, and is never stored (the composite is derived).
     */
    boolean identityOnly;
    /** True for such a value whose elements are not of their parts' types: no entity holds it. */
    boolean unheld;
    /** True if the entity is new in this transaction. */
    boolean eIsNew;
    /** The statement or map this op came from, for messages. */
    final Object form;

    Op(boolean added, long e, TempId eTemp, Attribute attr, Object v, boolean vHasTempid, Object form) {
        this.added = added;
        this.e = e;
        this.eTemp = eTemp;
        this.attr = attr;
        this.v = v;
        this.vHasTempid = vHasTempid;
        this.form = form;
    }
}
