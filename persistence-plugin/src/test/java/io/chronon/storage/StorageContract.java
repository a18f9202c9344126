package io.chronon.storage;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.persistence.query.javadsl.EventsByPersistenceIdQuery;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage contract every {@link DatabaseStorage} kind must keep, run against each
 * implementation by a subclass (the file store, Cassandra): append, read back in order
 * (current and live read-journal queries), recovery in a new actor system, snapshot plus
 * replay, many databases written at once, and erasing a database's data. Each test writes
 * under fresh persistence ids, so the suite may share one store.
 */
public abstract class StorageContract {

    /** The storage kind under test, e.g. {@code file} or {@code cassandra}. */
    protected abstract String kind();

    /** Settings the kind needs (data directory, contact point, ...), on top of the modules' reference.conf. */
    protected abstract String storageSettings();

    /** Checks what the kind keeps for {@code persistenceId} outside Pekko's APIs (files, rows); true if anything. */
    protected abstract boolean holdsDataOf(ActorTestKit kit, String persistenceId) throws Exception;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** A persistence id unique to this test run, shaped like a database's. */
    protected String pid(String name) {
        return "chronon-db|" + name + "|" + run;
    }

    protected Config config() {
        // ConfigFactory.load(overrides) resolves reference.conf's substitutions against the overrides
        return ConfigFactory.load(ConfigFactory.parseString(storageSettings() + "\n"
                + "pekko.actor.provider = local\n"
                + "pekko.loglevel = WARNING\n"
                + "chronon.storage.default-kind = " + kind() + "\n"));
    }

    protected ActorTestKit startSystem() {
        return ActorTestKit.create("storage", config());
    }

    /** What a test does in one actor system. */
    protected interface InSystem {
        void run(ActorTestKit kit) throws Exception;
    }

    /** Runs {@code body} in a new actor system on the store, then shuts the system down. */
    protected void inSystem(InSystem body) throws Exception {
        ActorTestKit kit = startSystem();
        try {
            body.run(kit);
        } finally {
            kit.shutdownTestKit();
        }
    }

    protected DatabaseStorage storage(ActorTestKit kit) {
        return Storages.get(kit.system()).kind(kind());
    }

    // ------------------------------------------------------------------ the tests

