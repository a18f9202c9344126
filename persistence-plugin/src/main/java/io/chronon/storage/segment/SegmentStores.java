package io.chronon.storage.segment;

import com.typesafe.config.Config;
import io.chronon.storage.journal.PluginStores;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The segment stores of one actor system, one per configuration path (e.g.
 * {@code chronon.embedded.file.segments}), created on first use and closed when the actor
 * system terminates. The configuration at a path names its store like a journal plugin's:
 * {@code store = file | memory}, or the name of a {@link SegmentStore} class with a public
 * constructor {@code (ExtendedActorSystem, Config)}, e.g. the Cassandra store.
 */
public final class SegmentStores implements Extension {
    /** The class of each store named by a keyword rather than by its class. */
    private static final Map<String, String> NAMED = Map.of(
            "file", "io.chronon.storage.file.FileSegmentStore",
            "memory", "io.chronon.storage.memory.MemorySegmentStore");

    private final ExtendedActorSystem system;
    private final ConcurrentHashMap<String, SegmentStore> stores = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private SegmentStores(ExtendedActorSystem system) {
        this.system = system;
        system.registerOnTermination(this::close);
    }

    /** The extension of {@code system}. */
    public static SegmentStores get(ActorSystem system) {
        return Id.INSTANCE.get(system);
    }

    static final class Id extends AbstractExtensionId<SegmentStores> implements ExtensionIdProvider {
        static final Id INSTANCE = new Id();

        @Override
        public SegmentStores createExtension(ExtendedActorSystem system) {
            return new SegmentStores(system);
        }

        @Override
        public Id lookup() {
            return INSTANCE;
        }
    }

    /** The segment store configured at {@code path}. */
    public SegmentStore store(String path) {
        if (closed) {
            throw new IllegalStateException("The segment stores of " + system.name() + " are closed");
        }
        return stores.computeIfAbsent(path, p -> create(p, system.settings().config().getConfig(p)));
    }

    private SegmentStore create(String path, Config config) {
        return PluginStores.newStore(system, path, config, SegmentStore.class, NAMED);
    }

    private synchronized void close() {
        closed = true;
        stores.values().forEach(SegmentStore::close);
        stores.clear();
    }
}
