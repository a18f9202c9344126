package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Idempotent transact: a transaction sent again with the same request id commits once, on
 * the file store, also after the writer recovered from a snapshot in a restarted actor system.
 */
class RequestIdTest {
    @TempDir
    Path dir;

    /** A transaction making one new person named {@code name} (no identity: each commit makes another). */
    static String person(String name) {
        return "[{:db/id \"p\" :person/name \"" + name + "\"}]";
    }

    static int count(ChrononCluster chronon, String db, String name) {
        await(chronon.sync(db));
        Object r = await(chronon.q(db, "[:find ?e :where [?e :person/name \"" + name + "\"]]"));
        return ((Collection<?>) r).size();
    }

    static ChrononError failure(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return ChrononError.of(e.getCause());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
        return fail("expected a failure");
    }

    static void assertSameCommit(Transactor.TxResult first, Transactor.TxResult again) {
        assertEquals(first.t(), again.t());
        assertEquals(first.seqNr(), again.seqNr());
        assertEquals(first.basisBefore(), again.basisBefore());
        assertEquals(first.tempids(), again.tempids());
        assertEquals(first.txData(), again.txData());
        assertFalse(first.duplicate());
        assertTrue(again.duplicate());
    }

    @Test
    void aRetryWithTheSameIdCommitsOnce() {
        ActorTestKit kit = TestCluster.start(TestCluster.config("file", dir, ""));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("ids")).created());
            await(chronon.transact("ids", ChrononProtocolTest.SCHEMA));

            Transactor.TxResult first = await(chronon.transact("ids", person("Ann"), "r-ann"));
            Transactor.TxResult again = await(chronon.transact("ids", person("Ann"), "r-ann"));
            assertSameCommit(first, again);
            assertEquals(1, count(chronon, "ids", "Ann"));

            // different ids, the same data: two commits
            Transactor.TxResult b1 = await(chronon.transact("ids", person("Bob"), "r-bob-1"));
            Transactor.TxResult b2 = await(chronon.transact("ids", person("Bob"), "r-bob-2"));
            assertNotEquals(b1.t(), b2.t());
            assertFalse(b2.duplicate());
            assertEquals(2, count(chronon, "ids", "Bob"));

            // a rejected transaction is not remembered: its retry, fixed, commits
            ChrononError rejected = failure(chronon.transact("ids", "[{:db/id \"p\" :person/age \"old\"}]", "r-fix"));
            assertEquals(ErrorCategory.INCORRECT, rejected.category());
            Transactor.TxResult fixed = await(chronon.transact("ids", "[{:db/id \"p\" :person/name \"Cy\" :person/age 40}]", "r-fix"));
            assertFalse(fixed.duplicate());
            assertEquals(1, count(chronon, "ids", "Cy"));

            // sent twice at once, the second waits for the first and gets its answer
            List<CompletionStage<Transactor.TxResult>> burst = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                burst.add(chronon.transact("ids", person("Dee"), "r-dee"));
            }
            List<Transactor.TxResult> results = burst.stream().map(TestCluster::await).toList();
            assertEquals(1, results.stream().filter(r -> !r.duplicate()).count());
            for (Transactor.TxResult r : results) {
                assertEquals(results.get(0).t(), r.t());
                assertEquals(results.get(0).tempids(), r.tempids());
            }
            assertEquals(1, count(chronon, "ids", "Dee"));

            // transactions without an id are never deduplicated
            await(chronon.transact("ids", person("Eve")));
            await(chronon.transact("ids", person("Eve")));
            assertEquals(2, count(chronon, "ids", "Eve"));

            ChrononError tooLong = failure(chronon.transact("ids", person("Fay"), "x".repeat(201)));
            assertEquals(ErrorCategory.INCORRECT, tooLong.category());
            assertEquals(ErrorCategory.INCORRECT, failure(chronon.transact("ids", person("Fay"), "")).category());
            assertEquals(0, count(chronon, "ids", "Fay"));
            assertFalse(await(chronon.transact("ids", person("Fay"), "y".repeat(200))).duplicate());
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void aFailedWriteIsNotRememberedAndTheLogRecoveryKeepsTheWindow() {
        ActorTestKit kit = TestCluster.start(TestCluster.config("memory", null, String.join("\n",
                "chronon.storage.kinds.flaky = ${chronon.storage.kinds.memory} { journal = \"test.flaky.journal\", query = \"test.flaky.query\" }",
                "test.flaky.journal = ${chronon.embedded.memory.journal} { class = \"io.chronon.sharding.FailingJournal\" }",
                "test.flaky.query = ${chronon.embedded.memory.query} { journal = \"test.flaky.journal\" }")));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("flaky-ids", "flaky")).created());
            await(chronon.transact("flaky-ids", ChrononProtocolTest.SCHEMA));
            Transactor.TxResult kept = await(chronon.transact("flaky-ids", person("Kept"), "r-kept"));
            FailingJournal.FAIL_WRITES.set(1);
            ChrononError lost = failure(chronon.transact("flaky-ids", person("Lost"), "r-lost"));
            assertEquals(ErrorCategory.UNAVAILABLE, lost.category());
            // the log recovered: the id committed before is still known, the failed one runs again
            assertSameCommit(kept, await(chronon.transact("flaky-ids", person("Kept"), "r-kept")));
            Transactor.TxResult retried = await(chronon.transact("flaky-ids", person("Lost"), "r-lost"));
            assertFalse(retried.duplicate());
            assertSameCommit(retried, await(chronon.transact("flaky-ids", person("Lost"), "r-lost")));
            assertEquals(1, count(chronon, "flaky-ids", "Kept"));
            assertEquals(1, count(chronon, "flaky-ids", "Lost"));
        } finally {
            FailingJournal.FAIL_WRITES.set(0);
            kit.shutdownTestKit();
        }
    }

    @Test
    void requestIdsAndDuplicateResultsCrossTheWire() {
        ActorTestKit kit = TestCluster.start(TestCluster.config("memory", null, String.join("\n",
                "pekko.actor.serialize-messages = on",
                "pekko.actor.no-serialization-verification-needed-class-prefix = [\"org.apache.pekko.\"]")));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("wire-ids")).created());
            await(chronon.transact("wire-ids", ChrononProtocolTest.SCHEMA));
            Transactor.TxResult first = await(chronon.transact("wire-ids", person("Ann"), "r-1"));
            assertSameCommit(first, await(chronon.transact("wire-ids", person("Ann"), "r-1")));
            assertEquals(1, count(chronon, "wire-ids", "Ann"));
        } finally {
            kit.shutdownTestKit();
        }
    }

    @Test
    void theWindowSurvivesARestartFromASnapshot() throws Exception {
        // a window of 30 entries; index roots recorded at entry 32 (requested, so nothing depends on timing)
        String extra = "chronon.transactor.request-id-window = 30";
        Transactor.TxResult outside;
        Transactor.TxResult inside;
        Transactor.TxResult last;
        ActorTestKit kit = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(kit.system());
            assertTrue(await(chronon.createDatabase("durable-ids")).created());
            await(chronon.transact("durable-ids", ChrononProtocolTest.SCHEMA));   // entry 1
            outside = await(chronon.transact("durable-ids", person("Out"), "r-out")); // entry 2
            for (int i = 0; i < 10; i++) {
                await(chronon.transact("durable-ids", person("F" + i), "r-f" + i));   // 3..12
            }
            inside = await(chronon.transact("durable-ids", person("In"), "r-in"));    // 13
            long t32 = 0;
            for (int i = 0; i < 19; i++) {
                t32 = await(chronon.transact("durable-ids", person("G" + i), i % 2 == 0 ? "r-g" + i : null)).t(); // 14..32
            }
            await(chronon.requestIndex("durable-ids"));
            await(chronon.syncIndex("durable-ids", t32));
            last = await(chronon.transact("durable-ids", person("Last"), "r-last"));  // 33
            assertEquals(33, last.seqNr());
            assertEquals(13, inside.seqNr());
        } finally {
            kit.shutdownTestKit();
        }
        // the latest snapshot is after "r-in": its id must come from reading the log, not the replay
        long snapshotSeqNr;
        try (Stream<Path> snaps = Files.walk(dir.resolve("snapshots"))) {
            snapshotSeqNr = snaps.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".snap"))
                    .mapToLong(n -> Long.parseLong(n.substring("snapshot-".length(), "snapshot-".length() + 20))).max().orElse(0);
        }
        assertEquals(32, snapshotSeqNr, "index roots after entry 13");

        ActorTestKit again = TestCluster.start(TestCluster.config("file", dir, extra));
        try {
            ChrononCluster chronon = ChrononCluster.get(again.system());
            // inside the window, older than the snapshot
            assertSameCommit(inside, await(chronon.transact("durable-ids", person("In"), "r-in")));
            // inside the window, replayed after the snapshot
            assertSameCommit(last, await(chronon.transact("durable-ids", person("Last"), "r-last")));
            assertEquals(1, count(chronon, "durable-ids", "In"));
            assertEquals(1, count(chronon, "durable-ids", "Last"));
            // outside the window (entry 2 of 33, window 30): it commits again, as documented
            Transactor.TxResult out2 = await(chronon.transact("durable-ids", person("Out"), "r-out"));
            assertFalse(out2.duplicate());
            assertTrue(out2.t() > outside.t());
            assertEquals(2, count(chronon, "durable-ids", "Out"));
            // and now the new commit of r-out is the one remembered
            assertSameCommit(out2, await(chronon.transact("durable-ids", person("Out"), "r-out")));
        } finally {
            again.shutdownTestKit();
        }
    }
}
