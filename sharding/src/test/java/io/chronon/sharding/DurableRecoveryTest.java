package io.chronon.sharding;

import io.chronon.db.DbValue;
import io.chronon.edn.Keyword;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The file store across a restart of the actor system: catalog, log, snapshots. (kill -9 is ChrononNodeIT's job.) */
class DurableRecoveryTest {
    @TempDir
    Path dir;

    static DbValue db(ChrononCluster chronon, String name, long t) {
        return db(chronon, name, t, 0);
    }

    /** The peer's value at basis t or later, on roots of index t {@code indexT} or later (0: any). */
    static DbValue db(ChrononCluster chronon, String name, long t, long indexT) {
        return await(chronon.peer(name).<QueryPeer.CurrentDb>askWithStatus(r -> new QueryPeer.GetDb(t, 10_000, r, null, indexT),
                Duration.ofSeconds(15))).db();
    }

    @Test
    void everythingComesBackAfterARestartWithSnapshotsTaken() throws Exception {
        // a small indexing threshold, so that recovery starts from index roots (in the snapshot store)
        String extra = "chronon.indexing.memory-index-threshold = 100";
        List<Transactor.TxResult> acked = new ArrayList<>();
        DbValue before;
        ActorTestKit kit = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("durable")).created());
            assertTrue(await(chronon.createDatabase("scratch", "memory")).created());
            await(chronon.transact("durable", ChrononProtocolTest.SCHEMA));
            for (long i = 0; i < 120; i++) {
                acked.add(await(chronon.transact("durable", List.of(Map.of(Keyword.of("person/id"), i % 40,
                        Keyword.of("person/name"), "P" + i, Keyword.of("person/age"), i)))));
            }
            before = db(chronon, "durable", acked.get(acked.size() - 1).t());
        } finally {
            kit.shutdownTestKit();
        }
        try (Stream<Path> snaps = Files.walk(dir.resolve("snapshots"))) {
            assertTrue(snaps.anyMatch(p -> p.getFileName().toString().endsWith(".snap")), "a snapshot was written");
        }

        ActorTestKit again = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(again.system());
            List<String> names = await(chronon.listDatabases()).stream().map(DatabaseInfo::name).toList();
            assertEquals(List.of("durable"), names, "the mem database is gone, the file one is back");
            long lastT = acked.get(acked.size() - 1).t();
            assertEquals(lastT, await(chronon.sync("durable")).basisT());
            DbValue after = db(chronon, "durable", lastT);
            io.chronon.storage.SampleDbAssertions.assertSameDb(before, after);
            // and the writer goes on from where it was
            Transactor.TxResult next = await(chronon.transact("durable", List.of(Map.of(Keyword.of("person/id"), 1000L))));
            assertEquals(acked.get(acked.size() - 1).seqNr() + 1, next.seqNr());
            assertTrue(next.t() > lastT);
            assertFalse(await(chronon.createDatabase("durable")).created());
        } finally {
            again.shutdownTestKit();
        }
    }
}
