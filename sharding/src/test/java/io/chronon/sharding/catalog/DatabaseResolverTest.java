package io.chronon.sharding.catalog;

import io.chronon.ErrorCategory;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link DatabaseResolver}: every caller's answer comes from a lookup sent after it asked, and
 * callers of one name share lookups. The catalog is a probe that answers as told.
 */
class DatabaseResolverTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create();
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static DatabaseInfo incarnation(String id) {
        return new DatabaseInfo("db", id, "memory", 0);
    }

    static DatabaseInfo get(CompletableFuture<DatabaseInfo> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void callersWhoAskWhileALookupIsInFlightShareTheNextOne() throws Exception {
        TestProbe<Catalog.Command> catalog = kit.createTestProbe();
        DatabaseResolver resolver = new DatabaseResolver(catalog.getRef(), kit.scheduler(), Runnable::run, Duration.ofSeconds(5));

        CompletableFuture<DatabaseInfo> first = resolver.current("db").toCompletableFuture();
        Catalog.GetDatabase lookup1 = catalog.expectMessageClass(Catalog.GetDatabase.class);
        // asked after lookup 1 was sent: its answer may predate them, so they wait for the next
        CompletableFuture<DatabaseInfo> second = resolver.current("db").toCompletableFuture();
        CompletableFuture<DatabaseInfo> third = resolver.current("db").toCompletableFuture();
        catalog.expectNoMessage(Duration.ofMillis(200));

        lookup1.replyTo().tell(StatusReply.success(incarnation("old")));
        assertEquals("old", get(first).id());
        Catalog.GetDatabase lookup2 = catalog.expectMessageClass(Catalog.GetDatabase.class);
        assertFalse(second.isDone());
        lookup2.replyTo().tell(StatusReply.success(incarnation("new")));
        assertEquals("new", get(second).id());
        assertEquals("new", get(third).id());
        catalog.expectNoMessage(Duration.ofMillis(200));

        // nothing in flight: the next caller sends a lookup of its own
        CompletableFuture<DatabaseInfo> fourth = resolver.current("db").toCompletableFuture();
        catalog.expectMessageClass(Catalog.GetDatabase.class).replyTo()
                .tell(StatusReply.error(ChrononError.notFound("db.error/db-not-found", "No database named db", "db")));
        ExecutionException e = assertThrows(ExecutionException.class, () -> get(fourth));
        assertEquals(ErrorCategory.NOT_FOUND, assertInstanceOf(ChrononError.class, e.getCause()).category());
    }

    @Test
    void namesAreLookedUpApart() throws Exception {
        TestProbe<Catalog.Command> catalog = kit.createTestProbe();
        DatabaseResolver resolver = new DatabaseResolver(catalog.getRef(), kit.scheduler(), Runnable::run, Duration.ofSeconds(5));
        CompletableFuture<DatabaseInfo> a = resolver.current("a").toCompletableFuture();
        CompletableFuture<DatabaseInfo> b = resolver.current("b").toCompletableFuture();
        Catalog.GetDatabase first = catalog.expectMessageClass(Catalog.GetDatabase.class);
        Catalog.GetDatabase second = catalog.expectMessageClass(Catalog.GetDatabase.class);
        first.replyTo().tell(StatusReply.success(new DatabaseInfo(first.name(), "1", "memory", 0)));
        second.replyTo().tell(StatusReply.success(new DatabaseInfo(second.name(), "2", "memory", 0)));
        assertEquals("a", get(a).name());
        assertEquals("b", get(b).name());
    }
}
