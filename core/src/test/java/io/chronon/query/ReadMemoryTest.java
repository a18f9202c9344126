package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read memory budget a node's running queries share (issue 16, memory caps in total). */
class ReadMemoryTest {
    /** 90,000 rows of three values, one of them a new string: about 3 MB charged. */
    static final String PAIRS = "[:find (count ?s) . :in ?n :where [(range ?n) [?a ...]] [(range ?n) [?b ...]] [(str ?a \"-\" ?b) ?s]]";

    static Object pairs() {
        return Datalog.q(PAIRS, 300L);
    }

    @Test
    void withoutAnAccountNothingIsCharged() {
        ReadMemory memory = new ReadMemory(1);
        assertEquals(90_000L, pairs());
        assertEquals(0, memory.used());
    }

    @Test
    void aQueryWithinTheBudgetRunsAndGivesItAllBackWhenItsReadEnds() {
        ReadMemory memory = new ReadMemory(64L << 20);
        try (ReadMemory.Account a = memory.open()) {
            assertEquals(90_000L, pairs());
            assertTrue(a.held() > 90_000L * 40, "the strings were charged: " + a.held());
            assertEquals(a.held(), memory.used());
        }
        assertEquals(0, memory.used());
    }

    @Test
    void aQueryLargerThanTheBudgetByItselfIsIncorrect() {
        ReadMemory memory = new ReadMemory(1L << 20);
        try (ReadMemory.Account a = memory.open()) {
            ChrononException e = assertThrows(ChrononException.class, ReadMemoryTest::pairs);
            assertEquals(ErrorCategory.INCORRECT, e.category());
            assertEquals(Keyword.of("chronon.error/query-too-large"), e.code());
        }
        assertEquals(0, memory.used());
    }

    /** Another read holds most of the budget: this one is told the node is busy, and may try again later. */
    @Test
    void aQueryThatDoesNotFitBesideTheOtherReadsIsBusy() {
        ReadMemory memory = new ReadMemory(16L << 20);
        ReadMemory.Account other = memory.open();
        other.charge(14L << 20);
        try (ReadMemory.Account a = memory.open()) {
            ChrononException e = assertThrows(ChrononException.class, ReadMemoryTest::pairs);
            assertEquals(ErrorCategory.BUSY, e.category());
            assertEquals(Keyword.of("chronon.error/reads-over-memory-budget"), e.code());
        }
        other.close();
        assertEquals(0, memory.used());
        try (ReadMemory.Account a = memory.open()) {
            assertEquals(90_000L, pairs());
        }
    }

    /**
     * A relation a later step replaced is given back: a query of many steps over the same
     * rows holds about one step's relations, not the sum of all.
     */
    @Test
    void replacedRelationsAreGivenBack() {
        String steps = "[:find (count ?a) . :in ?n :where [(range ?n) [?a ...]] [(inc ?a) ?b] [(> ?b 0)] [(< ?b 100000000)]"
                + " [(> ?a -1)] [(< ?a 100000000)] [(identity ?a) ?c] [(> ?c -1)] [(< ?c 100000000)]]";
        ReadMemory memory = new ReadMemory(64L << 20);
        long oneStep;
        try (ReadMemory.Account a = memory.open()) {
            assertEquals(200_000L, Datalog.q(steps, 200_000L));
            oneStep = a.held();
        }
        // 200,000 rows of up to 3 values, 8 bytes each, plus the small values of inc and identity
        assertTrue(oneStep < 30L << 20, "held after the query: " + oneStep);
    }
}
