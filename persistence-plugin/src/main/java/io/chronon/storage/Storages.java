package io.chronon.storage;

import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The storage kinds of a node ({@code chronon.storage.kinds}), created once per actor
 * system. {@code chronon.storage.default-kind} names the kind new databases (and the
 * catalog) use unless they ask for another.
 */
public final class Storages implements Extension {
    private final Map<String, DatabaseStorage> kinds = new TreeMap<>();
    private final String defaultKind;

    /**
     * Storage kind classes under the names they had before (configuration files written for
     * an earlier version name them): the embedded kind was in package {@code storage.embedded}
     * until December 2026.
     */
    private static final Map<String, String> RENAMED = Map.of(
            "io.chronon.storage.embedded.EmbeddedStorage", EmbeddedStorage.class.getName());

    private Storages(ActorSystem<?> system) {
        Config root = system.settings().config().getConfig("chronon.storage");
        this.defaultKind = root.getString("default-kind");
        Config kindsConfig = root.getConfig("kinds");
        for (String name : kindsConfig.root().keySet()) {
            Config c = kindsConfig.getConfig(name);
            try {
                Class<?> cls = Class.forName(RENAMED.getOrDefault(c.getString("class"), c.getString("class")));
                DatabaseStorage s = (DatabaseStorage) cls.getConstructor(ActorSystem.class, String.class, Config.class)
                        .newInstance(system, name, c);
                kinds.put(name, s);
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("Cannot create storage kind " + name + ": " + e, e);
            }
        }
        if (!kinds.containsKey(defaultKind)) {
            throw new IllegalArgumentException("chronon.storage.default-kind " + defaultKind + " is not one of " + kinds.keySet());
        }
    }

    public static final ExtensionId<Storages> ID = new ExtensionId<>() {
        @Override
        public Storages createExtension(ActorSystem<?> system) {
            return new Storages(system);
        }
    };

    public static Storages get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The kind named {@code name}; an empty or null name is the default kind. */
    public DatabaseStorage kind(String name) {
        String n = name == null || name.isEmpty() ? defaultKind : name;
        DatabaseStorage s = kinds.get(n);
        if (s == null) {
            throw new IllegalArgumentException("Unknown storage kind " + n + "; known: " + kinds.keySet());
        }
        return s;
    }

    /** The default kind. */
    public DatabaseStorage defaultKind() {
        return kinds.get(defaultKind);
    }

    /** The names of the configured kinds. */
    public Set<String> kindNames() {
        return kinds.keySet();
    }
}
