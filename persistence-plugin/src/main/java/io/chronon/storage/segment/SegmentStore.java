package io.chronon.storage.segment;

import java.io.IOException;
import java.util.List;

/**
 * Where the segments of databases are kept: immutable blocks of bytes named by the hash of
 * their content ({@link SegmentId}), stored compressed and checksummed ({@link SegmentCodec}),
 * separately per database. Implemented by the file, memory and Cassandra stores; a store is
 * chosen per storage kind by configuration ({@code store = file | memory | <class name>}, built
 * by {@link SegmentStores}) like the log's. Safe for use by many threads at once.
 *
 * <p>The methods block. Reading an index tree is a chain of dependent reads (a child's id is in
 * its parent), the coming segment cache loads a missing segment on the reading thread, and the
 * file store's reads block anyway; the Cassandra store waits for its driver's answer. A caller
 * that wants many segments at once (the indexer writing a new tree) runs puts on an executor.
 */
public interface SegmentStore extends AutoCloseable {
    /**
     * Stores {@code bytes} as a segment of {@code database} and returns its id, the hash of
     * {@code bytes}: readable at once, durable once {@link #sync} returns (a store may defer its
     * syncs to do many at once). Idempotent: the same bytes give the same id, and storing them
     * again changes nothing.
     */
    SegmentId put(String database, byte[] bytes) throws IOException;

    /**
     * Makes every segment put so far durable (for {@code database}, or more). What an indexing
     * job calls before it records roots naming them. Nothing to do for a store whose puts are
     * durable when they return.
     */
    default void sync(String database) throws IOException {
    }

    /**
     * The bytes of segment {@code id} of {@code database}, checked against their checksum and
     * their id. Never empty in place of a segment: fails with {@link MissingSegmentException} if
     * there is none, {@link CorruptSegmentException} if it is damaged.
     */
    byte[] get(String database, SegmentId id) throws IOException;

    /** True if {@code database} has segment {@code id} (its content is not checked). */
    boolean contains(String database, SegmentId id) throws IOException;

    /** Removes segment {@code id} of {@code database}, if it is there (for the garbage collection of old index trees). */
    void delete(String database, SegmentId id) throws IOException;

    /** The ids of every segment of {@code database}, in no particular order (for garbage collection). */
    List<SegmentId> list(String database) throws IOException;

    @Override
    void close();
}
