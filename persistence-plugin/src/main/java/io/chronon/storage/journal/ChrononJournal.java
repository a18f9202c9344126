package io.chronon.storage.journal;

import com.typesafe.config.Config;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.concurrent.ExecutionContextExecutor;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Chronon's embedded Pekko journal: entries go to a {@link LogStore} on local files (or in
 * memory, or in Cassandra for the storage kind {@code cassandra}), and a write is acknowledged
 * only once it is durable. Configure it as a journal
 * plugin with {@code class = "io.chronon.storage.journal.ChrononJournal"} (see this
 * module's {@code reference.conf}: {@code chronon.embedded.file.journal} and
 * {@code chronon.embedded.memory.journal}).
 *
 * <p>Not final so that tests can inject write failures by overriding
 * {@link #doAsyncWriteMessages}.
 */
public class ChrononJournal extends AsyncWriteJournal {
    private final LogStore store;
    private final Serialization serialization;
    private final ExecutionContextExecutor ec;

    public ChrononJournal(Config config, String configPath) {
        this.store = PluginStores.get(context().system()).logStore(configPath);
        this.serialization = SerializationExtension.get(context().system());
        // reads block on files: they run on the plugin dispatcher, while the journal actor itself
        // (which never blocks: writes go to the store's writer thread) may run on the default one
        this.ec = context().system().dispatchers().lookup("pekko.persistence.dispatchers.default-plugin-dispatcher");
    }

    @Override
    public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
        List<PidWrite> writes = new ArrayList<>();
        List<Object> results = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (AtomicWrite aw : messages) {
            List<LogRecord> records = new ArrayList<>(aw.size());
            try {
                for (PersistentRepr p : CollectionConverters.asJava(aw.payload())) {
                    records.add(toRecord(p, now));
                }
            } catch (Exception e) {
                // a rejection: this write is not stored, the writer goes on
                results.add(e);
                continue;
            }
            PidWrite w = new PidWrite(aw.persistenceId(), records);
            writes.add(w);
            results.add(w);
        }
        store.append(writes);
        CompletableFuture<Iterable<Optional<Exception>>> all = CompletableFuture
                .allOf(writes.stream().map(PidWrite::done).toArray(CompletableFuture[]::new))
                .thenApply(v -> {
                    List<Optional<Exception>> out = new ArrayList<>(results.size());
                    for (Object r : results) {
                        out.add(r instanceof Exception e ? Optional.of(e) : Optional.empty());
                    }
                    return out;
                });
        return FutureConverters.asScala(all);
    }

    private LogRecord toRecord(PersistentRepr p, long now) {
        Object payload = p.payload();
        Serializer serializer = serialization.findSerializerFor(payload);
        String manifest = Serializers.manifestFor(serializer, payload);
        byte[] bytes = serializer.toBinary(payload);
        long timestamp = p.timestamp() > 0 ? p.timestamp() : now;
        return new LogRecord(p.sequenceNr(), timestamp, p.writerUuid(), p.manifest(), serializer.identifier(), manifest, bytes);
    }

    @Override
    public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
        return FutureConverters.asScala(store.deleteTo(persistenceId, toSequenceNr));
    }

    @Override
    public Future<Void> doAsyncReplayMessages(String persistenceId, long fromSequenceNr, long toSequenceNr, long max,
                                              Consumer<PersistentRepr> replayCallback) {
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
            try {
                store.replay(persistenceId, fromSequenceNr, toSequenceNr, max, r -> replayCallback.accept(toRepr(persistenceId, r)));
                return null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ec));
    }

    @Override
    public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
        return FutureConverters.asScala(CompletableFuture.supplyAsync(() -> {
            try {
                return store.highestSequenceNr(persistenceId);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, ec));
    }

    private PersistentRepr toRepr(String persistenceId, LogRecord r) {
        Object payload = serialization.deserialize(r.payload(), r.serializerId(), r.manifest()).get();
        return PersistentRepr.apply(payload, r.seqNr(), persistenceId, r.adapterManifest(), false, ActorRef.noSender(),
                r.writerUuid()).withTimestamp(r.timestamp());
    }
}
