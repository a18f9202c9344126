package io.chronon.sharding;

import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.wire.Replies;
import io.chronon.sharding.writer.Transactor;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The requests of {@link QueryPeer} and {@link Transactor}: every message that carries a reply
 * address is a {@code Request}, and {@link Replies#fail} answers that address with the error.
 */
class RepliesTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(TestCluster.config("memory", null, "pekko.actor.provider = local"));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** The simple names of the records under sealed {@code root} that carry a {@code replyTo}, checking each is a {@code request}. */
    private static Set<String> withReplyTo(Class<?> root, Class<?> request) {
        Set<String> names = new TreeSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>(Arrays.asList(root.getPermittedSubclasses()));
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                todo.addAll(Arrays.asList(c.getPermittedSubclasses()));
            }
            if (c.isRecord() && Arrays.stream(c.getRecordComponents()).anyMatch(rc -> rc.getName().equals("replyTo"))) {
                assertTrue(request.isAssignableFrom(c), c.getName() + " has a reply address but is not a " + request.getName());
                names.add(c.getSimpleName());
            }
        }
        return names;
    }

    @Test
    void everyMessageWithAReplyAddressIsARequest() {
        assertEquals(Set.of("GetDb", "Read", "Sync", "SyncLatest"), withReplyTo(QueryPeer.Command.class, QueryPeer.Request.class));
        assertEquals(Set.of("GcStorage", "GetLatestT", "RequestIndex", "Retire", "SyncIndex", "Transact"), withReplyTo(Transactor.Command.class, Transactor.Request.class));
    }

    /** Fails the request {@code make} builds and checks that its probe gets the error. */
    private static <T> void failReaches(Function<ActorRef<StatusReply<T>>, Replies> make) {
        TestProbe<StatusReply<T>> probe = kit.createTestProbe();
        ChrononError error = ChrononError.busy("chronon.error/busy", "too many waiting");
        make.apply(probe.getRef()).fail(error);
        StatusReply<T> reply = probe.receiveMessage();
        assertTrue(reply.isError());
        assertSame(error, reply.getError());
    }

    @Test
    void failAnswersTheReplyAddressWithTheError() {
        RepliesTest.<QueryPeer.Synced>failReaches(r -> new QueryPeer.Sync(5, 100, r));
        RepliesTest.<QueryPeer.Synced>failReaches(r -> new QueryPeer.SyncLatest(100, r));
        RepliesTest.<QueryPeer.CurrentDb>failReaches(r -> new QueryPeer.GetDb(5, 100, r));
        RepliesTest.<QueryPeer.ReadResult>failReaches(r -> new QueryPeer.Read(QueryPeer.Basis.LATEST, new QueryPeer.InfoOp(), 100, r));
        RepliesTest.<Transactor.TxResult>failReaches(r -> new Transactor.Transact("[]", "r-1", r));
        RepliesTest.<Transactor.LatestT>failReaches(Transactor.GetLatestT::new);
    }

    @Test
    void aRetirementIsNotAnsweredWithAnError() {
        // Done cannot carry an error: a refused Retire goes unanswered, as it always did
        TestProbe<Done> probe = kit.createTestProbe();
        new Transactor.Retire("id", probe.getRef()).fail(ChrononError.busy("chronon.error/busy", "too many waiting"));
        probe.expectNoMessage(Duration.ofMillis(100));
    }
}
