/**
 * Durable index trees (issue 15): immutable B+trees of datoms in one index order whose nodes
 * are segments of the segment store, read through one byte-bounded cache of decoded nodes.
 * {@link io.chronon.storage.index.IndexTree} is a tree (bulk build, incremental merge of
 * novelty, range reads), named by its {@link io.chronon.storage.index.IndexRoot};
 * {@link io.chronon.storage.index.TreeStorage} is where one database's trees read and write
 * their nodes; {@link io.chronon.storage.index.SegmentCache} is the cache a node shares among
 * its databases. Node encoding is {@code NodeCodec}'s; values go through
 * {@link io.chronon.storage.codec.ValueCodec}.
 */
package io.chronon.storage.index;
