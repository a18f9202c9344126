package io.chronon.tx;

import io.chronon.db.DbValue;

import java.util.List;

/**
 * A transaction function installed on the writer (Datomic's classpath functions): called
 * with the database as of the start of the transaction and the arguments of its call
 * {@code [:my/fn arg1 arg2]}, it returns transaction data that replaces the call.
 * Functions are registered by name in the node's configuration; clients can only name them.
 */
@FunctionalInterface
public interface TxFunction {
    List<?> apply(DbValue db, List<Object> args);
}
