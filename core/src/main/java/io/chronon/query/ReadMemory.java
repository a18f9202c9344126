package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A memory budget shared by the reads running at once on a node (in bytes, estimated), so
 * that many queries, each under its own caps (a relation's {@code max-relation-cells}, a
 * function's value size), cannot fill the heap together: four cross products that each stay
 * under the per-relation cap ran a 192 MB node out of memory. A read {@linkplain #open opens}
 * an {@link Account} on its thread; while it is open, the query engine charges it for what
 * grows with the data: the arrays of its relations (8 bytes a cell, released when the engine
 * drops the relation) and the values its functions make (their estimated size, held until the
 * read ends). A charge that would take the node's reads past the budget fails the query:
 * {@code busy} ({@code :chronon.error/reads-over-memory-budget}: try again when fewer heavy
 * reads run) or, when this query alone holds more than the budget, {@code incorrect}
 * ({@code :chronon.error/query-too-large}: it never fits on this node).
 *
 * <p>Without an open account (core used as a library, tests) nothing is charged. Estimates,
 * not measurements: they bound what grows with a query's rows, the part a client controls.
 */
public final class ReadMemory {
    /** Bytes charged per cell of a relation's array: one reference, 8 bytes without compressed oops. */
    static final long CELL_BYTES = 8;

    private static final ThreadLocal<Account> CURRENT = new ThreadLocal<>();

    private final long budget;
    private final AtomicLong used = new AtomicLong();

    /** @param budgetBytes what the reads of a node may hold together, in bytes; positive */
    public ReadMemory(long budgetBytes) {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the read memory budget must be positive: " + budgetBytes);
        }
        this.budget = budgetBytes;
    }

    /** The default budget: half the maximum heap. */
    public static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    /** The budget, in bytes. */
    public long budget() {
        return budget;
    }

    /** What the open accounts hold now, in bytes. */
    public long used() {
        return used.get();
    }

    /**
     * Opens an account for a read on the calling thread (closed by the same thread, which the
     * read must not leave while it is open); what it holds is given back when it is closed.
     */
    public Account open() {
        Account a = new Account(CURRENT.get());
        CURRENT.set(a);
        return a;
    }

    /** One read's share of the budget. */
    public final class Account implements AutoCloseable {
        private final Account outer;
        private long held;

        private Account(Account outer) {
            this.outer = outer;
        }

        /** What this read holds now, in bytes. */
        public long held() {
            return held;
        }

        void charge(long bytes) {
            long now = used.addAndGet(bytes);
            held += bytes;
            if (now > budget && bytes > 0) {
                used.addAndGet(-bytes);
                held -= bytes;
                if (held + bytes > budget) {
                    throw new ChrononException(ErrorCategory.INCORRECT, Keyword.of("chronon.error/query-too-large"),
                            "The query would hold more than the node's read memory budget (" + mb(budget)
                                    + " MB, chronon.query.memory-budget) by itself; narrow it", null);
                }
                throw new ChrononException(ErrorCategory.BUSY, Keyword.of("chronon.error/reads-over-memory-budget"),
                        "The node's running reads hold its read memory budget (" + mb(budget)
                                + " MB); try again when fewer heavy reads run", null);
            }
        }

        void release(long bytes) {
            long b = Math.min(bytes, held);
            held -= b;
            used.addAndGet(-b);
        }

        @Override
        public void close() {
            used.addAndGet(-held);
            held = 0;
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    private static long mb(long bytes) {
        return bytes >> 20;
    }

    /** The calling thread's open account, or null. */
    static Account current() {
        return CURRENT.get();
    }

    /** Charges the calling thread's open account, if any. */
    static void charge(long bytes) {
        Account a = CURRENT.get();
        if (a != null) {
            a.charge(bytes);
        }
    }

    /** Gives back to the calling thread's open account, if any. */
    static void release(long bytes) {
        Account a = CURRENT.get();
        if (a != null) {
            a.release(bytes);
        }
    }

    /**
     * The estimated size of a value a function made: strings by their characters, collections
     * by their elements (not nested deeper: a function's collection is bounded by its own cap),
     * anything else a small object.
     */
    static long sizeOf(Object v) {
        if (v instanceof CharSequence s) {
            return 40 + s.length();
        }
        if (v instanceof Collection<?> c) {
            return 32 + 8L * c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return 48 + 40L * m.size();
        }
        if (v instanceof Object[] a) {
            return 16 + 8L * a.length;
        }
        return 24;
    }
}
