/**
 * Datomic's Datalog over Chronon db values; the entry point is {@link io.chronon.query.Datalog}.
 *
 * <p>One file per job: {@code QueryParser} turns query data into the {@code Query} tree and
 * validates it (parsed string queries are kept in {@code QueryCache}); {@code Executor}
 * evaluates a conjunction and is the planner; {@code PatternMatcher} estimates and runs one
 * data pattern against the indexes; {@code RuleEngine} evaluates rules and
 * {@code or}/{@code or-join} (which parse into anonymous rules); {@code Builtins} (with
 * {@code StringFunctions}, the string and regex ones) and {@code Aggregates} are the fixed
 * whitelist of functions; {@code Results} shapes the answer;
 * {@code Relation} is the tuple table everything passes around.
 *
 * <h2>Planning</h2>
 * The planner is greedy and adaptive: after each step it holds the actual bindings, so it
 * estimates each clause that could run next against them and runs the one with the lowest
 * estimated cost plus output. A data pattern's estimate comes from {@code DbValue.count} over
 * the index range its constants select (exact for the current db), and, when the relation
 * already binds some of its variables, from counts for up to 8 sampled rows; it then runs as
 * a per-row index lookup or as one scan hash-joined with the relation, whichever costs less.
 * Comparisons of a pattern's value with a constant or a one-valued variable narrow an AVET
 * scan to a range. Predicates, functions and {@code not} run as soon as their variables are
 * bound. After each step the variables no later clause, rule head or result needs are
 * projected away (with de-duplication). The written clause order never matters.
 *
 * <h2>Rules</h2>
 * Bottom-up, semi-naive, restricted to the bound arguments of each call (magic-set style
 * demand): see {@code RuleEngine}.
 *
 * <h2>Where Chronon differs from Datomic 1.0.7622, and why</h2>
 * <ul>
 *   <li>Clause order does not matter: a {@code not}, predicate or rule call whose variables are
 *       bound by a later clause runs after it (Datomic rejects or full-scans). Patterns and
 *       recursive rules that Datomic refuses as "would cause full scan" ({@code [?e]},
 *       {@code [?e ?a ?v]} with nothing bound) are evaluated.</li>
 *   <li>A predicate without variables ({@code [(> 1 2)]}) is evaluated; Datomic ignores it.</li>
 *   <li>A rule call with the wrong number of arguments is rejected
 *       ({@code :db.error/invalid-rule}); Datomic ignores extra arguments.</li>
 *   <li>{@code count}, {@code count-distinct} and the {@code count} function return longs
 *       (Datomic: ints), like every other integer Chronon returns.</li>
 *   <li>A value of another type joined into a data pattern (a long into a keyword attribute)
 *       matches nothing; Datomic throws. An ident or lookup ref that resolves to nothing is an
 *       error only when it came from an input (as in Datomic), so answers never depend on the
 *       plan.</li>
 *   <li>{@code :keys}/{@code :strs}/{@code :syms} also work with a tuple find (Datomic
 *       rejects); a find may name one variable twice; {@code :with} repeating a find or
 *       aggregated variable is a clear {@code :db.error/invalid-query} (Datomic fails
 *       internally).</li>
 *   <li>Unknown functions are {@code :db.error/unknown-function}; queries cannot reach Java or
 *       Clojure. Regex arguments may be a {@link java.util.regex.Pattern} or a string.
 *       {@code fulltext} matches every search word case-insensitively as a substring of the
 *       values of a {@code :db/fulltext} attribute, with score 1.0 (no Lucene).
 *       {@code -differ?} is DataScript's.</li>
 *   <li>The log functions {@code tx-ids}/{@code tx-data} take a {@link io.chronon.db.DbValue} as
 *       the log (any view: they read {@code txRange}, the whole database's log), with a t or a
 *       transaction id as each bound (nil is open; no {@code Date}s). Chronon's log also holds
 *       the bootstrap transaction (t 66), Datomic's does not. {@code tx-data} also accepts a t
 *       (Datomic finds nothing for one) and gives each datom as a list
 *       {@code [e a v tx added]} (Datomic: a datom, which tuple bindings destructure alike).</li>
 *   <li>Beyond Datomic: {@code :order-by}, {@code :limit}, {@code :offset}, timeouts,
 *       {@link io.chronon.query.Datalog#explain}.</li>
 * </ul>
 * Negation over a rule of its own recursive component is not stratified: it sees the answers
 * known when it runs.
 */
package io.chronon.query;