    @Test
    public void appendsAndReadsBackInOrder() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        String pid = pid("ordered");
        inSystem(kit -> {
            ActorRef<Ledger.Command> ledger = kit.spawn(Ledger.create(pid, storage(kit), 0, null));
            appendAll(kit, ledger, entries);
            SampleDb.assertSameDb(SampleDb.sampleDb(), get(kit, ledger));

            List<EventEnvelope> read = readAll(kit, pid);
            assertEquals(entries.size(), read.size());
            for (int i = 0; i < read.size(); i++) {
                assertEquals(i + 1, read.get(i).sequenceNr(), "sequence numbers count entries");
                assertEquals(pid, read.get(i).persistenceId());
                assertEquals(entries.get(i), read.get(i).event(), "entry " + (i + 1) + " reads back as written");
            }
            assertEquals(entries.subList(1, 3), events(readJournal(kit).currentEventsByPersistenceId(pid, 2, 3)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS)), "a range");

            // a live query started before an entry is written delivers it
            String livePid = pid("live");
            var live = ((EventsByPersistenceIdQuery) readJournal(kit)).eventsByPersistenceId(livePid, 1, 2)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture();
            ActorRef<Ledger.Command> second = kit.spawn(Ledger.create(livePid, storage(kit), 0, null));
            appendAll(kit, second, entries.subList(0, 2));
            assertEquals(entries.subList(0, 2), events(live.get(30, TimeUnit.SECONDS)));
        });
    }

    @Test
    public void recoversInANewActorSystem() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        String pid = pid("recovered");
        inSystem(kit -> {
            appendAll(kit, kit.spawn(Ledger.create(pid, storage(kit), 0, null)), entries);
        });
        inSystem(again -> {
            TestProbe<Long> recovered = again.createTestProbe();
            ActorRef<Ledger.Command> ledger = again.spawn(Ledger.create(pid, storage(again), 0, recovered.getRef()));
            assertEquals(entries.size(), recovered.receiveMessage(Duration.ofSeconds(30)), "every entry replayed");
            SampleDb.assertSameDb(SampleDb.sampleDb(), get(again, ledger));
            assertEquals(entries.size(), readAll(again, pid).size());
        });
    }

    @Test
    public void recoversFromASnapshotPlusTheEntriesAfterIt() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        String pid = pid("snapshotted");
        inSystem(kit -> {
            // a snapshot after every 2 entries: one at sequence number 2 of 3
            TestProbe<Long> snapshots = kit.createTestProbe();
            appendAll(kit, kit.spawn(Ledger.create(pid, storage(kit), 2, null, snapshots.getRef())), entries);
            assertEquals(2L, snapshots.receiveMessage(Duration.ofSeconds(30)), "the snapshot is stored");
        });
        inSystem(again -> {
            TestProbe<Long> recovered = again.createTestProbe();
            ActorRef<Ledger.Command> ledger = again.spawn(Ledger.create(pid, storage(again), 2, recovered.getRef()));
            assertEquals(1L, recovered.receiveMessage(Duration.ofSeconds(30)), "only the entry after the snapshot is replayed");
            SampleDb.assertSameDb(SampleDb.sampleDb(), get(again, ledger));
        });
    }

    @Test
    public void writesManyDatabasesAtOnce() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        int databases = 12;
        inSystem(kit -> {
            TestProbe<Long> acks = kit.createTestProbe();
            List<ActorRef<Ledger.Command>> ledgers = new ArrayList<>();
            for (int i = 0; i < databases; i++) {
                ledgers.add(kit.spawn(Ledger.create(pid("many-" + i), storage(kit), 2, null)));
            }
            // every append of every database in flight at the same time
            for (TxLogEntry e : entries) {
                for (ActorRef<Ledger.Command> l : ledgers) {
                    l.tell(new Ledger.Append(e, acks.getRef()));
                }
            }
            List<Long> acked = acks.receiveSeveralMessages(databases * entries.size(), Duration.ofSeconds(60));
            assertEquals(databases * entries.size(), acked.size());
            for (int i = 0; i < databases; i++) {
                assertEquals(entries, events(readAll(kit, pid("many-" + i))), "database " + i);
                SampleDb.assertSameDb(SampleDb.sampleDb(), get(kit, ledgers.get(i)));
            }
        });
    }

    @Test
    public void deleteDataErasesOneDatabase() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        String doomed = pid("doomed");
        String kept = pid("kept");
        inSystem(kit -> {
            ActorRef<Ledger.Command> d = kit.spawn(Ledger.create(doomed, storage(kit), 2, null));
            appendAll(kit, d, entries);
            appendAll(kit, kit.spawn(Ledger.create(kept, storage(kit), 2, null)), entries);
            kit.stop(d);
            assertTrue(holdsDataOf(kit, doomed), "written data is visible in the store");

            storage(kit).deleteData(doomed).toCompletableFuture().get(60, TimeUnit.SECONDS);

            assertTrue(!holdsDataOf(kit, doomed), "nothing of the deleted database is left");
            assertEquals(List.of(), readAll(kit, doomed));
            TestProbe<Long> recovered = kit.createTestProbe();
            ActorRef<Ledger.Command> fresh = kit.spawn(Ledger.create(doomed, storage(kit), 2, recovered.getRef()));
            assertEquals(0L, recovered.receiveMessage(Duration.ofSeconds(30)));
            assertEquals(DbValue.empty().basisT(), get(kit, fresh).basisT());
            assertEquals(entries, events(readAll(kit, kept)), "the other database is untouched");
        });
    }

    // ------------------------------------------------------------------ helpers

    private static void appendAll(ActorTestKit kit, ActorRef<Ledger.Command> ledger, List<TxLogEntry> entries) {
        TestProbe<Long> acks = kit.createTestProbe();
        for (TxLogEntry e : entries) {
            ledger.tell(new Ledger.Append(e, acks.getRef()));
            assertEquals(e.t(), acks.receiveMessage(Duration.ofSeconds(30)));
        }
    }

    private static DbValue get(ActorTestKit kit, ActorRef<Ledger.Command> ledger) {
        TestProbe<DbValue> dbs = kit.createTestProbe();
        ledger.tell(new Ledger.Get(dbs.getRef()));
        return dbs.receiveMessage(Duration.ofSeconds(30));
    }

    private CurrentEventsByPersistenceIdQuery readJournal(ActorTestKit kit) {
        return PersistenceQuery.get(kit.system())
                .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, storage(kit).readJournalPluginId());
    }

    protected List<EventEnvelope> readAll(ActorTestKit kit, String pid) throws Exception {
        return readJournal(kit).currentEventsByPersistenceId(pid, 0, Long.MAX_VALUE)
                .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static List<Object> events(List<EventEnvelope> envelopes) {
        return envelopes.stream().map(EventEnvelope::event).toList();
    }

    /**
     * A database's log in miniature: appends log entries to a storage kind's journal, its
     * state the db value, snapshotted every {@code snapshotEvery} entries (0: never); tells
     * {@code recovered} how many entries recovery replayed.
     */
    public static final class Ledger extends EventSourcedBehavior<Ledger.Command, TxLogEntry, DbValue> {
        public interface Command {
        }

        public record Append(TxLogEntry entry, ActorRef<Long> replyTo) implements Command {
        }

        public record Get(ActorRef<DbValue> replyTo) implements Command {
        }

        private final DatabaseStorage storage;
        private final int snapshotEvery;
        private final ActorRef<Long> recovered;
        private final ActorRef<Long> snapshotted;
        private long replayed;

        private Ledger(String pid, DatabaseStorage storage, int snapshotEvery, ActorRef<Long> recovered,
                       ActorRef<Long> snapshotted) {
            super(PersistenceId.ofUniqueId(pid));
            this.storage = storage;
            this.snapshotEvery = snapshotEvery;
            this.recovered = recovered;
            this.snapshotted = snapshotted;
        }

        public static Behavior<Command> create(String pid, DatabaseStorage storage, int snapshotEvery, ActorRef<Long> recovered) {
            return new Ledger(pid, storage, snapshotEvery, recovered, null);
        }

        /** Also tells {@code snapshotted} the sequence number of each snapshot once it is stored. */
        public static Behavior<Command> create(String pid, DatabaseStorage storage, int snapshotEvery, ActorRef<Long> recovered,
                                               ActorRef<Long> snapshotted) {
            return new Ledger(pid, storage, snapshotEvery, recovered, snapshotted);
        }

        @Override
        public String journalPluginId() {
            return storage.journalPluginId();
        }

        @Override
        public String snapshotPluginId() {
            return storage.snapshotPluginId();
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
            return newEventHandlerBuilder().forAnyState().onEvent(TxLogEntry.class, (s, e) -> {
                replayed++;
                return e.applyTo(s);
            }).build();
        }

        @Override
        public SignalHandler<DbValue> signalHandler() {
            return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
                if (recovered != null) {
                    recovered.tell(replayed);
                }
            }).onSignal(SnapshotCompleted.class, (s, done) -> {
                if (snapshotted != null) {
                    snapshotted.tell(done.metadata().sequenceNr());
                }
            }).build();
        }

        @Override
        public RetentionCriteria retentionCriteria() {
            return snapshotEvery > 0 ? RetentionCriteria.snapshotEvery(snapshotEvery, 2) : RetentionCriteria.disabled();
        }
    }

    /** The log entries (one per transaction) that turn the empty db into {@link SampleDb#sampleDb()}. */
    public static List<TxLogEntry> sampleEntries() {
        DbValue db = SampleDb.sampleDb();
        List<TxLogEntry> entries = new ArrayList<>();
        long lastT = -1;
        List<Datom> group = new ArrayList<>();
        for (Datom d : db.txRange(1000L, null)) {
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

    private static TxLogEntry entry(DbValue finalDb, long t, List<Datom> datoms) {
        long instant = 0;
        for (Datom d : datoms) {
            if (d.a() == Bootstrap.TX_INSTANT) {
                instant = ((Date) d.v()).getTime();
            }
        }
        return new TxLogEntry(t, instant, finalDb.nextT(), finalDb.nextDbCounter(), datoms);
    }
}
