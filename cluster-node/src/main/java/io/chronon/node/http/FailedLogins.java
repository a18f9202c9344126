package io.chronon.node.http;

import java.util.HashMap;
import java.util.Map;

/**
 * Limits failed logins per user (or key) name and per client address: after
 * {@code perName} failures for one name, or {@code perAddress} from one address, within a
 * window, further attempts are refused (429, {@code Retry-After}) until the window that
 * counted them ends, without checking the secret. A success does not reset the count: a
 * guesser who knows one valid secret gains nothing. In memory, per node; fixed windows.
 */
final class FailedLogins {
    private record Window(long start, int failures) {
    }

    private final int perName;
    private final int perAddress;
    private final long windowMillis;
    private final Map<String, Window> windows = new HashMap<>();

    FailedLogins(int perName, int perAddress, long windowMillis) {
        this.perName = perName;
        this.perAddress = perAddress;
        this.windowMillis = windowMillis;
    }

    /** Seconds to wait before {@code name} may try again from {@code address}; 0 if it may try now. */
    synchronized long retryAfterSeconds(String name, String address, long now) {
        long wait = Math.max(wait("n:" + name, perName, now), wait("a:" + address, perAddress, now));
        return wait == 0 ? 0 : Math.max(1, (wait + 999) / 1000);
    }

    /** Counts a failed attempt of {@code name} from {@code address}. */
    synchronized void failed(String name, String address, long now) {
        count("n:" + name, now);
        count("a:" + address, now);
        if (windows.size() > 100_000) {
            windows.values().removeIf(w -> now - w.start() >= windowMillis);
        }
    }

    private long wait(String key, int limit, long now) {
        Window w = windows.get(key);
        if (w == null || now - w.start() >= windowMillis || w.failures() < limit) {
            return 0;
        }
        return w.start() + windowMillis - now;
    }

    private void count(String key, long now) {
        Window w = windows.get(key);
        windows.put(key, w == null || now - w.start() >= windowMillis ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }
}
