package io.chronon.storage.embedded;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.db.DbValue;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.Storages;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.SampleDb;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded journal, snapshot store and read journal under a real typed event-sourced actor. */
class EmbeddedPluginsTest {
    @TempDir
    Path dir;

    static Config config(Path dataDir, String kind) {
        return ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                        + "pekko.loglevel = WARNING\n"
                        + "pekko.persistence.journal.plugin = \"chronon.embedded." + kind + ".journal\"\n"
                        + "pekko.persistence.snapshot-store.plugin = \"chronon.embedded." + kind + ".snapshot\"\n"
                        + "chronon.storage.data-dir = \"" + dataDir.toString().replace("\\", "/") + "\"\n")
                .withFallback(ConfigFactory.load());
    }

    /** Appends log entries; its state is the db value, snapshotted every 3 entries. */
    static final class Ledger extends EventSourcedBehavior<Ledger.Command, TxLogEntry, DbValue> {
        interface Command {
        }

        record Append(TxLogEntry entry, ActorRef<Long> replyTo) implements Command {
        }

        record Get(ActorRef<DbValue> replyTo) implements Command {
        }

        Ledger(String id) {
            super(PersistenceId.ofUniqueId(id));
        }

        static Behavior<Command> create(String id) {
            return new Ledger(id);
        }

        @Override
        public DbValue emptyState() {
            return DbValue.empty();
        }

        @Override
        public CommandHandler<Command, TxLogEntry, DbValue> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (s, c) -> Effect().persist(c.entry()).thenReply(c.replyTo(), DbValue::basisT))
                    .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), s))
                    .build();
        }

        @Override
        public EventHandler<DbValue, TxLogEntry> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onEvent(TxLogEntry.class, (s, e) -> e.applyTo(s)).build();
        }

        @Override
        public RetentionCriteria retentionCriteria() {
            return RetentionCriteria.snapshotEvery(3, 2);
        }
    }

    /** The log entries that turn the empty db into the sample db. */
    static List<TxLogEntry> sampleEntries() {
        DbValue db = SampleDb.sampleDb();
        List<TxLogEntry> entries = new ArrayList<>();
        long lastT = -1;
        List<io.chronon.db.Datom> group = new ArrayList<>();
        for (io.chronon.db.Datom d : db.txRange(1000L, null)) {
            if (d.t() != lastT && !group.isEmpty()) {
                entries.add(entry(db, lastT, group));
                group = new ArrayList<>();
            }
            lastT = d.t();
            group.add(d);
        }
        entries.add(entry(db, lastT, group));
        return entries;
    }

    private static TxLogEntry entry(DbValue finalDb, long t, List<io.chronon.db.Datom> datoms) {
        long instant = 0;
        for (io.chronon.db.Datom d : datoms) {
            if (d.a() == io.chronon.db.Bootstrap.TX_INSTANT) {
                instant = ((java.util.Date) d.v()).getTime();
            }
        }
        return new TxLogEntry(t, instant, finalDb.nextT(), finalDb.nextDbCounter(), datoms);
    }

    private void appendAndRecover(String kind) throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        // repeat the three sample transactions as six entries on two ledgers
        ActorTestKit kit = ActorTestKit.create("plugins", config(dir, kind));
        try {
            ActorRef<Ledger.Command> ledger = kit.spawn(Ledger.create("ledger-1"));
            TestProbe<Long> acks = kit.createTestProbe();
            for (TxLogEntry e : entries) {
                ledger.tell(new Ledger.Append(e, acks.getRef()));
                assertEquals(e.t(), acks.receiveMessage());
            }
            TestProbe<DbValue> dbs = kit.createTestProbe();
            ledger.tell(new Ledger.Get(dbs.getRef()));
            SampleDb.assertSameDb(SampleDb.sampleDb(), dbs.receiveMessage());

            // the read journal sees every entry, in order
            DatabaseStorage storage = Storages.get(kit.system()).kind(kind);
            var journal = PersistenceQuery.get(kit.system()).getReadJournalFor(EmbeddedReadJournal.class, storage.readJournalPluginId());
            List<EventEnvelope> envs = journal.currentEventsByPersistenceId("ledger-1", 0, Long.MAX_VALUE)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(entries.size(), envs.size());
            for (int i = 0; i < envs.size(); i++) {
                assertEquals(i + 1, envs.get(i).sequenceNr());
                assertEquals(entries.get(i), envs.get(i).event());
            }
            // a live query picks up an entry written after it started
            var live = journal.eventsByPersistenceId("ledger-2", 1, 1)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture();
            ActorRef<Ledger.Command> ledger2 = kit.spawn(Ledger.create("ledger-2"));
            ledger2.tell(new Ledger.Append(entries.get(0), acks.getRef()));
            acks.receiveMessage();
            assertEquals(entries.get(0), live.get(10, TimeUnit.SECONDS).get(0).event());
        } finally {
            kit.shutdownTestKit();
        }
        if (kind.equals("memory")) {
            return;
        }
        ActorTestKit again = ActorTestKit.create("plugins", config(dir, kind));
        try {
            ActorRef<Ledger.Command> ledger = again.spawn(Ledger.create("ledger-1"));
            TestProbe<DbValue> dbs = again.createTestProbe();
            ledger.tell(new Ledger.Get(dbs.getRef()));
            SampleDb.assertSameDb(SampleDb.sampleDb(), dbs.receiveMessage(Duration.ofSeconds(10)));
        } finally {
            again.shutdownTestKit();
        }
    }

    @Test
    void fileStoreWritesRecoversAndServesQueries() throws Exception {
        appendAndRecover("file");
        // a snapshot was taken at sequence number 3 and the journal holds the entries
        assertTrue(java.nio.file.Files.list(dir.resolve("snapshots").resolve("ledger-1")).findAny().isPresent());
        assertTrue(java.nio.file.Files.exists(dir.resolve("journal").resolve("ledger-1")));
    }

    @Test
    void memoryStoreWritesAndServesQueries() throws Exception {
        appendAndRecover("memory");
        assertFalse(java.nio.file.Files.exists(dir.resolve("journal")));
    }

    @Test
    void deleteDataErasesAPersistenceId() throws Exception {
        ActorTestKit kit = ActorTestKit.create("plugins", config(dir, "file"));
        try {
            ActorRef<Ledger.Command> ledger = kit.spawn(Ledger.create("doomed"));
            TestProbe<Long> acks = kit.createTestProbe();
            for (TxLogEntry e : sampleEntries()) {
                ledger.tell(new Ledger.Append(e, acks.getRef()));
                acks.receiveMessage();
            }
            kit.stop(ledger);
            Storages.get(kit.system()).kind("file").deleteData("doomed").toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertFalse(java.nio.file.Files.exists(dir.resolve("journal").resolve("doomed")));
            assertFalse(java.nio.file.Files.exists(dir.resolve("snapshots").resolve("doomed")));
            ActorRef<Ledger.Command> fresh = kit.spawn(Ledger.create("doomed"));
            TestProbe<DbValue> dbs = kit.createTestProbe();
            fresh.tell(new Ledger.Get(dbs.getRef()));
            assertEquals(DbValue.empty().basisT(), dbs.receiveMessage().basisT());
        } finally {
            kit.shutdownTestKit();
        }
    }
}
