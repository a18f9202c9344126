package io.chronon.db;

import io.chronon.edn.EdnPrintable;
import io.chronon.edn.EdnPrinter;

/**
 * One fact: entity {@code e} has value {@code v} for attribute {@code a}, asserted
 * ({@code added}) or retracted by transaction {@code tx}. Immutable.
 *
 * <p>{@code a} is the attribute's entity id and {@code tx} the transaction's entity id, as in
 * Datomic; {@link #t()} gives the transaction's t.
 */
public final class Datom implements EdnPrintable {
    private final long e;
    private final long a;
    private final Object v;
    private final long tx;
    private final boolean added;

    public Datom(long e, long a, Object v, long tx, boolean added) {
        this.e = e;
        this.a = a;
        this.v = v;
        this.tx = tx;
        this.added = added;
    }

    public long e() {
        return e;
    }

    public long a() {
        return a;
    }

    public Object v() {
        return v;
    }

    public long tx() {
        return tx;
    }

    /** The t of the transaction that asserted or retracted this datom. */
    public long t() {
        return Ids.txToT(tx);
    }

    public boolean added() {
        return added;
    }

    /** The same fact with another transaction and added flag. */
    public Datom withTx(long newTx, boolean newAdded) {
        return new Datom(e, a, v, newTx, newAdded);
    }

    /** True if both datoms state the same entity, attribute and value. */
    public boolean sameFact(Datom o) {
        return e == o.e && a == o.a && Values.equal(v, o.v);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Datom d)) {
            return false;
        }
        return e == d.e && a == d.a && tx == d.tx && added == d.added && Values.equal(v, d.v);
    }

    @Override
    public int hashCode() {
        int h = Long.hashCode(e);
        h = h * 31 + Long.hashCode(a);
        h = h * 31 + Values.hash(v);
        h = h * 31 + Long.hashCode(tx);
        return h * 31 + (added ? 1 : 0);
    }

    /** Prints {@code #datom[e a v tx added]}, as Datomic does. */
    @Override
    public void printEdn(StringBuilder out) {
        out.append("#datom[").append(e).append(' ').append(a).append(' ');
        EdnPrinter.print(v, out);
        out.append(' ').append(tx).append(' ').append(added).append(']');
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        printEdn(sb);
        return sb.toString();
    }
}
