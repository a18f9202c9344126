package io.chronon.multijvm;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting for a condition between processes: check it again and again until a deadline. */
final class Poll {
    private static final long INTERVAL_MS = 100;

    private Poll() {
    }

    /**
     * Checks {@code probe} until it gives a value (a non-empty Optional) and returns it. A
     * probe that throws counts as "not yet"; the last failure is in the AssertionError.
     *
     * @throws AssertionError when {@code timeout} passes first
     */
    static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) {
                    return v.get();
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + timeout.toSeconds() + " s: " + what
                        + (last == null ? "" : " (last failure: " + last + ")"), last);
            }
            pause();
        }
    }

    /** {@link #until} for a yes/no condition. */
    static void until(String what, Duration timeout, java.util.function.BooleanSupplier condition) {
        until(what, timeout, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** The gap between two checks of a polled condition. */
    static void pause() {
        try {
            Thread.sleep(INTERVAL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
