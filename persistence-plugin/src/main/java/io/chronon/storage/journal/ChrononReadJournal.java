package io.chronon.storage.journal;

import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.ReadJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * The read side of the embedded journal (Pekko persistence query, Java DSL): the events of
 * one persistence id by sequence number, either those written so far
 * ({@link #currentEventsByPersistenceId}) or a live stream that keeps reading new ones
 * every {@code refresh-interval} ({@link #eventsByPersistenceId}). Offsets are sequence
 * numbers. Read journal id: {@code chronon.embedded.file.query} (or {@code .memory.query}).
 */
public final class ChrononReadJournal implements ReadJournal, CurrentEventsByPersistenceIdQuery, EventsByPersistenceIdQuery {
    private final ExtendedActorSystem system;
    private final LogStore store;
    private final Serialization serialization;
    private final Executor io;
    private final Duration refreshInterval;
    private final int chunkSize;

    ChrononReadJournal(ExtendedActorSystem system, String journalPluginPath, Duration refreshInterval, int chunkSize) {
        this.system = system;
        this.store = PluginStores.get(system).logStore(journalPluginPath);
        this.serialization = SerializationExtension.get(system);
        this.io = system.dispatchers().lookup("pekko.persistence.dispatchers.default-plugin-dispatcher");
        this.refreshInterval = refreshInterval;
        this.chunkSize = chunkSize;
    }

    @Override
    public Source<EventEnvelope, NotUsed> currentEventsByPersistenceId(String persistenceId, long fromSequenceNr, long toSequenceNr) {
        // read until the log ends (a chunk comes back empty): no separate look-up of the log's end, which on
        // Cassandra is a serial read that would contend with the writer's conditional writes
        return events(persistenceId, fromSequenceNr, toSequenceNr, false);
    }

    @Override
    public Source<EventEnvelope, NotUsed> eventsByPersistenceId(String persistenceId, long fromSequenceNr, long toSequenceNr) {
        return events(persistenceId, fromSequenceNr, toSequenceNr, true);
    }

    private Source<EventEnvelope, NotUsed> events(String persistenceId, long from, long to, boolean live) {
        return Source.<Long, List<EventEnvelope>>unfoldAsync(Math.max(1, from), next -> {
            if (next > to) {
                return CompletableFuture.completedFuture(Optional.empty());
            }
            return readChunk(persistenceId, next, to).thenCompose(chunk -> {
                if (!chunk.isEmpty()) {
                    long after = chunk.get(chunk.size() - 1).sequenceNr() + 1;
                    return CompletableFuture.completedFuture(Optional.of(Pair.create(after, chunk)));
                }
                if (!live) {
                    return CompletableFuture.completedFuture(Optional.empty());
                }
                // caught up: look again after the refresh interval
                return Patterns.after(refreshInterval, system.scheduler(), system.dispatcher(),
                        () -> CompletableFuture.completedFuture(Optional.of(Pair.create(next, List.<EventEnvelope>of()))));
            });
        }).mapConcat(list -> list);
    }

    private CompletionStage<List<EventEnvelope>> readChunk(String persistenceId, long from, long to) {
        return CompletableFuture.supplyAsync(() -> {
            List<EventEnvelope> out = new ArrayList<>();
            try {
                store.replay(persistenceId, from, to, chunkSize, r -> {
                    Object event = serialization.deserialize(r.payload(), r.serializerId(), r.manifest()).get();
                    out.add(new EventEnvelope(Offset.sequence(r.seqNr()), persistenceId, r.seqNr(), event, r.timestamp()));
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }, io);
    }
}
