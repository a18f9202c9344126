package io.chronon.sharding.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent successful checks of a secret against its stored Argon2id hash, so that a client
 * sending the same credentials with every request pays the hash once, not per request.
 * Remembers, per name (key id or user), the stored hash checked against and a SHA-256 of the
 * secret that matched it, for {@code ttlMillis}; a later request matches when its secret's
 * SHA-256 equals the remembered one (compared in constant time) and the stored hash is still
 * the same (a changed password or a re-made key misses). Bounded: the oldest entries go
 * first. Never holds a secret itself. Thread-safe.
 */
public final class VerifiedSecrets {
    private record Entry(String stored, byte[] digest, long until) {
    }

    private final long ttlMillis;
    private final int capacity;
    private final Map<String, Entry> entries;

    public VerifiedSecrets(long ttlMillis, int capacity) {
        this.ttlMillis = ttlMillis;
        this.capacity = capacity;
        this.entries = new LinkedHashMap<>(16, 0.75f, true);
    }

    /** True if {@code secret} matched {@code stored} (the hash held for {@code name}) recently: no hashing, cheap. */
    public boolean remembered(String name, String secret, String stored, long nowMillis) {
        Entry e;
        synchronized (entries) {
            e = entries.get(name);
        }
        return e != null && e.until() > nowMillis && e.stored().equals(stored) && MessageDigest.isEqual(e.digest(), sha256(secret));
    }

    /** True if {@code secret} matches {@code stored} (the hash held for {@code name}), from memory or by hashing (slow). */
    public boolean verify(String name, String secret, String stored, long nowMillis) {
        if (remembered(name, secret, stored, nowMillis)) {
            return true;
        }
        byte[] digest = sha256(secret);
        if (!Secrets.verify(secret, stored)) {
            return false;
        }
        synchronized (entries) {
            entries.put(name, new Entry(stored, digest, nowMillis + ttlMillis));
            var it = entries.entrySet().iterator();
            while (entries.size() > capacity && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        return true;
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
