package io.chronon.storage.journal;

import com.typesafe.config.Config;
import org.apache.pekko.Done;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stores of the embedded journal and snapshot plugins of one actor system, keyed by
 * plugin configuration path. They live here rather than in the plugin actors so that the
 * journal, the read journal and the admin side share one store, and a restarted plugin
 * actor finds its data again. Closed when the actor system shuts down.
 *
 * <p>Plugin settings: {@code store = file | memory}, or the name of a class implementing
 * {@link LogStore} (journal) or {@link SnapshotStorage} (snapshots) with a public constructor
 * {@code (ExtendedActorSystem, Config pluginConfig)}, e.g. the Cassandra stores; for files
 * {@code dir} (empty means {@code <chronon.storage.data-dir>/journal} or {@code /snapshots}),
 * {@code fsync}, {@code segment-size}; for memory {@code write-latency}; for snapshots {@code keep}.
 */
public final class PluginStores implements Extension {
    private final ExtendedActorSystem system;
    private final ConcurrentHashMap<String, LogStore> logStores = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SnapshotStorage> snapshotStores = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private PluginStores(ExtendedActorSystem system) {
        this.system = system;
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-chronon-embedded-store",
                () -> {
                    close();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        system.registerOnTermination(this::close);
    }

    /** The extension of {@code system}. */
    public static PluginStores get(ActorSystem system) {
        return Id.INSTANCE.get(system);
    }

    static final class Id extends AbstractExtensionId<PluginStores> implements ExtensionIdProvider {
        static final Id INSTANCE = new Id();

        @Override
        public PluginStores createExtension(ExtendedActorSystem system) {
            return new PluginStores(system);
        }

        @Override
        public Id lookup() {
            return INSTANCE;
        }
    }

    /** The class of each store named by a keyword ({@code store = file} or {@code memory}) rather than by its class. */
    private static final Map<String, String> NAMED_LOG_STORES = Map.of(
            "file", "io.chronon.storage.file.FileLogStore",
            "memory", "io.chronon.storage.memory.MemoryLogStore");
    private static final Map<String, String> NAMED_SNAPSHOT_STORES = Map.of(
            "file", "io.chronon.storage.file.FileSnapshots",
            "memory", "io.chronon.storage.memory.MemorySnapshots");

    /** The log store configured at {@code journalPluginPath}. */
    LogStore logStore(String journalPluginPath) {
        checkOpen();
        return logStores.computeIfAbsent(journalPluginPath,
                path -> create(path, system.settings().config().getConfig(path), LogStore.class, NAMED_LOG_STORES));
    }

    /** The snapshot storage configured at {@code snapshotPluginPath} (where the indexer also records index roots). */
    public SnapshotStorage snapshotStorage(String snapshotPluginPath) {
        checkOpen();
        return snapshotStores.computeIfAbsent(snapshotPluginPath,
                path -> create(path, system.settings().config().getConfig(path), SnapshotStorage.class, NAMED_SNAPSHOT_STORES));
    }

    /**
     * The store of the class {@code store} names (directly, or by one of the keywords in
     * {@code named}): every store, built in or not, has a public constructor
     * {@code (ExtendedActorSystem, Config pluginConfig)}.
     */
    private <T> T create(String path, Config pluginConfig, Class<T> type, Map<String, String> named) {
        return newStore(system, path, pluginConfig, type, named);
    }

    /**
     * A new store of {@code type} configured at {@code path}: the class its {@code store}
     * setting names, directly or by one of the keywords in {@code named}, built through its
     * public {@code (ExtendedActorSystem, Config)} constructor. The one way every kind of store
     * (log, snapshots, segments) is chosen by configuration.
     */
    public static <T> T newStore(ExtendedActorSystem system, String path, Config pluginConfig, Class<T> type,
                                 Map<String, String> named) {
        String store = pluginConfig.getString("store");
        String name = named.getOrDefault(store, store);
        try {
            return type.cast(Class.forName(name).getConstructor(ExtendedActorSystem.class, Config.class)
                    .newInstance(system, pluginConfig));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException bad) {
                throw new IllegalArgumentException(path + ": " + bad.getMessage(), bad);
            }
            if (cause instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(path + ".store = " + store + " is neither file, memory nor a " + type.getSimpleName()
                    + " class with a constructor (ExtendedActorSystem, Config): " + e, e);
        }
    }

    /**
     * The directory a file store keeps its data in: the plugin's {@code dir}, or when that is
     * empty {@code <chronon.storage.data-dir>/<defaultName>}.
     */
    public static Path dir(ExtendedActorSystem system, Config pluginConfig, String defaultName) {
        String dir = pluginConfig.getString("dir");
        if (!dir.isEmpty()) {
            return Path.of(dir);
        }
        return Path.of(system.settings().config().getString("chronon.storage.data-dir")).resolve(defaultName);
    }

    /**
     * Removes every journal entry and snapshot of {@code persistenceId} from the stores of
     * these plugins. Only for data nobody writes any more (a deleted database).
     */
    public CompletableFuture<Void> purge(String journalPluginPath, String snapshotPluginPath, String persistenceId) {
        return logStore(journalPluginPath).purge(persistenceId).thenRun(() -> {
            try {
                snapshotStorage(snapshotPluginPath).purge(persistenceId);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("The embedded store of " + system.name() + " is closed");
        }
    }

    private synchronized void close() {
        closed = true;
        logStores.values().forEach(LogStore::close);
        logStores.clear();
        snapshotStores.values().forEach(SnapshotStorage::close);
        snapshotStores.clear();
    }
}
