package io.chronon.storage.journal;

/**
 * One journal entry as the embedded store keeps it: the serialized event and what Pekko
 * needs to rebuild its {@code PersistentRepr}.
 *
 * @param seqNr           the persistence sequence number (1, 2, 3, ... per persistence id)
 * @param timestamp       when it was written, epoch milliseconds
 * @param writerUuid      the writer incarnation, for Pekko's replay filter
 * @param adapterManifest the event adapter manifest (usually empty)
 * @param serializerId    the Pekko serializer of the payload
 * @param manifest        that serializer's manifest
 * @param payload         the serialized event
 */
public record LogRecord(long seqNr, long timestamp, String writerUuid, String adapterManifest, int serializerId,
                        String manifest, byte[] payload) {
}
