package io.chronon.sharding.access;

import io.chronon.sharding.wire.CborSerializable;

import java.util.Set;

/**
 * An access key: an id (the user name of HTTP Basic credentials), the hash of its secret
 * ({@link Secrets}; never the secret), the user it belongs to, and optionally a limit: the
 * key may then do only what both its user and the limit allow (a read-only key for a
 * dashboard). A key never does more than its user.
 *
 * @param limit null: everything its user may do
 */
public record AccessKey(String id, String user, String secretHash, Set<Permission> limit, long createdAt)
        implements CborSerializable {
    public AccessKey {
        limit = limit == null ? null : Set.copyOf(limit);
    }

    @Override
    public String toString() {
        return "AccessKey[" + id + " of " + user + (limit == null ? "" : " limited to " + limit) + "]"; // never the hash
    }
}
