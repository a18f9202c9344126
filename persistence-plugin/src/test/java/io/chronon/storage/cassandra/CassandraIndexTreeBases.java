package io.chronon.storage.cassandra;

import io.chronon.storage.index.IndexTreeBases;
import io.chronon.storage.index.NodeLimits;
import org.apache.pekko.actor.ExtendedActorSystem;

/**
 * {@link IndexTreeBases} in a real Cassandra (the shared one of the cassandra-dev harness,
 * started on first use): every tree of the test run is written into one database of a
 * {@link CassandraSegmentStore} in keyspace {@value #KEYSPACE}, synced (so the store no longer
 * answers from the puts it holds) and read back with a query per segment the tiny cache misses.
 * What {@code -Dchronon.test.layered.base=io.chronon.storage.cassandra.CassandraIndexTreeBases}
 * plugs into core's differential suites (this module's pom runs them that way).
 */
public final class CassandraIndexTreeBases extends IndexTreeBases {
    static final String KEYSPACE = "chronon_bases";
    /**
     * Nodes of 64 datoms and 8 children: a quarter of the segments of {@link #TINY}'s, each one a
     * Cassandra write when a base is built and a read when the cache misses it; the pull suites'
     * trees still have four levels, a transaction suite's one or two.
     */
    static final NodeLimits SMALL = NodeLimits.ofEntries(64, 8);

    /** Bases in the segments table of the shared Cassandra, through a node (a driver session) of this JVM's own. */
    public CassandraIndexTreeBases() {
        super(open(), "bases", SMALL);
    }

    private static CassandraSegmentStore open() {
        ExtendedActorSystem node = CassandraNodes.start("index-tree-bases", KEYSPACE, "");
        return new CassandraSegmentStore(node, node.settings().config().getConfig("chronon.cassandra.segments"));
    }
}
