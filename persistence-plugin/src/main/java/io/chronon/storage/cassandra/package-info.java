/**
 * The Cassandra store: the log in conditional batches fenced per writer, snapshots in chunks,
 * the connection and schema, and the storage kind {@code cassandra}. Implements the interfaces
 * of {@code journal}. docs/cassandra.md describes the tables.
 */
package io.chronon.storage.cassandra;
