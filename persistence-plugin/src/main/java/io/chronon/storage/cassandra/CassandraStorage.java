package io.chronon.storage.cassandra;

import com.typesafe.config.Config;
import io.chronon.storage.PluginStorage;
import io.chronon.storage.journal.PluginStores;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import java.util.concurrent.CompletionStage;

/**
 * Apache Cassandra as a {@link io.chronon.storage.DatabaseStorage} kind ({@code chronon.storage.kinds.cassandra}):
 * Chronon's own journal, snapshot store and read journal plugins under {@code chronon.cassandra}
 * (the ones of the embedded store) on {@link CassandraLogStore} and {@link CassandraSnapshots},
 * configured from {@code chronon.storage.cassandra} (contact points, keyspace, datacenter,
 * replication, consistency, auto-creation; see docs/cassandra.md).
 *
 * <p>Everything of a database lives in one keyspace: its transaction log in {@code messages}
 * (one row per transaction, written with a conditional insert so two writers can never both store
 * an entry at one sequence number), its db-value snapshots in {@code snapshots} and
 * {@code snapshot_chunks}, and how far its log was deleted in {@code metadata}. The catalog is an
 * event-sourced actor on the default kind, so a node with {@code chronon.storage.default-kind = cassandra}
 * keeps nothing on local disk.
 */
public final class CassandraStorage extends PluginStorage {
    private final ActorSystem<?> system;

    /** The kind {@code kind} configured by {@code config} ({@code chronon.storage.kinds.<kind>}). */
    public CassandraStorage(ActorSystem<?> system, String kind, Config config) {
        super(system, kind, config);
        this.system = system;
    }

    /** Always true: an acknowledged write is on {@code write-consistency} replicas' commit logs. */
    @Override
    public boolean durable() {
        return true;
    }

    /**
     * Deletes the rows of {@code persistenceId}: its log partitions, its metadata and its
     * snapshots (a database's persistence id is never used again: a re-created database gets a
     * new id).
     */
    @Override
    public CompletionStage<Void> deleteData(String persistenceId) {
        return PluginStores.get(Adapter.toClassic(system)).purge(journalPluginId(), snapshotPluginId(), persistenceId)
                .thenRun(() -> deleteSegments(persistenceId));
    }
}
