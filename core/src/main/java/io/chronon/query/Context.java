package io.chronon.query;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.query.Query.Rule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one query execution: its data sources and inputs, its rules, its deadline,
 * and the explain steps it records. Not shared between threads.
 */
final class Context implements Builtins.Env {
    final Map<Symbol, Object> sources = new HashMap<>();
    final Map<Symbol, Object> patterns = new HashMap<>();
    final Map<Symbol, List<Rule>> rules = new HashMap<>();
    /** The variables bound by :in (whose unresolvable lookup refs are errors). */
    final java.util.Set<Symbol> inputVars = new java.util.HashSet<>();
    private final long deadlineNanos;
    private final long timeoutMillis;
    private int ticks;
    /** Explain steps of the top-level conjunction, or null when not explaining. */
    final List<Explain.Step> steps;
    private RuleEngine ruleEngine;

    Context(long timeoutMillis, boolean explain) {
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : Long.MAX_VALUE;
        this.steps = explain ? new ArrayList<>() : null;
    }

    /** Called from inner loops: every 1024 calls, checks the deadline and the thread's interrupt flag. */
    void tick() {
        if ((++ticks & 1023) == 0) {
            checkDeadline();
        }
    }

    @Override
    public void checkDeadline() {
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new ChrononException(ErrorCategory.INTERRUPTED, Keyword.of("db.error/query-interrupted"),
                    "Query interrupted: the calling thread was interrupted");
        }
        if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
            throw new ChrononException(ErrorCategory.INTERRUPTED, Keyword.of("db.error/query-timeout"),
                    "Query canceled: timeout of " + timeoutMillis + " ms elapsed");
        }
    }

    long remainingMillis() {
        if (deadlineNanos == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000L);
    }

    /** The data source {@code name}; an error if the query did not bind it. */
    Object source(Symbol name) {
        Object s = sources.get(name);
        if (s == null) {
            throw QueryParser.error("db.error/invalid-data-source",
                    "Nil or missing data source " + name + ". Did you forget to pass a database argument?", name);
        }
        return s;
    }

    RuleEngine ruleEngine() {
        if (ruleEngine == null) {
            ruleEngine = new RuleEngine(this, rules);
        }
        return ruleEngine;
    }

    @Override
    public Object query(Object query, List<Object> inputs) {
        QueryOptions opts = deadlineNanos == Long.MAX_VALUE ? QueryOptions.DEFAULTS
                : QueryOptions.DEFAULTS.withTimeoutMillis(remainingMillis());
        return Datalog.query(query, inputs, opts);
    }
}
