/**
 * The writer (transactor) of one database, a sharded entity on nodes with role
 * {@code transactor}: its lifecycle and recovery ({@link io.chronon.sharding.writer.Transactor}),
 * the write queue and group commit ({@link io.chronon.sharding.writer.WriteQueue}), the
 * request-id window that answers a retried request instead of applying it twice
 * ({@link io.chronon.sharding.writer.RequestIdWindow}), the publisher of committed
 * transactions ({@link io.chronon.sharding.writer.TxPublisher}), the state shared with the
 * journal's threads ({@link io.chronon.sharding.writer.WriterSharedState}) and the
 * transaction log itself ({@link io.chronon.sharding.writer.TxLog}, event-sourced; also read
 * by peers). Uses {@code feed}, {@code catalog}, {@code wire}, {@code support}.
 */
package io.chronon.sharding.writer;
