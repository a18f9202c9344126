package io.chronon.sharding.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Reads catalog events stored under the class names they had before the sharding module was
 * split into packages (until December 2026 the catalog was {@code io.chronon.sharding.Catalog}).
 * The catalog's events are stored with Jackson, named by their class, so a data directory or
 * Cassandra keyspace written by an older node names the old classes. Registered for each old
 * name under {@code pekko.serialization.jackson.migrations} in this module's
 * {@code reference.conf}; the events' fields are unchanged.
 */
public final class CatalogEventNames extends JacksonMigration {
    private static final String OLD_PREFIX = "io.chronon.sharding.Catalog$";

    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    public String transformClassName(int fromVersion, String className) {
        return className.startsWith(OLD_PREFIX) ? Catalog.class.getName() + "$" + className.substring(OLD_PREFIX.length()) : className;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        return json;
    }
}
