package io.chronon.multijvm;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A checker of list-append histories in the style of Jepsen's Elle (Kingsbury and Alvaro,
 * "Elle: inferring isolation anomalies from experimental observations"), for
 * {@link ListAppendWorkload}: transactions append unique elements to lists named by keys and
 * read lists whole, so every read reveals the order of the appends it saw, and from the reads
 * the checker infers each key's version order and the dependencies between transactions.
 * Pure: it takes a recorded {@link History} and needs no cluster.
 *
 * <p>What it checks:
 * <ul>
 *   <li><b>Version orders.</b> Each key's order is its longest read; every other read of the
 *       key must be a prefix of it, else {@code incompatible-order} (the longest read stays the
 *       key's order, as in Elle; the read that is no prefix gives no rw edge on it). No element
 *       twice in one read ({@code duplicate-element}; the copy is ignored for the order); every
 *       element read was appended by some transaction to that key ({@code garbage}), never by
 *       one that definitely failed ({@code G1a}, an aborted read); a read lists its elements in
 *       the order of their t ({@code read-order}).</li>
 *   <li><b>Dependency graph and cycles.</b> ww: the appends of consecutive elements in a key's
 *       order; wr: the append of the last element a read saw, to the read; rw: a read to the
 *       append of the first element after what it saw. Plus Chronon's commit order, edges of
 *       kind t: the committed appends in the order of their t, and a read at basis b after the
 *       appends with t &lt;= b and before those with t &gt; b. A cycle of ww edges is
 *       {@code G0}; of ww and wr with a wr {@code G1c}; with exactly one rw
 *       {@code G-single}, with more {@code G2}; a cycle that needs a t edge is the same name
 *       with {@code -t} (the data contradicts the order of t). Each is reported with the
 *       shortest cycle found and its transactions.</li>
 *   <li><b>Chronon's promises, directly.</b> An append's element is read with the t it was
 *       acknowledged at, and all its elements with one t ({@code t-mismatch}); no two committed
 *       transactions share a t, appends and the other workload's transactions alike
 *       ({@code shared-t}); a read at basis b holds every committed append of its keys with
 *       t &lt;= b ({@code stale-read}) and none with t &gt; b ({@code future-read}); its basis is
 *       at least the one it asked for ({@code basis-regressed}); an append acknowledged before
 *       another was first sent has the smaller t ({@code realtime}).</li>
 *   <li><b>Final reads.</b> Every acknowledged append is present exactly once in the final
 *       read of every node ({@code lost}, {@code duplicate-element}); appends whose outcome is
 *       unknown may or may not be present, but wholly ({@code stale-read} otherwise).</li>
 *   <li><b>The log</b>, when the history has one per node: every acknowledged append is in it
 *       at its t, exactly its elements at that t ({@code lost}, {@code t-mismatch},
 *       {@code log-mismatch}), as is every acknowledged transaction of the other workload;
 *       failed appends are not ({@code G1a}); each read at basis b equals the log's list up to
 *       b ({@code read-vs-log}); the nodes' logs agree ({@code logs-differ}).</li>
 * </ul>
 *
 * A transaction may both read and append (the checker is general); its reads see the state
 * before its own appends. Chronon's workload has appends and reads as separate transactions,
 * so its cycles go through reads' rw edges: G0, G-single and G2 (and their -t forms), not G1c.
 */
final class ListAppendChecker {
    /** How many examples of each anomaly the result keeps. */
    static final int EXAMPLES = 8;
    /** How many seed edges of one component are tried for the shortest cycle. */
    private static final int SEEDS = 200;

    private ListAppendChecker() {
    }

    /** The outcome of an operation: ok, definitely failed, or unknown (a timeout, write-outcome-unknown). */
    enum Type { OK, FAIL, INFO }

    /** An element as a read saw it: its value and the t of the transaction that asserted it (-1: unknown). */
    record Elem(long v, long t) {
        @Override
        public String toString() {
            return t < 0 ? Long.toString(v) : v + "@" + t;
        }
    }

    /**
     * One transaction of the history.
     *
     * @param id             unique in the history
     * @param process        the client that ran it (-1: the harness's final reads)
     * @param type           its outcome
     * @param invoke         its first attempt ({@link System#nanoTime()})
     * @param complete       its answer, or the giving up
     * @param appends        key to the element it appended (empty for a read)
     * @param t              the t Chronon acknowledged for it, or -1
     * @param reads          key to the list it read, in order (empty for an append; only for OK)
     * @param requestedBasis the {@code :basis-t} the read asked for, or -1
     * @param basisT         the {@code :basis-t} of the answer (the value read), or -1
     * @param node           the node that answered, or null
     * @param fin            a final read of a node, after the faults
     */
    record Op(long id, int process, Type type, long invoke, long complete, Map<Long, Long> appends, long t,
              Map<Long, List<Elem>> reads, long requestedBasis, long basisT, String node, boolean fin) {
        Op {
            appends = Map.copyOf(appends);
            reads = Map.copyOf(reads);
        }

        static Op append(long id, int process, Type type, long invoke, long complete, Map<Long, Long> appends, long t) {
            return new Op(id, process, type, invoke, complete, appends, t, Map.of(), -1, -1, null, false);
        }

        static Op read(long id, int process, long invoke, long complete, Map<Long, List<Elem>> reads, long requestedBasis,
                       long basisT, String node) {
            return new Op(id, process, Type.OK, invoke, complete, Map.of(), -1, reads, requestedBasis, basisT, node, false);
        }

        static Op finalRead(long id, Map<Long, List<Elem>> reads, long basisT, String node) {
            return new Op(id, -1, Type.OK, 0, 0, Map.of(), -1, reads, -1, basisT, node, true);
        }

        boolean isAppend() {
            return !appends.isEmpty();
        }

        boolean isRead() {
            return !reads.isEmpty();
        }

        String name() {
            return (isAppend() ? (isRead() ? "txn#" : "append#") : fin ? "final-read#" : "read#") + id;
        }

        /** A line describing it, for reports: its lists in full if it read at most four keys. */
        String describe() {
            StringBuilder b = header();
            if (isRead()) {
                if (reads.size() <= 4) {
                    b.append(" read");
                    new TreeMap<>(reads).forEach((k, l) -> b.append(' ').append(k).append(':').append(abbreviate(l)));
                } else {
                    b.append(" read ").append(reads.size()).append(" keys");
                }
            }
            return b.toString();
        }

        /** A line describing it with its read of {@code key} only. */
        String describe(long key) {
            StringBuilder b = header();
            if (reads.containsKey(key)) {
                b.append(" read ").append(key).append(':').append(abbreviate(reads.get(key)));
                if (reads.size() > 1) {
                    b.append(" (and ").append(reads.size() - 1).append(" more keys)");
                }
            }
            return b.toString();
        }

        private StringBuilder header() {
            StringBuilder b = new StringBuilder(name()).append(" (");
            b.append(process < 0 ? "harness" : "client " + process).append(", ").append(type.name().toLowerCase());
            if (t >= 0) {
                b.append(", t ").append(t);
            }
            if (basisT >= 0) {
                b.append(", basis ").append(basisT);
            }
            if (requestedBasis >= 0) {
                b.append(" (asked ").append(requestedBasis).append(')');
            }
            if (node != null) {
                b.append(", on ").append(node);
            }
            b.append(')');
            if (isAppend()) {
                b.append(" append");
                new TreeMap<>(appends).forEach((k, v) -> b.append(' ').append(k).append(':').append(v));
            }
            return b;
        }
    }

    /** An element of a log entry: appended to {@code key}. */
    record KeyElem(long key, long v) {
    }

    /**
     * One transaction of a node's log, as far as the workloads are concerned.
     *
     * @param t       its t
     * @param appends the elements it appended
     * @param others  the ids of the other workload's transactions it holds ({@code :w/id})
     */
    record LogTx(long t, List<KeyElem> appends, List<Long> others) {
        LogTx {
            appends = List.copyOf(appends);
            others = List.copyOf(others);
        }
    }

    /**
     * What is checked.
     *
     * @param ops    the list-append transactions, the final reads included
     * @param others the other workload's acknowledged transactions: id to acknowledged t (for shared t and the log)
     * @param logs   node to its log (ascending t; may be empty: no log checks)
     */
    record History(List<Op> ops, Map<Long, Long> others, Map<String, List<LogTx>> logs) {
        History(List<Op> ops) {
            this(ops, Map.of(), Map.of());
        }
    }

    /** Figures about the history and the check. */
    record Stats(long appendsOk, long appendsFailed, long appendsInfo, long infoPresent, long reads, long finalReads, long keys,
                 long elementsRead, long graphNodes, long graphEdges, long logTxs) {
        String line() {
            return String.format("%d appends acknowledged, %d failed, %d unknown (%d of them present), %d reads (+%d final), %d keys,"
                            + " %d elements read; graph %d transactions, %d edges; %d log entries",
                    appendsOk, appendsFailed, appendsInfo, infoPresent, reads, finalReads, keys, elementsRead, graphNodes, graphEdges, logTxs);
        }
    }

    /**
     * The verdict.
     *
     * @param counts   anomaly name to how many were found (empty: none)
     * @param examples anomaly name to at most {@link #EXAMPLES} descriptions
     * @param stats    figures
     */
    record Result(Map<String, Long> counts, Map<String, List<String>> examples, Stats stats) {
        boolean valid() {
            return counts.isEmpty();
        }

        long total() {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        /** One line per anomaly kind with its first example, for a list of problems. */
        List<String> problems() {
            List<String> out = new ArrayList<>();
            counts.forEach((k, n) -> out.add("list-append " + k + " x" + n + ": " + examples.get(k).get(0)));
            return out;
        }

        String report() {
            StringBuilder b = new StringBuilder("list-append check: ").append(stats.line()).append('\n');
            b.append(valid() ? "  no anomalies\n" : "  anomalies: " + counts + '\n');
            examples.forEach((k, list) -> list.forEach(e -> b.append("  ").append(k).append(": ").append(e.replace("\n", "\n    "))
                    .append('\n')));
            return b.toString();
        }
    }

    // ------------------------------------------------------------------ the check

    static Result check(History h) {
        return new Run(h).check();
    }

    /** The state of one check. */
    private static final class Run {
        private final History h;
        private final Map<String, Long> counts = new TreeMap<>();
        private final Map<String, List<String>> examples = new TreeMap<>();
        private final Map<Long, Op> writerOf = new HashMap<>();
        private final Map<Long, Long> keyOf = new HashMap<>();
        /** The t of each committed append: acknowledged, or else seen in a read or the log. */
        private final Map<Op, Long> commitT = new HashMap<>();
        private final Map<Long, Long> observedT = new HashMap<>();
        private final List<Op> reads = new ArrayList<>();

        Run(History h) {
            this.h = h;
        }

        void anomaly(String kind, String what) {
            counts.merge(kind, 1L, Long::sum);
            List<String> l = examples.computeIfAbsent(kind, k -> new ArrayList<>());
            if (l.size() < EXAMPLES) {
                l.add(what);
            }
        }

        Result check() {
            for (Op op : h.ops()) {
                op.appends().forEach((k, v) -> {
                    Op before = writerOf.put(v, op);
                    if (before != null) {
                        throw new IllegalArgumentException("element " + v + " appended by " + before.name() + " and " + op.name());
                    }
                    keyOf.put(v, k);
                });
                if (op.type() == Type.OK && op.isRead()) {
                    reads.add(op);
                }
            }
            checkReads();
            commitTimes();
            sharedT();
            realtime();
            basis();
            finalReads();
            Map<Long, List<Long>> orders = versionOrders();
            long[] graph = graph(orders);
            long logTxs = h.logs().values().stream().mapToLong(List::size).sum();
            h.logs().forEach(this::checkLog);
            logsAgree();

            long ok = 0;
            long failed = 0;
            long info = 0;
            long infoPresent = 0;
            for (Op op : h.ops()) {
                if (!op.isAppend()) {
                    continue;
                }
                switch (op.type()) {
                    case OK -> ok++;
                    case FAIL -> failed++;
                    case INFO -> {
                        info++;
                        infoPresent += commitT.containsKey(op) ? 1 : 0;
                    }
                }
            }
            long finals = reads.stream().filter(Op::fin).count();
            long elements = reads.stream().mapToLong(r -> r.reads().values().stream().mapToLong(List::size).sum()).sum();
            Stats s = new Stats(ok, failed, info, infoPresent, reads.size() - finals, finals, orders.size(),
                    elements, graph[0], graph[1], logTxs);
            return new Result(Map.copyOf(counts), Map.copyOf(examples), s);
        }


        /** Within each read: duplicates, garbage, aborted reads, the order of t; the t each element was seen at. */
        private void checkReads() {
            for (Op r : reads) {
                r.reads().forEach((k, list) -> {
                    Set<Long> seen = new HashSet<>();
                    long previousT = Long.MIN_VALUE;
                    for (Elem e : list) {
                        if (!seen.add(e.v())) {
                            anomaly("duplicate-element", r.describe(k) + ": element " + e.v() + " twice in key " + k);
                        }
                        Op w = writerOf.get(e.v());
                        if (w == null || !Objects.equals(keyOf.get(e.v()), k)) {
                            anomaly("garbage", r.describe(k) + ": element " + e.v() + " in key " + k + " was never appended to it"
                                    + (w == null ? "" : " (" + w.name() + " appended it to key " + keyOf.get(e.v()) + ")"));
                        } else if (w.type() == Type.FAIL) {
                            anomaly("G1a", r.describe(k) + ": element " + e.v() + " of " + w.describe() + ", which failed");
                        }
                        if (e.t() >= 0) {
                            if (e.t() < previousT) {
                                anomaly("read-order", r.describe(k) + ": key " + k + " lists " + e + " after an element of t " + previousT);
                            }
                            previousT = e.t();
                            Long before = observedT.putIfAbsent(e.v(), e.t());
                            if (before != null && before != e.t()) {
                                anomaly("t-mismatch", "element " + e.v() + " read at t " + before + " and, by " + r.describe(k) + ", at t " + e.t());
                            }
                        }
                    }
                });
            }
        }

        /** The t of each committed append; acknowledged appends must be read at their t, all elements of one at one t. */
        private void commitTimes() {
            for (Op op : h.ops()) {
                if (!op.isAppend() || op.type() == Type.FAIL) {
                    continue;
                }
                Set<Long> ts = new java.util.TreeSet<>();
                for (long v : op.appends().values()) {
                    Long t = observedT.get(v);
                    if (t != null) {
                        ts.add(t);
                    }
                }
                if (op.type() == Type.OK) {
                    commitT.put(op, op.t() >= 0 ? op.t() : ts.isEmpty() ? -1L : ts.iterator().next());
                    if (op.t() >= 0 && !ts.isEmpty() && !ts.equals(Set.of(op.t()))) {
                        anomaly("t-mismatch", op.describe() + ": acknowledged at t " + op.t() + ", its elements read at t " + ts);
                    } else if (op.t() < 0 && ts.size() > 1) {
                        anomaly("t-mismatch", op.describe() + ": its elements read at different t " + ts);
                    }
                } else if (!ts.isEmpty()) {
                    commitT.put(op, ts.iterator().next());
                    if (ts.size() > 1) {
                        anomaly("t-mismatch", op.describe() + ": its elements read at different t " + ts);
                    }
                } else if (isSeen(op)) {
                    commitT.put(op, -1L); // seen, at no known t (hand-made histories)
                }
            }
        }

        private final Set<Long> seenElements = new HashSet<>();

        private boolean isSeen(Op op) {
            if (seenElements.isEmpty()) {
                for (Op r : reads) {
                    r.reads().values().forEach(l -> l.forEach(e -> seenElements.add(e.v())));
                }
                h.logs().values().forEach(log -> log.forEach(tx -> tx.appends().forEach(e -> seenElements.add(e.v()))));
            }
            return op.appends().values().stream().anyMatch(seenElements::contains);
        }

        /** No two committed transactions at one t. */
        private void sharedT() {
            Map<Long, List<String>> byT = new TreeMap<>();
            commitT.forEach((op, t) -> {
                if (t >= 0) {
                    byT.computeIfAbsent(t, x -> new ArrayList<>()).add(op.describe());
                }
            });
            h.others().forEach((id, t) -> byT.computeIfAbsent(t, x -> new ArrayList<>()).add("transaction :w/id " + id + " (acknowledged)"));
            byT.forEach((t, l) -> {
                if (l.size() > 1) {
                    anomaly("shared-t", l.size() + " transactions committed at t " + t + ": " + String.join("; ", l));
                }
            });
        }

        /** An append acknowledged before another was first sent has the smaller t. */
        private void realtime() {
            List<Op> acked = h.ops().stream().filter(o -> o.isAppend() && o.type() == Type.OK && o.t() >= 0).toList();
            List<Op> byComplete = acked.stream().sorted(Comparator.comparingLong(Op::complete)).toList();
            List<Op> byInvoke = acked.stream().sorted(Comparator.comparingLong(Op::invoke)).toList();
            int i = 0;
            Op maxDone = null;
            for (Op op : byInvoke) {
                while (i < byComplete.size() && byComplete.get(i).complete() < op.invoke()) {
                    Op d = byComplete.get(i++);
                    if (maxDone == null || d.t() > maxDone.t()) {
                        maxDone = d;
                    }
                }
                if (maxDone != null && maxDone.t() >= op.t()) {
                    anomaly("realtime", op.describe() + " got t " + op.t() + ", though " + maxDone.describe()
                            + " was acknowledged at t " + maxDone.t() + " before it was sent");
                }
            }
        }

        /** Each read at basis b: every committed append of its keys with t <= b, none with t > b, at least the basis asked for. */
        private void basis() {
            Map<Long, List<Op>> byKey = new HashMap<>();
            commitT.forEach((op, t) -> {
                if (t >= 0) {
                    op.appends().keySet().forEach(k -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(op));
                }
            });
            byKey.values().forEach(l -> l.sort(Comparator.comparingLong(commitT::get)));
            for (Op r : reads) {
                if (r.basisT() < 0) {
                    continue;
                }
                if (r.requestedBasis() > r.basisT()) {
                    anomaly("basis-regressed", r.describe() + ": asked for basis " + r.requestedBasis() + ", read " + r.basisT());
                }
                r.reads().forEach((k, list) -> {
                    Set<Long> in = new HashSet<>();
                    for (Elem e : list) {
                        in.add(e.v());
                        long t = e.t() >= 0 ? e.t() : commitT.getOrDefault(writerOf.get(e.v()), -1L);
                        if (t > r.basisT()) {
                            anomaly("future-read", r.describe(k) + ": key " + k + " holds element " + e.v() + " of t " + t
                                    + ", after the basis " + r.basisT());
                        }
                    }
                    for (Op a : byKey.getOrDefault(k, List.of())) {
                        if (commitT.get(a) > r.basisT()) {
                            break;
                        }
                        if (a != r && !in.contains(a.appends().get(k))) {
                            anomaly("stale-read", r.describe(k) + ": key " + k + " lacks element " + a.appends().get(k) + " of "
                                    + a.describe() + (a.type() == Type.OK ? "" : ", which is present elsewhere") + ", at or before the basis");
                        }
                    }
                });
            }
        }

        /** Every acknowledged append exactly once in each node's final read (duplicates: checkReads). */
        private void finalReads() {
            Map<String, Map<Long, List<Elem>>> byNode = new TreeMap<>();
            for (Op r : reads) {
                if (r.fin()) {
                    r.reads().forEach((k, l) -> byNode.computeIfAbsent(r.node(), n -> new HashMap<>()).put(k, l));
                }
            }
            byNode.forEach((node, lists) -> {
                Map<Long, Set<Long>> present = new HashMap<>();
                lists.forEach((k, l) -> present.put(k, l.stream().map(Elem::v).collect(java.util.stream.Collectors.toSet())));
                for (Op op : h.ops()) {
                    if (!op.isAppend() || op.type() != Type.OK) {
                        continue;
                    }
                    op.appends().forEach((k, v) -> {
                        Set<Long> p = present.get(k);
                        if (p == null) {
                            anomaly("lost", node + "'s final read does not cover key " + k + " of " + op.describe());
                        } else if (!p.contains(v)) {
                            anomaly("lost", node + ": " + op.describe() + " was acknowledged, its element " + v
                                    + " is absent from key " + k + " in the final read");
                        }
                    });
                }
            });
        }

        /**
         * The elements {@code r} read in {@code k}, each once (a second copy is a
         * duplicate-element, reported; it does not also make the key's order incompatible).
         */
        private static List<Long> values(Op r, long k) {
            List<Elem> l = r.reads().get(k);
            return l == null ? List.of() : l.stream().map(Elem::v).distinct().toList();
        }

        /** The keys each read read other than as a prefix of their version order. */
        private final Map<Op, Set<Long>> notPrefix = new HashMap<>();

        /**
         * Each key's version order: its longest read; every read of it should be a prefix.
         * As in Elle, a key whose reads disagree keeps its longest read as its order, and a
         * read that is not a prefix of it gives no rw edge on that key (where it would stand in
         * the order is unknown).
         */
        private Map<Long, List<Long>> versionOrders() {
            Map<Long, List<Long>> longest = new TreeMap<>();
            Map<Long, Op> longestBy = new HashMap<>();
            for (Op r : reads) {
                for (long k : r.reads().keySet()) {
                    List<Long> l = values(r, k);
                    if (!longest.containsKey(k) || l.size() > longest.get(k).size()) {
                        longest.put(k, l);
                        longestBy.put(k, r);
                    }
                }
            }
            for (Op r : reads) {
                for (long k : r.reads().keySet()) {
                    List<Long> l = values(r, k);
                    List<Long> order = longest.get(k);
                    for (int i = 0; i < l.size(); i++) {
                        if (!l.get(i).equals(order.get(i))) {
                            notPrefix.computeIfAbsent(r, x -> new HashSet<>()).add(k);
                            anomaly("incompatible-order", "key " + k + ": " + r.describe(k) + " is not a prefix of "
                                    + longestBy.get(k).describe(k) + ": position " + i + " holds " + l.get(i) + ", not " + order.get(i));
                            break;
                        }
                    }
                }
            }
            return longest;
        }

        // -------------------------------------------------------------- the graph

        static final int WW = 1;
        static final int WR = 2;
        static final int RW = 4;
        static final int T = 8;

        private final List<Op> nodes = new ArrayList<>();
        private final Map<Op, Integer> index = new HashMap<>();
        private int[] start;
        private int[] adj;
        private int[] masks;

        private int node(Op op) {
            return index.computeIfAbsent(op, o -> {
                nodes.add(o);
                return nodes.size() - 1;
            });
        }

        /** Builds the graph, searches its cycles; returns {nodes, edges}. */
        private Map<Long, List<Long>> orders = Map.of();

        private long[] graph(Map<Long, List<Long>> orders) {
            this.orders = orders;
            Map<Long, Integer> edges = new HashMap<>(); // (from << 32 | to) -> mask
            java.util.function.BiConsumer<long[], Integer> add = (ft, mask) -> {
                if (ft[0] != ft[1]) {
                    edges.merge(ft[0] << 32 | ft[1], mask, (a, b) -> a | b);
                }
            };
            for (Op r : reads) {
                node(r);
            }
            commitT.keySet().forEach(this::node);
            orders.forEach((k, order) -> {
                for (int i = 0; i + 1 < order.size(); i++) {
                    Op a = committedWriter(order.get(i));
                    Op b = committedWriter(order.get(i + 1));
                    if (a != null && b != null) {
                        add.accept(new long[] {node(a), node(b)}, WW);
                    }
                }
            });
            for (Op r : reads) {
                for (long k : r.reads().keySet()) {
                    List<Long> l = values(r, k);
                    List<Long> order = orders.get(k);
                    if (order == null) {
                        continue;
                    }
                    if (!l.isEmpty()) {
                        Op w = committedWriter(l.get(l.size() - 1));
                        if (w != null) {
                            add.accept(new long[] {node(w), node(r)}, WR);
                        }
                    }
                    if (l.size() < order.size() && !notPrefix.getOrDefault(r, Set.of()).contains(k)) {
                        Op w = committedWriter(order.get(l.size()));
                        if (w != null) {
                            add.accept(new long[] {node(r), node(w)}, RW);
                        }
                    }
                }
            }
            // Chronon's commit order: groups of appends by t, each read between the groups around its basis
            TreeMap<Long, List<Op>> byT = new TreeMap<>();
            commitT.forEach((op, t) -> {
                if (t >= 0) {
                    byT.computeIfAbsent(t, x -> new ArrayList<>()).add(op);
                }
            });
            List<Op> previous = null;
            for (List<Op> group : byT.values()) {
                if (previous != null) {
                    for (Op a : previous) {
                        for (Op b : group) {
                            add.accept(new long[] {node(a), node(b)}, T);
                        }
                    }
                }
                previous = group;
            }
            for (Op r : reads) {
                if (r.basisT() < 0 || commitT.containsKey(r)) {
                    continue;
                }
                Map.Entry<Long, List<Op>> before = byT.floorEntry(r.basisT());
                Map.Entry<Long, List<Op>> after = byT.higherEntry(r.basisT());
                if (before != null) {
                    before.getValue().forEach(a -> add.accept(new long[] {node(a), node(r)}, T));
                }
                if (after != null) {
                    after.getValue().forEach(b -> add.accept(new long[] {node(r), node(b)}, T));
                }
            }
            // compressed adjacency
            int n = nodes.size();
            start = new int[n + 1];
            edges.keySet().forEach(e -> start[(int) (e >>> 32) + 1]++);
            for (int i = 0; i < n; i++) {
                start[i + 1] += start[i];
            }
            adj = new int[edges.size()];
            masks = new int[edges.size()];
            int[] fill = Arrays.copyOf(start, n);
            edges.forEach((e, m) -> {
                int from = (int) (e >>> 32);
                int at = fill[from]++;
                adj[at] = (int) (e & 0xffffffffL);
                masks[at] = m;
            });
            cycles();
            return new long[] {n, edges.size()};
        }

        /** The append of an element, if it committed (ok, or unknown but seen). */
        private Op committedWriter(long v) {
            Op w = writerOf.get(v);
            return w != null && commitT.containsKey(w) ? w : null;
        }

        private void cycles() {
            // G0: ww only
            search("G0", WW, WW, WW, null);
            // G1c: ww and wr, at least one wr
            search("G1c", WW | WR, WR, WW | WR, null);
            // G-single: exactly one rw; G2: more, in components with no G-single
            Set<Integer> single = search("G-single", WW | WR | RW, RW, WW | WR, null);
            search("G2", WW | WR | RW, RW, WW | WR | RW, single);
            // the same, needing Chronon's order of t
            search("-t", WW | WR | RW | T, T, WW | WR | RW | T, null);
        }

        /**
         * Finds, in each strongly connected component of the edges in {@code within}, the
         * shortest cycle that starts with an edge having only kinds of {@code seed} ({@code T}
         * alone for the t cycles) and returns along {@code path} edges; reports one per
         * component; returns the components where one was found.
         */
        private Set<Integer> search(String kind, int within, int seed, int path, Set<Integer> skip) {
            int[] comp = scc(within);
            Map<Integer, List<int[]>> seeds = new LinkedHashMap<>();
            for (int a = 0; a < nodes.size(); a++) {
                for (int i = start[a]; i < start[a + 1]; i++) {
                    int b = adj[i];
                    int m = masks[i];
                    boolean isSeed = seed == T ? m == T : (m & seed) != 0;
                    if (isSeed && comp[a] == comp[b] && comp[a] >= 0 && (skip == null || !skip.contains(comp[a]))) {
                        List<int[]> l = seeds.computeIfAbsent(comp[a], c -> new ArrayList<>());
                        if (l.size() < SEEDS) {
                            l.add(new int[] {a, b, m});
                        }
                    }
                }
            }
            Set<Integer> found = new HashSet<>();
            seeds.forEach((c, list) -> {
                List<Integer> best = null;
                for (int[] s : list) {
                    List<Integer> p = bfs(s[1], s[0], path, comp, c);
                    if (p != null && (best == null || p.size() < best.size())) {
                        best = new ArrayList<>();
                        best.add(s[0]);
                        best.addAll(p);
                    }
                }
                if (best != null) {
                    found.add(c);
                    String name = kind.equals("-t") ? classify(best) + "-t" : kind;
                    anomaly(name, describeCycle(best));
                }
            });
            return found;
        }

        /** The name of a cycle by its edges other than t: G0, G1c, G-single or G2. */
        private String classify(List<Integer> cycle) {
            int rw = 0;
            int wr = 0;
            for (int i = 0; i + 1 < cycle.size(); i++) {
                int m = mask(cycle.get(i), cycle.get(i + 1));
                if ((m & WW) != 0) {
                    continue;
                }
                if ((m & WR) != 0) {
                    wr++;
                } else if ((m & RW) != 0) {
                    rw++;
                }
            }
            return rw == 0 ? (wr == 0 ? "G0" : "G1c") : rw == 1 ? "G-single" : "G2";
        }

        private int mask(int a, int b) {
            for (int i = start[a]; i < start[a + 1]; i++) {
                if (adj[i] == b) {
                    return masks[i];
                }
            }
            return 0;
        }

        /** The shortest path from {@code from} to {@code to} over {@code allowed} edges within component {@code c}, both ends included. */
        private List<Integer> bfs(int from, int to, int allowed, int[] comp, int c) {
            Map<Integer, Integer> parent = new HashMap<>();
            ArrayDeque<Integer> queue = new ArrayDeque<>();
            parent.put(from, -1);
            queue.add(from);
            while (!queue.isEmpty()) {
                int a = queue.poll();
                if (a == to) {
                    List<Integer> path = new ArrayList<>();
                    for (int x = to; x != -1; x = parent.get(x)) {
                        path.add(0, x);
                    }
                    return path;
                }
                for (int i = start[a]; i < start[a + 1]; i++) {
                    int b = adj[i];
                    if ((masks[i] & allowed) != 0 && comp[b] == c && !parent.containsKey(b)) {
                        parent.put(b, a);
                        queue.add(b);
                    }
                }
            }
            return null;
        }

        /** Tarjan's strongly connected components over edges with a kind in {@code within}; -1 for a node alone. */
        private int[] scc(int within) {
            int n = nodes.size();
            int[] idx = new int[n];
            int[] low = new int[n];
            int[] comp = new int[n];
            boolean[] onStack = new boolean[n];
            Arrays.fill(idx, -1);
            Arrays.fill(comp, -1);
            int[] stack = new int[n];
            int sp = 0;
            int counter = 0;
            int comps = 0;
            int[] callNode = new int[n];
            int[] callEdge = new int[n];
            for (int root = 0; root < n; root++) {
                if (idx[root] >= 0) {
                    continue;
                }
                int depth = 0;
                callNode[0] = root;
                callEdge[0] = start[root];
                idx[root] = low[root] = counter++;
                stack[sp++] = root;
                onStack[root] = true;
                while (depth >= 0) {
                    int v = callNode[depth];
                    if (callEdge[depth] < start[v + 1]) {
                        int i = callEdge[depth]++;
                        if ((masks[i] & within) == 0) {
                            continue;
                        }
                        int w = adj[i];
                        if (idx[w] < 0) {
                            idx[w] = low[w] = counter++;
                            stack[sp++] = w;
                            onStack[w] = true;
                            depth++;
                            callNode[depth] = w;
                            callEdge[depth] = start[w];
                        } else if (onStack[w]) {
                            low[v] = Math.min(low[v], idx[w]);
                        }
                    } else {
                        if (low[v] == idx[v]) {
                            int size = 0;
                            int w;
                            int first = sp;
                            do {
                                w = stack[--sp];
                                onStack[w] = false;
                                size++;
                            } while (w != v);
                            if (size > 1) {
                                for (int j = sp; j < first; j++) {
                                    comp[stack[j]] = comps;
                                }
                                comps++;
                            }
                        }
                        depth--;
                        if (depth >= 0) {
                            int parent = callNode[depth];
                            low[parent] = Math.min(low[parent], low[v]);
                        }
                    }
                }
            }
            return comp;
        }

        private String describeCycle(List<Integer> cycle) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cycle.size(); i++) {
                Op a = nodes.get(cycle.get(i));
                b.append(a.name());
                if (i + 1 < cycle.size()) {
                    Op c = nodes.get(cycle.get(i + 1));
                    b.append(" -").append(why(a, c, mask(cycle.get(i), cycle.get(i + 1)))).append("-> ");
                }
            }
            for (int i = 0; i + 1 < cycle.size(); i++) {
                b.append("\n").append(nodes.get(cycle.get(i)).describe());
            }
            return b.toString();
        }

        /** The edge's kinds with their keys: ww[3], wr[5], rw[3], t. */
        private String why(Op a, Op b, int m) {
            List<String> out = new ArrayList<>();
            if ((m & WW) != 0) {
                out.add("ww" + keys(a.appends().keySet(), k -> {
                    List<Long> o = orders.get(k);
                    int i = o == null ? -1 : o.indexOf(a.appends().get(k));
                    return i >= 0 && i + 1 < o.size() && Objects.equals(o.get(i + 1), b.appends().get(k));
                }));
            }
            if ((m & WR) != 0) {
                out.add("wr" + keys(b.reads().keySet(), k -> {
                    List<Long> l = values(b, k);
                    return !l.isEmpty() && Objects.equals(a.appends().get(k), l.get(l.size() - 1));
                }));
            }
            if ((m & RW) != 0) {
                out.add("rw" + keys(a.reads().keySet(), k -> {
                    List<Long> o = orders.get(k);
                    int n = values(a, k).size();
                    return o != null && n < o.size() && Objects.equals(o.get(n), b.appends().get(k));
                }));
            }
            if ((m & T) != 0) {
                long ta = commitT.getOrDefault(a, a.basisT());
                long tb = commitT.getOrDefault(b, b.basisT());
                boolean toRead = !commitT.containsKey(b);
                out.add("t(" + ta + (commitT.containsKey(a) ? "" : " basis") + (toRead ? " <= " : " < ") + tb + (toRead ? " basis" : "") + ")");
            }
            return String.join(",", out);
        }

        private static String keys(Set<Long> keys, java.util.function.LongPredicate which) {
            return new java.util.TreeSet<>(keys.stream().filter(which::test).toList()).toString();
        }

        // -------------------------------------------------------------- the log

        private List<String> logNodes() {
            return new ArrayList<>(new TreeMap<>(h.logs()).keySet());
        }

        private void checkLog(String node, List<LogTx> log) {
            Map<Long, LogTx> byT = new HashMap<>();
            Map<Long, Long> tOf = new HashMap<>();
            Map<Long, List<long[]>> lists = new HashMap<>(); // key -> (t, v) in t order
            Map<Long, Long> otherAt = new HashMap<>();
            for (LogTx tx : log) {
                if (byT.put(tx.t(), tx) != null) {
                    anomaly("log-mismatch", node + ": two log entries at t " + tx.t());
                }
                for (KeyElem e : tx.appends()) {
                    Long before = tOf.put(e.v(), tx.t());
                    if (before != null) {
                        anomaly("duplicate-element", node + ": element " + e.v() + " in the log at t " + before + " and t " + tx.t());
                    }
                    Op w = writerOf.get(e.v());
                    if (w == null || !Objects.equals(keyOf.get(e.v()), e.key())) {
                        anomaly("garbage", node + ": the log's t " + tx.t() + " appends element " + e.v() + " to key " + e.key()
                                + ", which no transaction did");
                    } else if (w.type() == Type.FAIL) {
                        anomaly("G1a", node + ": the log's t " + tx.t() + " holds element " + e.v() + " of " + w.describe() + ", which failed");
                    }
                    lists.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(new long[] {tx.t(), e.v()});
                }
                for (long id : tx.others()) {
                    if (otherAt.put(id, tx.t()) != null) {
                        anomaly("log-mismatch", node + ": transaction :w/id " + id + " in the log twice");
                    }
                }
            }
            for (Op op : h.ops()) {
                if (!op.isAppend() || op.type() == Type.FAIL) {
                    continue;
                }
                Set<Long> ts = new java.util.TreeSet<>();
                int present = 0;
                for (long v : op.appends().values()) {
                    Long t = tOf.get(v);
                    if (t != null) {
                        ts.add(t);
                        present++;
                    }
                }
                if (op.type() == Type.OK && op.t() >= 0) {
                    LogTx at = byT.get(op.t());
                    Set<Long> want = new HashSet<>(op.appends().values());
                    Set<Long> there = at == null ? Set.of() : new HashSet<>(at.appends().stream().map(KeyElem::v).toList());
                    if (at != null && (!there.equals(want) || !at.others().isEmpty())) {
                        anomaly("log-mismatch", node + ": " + op.describe() + " was acknowledged at t " + op.t() + ", where the log holds "
                                + at.appends() + (at.others().isEmpty() ? "" : " :w/id " + at.others()));
                    }
                }
                if (op.type() == Type.OK && present == 0) {
                    anomaly("lost", node + ": " + op.describe() + " was acknowledged, its elements are not in the log");
                    continue;
                }
                if (present > 0 && present < op.appends().size()) {
                    anomaly("log-mismatch", node + ": only " + present + " of the elements of " + op.describe() + " are in the log");
                }
                if (ts.size() > 1 || (op.type() == Type.OK && op.t() >= 0 && !ts.isEmpty() && !ts.equals(Set.of(op.t())))) {
                    anomaly("t-mismatch", node + ": " + op.describe() + " is in the log at t " + ts);
                }
            }
            h.others().forEach((id, t) -> {
                Long at = otherAt.get(id);
                if (at == null) {
                    anomaly("lost", node + ": transaction :w/id " + id + " was acknowledged at t " + t + ", it is not in the log");
                } else if (at.longValue() != t) {
                    anomaly("log-mismatch", node + ": transaction :w/id " + id + " was acknowledged at t " + t + ", it is in the log at t " + at);
                }
            });
            if (!node.equals(logNodes().get(0))) {
                return; // reads against the first node's log; the logs must agree anyway
            }
            lists.values().forEach(l -> l.sort(Comparator.comparingLong(x -> x[0])));
            long logMax = maxT(log);
            for (Op r : reads) {
                if (r.basisT() < 0 || r.basisT() > logMax) {
                    continue;
                }
                r.reads().forEach((k, l) -> {
                    List<Long> want = new ArrayList<>();
                    for (long[] x : lists.getOrDefault(k, List.of())) {
                        if (x[0] <= r.basisT()) {
                            want.add(x[1]);
                        }
                    }
                    List<Long> got = l.stream().map(Elem::v).toList();
                    if (!got.equals(want)) {
                        anomaly("read-vs-log", r.describe(k) + ": key " + k + " should be " + abbreviate(want.stream().map(v -> new Elem(v, -1))
                                .toList()) + " by " + node + "'s log up to the basis");
                    }
                });
            }
        }

        /** The logs of all nodes hold the same, up to the shortest. */
        private void logsAgree() {
            List<String> names = logNodes();
            if (names.size() < 2) {
                return;
            }
            List<LogTx> first = h.logs().get(names.get(0));
            for (String other : names.subList(1, names.size())) {
                List<LogTx> log = h.logs().get(other);
                long upTo = Math.min(maxT(first), maxT(log));
                Map<Long, LogTx> a = upTo(first, upTo);
                Map<Long, LogTx> b = upTo(log, upTo);
                if (!a.equals(b)) {
                    long t = a.keySet().stream().filter(x -> !Objects.equals(a.get(x), b.get(x))).findFirst()
                            .orElse(b.keySet().stream().filter(x -> !a.containsKey(x)).findFirst().orElse(-1L));
                    anomaly("logs-differ", names.get(0) + " and " + other + " disagree up to t " + upTo + ", first at t " + t + ": "
                            + a.get(t) + " / " + b.get(t));
                }
            }
        }

        private static long maxT(List<LogTx> log) {
            return log.stream().mapToLong(LogTx::t).max().orElse(0);
        }

        private static Map<Long, LogTx> upTo(List<LogTx> log, long t) {
            Map<Long, LogTx> out = new HashMap<>();
            log.stream().filter(x -> x.t() <= t).forEach(x -> out.put(x.t(), x));
            return out;
        }
    }

    static String abbreviate(Collection<Elem> list) {
        List<Elem> l = List.copyOf(list);
        if (l.size() <= 6) {
            return l.toString();
        }
        return "[" + l.get(0) + " " + l.get(1) + " ... (" + l.size() + ") " + l.get(l.size() - 3) + " " + l.get(l.size() - 2) + " "
                + l.get(l.size() - 1) + "]";
    }
}
