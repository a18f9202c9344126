package io.chronon.storage;

import com.typesafe.config.Config;

/**
 * A storage kind made of Pekko persistence plugins named in its configuration
 * ({@code chronon.storage.kinds.<name>}: {@code journal}, {@code snapshot}, {@code query}):
 * what every kind shares, so an implementation only says whether it is durable and how it
 * erases a database.
 */
public abstract class PluginStorage implements DatabaseStorage {
    private final String kind;
    private final String journal;
    private final String snapshot;
    private final String query;

    /** The kind {@code kind} with the plugin ids of {@code config}. */
    protected PluginStorage(String kind, Config config) {
        this.kind = kind;
        this.journal = config.getString("journal");
        this.snapshot = config.getString("snapshot");
        this.query = config.getString("query");
    }

    @Override
    public final String kind() {
        return kind;
    }

    @Override
    public final String journalPluginId() {
        return journal;
    }

    @Override
    public final String snapshotPluginId() {
        return snapshot;
    }

    @Override
    public final String readJournalPluginId() {
        return query;
    }
}
