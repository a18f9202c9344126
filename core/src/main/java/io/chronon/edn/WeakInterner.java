package io.chronon.edn;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The intern table of {@link Keyword} and {@link Symbol}: one instance per text while anything
 * holds it, so {@code ==} stays equality, but nothing kept alive by the table itself, as in
 * Clojure. Every keyword of every request is interned, rejected requests included; a strong
 * table let a few bodies of distinct keywords fill the heap. Entries whose instance was
 * collected are removed on the next intern.
 */
final class WeakInterner<T> {
    private final ConcurrentHashMap<String, Entry<T>> table = new ConcurrentHashMap<>();
    private final ReferenceQueue<T> collected = new ReferenceQueue<>();

    private static final class Entry<T> extends WeakReference<T> {
        final String key;

        Entry(T value, String key, ReferenceQueue<T> queue) {
            super(value, queue);
            this.key = key;
        }
    }

    /** The live instance for {@code key}, or null. */
    T get(String key) {
        Entry<T> e = table.get(key);
        return e == null ? null : e.get();
    }

    /** The live instance for {@code key}, made by {@code make} if there is none. */
    T intern(String key, Supplier<T> make) {
        expunge();
        while (true) {
            Entry<T> e = table.get(key);
            T v = e == null ? null : e.get();
            if (v != null) {
                return v;
            }
            T fresh = make.get();
            Entry<T> mine = new Entry<>(fresh, key, collected);
            if (e == null ? table.putIfAbsent(key, mine) == null : table.replace(key, e, mine)) {
                return fresh;
            }
        }
    }

    /** The number of live instances (for tests; walks the table). */
    int size() {
        expunge();
        int live = 0;
        for (Entry<T> e : table.values()) {
            live += e.get() != null ? 1 : 0;
        }
        return live;
    }

    private void expunge() {
        for (Object r = collected.poll(); r != null; r = collected.poll()) {
            @SuppressWarnings("unchecked")
            Entry<T> e = (Entry<T>) r;
            table.remove(e.key, e);
        }
    }
}
