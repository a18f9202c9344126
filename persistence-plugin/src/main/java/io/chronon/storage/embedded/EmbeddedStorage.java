package io.chronon.storage.embedded;

import com.typesafe.config.Config;
import io.chronon.storage.DatabaseStorage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import java.util.concurrent.CompletionStage;

/** The embedded store as a {@link DatabaseStorage} kind (files, or memory). */
public final class EmbeddedStorage implements DatabaseStorage {
    private final ActorSystem<?> system;
    private final String kind;
    private final String journal;
    private final String snapshot;
    private final String query;
    private final boolean durable;

    public EmbeddedStorage(ActorSystem<?> system, String kind, Config config) {
        this.system = system;
        this.kind = kind;
        this.journal = config.getString("journal");
        this.snapshot = config.getString("snapshot");
        this.query = config.getString("query");
        this.durable = !"memory".equals(system.settings().config().getString(journal + ".store"));
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String journalPluginId() {
        return journal;
    }

    @Override
    public String snapshotPluginId() {
        return snapshot;
    }

    @Override
    public String readJournalPluginId() {
        return query;
    }

    @Override
    public boolean durable() {
        return durable;
    }

    @Override
    public CompletionStage<Void> deleteData(String persistenceId) {
        return EmbeddedStore.get(Adapter.toClassic(system)).purge(journal, snapshot, persistenceId);
    }
}
