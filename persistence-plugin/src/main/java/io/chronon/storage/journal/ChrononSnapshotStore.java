package io.chronon.storage.journal;

import com.typesafe.config.Config;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.ExecutionContextExecutor;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Chronon's embedded Pekko snapshot store: snapshot files written atomically and synced
 * (or kept in memory). Loading falls back to an older snapshot when the newest cannot be
 * read. Only the newest {@code keep} snapshots of each persistence id are kept.
 */
public final class ChrononSnapshotStore extends SnapshotStore {
    private final SnapshotStorage storage;
    private final Serialization serialization;
    private final ExecutionContextExecutor ec;
    private final LoggingAdapter log;

    public ChrononSnapshotStore(Config config, String configPath) {
        this.storage = PluginStores.get(context().system()).snapshotStorage(configPath);
        this.serialization = SerializationExtension.get(context().system());
        this.ec = context().dispatcher();
        this.log = Logging.getLogger(context().system(), this);
    }

    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private <T> Future<T> io(IoSupplier<T> body) {
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
            try {
                return body.get();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ec));
    }

    @Override
    public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return io(() -> {
            for (SnapshotStorage.Entry e : storage.list(persistenceId)) {
                SnapshotMetadata md = new SnapshotMetadata(persistenceId, e.seqNr(), e.timestamp());
                if (!criteria.matches(md)) {
                    continue;
                }
                try {
                    SnapshotStorage.Stored s = storage.read(persistenceId, e);
                    Object snapshot = serialization.deserialize(s.payload(), s.serializerId(), s.manifest()).get();
                    return Optional.of(SelectedSnapshot.create(md, snapshot));
                } catch (Exception ex) {
                    log.warning("Skipping unreadable snapshot {} of {}: {}", e.seqNr(), persistenceId, ex.toString());
                }
            }
            return Optional.empty();
        });
    }

    @Override
    public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
        return io(() -> {
            Serializer serializer = serialization.findSerializerFor(snapshot);
            String manifest = Serializers.manifestFor(serializer, snapshot);
            byte[] bytes = serializer.toBinary(snapshot);
            storage.save(new SnapshotStorage.Stored(metadata.persistenceId(), metadata.sequenceNr(), metadata.timestamp(),
                    serializer.identifier(), manifest, bytes));
            return null;
        });
    }

    @Override
    public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
        return io(() -> {
            for (SnapshotStorage.Entry e : storage.list(metadata.persistenceId())) {
                if (e.seqNr() == metadata.sequenceNr() && (metadata.timestamp() == 0 || e.timestamp() == metadata.timestamp())) {
                    storage.delete(metadata.persistenceId(), e);
                }
            }
            return null;
        });
    }

    @Override
    public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
        return io(() -> {
            for (SnapshotStorage.Entry e : storage.list(persistenceId)) {
                if (criteria.matches(new SnapshotMetadata(persistenceId, e.seqNr(), e.timestamp()))) {
                    storage.delete(persistenceId, e);
                }
            }
            return null;
        });
    }
}
