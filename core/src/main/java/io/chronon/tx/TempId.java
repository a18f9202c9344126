package io.chronon.tx;

/**
 * A temporary id of one transaction: a string (or negative number) written by the client, a
 * fresh one for a map without {@code :db/id}, or the transaction entity itself
 * ({@code "datomic.tx"}). Mutable while the transaction is processed, never shared beyond it.
 *
 * <p>Tempids that assert the same {@code :db.unique/identity} value are one entity; they are
 * merged with a union-find ({@link #root()}, {@link #absorb}).
 */
final class TempId {
    /** The name written in the transaction, or null for the tempid of a map without {@code :db/id}. */
    final String name;
    /** True for {@code "datomic.tx"}. */
    final boolean isTx;

    /** Order of the first use in an entity position, or -1; new ids are given in this order. */
    int firstEntityUse = -1;
    /** True if the tempid was used in a value position. */
    boolean usedAsValue;
    /** True if the entity asserts attribute properties: it gets an id in {@code :db.part/db}. */
    boolean installsAttribute;
    /** The existing entity it upserts to, or -1. */
    long upsertTo = -1;
    /** The new entity id given to it, or -1; an upsert later in the transaction overrides it. */
    long id = -1;

    private TempId parent = this;

    TempId(String name, boolean isTx) {
        this.name = name;
        this.isTx = isTx;
    }

    /** The representative of this tempid's group. */
    TempId root() {
        TempId r = this;
        while (r.parent != r) {
            r.parent = r.parent.parent;
            r = r.parent;
        }
        return r;
    }

    /** Makes {@code other}'s group part of this one's: it becomes what this tempid resolves to. */
    void absorb(TempId other) {
        TempId keep = root();
        TempId drop = other.root();
        if (keep != drop) {
            drop.parent = keep;
            keep.installsAttribute |= drop.installsAttribute;
        }
    }

    /** The name for messages. */
    String display() {
        return name != null ? name : "#tempid" + System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return name != null ? "\"" + name + "\"" : display();
    }
}
