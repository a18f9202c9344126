package io.chronon.sharding.catalog;

import io.chronon.ErrorCategory;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.Storages;
import org.apache.pekko.actor.typed.ActorSystem;

/** What the writer and the peers share when they start: turning a catalog lookup into storage. */
public final class DatabaseLookup {
    private DatabaseLookup() {
    }

    /**
     * The error to answer when looking up database {@code name} in the catalog failed: the
     * catalog's own not-found as is, anything else as {@code unavailable}.
     */
    public static ChrononError lookupFailure(String name, Throwable failure) {
        ChrononError error = ChrononError.of(failure);
        if (error.category() != ErrorCategory.NOT_FOUND) {
            error = ChrononError.unavailable("chronon.error/catalog-unavailable",
                    "Cannot look up database " + name + " in the catalog: " + error.getMessage());
        }
        return error;
    }

    /** The storage a database lives in; an unknown storage kind is {@code unavailable}. */
    public static DatabaseStorage storage(ActorSystem<?> system, DatabaseInfo info) {
        try {
            return Storages.get(system).kind(info.storageKind());
        } catch (IllegalArgumentException e) {
            throw ChrononError.unavailable("chronon.error/storage-unavailable", e.getMessage());
        }
    }
}
