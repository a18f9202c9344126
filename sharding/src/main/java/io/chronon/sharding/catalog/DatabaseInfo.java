package io.chronon.sharding.catalog;

import io.chronon.sharding.wire.CborSerializable;
import java.util.regex.Pattern;

/**
 * A database in the catalog.
 *
 * @param name        the database name: the key of its transactor and query peers
 * @param id          unique to this incarnation of the name (a deleted and re-created
 *                    database gets a new id, so its old log can never come back)
 * @param storageKind the storage kind holding its log ({@code chronon.storage.kinds})
 * @param createdAt   creation time, epoch milliseconds
 */
public record DatabaseInfo(String name, String id, String storageKind, long createdAt) implements CborSerializable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    /** True for a valid database name: letters, digits, {@code . _ -}, at most 128, not starting with punctuation. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The persistence id of the database's transaction log. */
    public String persistenceId() {
        return "chronon-db|" + name + "|" + id;
    }

    /** The name of the database's tx-report topic. */
    public String topicName() {
        return "chronon-tx-" + name + "-" + id;
    }
}
