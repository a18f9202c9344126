package io.chronon.sharding;

import io.chronon.db.DbValue;
import io.chronon.db.IndexedValue;
import io.chronon.edn.Keyword;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.writer.Transactor;
import io.chronon.storage.DatabaseStorage;
import io.chronon.storage.DurableIndexes;
import io.chronon.storage.SampleDbAssertions;
import io.chronon.storage.Storages;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.file.FileSnapshots;
import io.chronon.storage.index.IndexRestore;
import io.chronon.storage.index.IndexRoots;
import io.chronon.storage.journal.SnapshotStorage;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.javadsl.CurrentEventsByPersistenceIdQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database served from durable index roots on the file store: the writer's indexer records
 * roots (never a whole value) as the novelty passes its threshold; the writer and the peer move
 * onto them, so the novelty they hold stays bounded while the database grows; the latest
 * record, opened from its segments, with the log after it, is the database; and after a restart
 * of the node the writer and the peer start from the roots and go on.
 */
class DurableIndexesTest {
    static final long THRESHOLD = 300;

    @TempDir
    Path dir;

    @Test
    void aDatabaseIsServedFromIndexRootsAndItsNoveltyStaysBounded() throws Exception {
        String extra = "chronon.indexing.memory-index-threshold = " + THRESHOLD + "\nchronon.indexing.node { leaf-datoms = 64, children = 16 }";
        List<Transactor.TxResult> acked = new ArrayList<>();
        DbValue before;
        ActorTestKit kit = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("grows")).created());
            await(chronon.transact("grows", ChrononProtocolTest.SCHEMA));
            long maxNovelty = 0;
            for (long i = 0; i < 400; i++) {
                acked.add(await(chronon.transact("grows", people(i))));
                if (i % 50 == 49) {
                    DbValue peer = DurableRecoveryTest.db(chronon, "grows", acked.get(acked.size() - 1).t());
                    maxNovelty = Math.max(maxNovelty, IndexedValue.noveltyDatoms(peer));
                }
            }
            before = DurableRecoveryTest.db(chronon, "grows", acked.get(acked.size() - 1).t());
            long datoms = IndexedValue.log(before).size();
            assertTrue(datoms > 10 * THRESHOLD, datoms + " datoms");
            // jobs started by the threshold alone (300 datoms: about 30 transactions) covered the early ones
            assertTrue(await(chronon.syncIndex("grows", acked.get(40).t())).indexBasisT() >= acked.get(40).t());
            System.out.println("DurableIndexesTest: peer novelty up to " + maxNovelty + " of " + datoms + " datoms while loading");
            // and once a job covers everything, the novelty is only what came after it
            long lastT = acked.get(acked.size() - 1).t();
            assertTrue(await(chronon.requestIndex("grows")).basisT() >= lastT);
            assertTrue(await(chronon.syncIndex("grows", lastT)).indexBasisT() >= lastT);
            acked.add(await(chronon.transact("grows", people(400))));
            // the peer moves onto the roots off its thread once told: a value on them is asked for (as syncIndex does)
            before = DurableRecoveryTest.db(chronon, "grows", acked.get(acked.size() - 1).t(), lastT);
            assertEquals(lastT, before.indexBasisT());
            assertEquals(acked.get(acked.size() - 1).txData().size(), IndexedValue.noveltyDatoms(before),
                    "the novelty is the one transaction after the index");

            DatabaseInfo info = await(chronon.listDatabases()).get(0);
            DatabaseStorage storage = Storages.get(kit.system()).kind("file");
            List<TxLogEntry> log = log(kit, storage, info);
            DbValue replayed = TxLogEntry.applyAll(DbValue.empty(), log);
            SampleDbAssertions.assertSameDb(replayed, before);

            // the snapshot store holds roots records only; the latest, opened from its segments, plus the log after it, is the database
            FileSnapshots records = new FileSnapshots(dir.resolve("snapshots"), 1000, false);
            List<SnapshotStorage.Entry> entries = records.list(info.persistenceId());
            assertFalse(entries.isEmpty(), "roots were recorded");
            for (SnapshotStorage.Entry e : entries) {
                assertEquals("R2", records.read(info.persistenceId(), e).manifest(), "a roots record, not a whole value");
            }
            SnapshotStorage.Entry latest = entries.get(0);
            IndexRoots roots = IndexRoots.decode(info.name(), records.read(info.persistenceId(), latest).payload());
            DbValue restored = IndexRestore.at(DurableIndexes.get(kit.system()).treeStorage(storage, info.persistenceId()), roots);
            assertEquals(roots.t(), restored.indexBasisT(), "a value opened on roots reads the index up to their t");
            restored = TxLogEntry.applyAll(restored, log.subList((int) latest.seqNr(), log.size()));
            SampleDbAssertions.assertSameDb(replayed, restored);
            assertTrue(before.indexBasisT() > 0 && before.indexBasisT() <= before.basisT(), "index t " + before.indexBasisT());
        } finally {
            kit.shutdownTestKit();
        }

        ActorTestKit again = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(again.system());
            long lastT = acked.get(acked.size() - 1).t();
            DbValue after = DurableRecoveryTest.db(chronon, "grows", lastT);
            SampleDbAssertions.assertSameDb(before, after);
            // loaded from the latest roots (at least those the value had before; a job may have run since)
            assertTrue(after.indexBasisT() >= before.indexBasisT(), after.indexBasisT() + " < " + before.indexBasisT());
            assertTrue(IndexedValue.noveltyDatoms(after) <= IndexedValue.noveltyDatoms(before), "and only the log after them");
            // the writer recovered from the roots too, and goes on indexing from them
            for (long i = 401; i < 500; i++) {
                acked.add(await(chronon.transact("grows", people(i))));
            }
            // a job started by the threshold alone (300 datoms, about 30 transactions) has covered this one by now
            long laterT = acked.get(acked.size() - 50).t();
            await(chronon.syncIndex("grows", laterT));
            acked.add(await(chronon.transact("grows", people(500))));
            DbValue later = DurableRecoveryTest.db(chronon, "grows", acked.get(acked.size() - 1).t(), laterT);
            assertTrue(later.indexBasisT() >= laterT, "indexed again after the restart, by the threshold alone: " + later.indexBasisT());
            DatabaseInfo info = await(chronon.listDatabases()).get(0);
            SampleDbAssertions.assertSameDb(TxLogEntry.applyAll(DbValue.empty(), log(again, Storages.get(again.system()).kind("file"), info)),
                    later);
        } finally {
            again.shutdownTestKit();
        }
    }

    @Test
    void garbageCollectionKeepsTheRootsSupersededAfterTheCutOffAndDeletesTheRest() throws Exception {
        // 30 jobs and more, more than the 20 roots records the snapshot store used to keep (pruning the rest at each
        // save, whatever the cut-off), trees of small nodes (several levels)
        String extra = "chronon.indexing.memory-index-threshold = 400\nchronon.indexing.node { leaf-datoms = 32, children = 8 }";
        ActorTestKit kit = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("gc")).created());
            await(chronon.transact("gc", ChrononProtocolTest.SCHEMA));
            DbValue old = null;
            long lastT = 0;
            for (long i = 0; i < 300; i++) {
                lastT = await(chronon.transact("gc", people(i))).t();
                if (i % 10 == 9) {
                    await(chronon.requestIndex("gc"));
                    await(chronon.syncIndex("gc", lastT));
                }
                if (i == 100) {
                    // a value on early roots: indexed up to here, then one more transaction
                    await(chronon.requestIndex("gc"));
                    await(chronon.syncIndex("gc", lastT));
                    lastT = await(chronon.transact("gc", people(1000))).t();
                    old = DurableRecoveryTest.db(chronon, "gc", lastT);
                    assertTrue(old.indexBasisT() > 0, "a value on early roots");
                }
            }
            await(chronon.requestIndex("gc"));
            assertTrue(await(chronon.syncIndex("gc", lastT)).indexBasisT() >= lastT);
            DatabaseInfo info = await(chronon.listDatabases()).get(0);
            DatabaseStorage storage = Storages.get(kit.system()).kind("file");
            var segments = storage.segmentStore();
            int before = segments.list(info.persistenceId()).size();
            DurableIndexes indexes = DurableIndexes.get(kit.system());

            // a cut-off an hour ago: every roots record still kept (superseded within the hour) stays readable
            Transactor.GcDone kept = await(chronon.gcStorage("gc", java.time.Instant.now().minusSeconds(3600)));
            assertEquals(0, kept.recordsDeleted());
            assertTrue(kept.recordsKept() > 20, "every roots record of the hour is kept, not only the newest 20: " + kept);
            assertEquals(kept.segmentsReachable(), segments.list(info.persistenceId()).size());
            assertEquals(before - kept.segmentsDeleted(), kept.segmentsReachable(), "deleted = what no kept record reaches");
            indexes.cache().clear();
            DbValue replayedOld = TxLogEntry.applyAll(DbValue.empty(), log(kit, storage, info).subList(0, (int) seqNrAt(kit, storage, info, old.basisT())));
            SampleDbAssertions.assertSameDb(replayedOld, old);

            // a cut-off now: only the newest roots stay; the database reads whole, from storage
            Transactor.GcDone collected = await(chronon.gcStorage("gc", java.time.Instant.now().plusSeconds(1)));
            assertEquals(1, collected.recordsKept());
            assertTrue(collected.segmentsDeleted() > 0, collected.toString());
            assertEquals(collected.segmentsReachable(), segments.list(info.persistenceId()).size());
            indexes.cache().clear();
            DbValue current = DurableRecoveryTest.db(chronon, "gc", lastT);
            SampleDbAssertions.assertSameDb(TxLogEntry.applyAll(DbValue.empty(), log(kit, storage, info)), current);
            // a value pinned to roots superseded before the cut-off is not protected: its reads fail, naming the segment
            DbValue pinned = old;
            io.chronon.ChrononException missing = org.junit.jupiter.api.Assertions.assertThrows(io.chronon.ChrononException.class,
                    () -> SampleDbAssertions.assertSameDb(replayedOld, pinned));
            assertEquals("db.error/missing-segment", missing.code().toString().replace(":", ""), missing.getMessage());
        } finally {
            kit.shutdownTestKit();
        }
        ActorTestKit again = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(again.system());
            DatabaseInfo info = await(chronon.listDatabases()).get(0);
            long lastT = await(chronon.sync("gc")).basisT();
            SampleDbAssertions.assertSameDb(TxLogEntry.applyAll(DbValue.empty(), log(again, Storages.get(again.system()).kind("file"), info)),
                    DurableRecoveryTest.db(chronon, "gc", lastT));
        } finally {
            again.shutdownTestKit();
        }
    }

    /** The sequence number of the log entry at {@code t}. */
    static long seqNrAt(ActorTestKit kit, DatabaseStorage storage, DatabaseInfo info, long t) throws Exception {
        List<TxLogEntry> log = log(kit, storage, info);
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).t() == t) {
                return i + 1;
            }
        }
        throw new AssertionError("no entry at t " + t);
    }

    /** Three people per transaction, one of them updated again later (so that indexes also retract). */
    static List<Map<Keyword, Object>> people(long i) {
        List<Map<Keyword, Object>> tx = new ArrayList<>();
        for (long k = 0; k < 3; k++) {
            long id = (i * 3 + k) % 900;
            tx.add(Map.of(Keyword.of("person/id"), id, Keyword.of("person/name"), "P" + i + "-" + k, Keyword.of("person/age"), i + k));
        }
        return tx;
    }

    static List<TxLogEntry> log(ActorTestKit kit, DatabaseStorage storage, DatabaseInfo info) throws Exception {
        List<EventEnvelope> envelopes = PersistenceQuery.get(kit.system())
                .getReadJournalFor(CurrentEventsByPersistenceIdQuery.class, storage.readJournalPluginId())
                .currentEventsByPersistenceId(info.persistenceId(), 1, Long.MAX_VALUE).runWith(Sink.seq(), kit.system())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        List<TxLogEntry> entries = new ArrayList<>();
        for (EventEnvelope env : envelopes) {
            entries.add((TxLogEntry) env.event());
        }
        return entries;
    }
}
