package io.chronon.sharding.writer;

import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The callers waiting with a request id are answered once, whether they arrived before the
 * publisher answered (the writer had not heard that the write is durable yet) or after.
 */
class RetriesTest {
    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void callersBeforeAndAfterTheAnswerGetTheSameOutcomeOnce() {
        WriterSharedState.Retries retries = new WriterSharedState.Retries();
        TestProbe<StatusReply<Transactor.TxResult>> early = KIT.createTestProbe();
        TestProbe<StatusReply<Transactor.TxResult>> late = KIT.createTestProbe();
        retries.add(early.getRef());
        early.expectNoMessage(Duration.ofMillis(50));

        Transactor.TxResult result = new Transactor.TxResult("db", 1005, 1004, 7, Map.of("a", 17L), List.of()).asDuplicate();
        retries.answer(StatusReply.success(result));
        assertEquals(result, early.receiveMessage().getValue());

        retries.add(late.getRef());
        StatusReply<Transactor.TxResult> lateReply = late.receiveMessage();
        assertTrue(lateReply.getValue().duplicate());
        assertEquals(1005, lateReply.getValue().t());
        early.expectNoMessage(Duration.ofMillis(50));
    }

    @Test
    void aFailureReachesEveryWaitingCaller() {
        WriterSharedState.Retries retries = new WriterSharedState.Retries();
        TestProbe<StatusReply<Transactor.TxResult>> a = KIT.createTestProbe();
        TestProbe<StatusReply<Transactor.TxResult>> b = KIT.createTestProbe();
        retries.add(a.getRef());
        retries.add(b.getRef());
        retries.answer(StatusReply.error(ChrononError.unavailable("chronon.error/write-failed", "not committed")));
        assertTrue(a.receiveMessage().isError());
        assertTrue(b.receiveMessage().isError());
    }
}
