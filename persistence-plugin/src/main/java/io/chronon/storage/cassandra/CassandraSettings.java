package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.typesafe.config.Config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The settings of the storage kind {@code cassandra} ({@code chronon.storage.cassandra} in
 * reference.conf; docs/cassandra.md describes each key).
 *
 * @param keyspace            the keyspace of the logs, snapshots and the catalog
 * @param replicationStrategy {@code SimpleStrategy} or {@code NetworkTopologyStrategy}, when the keyspace is created
 * @param replicationFactor   the replicas of SimpleStrategy
 * @param dcReplication       {@code "dc:n"} pairs of NetworkTopologyStrategy
 * @param writeConsistency    consistency of writes (and of the commit phase of conditional writes)
 * @param readConsistency     consistency of reads
 * @param serialConsistency   consistency of the Paxos phase of conditional writes and of serial reads
 * @param autoCreate          create the keyspace and tables on first use
 * @param requestTimeout      how long one read or write may take
 * @param partitionSize       log entries per Cassandra partition of a log (fixed once data is written)
 * @param maxBatchBytes       a journal write whose payloads are larger goes out as several conditional batches
 * @param snapshotChunkBytes  the size of one snapshot chunk row
 */
public record CassandraSettings(String keyspace, String replicationStrategy, int replicationFactor, List<String> dcReplication,
                                ConsistencyLevel writeConsistency, ConsistencyLevel readConsistency,
                                ConsistencyLevel serialConsistency, boolean autoCreate, Duration requestTimeout,
                                long partitionSize, long maxBatchBytes, int snapshotChunkBytes) {

    /** The settings at {@code c} ({@code chronon.storage.cassandra}); fails with a clear message on a bad value. */
    public static CassandraSettings from(Config c) {
        ConsistencyLevel serial = consistency(c, "serial-consistency");
        if (!serial.isSerial()) {
            throw new IllegalArgumentException("chronon.storage.cassandra.serial-consistency must be SERIAL or LOCAL_SERIAL, not " + serial);
        }
        long partitionSize = c.getLong("partition-size");
        if (partitionSize < 1) {
            throw new IllegalArgumentException("chronon.storage.cassandra.partition-size must be at least 1, not " + partitionSize);
        }
        long chunk = c.getBytes("snapshot-chunk-size");
        if (chunk < 1024 || chunk > 8 << 20) {
            throw new IllegalArgumentException("chronon.storage.cassandra.snapshot-chunk-size must be between 1 KiB and 8 MiB, not " + chunk);
        }
        return new CassandraSettings(c.getString("keyspace"), c.getString("replication-strategy"), c.getInt("replication-factor"),
                c.getStringList("data-center-replication-factors"), consistency(c, "write-consistency"),
                consistency(c, "read-consistency"), serial, c.getBoolean("auto-create"), c.getDuration("request-timeout"),
                partitionSize, Math.max(1, c.getBytes("max-batch-size")), (int) chunk);
    }

    private static ConsistencyLevel consistency(Config c, String key) {
        String name = c.getString(key).trim().toUpperCase(Locale.ROOT);
        try {
            return DefaultConsistencyLevel.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("chronon.storage.cassandra." + key + " is not a consistency level: " + name, e);
        }
    }

    /** The partition ("bucket") of the log that holds sequence number {@code seqNr}. */
    long bucket(long seqNr) {
        return seqNr / partitionSize;
    }

    /** The replication clause of {@code CREATE KEYSPACE}. */
    String replicationClause() {
        if ("NetworkTopologyStrategy".equals(replicationStrategy) || replicationStrategy.endsWith(".NetworkTopologyStrategy")) {
            StringBuilder sb = new StringBuilder("{'class': 'NetworkTopologyStrategy'");
            for (String dc : dcReplication) {
                String[] parts = dc.split(":");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("data-center-replication-factors entries are \"dc:n\", not " + dc);
                }
                sb.append(", '").append(parts[0].trim()).append("': ").append(Integer.parseInt(parts[1].trim()));
            }
            return sb.append('}').toString();
        }
        return "{'class': 'SimpleStrategy', 'replication_factor': " + replicationFactor + "}";
    }
}
