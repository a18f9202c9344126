package io.chronon.multijvm;

import io.chronon.client.Connection;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Nodes leaving and rejoining a running cluster under {@link RejoinClients}' load, as issue 13
 * describes it, for {@link RejoinIT} and {@link RejoinBench}. A round stops one node, either
 * with SIGKILL (always the node whose {@code GET /cluster} lists the database's writer) or with
 * SIGTERM (a graceful leave: alternately the writer's node and another node), or with SIGSTOP
 * and SIGCONT ({@link #pauseRounds}), and starts it again 3 s after it exited
 * ({@link #restartAfter}), on the same data directory and cluster port. Rounds come every 4-8 s
 * (random, seeded) after the previous stop; the rounds go on while the node restarts,
 * but a round waits until the previous round's node is up in every node's view before it
 * stops the next one. The clients send to a node from the moment its HTTP API answers after
 * a start until it is stopped (a graceful leave: until it exited).
 *
 * <p>{@link #finish} waits until the last round's node is up again, lets the clients run on
 * for {@link #SETTLE}, stops them and checks the database on every node with
 * {@link WorkloadCheck}, after a {@code sync} to the highest acknowledged basis-t.
 */
final class Rejoin implements AutoCloseable {
    /** The default pause between a node's exit and its restart (issue 13's harness). */
    static final Duration RESTART_AFTER = Duration.ofSeconds(3);
    static final Duration MIN_GAP = Duration.ofSeconds(4);
    static final Duration MAX_GAP = Duration.ofSeconds(8);
    static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** How long the clients go on after the last round's node is up again. */
    static final Duration SETTLE = Duration.ofSeconds(3);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    enum Kind { KILL, LEAVE, PAUSE }

    /** One round: which node was stopped how, and when things happened (epoch ms, 0 = not yet). */
    static final class Round {
        final int n;
        final Kind kind;
        final NodeProcess node;
        final boolean writer;
        final long stopNanos;
        final long stopMillis;
        volatile long exitedMillis;
        volatile long restartMillis;
        volatile long httpMillis;
        volatile long upMillis;
        volatile long failoverMillis = -1;

        Round(int n, Kind kind, NodeProcess node, boolean writer) {
            this.n = n;
            this.kind = kind;
            this.node = node;
            this.writer = writer;
            this.stopNanos = System.nanoTime();
            this.stopMillis = System.currentTimeMillis();
        }

        @Override
        public String toString() {
            return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + n + " " + node.name() + (writer ? " (writer)" : "") + " at "
                    + clock(stopMillis) + ": first ack " + (failoverMillis < 0 ? "never" : failoverMillis + " ms")
                    + ", exited +" + (exitedMillis - stopMillis) + " ms, restarted " + clock(restartMillis)
                    + " (+" + (restartMillis - exitedMillis) + " ms), HTTP +" + (httpMillis - restartMillis) + " ms, up +"
                    + (upMillis - restartMillis) + " ms";
        }
    }

    /**
     * What {@link #finish} found.
     *
     * @param checks   the check on each node, by node name
     * @param problems everything wrong: the checks' problems (per node), syncs that failed
     * @param details  a line per lost transaction with all its attempts (for the node logs)
     * @param stale    the node log lines (node name first) of writes of the database that failed as
     *                 "this writer is stale": another writer of it stored that entry first
     * @param overlaps the times {@code GET /cluster} of two or more nodes listed the database's writer at
     *                 once (polled every {@link #MONITOR_INTERVAL}), one line per such period
     */
    record Result(String name, List<Round> rounds, long transactions, long maxAckedT, Map<String, WorkloadCheck> checks,
                  List<String> problems, List<String> details, List<String> stale, List<String> overlaps) {
        long acked() {
            return checks.values().stream().mapToLong(WorkloadCheck::acked).max().orElse(0);
        }

        long lost() {
            return checks.values().stream().mapToLong(WorkloadCheck::lost).max().orElse(0);
        }

        long doubled() {
            return checks.values().stream().mapToLong(WorkloadCheck::doubled).max().orElse(0);
        }

        long unacked() {
            return checks.values().stream().mapToLong(WorkloadCheck::unacked).max().orElse(0);
        }

        long unackedPresent() {
            return checks.values().stream().mapToLong(WorkloadCheck::unackedPresent).max().orElse(0);
        }

        List<Long> failovers(Kind kind) {
            return rounds.stream().filter(r -> r.kind == kind && r.failoverMillis >= 0).map(r -> r.failoverMillis).toList();
        }

        /** The one-line summary. */
        String summary() {
            String perNode = checks.entrySet().stream().map(e -> e.getKey() + " " + (e.getValue().acked() - e.getValue().lost())
                    + "/" + e.getValue().lost() + "/" + e.getValue().doubled()).collect(Collectors.joining(", "));
            String perRound = rounds.stream().map(r -> r.kind.name().substring(0, 1).toLowerCase(java.util.Locale.ROOT) + r.n
                    + ":" + r.node.name()
                    + (r.writer ? "*" : "") + "=" + (r.failoverMillis < 0 ? "never" : r.failoverMillis + "ms"))
                    .collect(Collectors.joining(" "));
            return name + ": " + rounds.size() + " rounds, " + transactions + " transactions, acked " + acked() + ", present "
                    + (acked() - lost()) + ", lost " + lost() + ", committed twice " + doubled() + ", unacked " + unacked()
                    + " (" + unackedPresent() + " committed anyway), max acked t " + maxAckedT
                    + "; stale-writer failures in the node logs " + stale.size() + ", periods with two writers listed "
                    + overlaps.size()
                    + "; per node present/lost/doubled: " + perNode + "; stop -> first ack submitted after it (* = writer's node): "
                    + perRound;
        }
    }

    private final TestCluster cluster;
    private final String db;
    private final String name;
    private final Random random;
    private final Map<NodeProcess, Integer> serving = new ConcurrentHashMap<>();
    private final List<Round> rounds = new ArrayList<>();
    private RejoinClients clients;
    private Thread monitor;
    private volatile boolean monitoring;
    private final List<String> overlaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private CompletableFuture<Void> rejoining = CompletableFuture.completedFuture(null);
    private long nextRoundNanos;
    private final Map<NodeProcess, Integer> logLinesAtStart = new HashMap<>();
    private long restartMinMillis = RESTART_AFTER.toMillis();
    private long restartMaxMillis = RESTART_AFTER.toMillis();

    /** Rounds on {@code cluster}, all of whose nodes run and serve, with the writer of {@code db}; {@code name} names the output. */
    Rejoin(TestCluster cluster, String db, String name, long seed) {
        this.cluster = cluster;
        this.db = db;
        this.name = name;
        this.random = new Random(seed);
        for (NodeProcess n : cluster.nodes()) {
            serving.put(n, n.httpPort());
        }
    }

    /**
     * Restart a stopped node {@code minMillis} to {@code maxMillis} (random, seeded) after it
     * exited instead of {@link #RESTART_AFTER}: on a slow machine a node takes longer to start
     * and join, so a shorter pause makes it rejoin at the moment it would on a faster one
     * (while the writer's failover completes).
     */
    Rejoin restartAfter(long minMillis, long maxMillis) {
        this.restartMinMillis = minMillis;
        this.restartMaxMillis = Math.max(minMillis, maxMillis);
        return this;
    }

    /** Parses {@code "3000"} or {@code "0-3000"} (milliseconds) for {@link #restartAfter}. */
    Rejoin restartAfter(String millis) {
        String[] range = millis.trim().split("-");
        return restartAfter(Long.parseLong(range[0]), Long.parseLong(range[range.length - 1]));
    }

    static String clock(long epochMillis) {
        return epochMillis == 0 ? "-" : LocalTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.systemDefault()).format(CLOCK);
    }

    private void event(String what) {
        System.out.println(clock(System.currentTimeMillis()) + " " + name + ": " + what);
    }

    private List<RejoinClients.Target> targets() {
        return serving.entrySet().stream().map(e -> new RejoinClients.Target(e.getKey().name(), e.getValue())).toList();
    }

    private List<NodeProcess> servingNodes() {
        return cluster.nodes().stream().filter(serving::containsKey).toList();
    }

    /** Starts {@code n} client threads; request ids are {@code requestPrefix + id}. */
    Rejoin startClients(int n, String requestPrefix, AtomicLong ids, long seed) {
        for (NodeProcess node : cluster.nodes()) {
            try {
                logLinesAtStart.put(node, java.nio.file.Files.readAllLines(node.log(), java.nio.charset.StandardCharsets.UTF_8).size());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        clients = new RejoinClients(cluster.http(), db, requestPrefix, this::targets, n, ids, seed).start();
        monitoring = true;
        monitor = new Thread(this::monitorWriters, "rejoin-writer-monitor-" + name);
        monitor.setDaemon(true);
        monitor.start();
        nextRoundNanos = System.nanoTime() + gap();
        event(n + " clients started on " + servingNodes());
        return this;
    }

    private long gap() {
        return MIN_GAP.toNanos() + (long) (random.nextDouble() * (MAX_GAP.toNanos() - MIN_GAP.toNanos()));
    }

    /** {@code n} rounds of SIGKILL of the writer's node and its restart. */
    void killRounds(int n) {
        for (int i = 0; i < n; i++) {
            NodeProcess writer = awaitNextRound();
            Round round = new Round(rounds.size() + 1, Kind.KILL, writer, true);
            writer.kill();
            serving.remove(writer);
            round.exitedMillis = System.currentTimeMillis();
            event("round " + round.n + ": SIGKILL " + writer.name() + " (writer of " + db + ")");
            rounds.add(round);
            long pause = restartPause();
            rejoining = CompletableFuture.runAsync(() -> restart(round, pause));
            nextRoundNanos = round.stopNanos + gap();
        }
    }

    /** {@code n} rounds of SIGTERM (a graceful leave) and restart: the writer's node first, then another, alternately. */
    void leaveRounds(int n) {
        for (int i = 0; i < n; i++) {
            NodeProcess writer = awaitNextRound();
            boolean ofWriter = i % 2 == 0;
            NodeProcess node = writer;
            if (!ofWriter) {
                List<NodeProcess> others = servingNodes().stream().filter(x -> x != writer).toList();
                node = others.get(random.nextInt(others.size()));
            }
            NodeProcess leaving = node;
            Round round = new Round(rounds.size() + 1, Kind.LEAVE, leaving, ofWriter);
            event("round " + round.n + ": SIGTERM " + leaving.name() + (ofWriter ? " (writer of " + db + ")" : " (writer on "
                    + writer.name() + ")"));
            rounds.add(round);
            long pause = restartPause();
            rejoining = CompletableFuture.runAsync(() -> {
                leaving.stop(TIMEOUT);
                serving.remove(leaving);
                round.exitedMillis = System.currentTimeMillis();
                event("round " + round.n + ": " + leaving.name() + " exited " + (round.exitedMillis - round.stopMillis)
                        + " ms after SIGTERM");
                restart(round, pause);
            });
            nextRoundNanos = round.stopNanos + gap();
        }
    }

    /**
     * {@code n} rounds of SIGSTOP of the writer's node for {@code pause} (a long GC pause, a frozen
     * VM; the issue's faults include SIGSTOP for 8 s) and SIGCONT: the clients' requests to it
     * time out meanwhile and go to other nodes. A node paused for longer than the failure
     * detector allows is downed and exits when it runs again; it is then started again like a
     * killed one. One that was not downed simply goes on.
     */
    void pauseRounds(int n, Duration pause) {
        for (int i = 0; i < n; i++) {
            NodeProcess writer = awaitNextRound();
            Round round = new Round(rounds.size() + 1, Kind.PAUSE, writer, true);
            writer.pause();
            event("round " + round.n + ": SIGSTOP " + writer.name() + " (writer of " + db + ") for " + pause.toMillis() + " ms");
            rounds.add(round);
            long restartPause = restartPause();
            rejoining = CompletableFuture.runAsync(() -> {
                sleep(pause.toMillis());
                writer.resume();
                event("round " + round.n + ": SIGCONT " + writer.name());
                if (writer.awaitExit(Duration.ofSeconds(60))) {
                    serving.remove(writer);
                    round.exitedMillis = System.currentTimeMillis();
                    event("round " + round.n + ": " + writer.name() + " exited " + (round.exitedMillis - round.stopMillis)
                            + " ms after SIGSTOP (downed)");
                    restart(round, restartPause);
                } else {
                    round.exitedMillis = round.restartMillis = round.httpMillis = System.currentTimeMillis();
                    cluster.awaitUp(cluster.nodes(), TIMEOUT);
                    round.upMillis = System.currentTimeMillis();
                    event("round " + round.n + ": " + writer.name() + " still runs 60 s after SIGCONT (not downed)");
                }
            });
            nextRoundNanos = round.stopNanos + pause.toNanos() + gap();
        }
    }

    /** Waits for the round's time and for the previous round's node to be up; the writer's node then. */
    private NodeProcess awaitNextRound() {
        long wait = nextRoundNanos - System.nanoTime();
        if (wait > 0) {
            sleep(wait / 1_000_000);
        }
        awaitRejoined();
        return cluster.writerOf(db, servingNodes(), TIMEOUT);
    }

    private void awaitRejoined() {
        try {
            rejoining.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private long restartPause() {
        return restartMinMillis + (long) (random.nextDouble() * (restartMaxMillis - restartMinMillis));
    }

    private void restart(Round round, long pauseMillis) {
        sleep(Math.max(0, round.exitedMillis + pauseMillis - System.currentTimeMillis()));
        round.restartMillis = System.currentTimeMillis();
        round.node.start();
        int port = round.node.awaitHttp(TIMEOUT);
        serving.put(round.node, port);
        round.httpMillis = System.currentTimeMillis();
        cluster.awaitUp(cluster.nodes(), TIMEOUT);
        round.upMillis = System.currentTimeMillis();
        event("round " + round.n + ": " + round.node.name() + " restarted " + clock(round.restartMillis) + ", HTTP "
                + clock(round.httpMillis) + ", up in every node's view " + clock(round.upMillis));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Stops the clients, waits until the last round's node is up, then on every node: sync to
     * the highest acknowledged basis-t and {@link WorkloadCheck}. Writes every attempt to
     * {@code target/multi-jvm/<name>-attempts.csv}.
     */
    Result finish() throws Exception {
        // the last round's node rejoins under load too, and the load goes on for a while after
        awaitRejoined();
        if (!rounds.isEmpty()) {
            Round last = rounds.get(rounds.size() - 1);
            Poll.until("a transaction submitted after round " + last.n + " is acknowledged", TIMEOUT,
                    () -> RejoinClients.firstAckSubmittedAfter(clients.transactions(), last.stopNanos).isPresent());
            sleep(SETTLE.toMillis());
        }
        clients.stop();
        stopMonitor();
        event("clients stopped");
        List<RejoinClients.Tx> txs = clients.transactions();
        RejoinClients.writeCsv(txs, Path.of("target", "multi-jvm", name + "-attempts.csv"));
        for (Round r : rounds) {
            r.failoverMillis = RejoinClients.firstAckSubmittedAfter(txs, r.stopNanos)
                    .map(a -> (a.answeredNanos() - r.stopNanos) / 1_000_000).orElse(-1L);
        }
        long maxT = txs.stream().filter(RejoinClients.Tx::acked).mapToLong(t -> t.last().t()).max().orElse(0);
        List<Workload.Attempt> asWorkload = txs.stream().map(RejoinClients.Tx::asWorkloadAttempt).toList();
        Map<String, WorkloadCheck> checks = new java.util.LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            NodeHttp.Answer s = cluster.http().get(n.httpPort(), "/dbs/" + db + "/sync?t=" + maxT, Duration.ofSeconds(90));
            if (s.status() != 200 || s.basisT() < maxT) {
                problems.add(n.name() + ": sync?t=" + maxT + " answered HTTP " + s.status() + " " + s.text());
                continue;
            }
            try (Connection c = TestCluster.connect(n, db)) {
                WorkloadCheck check = WorkloadCheck.of(c, asWorkload);
                checks.put(n.name(), check);
                check.problems().forEach(p -> problems.add(n.name() + ": " + p));
            }
        }
        Map<Long, RejoinClients.Tx> byId = new HashMap<>();
        txs.forEach(t -> byId.put(t.id(), t));
        List<String> details = new ArrayList<>();
        checks.values().stream().flatMap(c -> c.lostIds().stream()).distinct().sorted().forEach(id -> {
            RejoinClients.Tx tx = byId.get(id);
            details.add("lost id " + id + ": " + tx.attempts().stream().map(a -> "#" + a.n() + " " + a.node() + " sent "
                    + clock(a.submittedMillis()) + " answered " + clock(a.answeredMillis()) + (a.acked() ? " t " + a.t()
                    + (a.duplicate() ? " (duplicate)" : "") : " error " + a.error())).collect(Collectors.joining("; ")));
        });
        List<String> stale = staleWriterLines();
        Result result = new Result(name, List.copyOf(rounds), txs.size(), maxT, checks, problems, details, stale, List.copyOf(overlaps));
        overlaps.forEach(o -> System.out.println("  two writers listed: " + o));
        rounds.forEach(r -> System.out.println("  " + r));
        System.out.println("  unacknowledged attempts: " + errorSummary(txs));
        details.forEach(d -> System.out.println("  " + d));
        stale.stream().limit(40).forEach(l -> System.out.println("  stale: " + l));
        System.out.println(result.summary());
        return result;
    }

    /** Stops the clients if they still run (after a failure), without waiting for them. */
    @Override
    public void close() {
        if (clients != null) {
            clients.halt();
        }
        monitoring = false;
    }

    private static final java.util.regex.Pattern LOG_TIME = java.util.regex.Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ");
    private static final java.util.regex.Pattern STALE = java.util.regex.Pattern.compile(
            "Another writer(?: \\(([^)]*)\\))? stored entry (\\d+) of (\\S+): this writer is stale");

    /**
     * The stale-writer failures of {@link #db} in the nodes' logs since this scenario started
     * (the Cassandra journal's fence: another writer stored the entry first), once per node and
     * entry (a failure is logged several times, also as stack trace lines without a time),
     * each as "node time (of its log line or the latest timed line before it) entry N, other
     * writer W", in time order.
     */
    private List<String> staleWriterLines() throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        for (NodeProcess n : cluster.nodes()) {
            List<String> all = java.nio.file.Files.readAllLines(n.log(), java.nio.charset.StandardCharsets.UTF_8);
            String time = "--:--:--.---";
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String line : all.subList(Math.min(logLinesAtStart.getOrDefault(n, 0), all.size()), all.size())) {
                java.util.regex.Matcher t = LOG_TIME.matcher(line);
                if (t.find()) {
                    time = t.group(1);
                }
                java.util.regex.Matcher m = STALE.matcher(line);
                if (m.find() && m.group(3).contains("|" + db + "|") && seen.add(m.group(2))) {
                    lines.add(time + " " + n.name() + " entry " + m.group(2) + ", other writer " + m.group(1));
                }
            }
        }
        lines.sort(Comparator.naturalOrder());
        return lines;
    }

    /** How often {@link #monitorWriters} asks every serving node which writers it runs. */
    static final Duration MONITOR_INTERVAL = Duration.ofMillis(250);

    /**
     * Until {@link #stopMonitor}: asks every serving node's {@code GET /cluster} which writers it
     * runs, every {@link #MONITOR_INTERVAL}, and notes each period in which two or more nodes list
     * the writer of {@link #db} (from the first to the last poll that saw it, and the nodes).
     */
    private void monitorWriters() {
        long from = 0;
        long last = 0;
        java.util.Set<String> nodes = new java.util.TreeSet<>();
        while (monitoring) {
            long started = System.currentTimeMillis();
            List<String> listing = new ArrayList<>();
            for (Map.Entry<NodeProcess, Integer> e : serving.entrySet()) {
                cluster.http().cluster(e.getValue()).filter(v -> v.writers().contains(db)).ifPresent(v -> listing.add(e.getKey().name()));
            }
            long now = System.currentTimeMillis();
            if (listing.size() > 1) {
                if (from == 0) {
                    from = started;
                }
                last = now;
                nodes.addAll(listing);
            } else if (from != 0) {
                overlaps.add(clock(from) + " to " + clock(last) + " on " + nodes);
                event("two writers listed " + clock(from) + " to " + clock(last) + " on " + nodes);
                from = 0;
                nodes = new java.util.TreeSet<>();
            }
            long rest = MONITOR_INTERVAL.toMillis() - (System.currentTimeMillis() - started);
            if (rest > 0) {
                try {
                    Thread.sleep(rest);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
        if (from != 0) {
            overlaps.add(clock(from) + " to " + clock(last) + " on " + nodes);
        }
    }

    private void stopMonitor() {
        monitoring = false;
        if (monitor != null) {
            try {
                monitor.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Failed attempts counted by error (the first 160 characters). */
    static String errorSummary(List<RejoinClients.Tx> txs) {
        Map<String, Long> byKind = new java.util.TreeMap<>();
        for (RejoinClients.Tx tx : txs) {
            for (RejoinClients.Attempt a : tx.attempts()) {
                if (!a.acked()) {
                    String e = a.error().replaceAll("\\d{4,}", "N");
                    byKind.merge(e.length() > 160 ? e.substring(0, 160) : e, 1L, Long::sum);
                }
            }
        }
        return byKind.toString();
    }

    /** {@code median M ms, max X ms} of {@code millis}. */
    static String medianAndMax(List<Long> millis) {
        if (millis.isEmpty()) {
            return "none";
        }
        List<Long> sorted = millis.stream().sorted().toList();
        long median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return "median " + median + " ms, max " + sorted.get(sorted.size() - 1) + " ms";
    }
}
