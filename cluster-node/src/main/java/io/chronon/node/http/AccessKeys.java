package io.chronon.node.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access keys a node accepts, checked against HTTP Basic credentials (key as the user
 * name, secret as the password). Secrets are compared in constant time and never appear in
 * messages or logs.
 */
final class AccessKeys {
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

    /** True if {@code authorization} (the header's value, or null) holds a known key and its secret. */
    boolean accepts(String authorization) {
        return keyOf(authorization) != null;
    }

    /** The name of the key {@code authorization} (the header's value, or null) proves, or null if it proves none. */
    String keyOf(String authorization) {
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
        if (colon < 0) {
            return null;
        }
        String key = decoded.substring(0, colon);
        byte[] expected = secrets.get(key);
        byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
        // compare against something even for an unknown key, so timing does not tell keys apart
        boolean equal = MessageDigest.isEqual(expected == null ? new byte[given.length + 1] : expected, given);
        return equal && expected != null ? key : null;
    }

    /** The key names (never the secrets), for the start-up message. */
    List<String> keys() {
        return List.copyOf(secrets.keySet());
    }
}
