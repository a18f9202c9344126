/**
 * Chronon's Pekko persistence plugins (journal, snapshot store, read journal) and the two
 * interfaces under them that every store implements: {@link io.chronon.storage.journal.LogStore}
 * and {@link io.chronon.storage.journal.SnapshotStorage}. A store is chosen by configuration
 * ({@code store = file | memory | class name}) and built through its
 * {@code (ExtendedActorSystem, Config)} constructor, so this package depends on no store.
 */
package io.chronon.storage.journal;
