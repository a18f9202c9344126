/**
 * The indexing jobs of the databases whose writers run on this node: when a database's
 * novelty grows past its threshold, its {@link io.chronon.sharding.indexer.DatabaseIndexer}
 * merges it into new durable index trees in the background and records their roots, and the
 * writer and the peers switch to them.
 */
package io.chronon.sharding.indexer;
