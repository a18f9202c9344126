/**
 * Storage kinds and the stored format: {@link io.chronon.storage.DatabaseStorage} (what a
 * writer and a peer need of a kind), the kinds of a node ({@link io.chronon.storage.Storages};
 * the embedded kind {@link io.chronon.storage.EmbeddedStorage}, Cassandra's in
 * {@code cassandra}), and the one serializer of what is stored
 * ({@link io.chronon.storage.TxLogEntry} and db values, {@link io.chronon.storage.StorageSerializer}).
 */
package io.chronon.storage;
