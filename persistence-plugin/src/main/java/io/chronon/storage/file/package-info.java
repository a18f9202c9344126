/**
 * The file store: append-only, checksummed log segments with group commit and fsync
 * ({@link io.chronon.storage.file.FileLogStore}) and snapshot files written atomically.
 * Implements the interfaces of {@code journal}. docs/embedded-store.md describes the layout.
 */
package io.chronon.storage.file;
