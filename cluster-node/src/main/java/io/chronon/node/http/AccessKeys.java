package io.chronon.node.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access keys of a node's configuration ({@code chronon.http.access-keys},
 * {@code --access-key}; for development: each acts as the built-in administrator), and the
 * parsing of HTTP Basic credentials. Secrets are compared in constant time and never appear
 * in messages or logs.
 */
final class AccessKeys {
    /** HTTP Basic credentials: a key id or user name, and its secret or password. */
    record Credentials(String name, String secret) {
        @Override
        public String toString() {
            return "Credentials[" + name + "]"; // never the secret
        }
    }

    private final Map<String, byte[]> secrets = new LinkedHashMap<>();

    /** Keys from {@code key:secret} pairs; a malformed pair is rejected without echoing its secret. */
    AccessKeys(List<String> pairs) {
        for (String pair : pairs) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("An access key is KEY:SECRET, both non-empty (got one of "
                        + pair.length() + " chars)");
            }
            secrets.put(pair.substring(0, colon), pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The credentials of an {@code Authorization} header's value, or null if it holds none. */
    static Credentials credentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** True if {@code name} is a configured key. */
    boolean has(String name) {
        return secrets.containsKey(name);
    }

    /** True if {@code c} names a configured key and holds its secret. */
    boolean accepts(Credentials c) {
        byte[] expected = secrets.get(c.name());
        byte[] given = c.secret().getBytes(StandardCharsets.UTF_8);
        // compare against something even for an unknown key, so timing does not tell keys apart
        boolean equal = MessageDigest.isEqual(expected == null ? new byte[given.length + 1] : expected, given);
        return equal && expected != null;
    }

    /** The key names (never the secrets), for the start-up message. */
    List<String> keys() {
        return List.copyOf(secrets.keySet());
    }
}
