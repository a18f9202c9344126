package io.chronon.storage;

import com.typesafe.config.Config;
import io.chronon.storage.PluginStorage;
import io.chronon.storage.journal.PluginStores;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import java.util.concurrent.CompletionStage;

/** The embedded store as a {@link io.chronon.storage.DatabaseStorage} kind (files, or memory). */
public final class EmbeddedStorage extends PluginStorage {
    private final ActorSystem<?> system;
    private final boolean durable;

    public EmbeddedStorage(ActorSystem<?> system, String kind, Config config) {
        super(system, kind, config);
        this.system = system;
        this.durable = !"memory".equals(system.settings().config().getString(journalPluginId() + ".store"));
    }

    @Override
    public boolean durable() {
        return durable;
    }

    @Override
    public CompletionStage<Void> deleteData(String persistenceId) {
        return PluginStores.get(Adapter.toClassic(system)).purge(journalPluginId(), snapshotPluginId(), persistenceId)
                .thenRun(() -> deleteSegments(persistenceId));
    }
}
