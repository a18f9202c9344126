package io.chronon.sharding.access;

/**
 * Who makes a request: a user, through one of its access keys or its password (key null).
 * A development key from the node's configuration ({@code --access-key}) is the built-in
 * administrator with {@code key} naming it and {@code configured} true.
 */
public record Principal(String user, String key, boolean configured) {
    public static Principal ofPassword(String user) {
        return new Principal(user, null, false);
    }

    public static Principal ofKey(String user, String key) {
        return new Principal(user, key, false);
    }

    /** A key from the node's configuration: acts as the built-in administrator. */
    public static Principal configuredKey(String key) {
        return new Principal(AccessModel.ADMIN, key, true);
    }

    /** For logs: the user and the key's id (never a secret). */
    @Override
    public String toString() {
        return key == null ? "user " + user : "user " + user + " (key " + key + ")";
    }
}
