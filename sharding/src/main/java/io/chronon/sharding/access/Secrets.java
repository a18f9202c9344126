package io.chronon.sharding.access;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Hashes and checks passwords and access-key secrets with Argon2id (RFC 9106, Bouncy
 * Castle's implementation), stored in the PHC string format
 * {@code $argon2id$v=19$m=KIB,t=PASSES,p=LANES$SALT$HASH}, so a hash names its own parameters
 * and old hashes stay valid when the defaults change. Secrets themselves are never stored.
 *
 * <p>Parameters (measured on this project's 2-core machine under load, warm JIT, Bouncy Castle 1.87: 64 MiB costs about 100 ms a pass; the first hash in a JVM takes several times longer):
 * <ul>
 *   <li>passwords: 64 MiB, five passes, one lane: about half a second per
 *       hash, so guessing a weak password from a stolen catalog is slow. Logging in with a
 *       password costs that much once; {@link VerifiedSecrets} spares the repeats.</li>
 *   <li>key secrets: 16 MiB, one pass, one lane (about 30 ms). A key's secret
 *       is 256 random bits ({@link #newSecret}): no guessing can find it, whatever the hash
 *       cost, so the cost only needs to keep a stolen catalog from giving secrets back, and
 *       a request with a key must not spend half a second of CPU.</li>
 * </ul>
 */
public final class Secrets {
    static final int PASSWORD_MEMORY_KIB = 64 * 1024;
    static final int PASSWORD_PASSES = 5;
    static final int KEY_MEMORY_KIB = 16 * 1024;
    static final int KEY_PASSES = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();

    private Secrets() {
    }

    /** The stored form of a password: about half a second of one core. */
    public static String hashPassword(String password) {
        return hash(password, PASSWORD_MEMORY_KIB, PASSWORD_PASSES);
    }

    /** The stored form of a key's secret (a random one from {@link #newSecret}): cheap, see above. */
    public static String hashKeySecret(String secret) {
        return hash(secret, KEY_MEMORY_KIB, KEY_PASSES);
    }

    /** A new random secret: 256 bits, URL-safe base64 (43 characters). */
    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A new random id of {@code bytes} bytes, URL-safe base64, for keys. */
    public static String newId(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * True if {@code secret} hashes to {@code stored} under the parameters {@code stored}
     * names; compared in constant time. A malformed {@code stored} matches nothing.
     */
    public static boolean verify(String secret, String stored) {
        if (secret == null || stored == null) {
            return false;
        }
        String[] parts = stored.split("\\$");
        // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
        if (parts.length != 6 || !parts[1].equals("argon2id") || !parts[2].equals("v=19")) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        try {
            for (String kv : parts[3].split(",")) {
                int v = Integer.parseInt(kv.substring(2));
                switch (kv.substring(0, 2)) {
                    case "m=" -> m = v;
                    case "t=" -> t = v;
                    case "p=" -> p = v;
                    default -> {
                        return false;
                    }
                }
            }
            byte[] salt = Base64.getDecoder().decode(parts[4]);
            byte[] expected = Base64.getDecoder().decode(parts[5]);
            if (m < 8 || m > 4 * 1024 * 1024 || t < 1 || t > 64 || p != 1) {
                return false;
            }
            return MessageDigest.isEqual(derive(secret, salt, m, t, expected.length), expected);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    private static String hash(String secret, int memoryKib, int passes) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("A secret must not be empty");
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] h = derive(secret, salt, memoryKib, passes, HASH_BYTES);
        return "$argon2id$v=19$m=" + memoryKib + ",t=" + passes + ",p=1$" + B64.encodeToString(salt) + "$" + B64.encodeToString(h);
    }

    private static byte[] derive(String secret, byte[] salt, int memoryKib, int passes, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(passes).withParallelism(1).build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(secret.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
