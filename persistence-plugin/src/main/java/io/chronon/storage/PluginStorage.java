package io.chronon.storage;

import com.typesafe.config.Config;
import io.chronon.storage.segment.SegmentStore;
import io.chronon.storage.segment.SegmentStores;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

/**
 * A storage kind made of Pekko persistence plugins named in its configuration
 * ({@code chronon.storage.kinds.<name>}: {@code journal}, {@code snapshot}, {@code query}, and
 * {@code segments}, the config path of its segment store):
 * what every kind shares, so an implementation only says whether it is durable and how it
 * erases a database.
 */
public abstract class PluginStorage implements DatabaseStorage {
    private final String kind;
    private final String journal;
    private final String snapshot;
    private final String query;
    private final ActorSystem<?> system;
    private final String segments;

    /** The kind {@code kind} with the plugin ids of {@code config}, without a segment store. */
    protected PluginStorage(String kind, Config config) {
        this(null, kind, config);
    }

    /** The kind {@code kind} of {@code system} with the plugin ids and the segment store path of {@code config}. */
    protected PluginStorage(ActorSystem<?> system, String kind, Config config) {
        this.kind = kind;
        this.journal = config.getString("journal");
        this.snapshot = config.getString("snapshot");
        this.query = config.getString("query");
        this.system = system;
        this.segments = config.hasPath("segments") ? config.getString("segments") : null;
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

    @Override
    public SegmentStore segmentStore() {
        if (system == null || segments == null) {
            return DatabaseStorage.super.segmentStore();
        }
        return SegmentStores.get(Adapter.toClassic(system)).store(segments);
    }

    /** Removes the index segments of a deleted database ({@link DurableIndexes#deleteSegments}), after its log and records. */
    protected final void deleteSegments(String persistenceId) {
        try {
            DurableIndexes.deleteSegments(this, persistenceId);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
