/**
 * The segment store: immutable, content-addressed blocks of bytes (the nodes of the coming
 * durable index trees), compressed and checksummed ({@link io.chronon.storage.segment.SegmentCodec}),
 * kept per database beside the log. {@link io.chronon.storage.segment.SegmentStore} is the
 * interface the file, memory and Cassandra stores implement; {@link io.chronon.storage.segment.SegmentStores}
 * builds the one configured for a storage kind. A missing or corrupt segment fails its read
 * with an exception naming the database and the segment; it is never read as empty.
 */
package io.chronon.storage.segment;
