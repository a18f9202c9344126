package io.chronon.storage;

import io.chronon.storage.segment.SegmentStore;

import java.util.concurrent.CompletionStage;

/**
 * One kind of storage for databases, as the transactor and the query peers need it: the
 * Pekko persistence plugins to use (so that switching stores is configuration) and the one
 * thing Pekko's journal API does not offer, erasing a deleted database's data.
 *
 * <p>Kinds are configured under {@code chronon.storage.kinds.<name>} with a {@code class}
 * implementing this interface (constructor {@code (ActorSystem<?>, String kind, Config)})
 * and the plugin ids {@code journal}, {@code snapshot} and {@code query}, and optionally the
 * config path of its segment store, {@code segments}.
 */
public interface DatabaseStorage {
    /** The name of this kind, e.g. {@code file} or {@code memory}. */
    String kind();

    /** The config path of the journal plugin, for {@code EventSourcedBehavior.journalPluginId}. */
    String journalPluginId();

    /** The config path of the snapshot store plugin. */
    String snapshotPluginId();

    /** The id of the read journal (persistence query) over the same journal. */
    String readJournalPluginId();

    /** True if data survives a restart of the node (false for memory). */
    boolean durable();

    /**
     * Erases the journal entries and snapshots of {@code persistenceId}. Called only after
     * the database was deleted and its writer stopped.
     */
    CompletionStage<Void> deleteData(String persistenceId);

    /**
     * The segment store of this kind (the segments of the coming durable indexes), configured at
     * the path the kind's {@code segments} setting names. A kind without one fails with
     * {@link UnsupportedOperationException}.
     */
    default SegmentStore segmentStore() {
        throw new UnsupportedOperationException("The storage kind " + kind() + " has no segment store");
    }
}
