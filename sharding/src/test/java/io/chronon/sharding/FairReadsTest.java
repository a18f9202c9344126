package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.writer.Transactor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static io.chronon.sharding.ChrononProtocolTest.person;
import static io.chronon.sharding.TestCluster.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One database's slow reads cannot hold every thread of the query dispatcher (4 by default)
 * and so stop the reads of the other databases on the node.
 */
class FairReadsTest {
    /**
     * A five-way cross product with arithmetic on every row: over 300 people, so it runs until
     * its timeout (a four-way one sometimes ended within 6 s when it had a core to itself).
     */
    static final String CROSS = "[:find (count ?a) :where [?a :person/age ?x] [?b :person/age ?y] [?c :person/age ?z]"
            + " [?d :person/age ?w] [?f :person/age ?v] [(+ ?x ?y ?z ?w ?v) ?s] [(> ?s 1000)]]";
    static final long SLOW_MS = 6000;

    @RegisterExtension
    static final OneNode NODE = new OneNode("");

    static long people(String db, int n) {
        assertTrue(await(NODE.chronon().createDatabase(db)).created());
        await(NODE.chronon().transact(db, ChrononProtocolTest.SCHEMA));
        List<Object> people = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            people.add(person(i, "P" + i, i % 7));
        }
        Transactor.TxResult r = await(NODE.chronon().transact(db, people));
        await(NODE.chronon().sync(db, r.t()));
        return r.t();
    }

    /** The query dispatcher's threads that are running a query now. */
    static long busyReadThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().contains("chronon.query-dispatcher"))
                .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith("io.chronon.query.")))
                .count();
    }

    /**
     * Four reads of one database that each run for 6 s (until their timeout), then a count on
     * another database: it must answer within 1.5 s. Before the fix the four held all four
     * threads and the count answered after 6.4 s and 8.4 s (two runs).
     */
    @Test
    void slowReadsOfOneDatabaseDoNotDelayTheReadsOfAnother() {
        awaitNoBusyReadThreads();
        long hogT = people("hog", 300);
        people("quick", 10);
        assertEquals(10L, count("quick"));

        List<CompletionStage<QueryPeer.ReadResult>> slow = slowReads("hog", hogT, 4);
        awaitBusyReadThreads(2);
        assertCountAnswersPromptly("quick");
        assertAllTimedOut(slow);
    }

    /**
     * Four slow reads on each of two databases, then a count on a third: it must answer within
     * 1.5 s. Before the last free thread was kept for a database with no read running, the two
     * databases took two threads each (their fixed share), all four, and the count waited
     * until their reads timed out.
     */
    @Test
    void slowReadsOfTwoDatabasesDoNotDelayTheReadsOfAThird() {
        awaitNoBusyReadThreads();
        long hog1 = people("hog1", 300);
        long hog2 = people("hog2", 300);
        people("quick3", 10);
        assertEquals(10L, count("quick3"));

        List<CompletionStage<QueryPeer.ReadResult>> slow = new ArrayList<>(slowReads("hog1", hog1, 4));
        slow.addAll(slowReads("hog2", hog2, 4));
        awaitBusyReadThreads(3);
        assertCountAnswersPromptly("quick3");
        assertAllTimedOut(slow);
    }

    static final String COUNT = "[:find (count ?e) . :where [?e :person/id]]";

    static long count(String db) {
        return ((Number) await(NODE.chronon().q(db, COUNT))).longValue();
    }

    static List<CompletionStage<QueryPeer.ReadResult>> slowReads(String db, long t, int n) {
        List<CompletionStage<QueryPeer.ReadResult>> slow = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // asked with a long ask timeout: on a loaded machine their answer at 6 s may come a little late
            slow.add(NODE.chronon().peer(db).askWithStatus(replyTo -> new QueryPeer.Read(QueryPeer.Basis.atLeast(t),
                    new QueryPeer.QueryOp(CROSS, List.of(), -1, 0, null), SLOW_MS, replyTo), Duration.ofSeconds(60)));
        }
        return slow;
    }

    /**
     * Waits until no query thread runs a query: a read stops at its next deadline check after
     * its timeout answered, which on a loaded machine can be seconds later, and the other
     * test's reads would still hold threads.
     */
    static void awaitNoBusyReadThreads() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (busyReadThreads() > 0) {
            assertTrue(System.nanoTime() < deadline, "the reads of the other test did not stop");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    static void awaitBusyReadThreads(int n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (busyReadThreads() < n) {
            assertTrue(System.nanoTime() < deadline, "the slow reads did not start");
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    static void assertCountAnswersPromptly(String db) {
        long start = System.nanoTime();
        long n = count(db);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(10L, n);
        assertTrue(ms < 1500, "the count on another database answered after " + ms + " ms, behind the slow reads");
        System.out.println("FairReadsTest: the count on " + db + " answered in " + ms + " ms");
    }

    static void assertAllTimedOut(List<CompletionStage<QueryPeer.ReadResult>> slow) {
        for (CompletionStage<QueryPeer.ReadResult> s : slow) {
            assertEquals(ErrorCategory.INTERRUPTED, ChrononProtocolTest.failure(s).category());
        }
    }
}
