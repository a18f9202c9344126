package io.chronon.multijvm;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Network faults on the node hosting a database's writer, one per round, while
 * {@link NetWorkload} clients transact through all nodes of a {@link NetnsCluster} (each node,
 * and Cassandra, in its own network namespace), then a check of every acknowledged
 * transaction on every node. The faults:
 *
 * <ul>
 *   <li>{@code a} partition: the writer's node and the other Chronon nodes cannot reach each
 *       other for 12 s (Cassandra and the clients still reach all);</li>
 *   <li>{@code b} cassandra: the writer's node and Cassandra cannot reach each other for 12 s;</li>
 *   <li>{@code c} one-way: the writer's node receives nothing from the other nodes for 12 s,
 *       while they still receive what it sends (a blackhole route on their side only);</li>
 *   <li>{@code d} pause: SIGSTOP of the writer's node for 8 s, then SIGCONT;</li>
 *   <li>{@code e} kill: SIGKILL of the writer's node, started again 3 s later;</li>
 *   <li>{@code f} long partition of the first seed: node n1, the first of every node's seed list,
 *       and the other nodes cannot reach each other for 30 s. It downs itself, exits and is
 *       started again while still cut off, and as the first seed it then forms a cluster of its
 *       own (docs/operations.md, "Seed nodes"): two clusters over one Cassandra, each starting a
 *       writer for the database as clients reach it, until the harness kills the island
 *       {@link NetnsCluster#ISLAND_GRACE} after the partition (an operator's alarm). Whether n1
 *       hosted the writer does not matter.</li>
 * </ul>
 *
 * After each fault the round waits until the cluster is healthy again (all three nodes up and
 * seeing each other, a transaction acknowledged); a node that exited (downed by the split-brain
 * resolver) is started again by the cluster's supervisor, as an operator's would.
 *
 * <p>Beside the {@link NetWorkload} clients, {@link ListAppendWorkload} clients append to and
 * read lists in the same database; their history, each node's final read of every list and
 * each node's log go to {@link ListAppendChecker}, whose anomalies are problems.
 *
 * <p>The check: each node syncs to the highest acknowledged basis-t, then reads every
 * {@code :w/id} entity. Reported: acknowledged, present, lost (acknowledged, absent), committed
 * twice (an id on two entities: {@code :w/id} is not unique), present but never acknowledged;
 * per round, the time from the fault to the first acknowledgement of a transaction submitted
 * after it, the longest time without any acknowledgement, and the "this writer is stale" lines
 * of the nodes' logs (the Cassandra fence turning away a second writer). Everything is written
 * to {@code target/netns} (report.txt, one events file per round with the nodes' membership,
 * downing, quarantine and shard lines, the logs of all processes).
 */
final class NetworkFaults {
    static final String DB = "nf";

    /**
     * How long the faults last.
     *
     * @param partition    faults a, b and c
     * @param pause        fault d (SIGSTOP to SIGCONT)
     * @param killDown     fault e (SIGKILL to the start)
     * @param longPartition fault f
     * @param restartDelay how long after a node exited by itself the supervisor starts it again
     */
    record Settings(Duration partition, Duration pause, Duration killDown, Duration longPartition, Duration restartDelay) {
        /** The faults: 12 s, 8 s, 3 s; 30 s for f; restarts after 1 s. */
        static final Settings DEFAULTS = new Settings(Duration.ofSeconds(12), Duration.ofSeconds(8), Duration.ofSeconds(3),
                Duration.ofSeconds(30), NetnsCluster.RESTART_DELAY);
    }
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(100);
    static final Duration SETTLE = Duration.ofSeconds(3);

    /** The faults, by the letter of the issue. */
    enum Fault {
        a("partition from the other nodes"),
        b("cut from Cassandra"),
        c("one-way: receives nothing from the other nodes"),
        d("SIGSTOP, then SIGCONT"),
        e("SIGKILL, then started again"),
        f("long partition of the first seed n1 from the other nodes");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /** One round as it ran. */
    record Round(int number, Fault fault, String writer, long faultNanos, long healedNanos, long healthyNanos,
                 Map<String, Long> logStart, List<String> events) {
    }

    /** Counts over a set of transactions. */
    record Counts(long acked, long present, long lost, long doubled, long presentUnacked, long unacked) {
        String line() {
            return acked + " acknowledged, " + present + " present, " + lost + " lost, " + doubled + " committed twice, "
                    + presentUnacked + " present but unacknowledged (of " + unacked + " unacknowledged)";
        }
    }

    /**
     * The outcome of a run.
     *
     * @param total    over all transactions (as the first node reads them)
     * @param lists    the list-append workload's check
     * @param problems what is wrong (lost, doubled, half transactions, nodes disagreeing, list-append anomalies); empty if nothing
     * @param report   the report's text
     */
    record Result(Counts total, ListAppendChecker.Result lists, List<String> problems, String report) {
    }

    private final NetnsCluster cluster;
    private final NetWorkload workload;
    private final ListAppendWorkload lists;
    private final int clients;
    private final Settings settings;
    private final List<Round> rounds = new ArrayList<>();

    private NetworkFaults(NetnsCluster cluster, NetWorkload workload, ListAppendWorkload lists, int clients, Settings settings) {
        this.cluster = cluster;
        this.workload = workload;
        this.lists = lists;
        this.clients = clients;
        this.settings = settings;
    }

    /**
     * Starts the namespaces, Cassandra and the nodes in {@code dir}, runs {@code faults} (each
     * {@code repeat} times, in turn: a b c d e a b c d e ...) under {@code clients} clients of
     * {@link NetWorkload} and {@code listClients} of {@link ListAppendWorkload} (on the same
     * database), checks, reports, and removes everything again.
     */
    static Result run(Path dir, List<Fault> faults, int repeat, int clients, int listClients, Settings settings) throws IOException {
        long started = System.nanoTime();
        try (NetnsCluster cluster = NetnsCluster.start(dir, settings.restartDelay())) {
            cluster.createDatabase(DB, ListAppendWorkload.withSchema(Workload.SCHEMA));
            NetworkFaults run;
            Map<String, Long> logEnd;
            try (NetWorkload workload = new NetWorkload(cluster, DB, clients).start();
                 ListAppendWorkload lists = new ListAppendWorkload(cluster, DB, listClients).start()) {
                run = new NetworkFaults(cluster, workload, lists, clients, settings);
                String reason = null;
                try {
                    for (int i = 0; i < repeat; i++) {
                        for (Fault f : faults) {
                            run.round(f);
                        }
                    }
                    run.awaitRecovered(System.nanoTime());
                } catch (AssertionError e) {
                    // the cluster did not recover: still check what was acknowledged
                    reason = e.getMessage();
                    cluster.event("ROUNDS STOPPED: " + reason);
                }
                cluster.event("stopping the clients");
                workload.stop();
                lists.stop();
                logEnd = cluster.logOffsets();
                if (reason != null) {
                    try {
                        cluster.awaitHealthy(HEALTH_TIMEOUT, true);
                    } catch (AssertionError e) {
                        cluster.event("not healthy for the check: " + e.getMessage());
                    }
                }
            }
            Result r = run.check(logEnd, (System.nanoTime() - started) / 1_000_000_000L);
            Files.writeString(dir.resolve("report.txt"), r.report(), StandardCharsets.UTF_8);
            System.out.println(r.report());
            return r;
        }
    }

    private void round(Fault fault) {
        cluster.awaitHealthy(HEALTH_TIMEOUT, true);
        awaitAck(System.nanoTime());
        sleep(SETTLE);
        NetnsCluster.Node writer = cluster.writerOf(DB, Duration.ofSeconds(60));
        NetnsCluster.Node w = fault == Fault.f ? cluster.nodes().get(0) : writer;
        List<NetnsCluster.Node> others = cluster.nodes().stream().filter(n -> n != w).toList();
        NetnsTopology topology = cluster.topology();
        NetnsTopology.Host cassandra = topology.host("cas");
        int number = rounds.size() + 1;
        Map<String, Long> logStart = cluster.logOffsets();
        int eventsStart = cluster.eventCount();
        long faultAt;
        cluster.event("round " + number + ": fault " + fault + " (" + fault.description + ", " + duration(fault).toMillis()
                + " ms) on " + w.name() + (w == writer ? ", the writer's node" : "; the writer is on " + writer.name()));
        if (fault == Fault.e) {
            cluster.hold(w);
        }
        try {
            // the fault, then its time: it is in effect from here on
            switch (fault) {
                case a, f -> others.forEach(o -> topology.partition(w.host(), o.host()));
                case b -> topology.partition(w.host(), cassandra);
                case c -> others.forEach(o -> topology.cut(o.host(), w.host()));
                case d -> w.process().pause();
                case e -> cluster.kill(w);
            }
            faultAt = System.nanoTime();
            sleep(duration(fault));
            switch (fault) {
                case d -> w.process().resume();
                case e -> cluster.startAgain(w);
                default -> topology.healAll();
            }
        } finally {
            cluster.release(w);
        }
        topology.healAll();
        long healedAt = System.nanoTime();
        cluster.event("round " + number + ": fault " + fault + " over");
        awaitRecovered(healedAt);
        long healthyAt = System.nanoTime();
        cluster.event("round " + number + ": healthy again " + (healthyAt - healedAt) / 1_000_000 + " ms after the fault ended");
        rounds.add(new Round(number, fault, w.name(), faultAt, healedAt, healthyAt, logStart,
                cluster.eventsSince(eventsStart)));
    }

    private Duration duration(Fault f) {
        return switch (f) {
            case a, b, c -> settings.partition();
            case d -> settings.pause();
            case e -> settings.killDown();
            case f -> settings.longPartition();
        };
    }

    private void awaitRecovered(long since) {
        cluster.awaitHealthy(HEALTH_TIMEOUT, true);
        awaitAck(since);
    }

    /** Waits until a transaction is acknowledged after {@code since}. */
    private void awaitAck(long since) {
        Poll.until("a transaction acknowledged (" + cluster.describe() + ")", HEALTH_TIMEOUT, () -> workload.lastAckNanos() > since);
    }

    // ------------------------------------------------------------------ the check

    /** What one node holds: entities per {@code :w/id}, and the problems of its datoms. */
    private record NodeRead(String node, long basisT, Map<Long, Integer> copies, List<String> problems) {
    }

    private Result check(Map<String, Long> logEnd, long seconds) {
        Collection<NetWorkload.Tx> txs = workload.done();
        long maxT = Math.max(lists.maxT(), txs.stream().filter(NetWorkload.Tx::acked).mapToLong(NetWorkload.Tx::t).max().orElse(0));
        List<NodeRead> reads = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<ListAppendChecker.Op> history = new ArrayList<>(lists.history());
        Map<String, List<ListAppendChecker.LogTx>> logs = new java.util.TreeMap<>();
        long checkStarted = System.nanoTime();
        for (NetnsCluster.Node n : cluster.nodes()) {
            try {
                reads.add(read(n, maxT));
                history.addAll(lists.finalReads(n, maxT));
                logs.put(n.name(), lists.log(n, maxT));
            } catch (RuntimeException | AssertionError e) {
                problems.add("cannot read " + n.name() + " at basis " + maxT + ": " + e.getMessage());
            }
        }
        Map<Long, Long> acked = new HashMap<>();
        txs.stream().filter(NetWorkload.Tx::acked).forEach(t -> acked.put(t.id(), t.t()));
        ListAppendChecker.Result elle = ListAppendChecker.check(new ListAppendChecker.History(history, acked, logs));
        long checkMillis = (System.nanoTime() - checkStarted) / 1_000_000;
        if (reads.isEmpty()) {
            throw new AssertionError("no node could be read: " + problems);
        }
        NodeRead first = reads.get(0);
        for (NodeRead r : reads) {
            problems.addAll(r.problems());
            if (!r.copies().equals(first.copies())) {
                problems.add(r.node() + " and " + first.node() + " disagree on what is present at basis " + maxT);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("NetworkFaults: %d rounds in %d s, %d clients and %d list-append clients, %s; highest acknowledged t %d%n",
                rounds.size(), seconds, clients, lists.clients(), settings, maxT));
        for (NodeRead r : reads) {
            out.append("  ").append(r.node()).append(" at basis ").append(r.basisT()).append(": ")
                    .append(counts(txs, r.copies(), Long.MIN_VALUE, Long.MAX_VALUE).line()).append('\n');
        }
        Counts total = counts(txs, first.copies(), Long.MIN_VALUE, Long.MAX_VALUE);
        out.append("total: ").append(total.line()).append('\n');

        out.append(String.format("%-5s %-6s %-4s %7s %5s %7s %6s %9s %8s %9s %s%n", "round", "fault", "node", "acked", "lost",
                "doubled", "unackP", "failover", "maxGap", "stale", "events"));
        out.append("(failover: fault -> first acknowledgement of a transaction submitted after it; maxGap: longest time without any"
                + " acknowledgement until healthy; stale: \"this writer is stale\" log lines (distinct failures); unackP: present"
                + " but unacknowledged)\n");
        Map<Fault, long[]> byFault = new LinkedHashMap<>();
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            long from = r.faultNanos();
            long to = i + 1 < rounds.size() ? rounds.get(i + 1).faultNanos() : Long.MAX_VALUE;
            Map<String, Long> logTo = i + 1 < rounds.size() ? rounds.get(i + 1).logStart() : logEnd;
            Counts c = counts(txs, first.copies(), from, to);
            long failover = txs.stream().filter(t -> t.acked() && t.submitted() > from).mapToLong(NetWorkload.Tx::answered).min()
                    .orElse(-1);
            long failoverMs = failover < 0 ? -1 : (failover - from) / 1_000_000;
            long gapMs = maxAckGap(txs, from, r.healthyNanos()) / 1_000_000;
            List<String> lines = cluster.logLines(r.logStart(), logTo);
            long stale = lines.stream().filter(l -> l.contains("this writer is stale")).count();
            // one failure is logged on several lines (the exception and its causes): count each writer and entry once
            long staleFailures = lines.stream().filter(l -> l.contains("this writer is stale"))
                    .map(l -> STALE.matcher(l)).filter(java.util.regex.Matcher::find).map(m -> l(m)).distinct().count();
            List<String> events = lines.stream().filter(l -> INTERESTING.matcher(l).find()).toList();
            writeEvents(r, events);
            long restarts = r.events().stream().filter(e -> e.contains("supervisor:")).count();
            long unstuck = r.events().stream().filter(e -> e.contains("harness:")).count();
            out.append(String.format("%-5d %-6s %-4s %7d %5d %7d %6d %7d ms %5d ms %4d (%2d) %s%n", r.number(), r.fault(), r.writer(),
                    c.acked(), c.lost(), c.doubled(), c.presentUnacked(), failoverMs, gapMs, stale, staleFailures,
                    restarts + " restarts" + (unstuck > 0 ? ", " + unstuck + " islands killed" : "")
                            + ", healthy " + (r.healthyNanos() - r.healedNanos()) / 1_000_000 + " ms after the fault"));
            int shown = 0;
            long[] f = byFault.computeIfAbsent(r.fault(), k -> new long[7]);
            f[6] += staleFailures;
            f[0] += c.acked();
            f[1] += c.lost();
            f[2] += c.doubled();
            f[3] += stale;
            f[4]++;
            f[5] += failoverMs;
            for (NetWorkload.Tx t : txs) {
                if (t.acked() && t.submitted() >= from && t.submitted() < to && first.copies().getOrDefault(t.id(), 0) == 0
                        && shown++ < 10) {
                    out.append(String.format("      lost: id %d acknowledged by %s at t %d, %d ms after the fault (%d attempts%s)%n",
                            t.id(), t.node(), t.t(), (t.answered() - from) / 1_000_000, t.attempts(),
                            t.duplicate() ? ", answered as a duplicate" : ""));
                }
            }
            if (shown > 10) {
                out.append("      lost: ... and ").append(shown - 10).append(" more\n");
            }
        }
        out.append("per fault:\n");
        byFault.forEach((f, v) -> out.append(String.format("  %s %-50s %2d rounds: %6d acknowledged, %3d lost, %2d doubled, "
                        + "failover mean %5d ms, %4d stale-writer lines (%d failures)%n", f, "(" + f.description + ")", v[4], v[0], v[1],
                v[2], v[4] == 0 ? 0 : v[5] / v[4], v[3], v[6])));
        Counts warmUp = counts(txs, first.copies(), Long.MIN_VALUE, rounds.isEmpty() ? Long.MAX_VALUE : rounds.get(0).faultNanos());
        out.append("before the first fault: ").append(warmUp.line()).append('\n');
        out.append("client errors (attempts, by node and kind): ").append(workload.errorCounts()).append('\n');
        out.append(elle.report());
        out.append("list-append: ").append(lists.readsFailed()).append(" reads failed (not checked); client errors: ")
                .append(lists.errorCounts()).append("; final reads, logs and check in ").append(checkMillis).append(" ms\n");
        problems.addAll(elle.problems());
        if (total.lost() > 0) {
            problems.add(total.lost() + " acknowledged transactions lost");
        }
        if (total.doubled() > 0) {
            problems.add(total.doubled() + " transactions committed twice");
        }
        if (problems.size() > 30) {
            int more = problems.size() - 30;
            problems = new ArrayList<>(problems.subList(0, 30));
            problems.add("... and " + more + " more");
        }
        problems.forEach(p -> out.append("PROBLEM: ").append(p).append('\n'));
        return new Result(total, elle, List.copyOf(problems), out.toString());
    }

    private void writeEvents(Round r, List<String> events) {
        try {
            List<String> all = new ArrayList<>(r.events());
            all.add("---- node log lines (membership, downing, quarantine, shards, writers) ----");
            all.addAll(events);
            Files.write(cluster.dir().resolve(String.format("round-%02d-%s.events", r.number(), r.fault())), all, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Pattern STALE = Pattern.compile("n\\d (?:.*)Another writer \\(([^)]*)\\) stored entry (\\d+) of ([^:]+)");

    private static String l(java.util.regex.Matcher m) {
        return m.group(0).substring(0, 2) + " " + m.group(1) + " " + m.group(2) + " " + m.group(3);
    }

    private static final Pattern INTERESTING = Pattern.compile("(?i)sbr|downing|\\bdown\\b|quarantin|unreachable|removing|"
            + "leader is|stale|shutting down|shutdown|allocat|starting shard|hand-?off|welcome|joining|node up|rebalanc|"
            + "coordinator|writer|terminat|exit|removed|fenc|conflict|recover");

    /** The counts of the transactions first submitted in {@code [from, to)}, against what a node holds. */
    private static Counts counts(Collection<NetWorkload.Tx> txs, Map<Long, Integer> copies, long from, long to) {
        long acked = 0;
        long present = 0;
        long lost = 0;
        long doubled = 0;
        long presentUnacked = 0;
        long unacked = 0;
        for (NetWorkload.Tx t : txs) {
            if (t.submitted() < from || t.submitted() >= to) {
                continue;
            }
            int n = copies.getOrDefault(t.id(), 0);
            doubled += n > 1 ? 1 : 0;
            if (t.acked()) {
                acked++;
                present += n > 0 ? 1 : 0;
                lost += n == 0 ? 1 : 0;
            } else {
                unacked++;
                presentUnacked += n > 0 ? 1 : 0;
            }
        }
        return new Counts(acked, present, lost, doubled, presentUnacked, unacked);
    }

    /** The longest time in {@code [from, to]} without an acknowledgement arriving. */
    private static long maxAckGap(Collection<NetWorkload.Tx> txs, long from, long to) {
        List<Long> acks = txs.stream().filter(NetWorkload.Tx::acked).map(NetWorkload.Tx::answered)
                .filter(a -> a >= from && a <= to).sorted().toList();
        long gap = 0;
        long previous = from;
        for (long a : acks) {
            gap = Math.max(gap, a - previous);
            previous = a;
        }
        return Math.max(gap, to - previous);
    }

    /** Syncs {@code node} to {@code t}, then reads every {@code :w/id} and {@code :w/check} at that basis. */
    private NodeRead read(NetnsCluster.Node node, long t) {
        Poll.until(node.name() + " syncs to t " + t, Duration.ofSeconds(90), () -> {
            HttpResponse<String> r = cluster.send(node, HttpRequest.newBuilder(cluster.uri(node, "/dbs/" + DB + "/sync?t=" + t)).GET(),
                    Duration.ofSeconds(15));
            return r.statusCode() == 200 ? Optional.of(true) : Optional.empty();
        });
        // datoms [e a v tx added] in pages, not one query: a long run has more rows than one read may answer
        Map<Long, Integer> copies = new HashMap<>();
        Map<Long, Long> idOfEntity = new HashMap<>();
        for (List<?> datom : datoms(node, ":w/id", t)) {
            long id = ((Number) datom.get(2)).longValue();
            long e = ((Number) datom.get(0)).longValue();
            copies.merge(id, 1, Integer::sum);
            idOfEntity.put(e, id);
        }
        List<String> problems = new ArrayList<>();
        Map<Long, String> checkOfEntity = new HashMap<>();
        for (List<?> datom : datoms(node, ":w/check", t)) {
            checkOfEntity.put(((Number) datom.get(0)).longValue(), (String) datom.get(2));
        }
        idOfEntity.forEach((e, id) -> {
            if (!("c" + id).equals(checkOfEntity.get(e))) {
                problems.add(node.name() + ": half a transaction: entity " + e + " :w/id " + id + " :w/check " + checkOfEntity.get(e));
            }
        });
        checkOfEntity.keySet().stream().filter(e -> !idOfEntity.containsKey(e))
                .forEach(e -> problems.add(node.name() + ": half a transaction: entity " + e + " has only :w/check"));
        return new NodeRead(node.name(), t, copies, problems);
    }

    /** Rows per page of {@link #datoms}: well under any node's chronon.read.max-result-rows. */
    private static final int PAGE = 10_000;

    /** The AEVT datoms of {@code attr} at basis {@code t} on {@code node}, read in pages of {@link #PAGE}. */
    private List<List<?>> datoms(NetnsCluster.Node node, String attr, long t) {
        List<List<?>> all = new ArrayList<>();
        for (int offset = 0; ; offset += PAGE) {
            String body = "{:index :aevt :components [" + attr + "] :limit " + PAGE + " :offset " + offset
                    + " :basis-t " + t + " :timeout-ms 50000}";
            Collection<?> page = Poll.until(node.name() + " answers datoms " + body, Duration.ofSeconds(90), () -> {
                HttpResponse<String> r = cluster.post(node, "/dbs/" + DB + "/datoms", body, Duration.ofSeconds(60));
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + r.statusCode() + " " + r.body());
                }
                return Optional.of((Collection<?>) ((Map<?, ?>) EdnReader.read(r.body())).get(Keyword.of("result")));
            });
            page.forEach(row -> all.add((List<?>) row));
            if (page.size() < PAGE) {
                return all;
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Parses {@code faults} like {@code "abcde"} or {@code "a,c"}. */
    static List<Fault> faults(String letters) {
        List<Fault> out = new ArrayList<>();
        for (char ch : letters.replace(",", "").trim().toCharArray()) {
            out.add(Fault.valueOf(String.valueOf(ch)));
        }
        return out;
    }
}
