package io.chronon.node.http;

import java.security.SecureRandom;
import java.util.Base64;

/** Makes the access key a node generates when none is configured (it prints the key once, never logs it). */
public final class AccessKeyGenerator {
    private AccessKeyGenerator() {
    }

    /** A fresh {@code key:secret} pair: a short key name and a 256-bit random secret. */
    public static String newKey() {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[6];
        byte[] secret = new byte[32];
        random.nextBytes(key);
        random.nextBytes(secret);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return "key-" + b64.encodeToString(key) + ":" + b64.encodeToString(secret);
    }
}
