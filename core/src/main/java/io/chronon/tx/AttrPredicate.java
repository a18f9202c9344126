package io.chronon.tx;

/**
 * An attribute predicate (Datomic's {@code :db.attr/preds}): an attribute names it by symbol,
 * {@code {:db/ident :person/age ... :db.attr/preds my.preds/adult-age?}}, and every value a
 * transaction asserts for that attribute must pass it, or the transaction is rejected with
 * {@code :db.error/attr-pred}. Like a {@link TxFunction} it is Java code registered on the
 * writer by name ({@link TxOptions#withAttrPredicate}, or {@code chronon.tx-predicates} in a
 * node's configuration): a client only names it, so no code ever travels with a transaction.
 * It should be pure and quick: it runs inside the writer, once per asserted value.
 */
@FunctionalInterface
public interface AttrPredicate {
    /** True if {@code value} (in its stored form: a long, string, keyword, an entity id for a ref, ...) may be asserted. */
    boolean test(Object value);
}
