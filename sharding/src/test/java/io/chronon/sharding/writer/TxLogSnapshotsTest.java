package io.chronon.sharding.writer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnReader;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.SampleDbAssertions;
import io.chronon.storage.Storages;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.file.FileSnapshots;
import io.chronon.storage.journal.SnapshotStorage;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxOutcome;
import io.chronon.tx.TxProcessor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database stored by a version before the durable indexes recovers: the data directory under
 * {@code src/test/resources/stored-data/txlog-698e3a5} is what the {@code TxLog} of commit
 * 698e3a5 wrote (a log of 59 entries with whole-value snapshots, the last at entry 56), and
 * today's log recovers from its newest snapshot, replays the entries after it and goes on
 * writing. (Today's log never snapshots; the indexer records index roots in the same store.)
 */
class TxLogSnapshotsTest {
    static final DatabaseInfo INFO = new DatabaseInfo("snaps", "5a175a175a17", "file", 0L);
    static final Path FIXTURE = Path.of("src/test/resources/stored-data/txlog-698e3a5");

    /** The settings of the recovery (the request id window the fixture was written with). */
    static final String AFTER = "chronon.transactor { request-id-window = 6 }";
    /** The snapshots in the fixture. */
    static final List<Long> SNAPSHOTS_SECOND = List.of(11L, 16L, 18L, 29L, 35L, 41L, 42L, 48L, 50L, 51L, 56L);
    /** What the TxLog of 698e3a5 recovered from them. */
    static final String RECOVERED_SECOND = "seqNr=59 replayedFrom=57 ids=[r-57@58, r-58@59]";

    @TempDir
    Path dir;

    @Test
    void aLogWrittenBy698e3a5RecoversFromItsSnapshots() throws Exception {
        copy(FIXTURE, dir);
        assertEquals(SNAPSHOTS_SECOND, snapshotSeqNrs(dir));
        ActorTestKit kit = ActorTestKit.create("txlog", config(dir));
        try {
            DatabaseStorage storage = Storages.get(kit.system()).kind("file");
            // the old snapshots are bare db values, each the log's value at its place
            assertSnapshotsAreDbValues(kit, dir, storage);

            TestProbe<TxLog.Reply> owner = kit.createTestProbe();
            ActorRef<TxLog.Command> log = kit.spawn(TxLog.writer(INFO, storage, owner.getRef()::tell, settings(kit, AFTER)));
            TxLog.Recovered r = owner.expectMessageClass(TxLog.Recovered.class);
            // from the snapshot at 56, replaying 57..59
            assertEquals(RECOVERED_SECOND, describe(r));
            DbValue full = DbValue.empty();
            for (EventEnvelope env : TxLog.read(kit.system(), INFO, storage, 1, Long.MAX_VALUE).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)) {
                full = ((TxLogEntry) env.event()).applyTo(full);
            }
            SampleDbAssertions.assertSameDb(full, r.db());
            // and the log goes on after it
            log.tell(new TxLog.Append(write(r.db(), new int[] {2}, new int[] {1000}), null));
            assertEquals(new TxLog.Written(60), owner.expectMessageClass(TxLog.Written.class, Duration.ofSeconds(10)));
            kit.stop(log);
        } finally {
            kit.shutdownTestKit();
        }
    }

    static Config config(Path dir) {
        return ConfigFactory.parseString(String.join("\n",
                        "pekko.loglevel = WARNING",
                        "pekko.actor.provider = local",
                        "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"",
                        "chronon.embedded.file.journal.fsync = off",
                        "chronon.embedded.file.snapshot.fsync = off",
                        "chronon.embedded.file.snapshot.keep = 1000"))
                .withFallback(ConfigFactory.load()).resolve();
    }

    static ChrononSettings settings(ActorTestKit kit, String transactor) {
        return ChrononSettings.from(ConfigFactory.parseString(transactor).withFallback(kit.system().settings().config()));
    }

    /**
     * The entries of one journal write after {@code db}: a transaction per element of
     * {@code datoms}, asserting that many docs; a request id on two transactions of three,
     * and, on a write whose first transaction has an odd number, the writer's hints (the value after the write's last entry).
     * {@code counter} counts the transactions of the scenario.
     */
    static List<TxLogEntry> write(DbValue db, int[] datoms, int[] counter) {
        List<TxLogEntry> entries = new ArrayList<>();
        boolean hints = counter[0] % 2 == 1;
        for (int count : datoms) {
            int n = counter[0]++;
            StringBuilder tx = new StringBuilder("[");
            for (int i = 0; i < count; i++) {
                tx.append("[:db/add \"e").append(i).append("\" :db/doc \"tx ").append(n).append(" datom ").append(i).append("\"]");
            }
            TxOutcome report = TxProcessor.transact(db, (List<?>) EdnReader.read(tx.append("]").toString()), TxOptions.defaults());
            db = report.dbAfter().inEditingRun() ? report.dbAfter().sealed() : report.dbAfter();
            String requestId = n % 3 == 2 ? null : "r-" + n;
            entries.add(TxLogEntry.withoutHint(db, report.txData(), requestId, report.tempids()));
        }
        if (hints) {
            for (int i = 0; i < entries.size(); i++) {
                entries.set(i, entries.get(i).withHint(db, entries.size() - 1 - i));
            }
        }
        return entries;
    }

    static String describe(TxLog.Recovered r) {
        return "seqNr=" + r.seqNr() + " replayedFrom=" + r.replayedFrom() + " ids=" + r.requestIds().stream()
                .map(id -> id.requestId() + "@" + id.seqNr()).toList();
    }

    static List<Long> snapshotSeqNrs(Path dir) throws Exception {
        try (Stream<Path> snaps = Files.walk(dir.resolve("snapshots"))) {
            return snaps.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".snap"))
                    .map(n -> Long.parseLong(n.substring("snapshot-".length(), "snapshot-".length() + 20))).sorted().toList();
        }
    }

    /** Each snapshot in {@code dir} is a bare {@link DbValue} in the storage serializer's form, the log's value at its place. */
    static void assertSnapshotsAreDbValues(ActorTestKit kit, Path dir, DatabaseStorage storage) throws Exception {
        Map<Long, TxLogEntry> log = new HashMap<>();
        for (EventEnvelope env : TxLog.read(kit.system(), INFO, storage, 1, Long.MAX_VALUE).toCompletableFuture()
                .get(10, TimeUnit.SECONDS)) {
            log.put(env.sequenceNr(), (TxLogEntry) env.event());
        }
        Serialization serialization = SerializationExtension.get(kit.system());
        FileSnapshots store = new FileSnapshots(dir.resolve("snapshots"), 1000, false);
        List<SnapshotStorage.Entry> entries = store.list(INFO.persistenceId());
        assertTrue(!entries.isEmpty(), "snapshots were taken");
        for (SnapshotStorage.Entry e : entries) {
            SnapshotStorage.Stored s = store.read(INFO.persistenceId(), e);
            assertEquals("D1", s.manifest(), "a DbValue in StorageSerializer's form");
            Object value = serialization.deserialize(s.payload(), s.serializerId(), s.manifest()).get();
            DbValue expected = DbValue.empty();
            for (long seqNr = 1; seqNr <= e.seqNr(); seqNr++) {
                expected = log.get(seqNr).applyTo(expected);
            }
            SampleDbAssertions.assertSameDb(expected, assertInstanceOf(DbValue.class, value));
        }
    }

    static void copy(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals("LOCK")) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
