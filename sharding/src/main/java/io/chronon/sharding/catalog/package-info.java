/**
 * The catalog of databases: a durable, event-sourced cluster singleton that creates, deletes,
 * lists and looks up databases ({@link io.chronon.sharding.catalog.Catalog}), the description
 * of one database ({@link io.chronon.sharding.catalog.DatabaseInfo}), and how writers and peers
 * look theirs up. Retiring a deleted database's writer goes through an interface the entry
 * point supplies, so the catalog does not depend on the writer. Uses {@code wire},
 * {@code support} and the storage kinds.
 */
package io.chronon.sharding.catalog;
