package io.chronon.sharding.access;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {
    @Test
    void aPasswordHashVerifiesItsPasswordOnlyAndNamesItsParameters() {
        long start = System.nanoTime();
        String h = Secrets.hashPassword("correct horse");
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("Argon2id password hash: " + ms + " ms (m=" + Secrets.PASSWORD_MEMORY_KIB + " KiB, t=" + Secrets.PASSWORD_PASSES + ")");
        assertTrue(h.startsWith("$argon2id$v=19$m=65536,t=" + Secrets.PASSWORD_PASSES + ",p=1$"), h);
        assertFalse(h.contains("correct horse"));
        assertTrue(Secrets.verify("correct horse", h));
        assertFalse(Secrets.verify("correct horsf", h));
    }

    @Test
    void keySecretsAreRandomAndCheapToCheck() {
        String secret = Secrets.newSecret();
        assertEquals(43, secret.length());
        assertNotEquals(secret, Secrets.newSecret());
        String h = Secrets.hashKeySecret(secret);
        assertTrue(h.contains("m=16384,t=1,p=1"), h);
        assertTrue(Secrets.verify(secret, h));
        assertFalse(Secrets.verify(secret + "x", h));
        assertNotEquals(h, Secrets.hashKeySecret(secret), "salted");
    }

    @Test
    void malformedHashesMatchNothing() {
        for (String bad : new String[]{null, "", "plain", "$argon2i$v=19$m=16,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x,t=1,p=1$AAAA$AAAA",
                "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=16,t=1,p=1$!!$AAAA"}) {
            assertFalse(Secrets.verify("s", bad), String.valueOf(bad));
        }
    }

    @Test
    void theCacheAnswersRepeatsAndMissesOnAnotherSecretOrHash() {
        VerifiedSecrets cache = new VerifiedSecrets(60_000, 2);
        String secret = Secrets.newSecret();
        String h = Secrets.hashKeySecret(secret);
        assertTrue(cache.verify("k", secret, h, 0));
        assertTrue(cache.verify("k", secret, h, 1));
        assertFalse(cache.verify("k", secret + "x", h, 2));
        String other = Secrets.hashKeySecret(Secrets.newSecret());
        assertFalse(cache.verify("k", secret, other, 3), "a re-made key's hash does not take the old secret");
        assertTrue(cache.verify("k", secret, h, 120_000), "expired: checked again, still right");
    }
}
