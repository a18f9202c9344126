package io.chronon.storage.cassandra;

import com.typesafe.config.Config;
import io.chronon.storage.PluginStorage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.cassandra.cleanup.Cleanup;
import org.apache.pekko.persistence.cassandra.cleanup.CleanupSettings;
import scala.jdk.javaapi.FutureConverters;

import java.util.concurrent.CompletionStage;

/**
 * Apache Cassandra as a {@link io.chronon.storage.DatabaseStorage} kind ({@code chronon.storage.kinds.cassandra}):
 * pekko-persistence-cassandra's journal, snapshot store and read journal under
 * {@code chronon.cassandra}, all configured from {@code chronon.storage.cassandra}
 * (contact points, keyspace, datacenter, replication, consistency, auto-creation; see
 * docs/cassandra.md).
 *
 * <p>Everything of a database lives in one keyspace: its transaction log in
 * {@code messages} (one row per transaction), its db-value snapshots in {@code snapshots},
 * plus the plugin's {@code metadata} and {@code all_persistence_ids}. The catalog is an
 * event-sourced actor on the default kind, so a node with
 * {@code chronon.storage.default-kind = cassandra} keeps nothing on local disk.
 */
public final class CassandraStorage extends PluginStorage {
    private final ActorSystem<?> system;

    /** The kind {@code kind} configured by {@code config} ({@code chronon.storage.kinds.<kind>}). */
    public CassandraStorage(ActorSystem<?> system, String kind, Config config) {
        super(kind, config);
        this.system = system;
    }

    /** Always true: an acknowledged write is on {@code write-consistency} replicas' commit logs. */
    @Override
    public boolean durable() {
        return true;
    }

    /**
     * Deletes the rows of {@code persistenceId}: its journal partitions, its snapshots, its
     * metadata and its entry in {@code all_persistence_ids} (a database's persistence id is
     * never used again: a re-created database gets a new id).
     */
    @Override
    public CompletionStage<Void> deleteData(String persistenceId) {
        String pluginLocation = journalPluginId().replaceAll("\\.journal$", "");
        Config cleanupConfig = system.settings().config().getConfig(pluginLocation + ".cleanup");
        Cleanup cleanup = new Cleanup(system, new CleanupSettings(cleanupConfig));
        // not Cleanup.deleteAll: that also reconciles tag views, which Chronon does not write (events-by-tag is off)
        return FutureConverters.asJava(cleanup.deleteAllEvents(persistenceId, true))
                .thenCompose(done -> FutureConverters.asJava(cleanup.deleteAllSnapshots(persistenceId)))
                .thenApply(done -> null);
    }
}
