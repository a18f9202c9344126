package io.chronon.storage.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.db.DbValue;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.SampleDb;
import io.chronon.storage.StorageContract.Ledger;
import io.chronon.storage.Storages;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.chronon.storage.StorageContract.sampleEntries;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the embedded store does beyond the storage contract ({@code FileStorageContractTest}):
 * its layout on disk, and the memory store (not durable, so not under the contract's
 * recovery tests).
 */
class JournalPluginsTest {
    @TempDir
    Path dir;

    static Config config(Path dataDir) {
        return ConfigFactory.parseString(
                "pekko.actor.provider = local\n"
                        + "pekko.loglevel = WARNING\n"
                        + "chronon.storage.data-dir = \"" + dataDir.toString().replace("\\", "/") + "\"\n")
                .withFallback(ConfigFactory.load());
    }

    private static void appendAll(ActorTestKit kit, ActorRef<Ledger.Command> ledger, List<TxLogEntry> entries) {
        TestProbe<Long> acks = kit.createTestProbe();
        for (TxLogEntry e : entries) {
            ledger.tell(new Ledger.Append(e, acks.getRef()));
            assertEquals(e.t(), acks.receiveMessage());
        }
    }

    @Test
    void fileStoreKeepsOneDirectoryPerPersistenceIdForTheLogAndTheSnapshots() throws Exception {
        ActorTestKit kit = ActorTestKit.create("plugins", config(dir));
        try {
            DatabaseStorage file = Storages.get(kit.system()).kind("file");
            TestProbe<Long> snapshots = kit.createTestProbe();
            appendAll(kit, kit.spawn(Ledger.create("chronon-db|people|1", file, 2, null, snapshots.getRef())), sampleEntries());
            snapshots.receiveMessage();
        } finally {
            kit.shutdownTestKit();
        }
        Path log = dir.resolve("journal").resolve("chronon-db%7Cpeople%7C1");
        try (Stream<Path> segments = Files.list(log)) {
            assertEquals(List.of("00000000000000000001.log"), segments.map(p -> p.getFileName().toString()).toList());
        }
        try (Stream<Path> snaps = Files.list(dir.resolve("snapshots").resolve("chronon-db%7Cpeople%7C1"))) {
            assertTrue(snaps.anyMatch(p -> p.getFileName().toString().endsWith(".snap")), "the snapshot at 2");
        }
    }

    @Test
    void aConfigurationNamingTheEmbeddedKindByItsOldClassNameStillWorks() throws Exception {
        // configuration files written before December 2026 name io.chronon.storage.embedded.EmbeddedStorage
        Config legacy = ConfigFactory.parseString("""
                chronon.storage.kinds.legacy {
                  class = "io.chronon.storage.embedded.EmbeddedStorage"
                  journal = "chronon.embedded.file.journal"
                  snapshot = "chronon.embedded.file.snapshot"
                  query = "chronon.embedded.file.query"
                }
                """).withFallback(config(dir));
        ActorTestKit kit = ActorTestKit.create("plugins", legacy);
        try {
            DatabaseStorage kind = Storages.get(kit.system()).kind("legacy");
            assertEquals("io.chronon.storage.EmbeddedStorage", kind.getClass().getName());
            assertTrue(kind.durable());
            TestProbe<Long> snapshots = kit.createTestProbe();
            appendAll(kit, kit.spawn(Ledger.create("chronon-db|old|1", kind, 2, null, snapshots.getRef())), sampleEntries());
            snapshots.receiveMessage();
        } finally {
            kit.shutdownTestKit();
        }
        assertTrue(Files.isDirectory(dir.resolve("journal").resolve("chronon-db%7Cold%7C1")));
    }

    @Test
    void aStoreThatIsNeitherFileMemoryNorAClassIsRefusedNamingThePlugin() {
        Config bad = ConfigFactory.parseString("chronon.embedded.file.journal.store = flie").withFallback(config(dir));
        ActorTestKit kit = ActorTestKit.create("plugins", bad);
        try {
            Throwable e = assertThrows(IllegalArgumentException.class,
                    () -> PluginStores.get(kit.system().classicSystem()).purge("chronon.embedded.file.journal", "chronon.embedded.file.snapshot", "x"));
            assertTrue(e.getMessage().startsWith("chronon.embedded.file.journal.store = flie is neither file, memory nor a LogStore class"),
                    e.getMessage());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void memoryStoreWritesAndServesQueriesWithoutTouchingTheDisk() throws Exception {
        List<TxLogEntry> entries = sampleEntries();
        ActorTestKit kit = ActorTestKit.create("plugins", config(dir));
        try {
            DatabaseStorage memory = Storages.get(kit.system()).kind("memory");
            assertFalse(memory.durable());
            ActorRef<Ledger.Command> ledger = kit.spawn(Ledger.create("ledger-1", memory, 2, null));
            appendAll(kit, ledger, entries);
            TestProbe<DbValue> dbs = kit.createTestProbe();
            ledger.tell(new Ledger.Get(dbs.getRef()));
            SampleDb.assertSameDb(SampleDb.sampleDb(), dbs.receiveMessage());

            var journal = PersistenceQuery.get(kit.system()).getReadJournalFor(ChrononReadJournal.class, memory.readJournalPluginId());
            List<EventEnvelope> envs = journal.currentEventsByPersistenceId("ledger-1", 0, Long.MAX_VALUE)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(entries, envs.stream().map(EventEnvelope::event).toList());
            // a live query picks up an entry written after it started
            var live = journal.eventsByPersistenceId("ledger-2", 1, 1).runWith(Sink.seq(), kit.system()).toCompletableFuture();
            appendAll(kit, kit.spawn(Ledger.create("ledger-2", memory, 0, null)), entries.subList(0, 1));
            assertEquals(entries.get(0), live.get(10, TimeUnit.SECONDS).get(0).event());

            memory.deleteData("ledger-1").toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(0, journal.currentEventsByPersistenceId("ledger-1", 0, Long.MAX_VALUE)
                    .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS).size());
        } finally {
            kit.shutdownTestKit();
        }
        assertFalse(Files.exists(dir.resolve("journal")));
    }
}
