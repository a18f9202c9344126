package io.chronon.storage.embedded;

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
public final class EmbeddedStore implements Extension {
    private final ExtendedActorSystem system;
    private final ConcurrentHashMap<String, LogStore> logStores = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SnapshotStorage> snapshotStores = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private EmbeddedStore(ExtendedActorSystem system) {
        this.system = system;
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-chronon-embedded-store",
                () -> {
                    close();
                    return CompletableFuture.completedFuture(Done.getInstance());
                });
        system.registerOnTermination(this::close);
    }

    /** The extension of {@code system}. */
    public static EmbeddedStore get(ActorSystem system) {
        return Id.INSTANCE.get(system);
    }

    static final class Id extends AbstractExtensionId<EmbeddedStore> implements ExtensionIdProvider {
        static final Id INSTANCE = new Id();

        @Override
        public EmbeddedStore createExtension(ExtendedActorSystem system) {
            return new EmbeddedStore(system);
        }

        @Override
        public Id lookup() {
            return INSTANCE;
        }
    }

    /** The log store configured at {@code journalPluginPath}. */
    LogStore logStore(String journalPluginPath) {
        checkOpen();
        return logStores.computeIfAbsent(journalPluginPath, path -> {
            Config c = system.settings().config().getConfig(path);
            if ("memory".equals(c.getString("store"))) {
                return new MemoryLogStore(c.getDuration("write-latency").toNanos() / 1000);
            }
            if (!"file".equals(c.getString("store"))) {
                return named(c, LogStore.class);
            }
            try {
                String onCorruption = c.hasPath("on-corruption") ? c.getString("on-corruption") : "refuse";
                if (!onCorruption.equals("refuse") && !onCorruption.equals("truncate")) {
                    throw new IllegalArgumentException(path + ".on-corruption must be refuse or truncate, not " + onCorruption);
                }
                return new FileLogStore(dir(c, "journal"), c.getBytes("segment-size"), c.getBoolean("fsync"),
                        onCorruption.equals("truncate"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The snapshot storage configured at {@code snapshotPluginPath}. */
    SnapshotStorage snapshotStorage(String snapshotPluginPath) {
        checkOpen();
        return snapshotStores.computeIfAbsent(snapshotPluginPath, path -> {
            Config c = system.settings().config().getConfig(path);
            if ("memory".equals(c.getString("store"))) {
                return new MemorySnapshots(c.getInt("keep"));
            }
            if (!"file".equals(c.getString("store"))) {
                return named(c, SnapshotStorage.class);
            }
            try {
                return new FileSnapshots(dir(c, "snapshots"), c.getInt("keep"), c.getBoolean("fsync"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The store of the class named by {@code store}. */
    private <T> T named(Config pluginConfig, Class<T> type) {
        String name = pluginConfig.getString("store");
        try {
            return type.cast(Class.forName(name).getConstructor(ExtendedActorSystem.class, Config.class)
                    .newInstance(system, pluginConfig));
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException("store = " + name + " is neither file, memory nor a " + type.getSimpleName()
                    + " class with a constructor (ExtendedActorSystem, Config): " + e, e);
        }
    }

    private Path dir(Config pluginConfig, String defaultName) {
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
