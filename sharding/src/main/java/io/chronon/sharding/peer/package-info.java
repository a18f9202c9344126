/**
 * Query peers: replicas of a database's value per query group, kept current by the feed and
 * the log ({@link io.chronon.sharding.peer.QueryPeer}), the reads they run
 * ({@link io.chronon.sharding.peer.PeerReads}, on the query dispatcher with a deadline), and
 * how a read finds a replica ({@link io.chronon.sharding.peer.PeerRouting}: rendezvous hashing
 * over the group's reachable nodes). May use every other sub-package; reads the log through
 * {@code writer.TxLog}.
 */
package io.chronon.sharding.peer;
