/**
 * The memory store: the log and snapshots in the heap, serialized like the file store's (for
 * tests and {@code mem} databases). Implements the interfaces of {@code journal}.
 */
package io.chronon.storage.memory;
