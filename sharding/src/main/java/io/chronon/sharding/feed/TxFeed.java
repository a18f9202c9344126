package io.chronon.sharding.feed;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.EdnJson;
import io.chronon.storage.TxLogEntry;

import java.util.Map;

/**
 * What a database's transactor publishes on its tx-report topic
 * ({@link DatabaseInfo#topicName()}, an {@code org.apache.pekko.actor.typed.pubsub.Topic}).
 * Subscribers (query peers, or any Pekko application) receive every committed transaction
 * in the order of its log sequence number, a heartbeat while the writer is idle, and a
 * final {@link Retired} when the database is deleted. Delivery is at most once: a
 * subscriber that sees a gap in {@code seqNr} reads the missing entries from the log.
 */
public sealed interface TxFeed extends CborSerializable {
    /** The database name. */
    String database();

    /**
     * A committed, durable transaction.
     *
     * @param seqNr   the entry's sequence number in the log: 1, 2, 3, ... with no gaps
     * @param entry   the transaction: its t, txInstant and datoms
     * @param tempids how the transaction's tempids resolved
     */
    record Committed(String database, long seqNr,
                     @JsonSerialize(using = EdnJson.EntrySerializer.class)
                     @JsonDeserialize(using = EdnJson.EntryDeserializer.class) TxLogEntry entry,
                     Map<String, Long> tempids) implements TxFeed {
    }

    /**
     * Sent while the writer is idle (every {@code chronon.transactor.heartbeat-interval}),
     * with its latest durable sequence number and t, so that a subscriber that missed the
     * last report notices.
     */
    record Heartbeat(String database, long seqNr, long t) implements TxFeed {
    }

    /**
     * An indexing job recorded new durable index roots ({@code roots}, the stored form of an
     * {@link io.chronon.storage.index.IndexRoots}) covering the log up to entry {@code seqNr}
     * (at {@code t}): a subscriber holding a value at or past that entry may move it onto them
     * and drop the novelty they cover. Missing one only keeps novelty in memory longer.
     */
    record Indexed(String database, long seqNr, long t, byte[] roots) implements TxFeed {
    }

    /** The database was deleted: nothing more will be published. */
    record Retired(String database, String databaseId) implements TxFeed {
    }
}
