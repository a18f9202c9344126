package io.chronon.multijvm;

import io.chronon.client.Connection;
import io.chronon.client.Db;
import io.chronon.client.LogEntry;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What a database holds after {@link Workload}s, compared with what the clients were told:
 * every acknowledged transaction present exactly once (one entity for its id, in the log at
 * the t it was acknowledged with), every unacknowledged one present at most once, and every
 * transaction whole (both of its datoms or neither). The log must have each t once, in order.
 *
 * @param acked      acknowledged transactions
 * @param unacked    attempts that failed at the client
 * @param unackedPresent how many of those were committed anyway
 * @param lost       acknowledged transactions that are not in the database
 * @param entities   entities with {@code :w/id}
 * @param logEntries entries of the log (all transactions, schema included)
 * @param problems   what is wrong; empty if all holds
 * @param lostIds    the ids of the acknowledged transactions that are not in the database (all of them)
 * @param doubled    ids (acknowledged or not) present as more than one entity: committed twice
 */
record WorkloadCheck(long acked, long unacked, long unackedPresent, long lost, long entities, long logEntries, List<String> problems,
                     List<Long> lostIds, long doubled) {
    /** How many t's of the log one read asks for. */
    static final long LOG_PAGE = 10_000;

    /** Reads the database's latest value through {@code c} (sync first) and checks it against {@code attempts}. */
    static WorkloadCheck of(Connection c, Collection<Workload.Attempt> attempts) throws Exception {
        Db db = c.sync().get(60, TimeUnit.SECONDS);
        List<String> problems = new ArrayList<>();
        Map<Long, List<Long>> entitiesById = new HashMap<>();
        Map<Long, Long> idOfEntity = new HashMap<>();
        // datoms, not a query: a long run has more rows than one query may answer (chronon.read.max-result-rows);
        // the client reads datoms in pages
        for (Datom d : db.datoms(IndexType.AEVT, Keyword.of("w", "id"))) {
            long id = ((Number) d.v()).longValue();
            entitiesById.computeIfAbsent(id, k -> new ArrayList<>()).add(d.e());
            idOfEntity.put(d.e(), id);
        }
        Map<Long, String> checkOfEntity = new HashMap<>();
        for (Datom d : db.datoms(IndexType.AEVT, Keyword.of("w", "check"))) {
            checkOfEntity.put(d.e(), (String) d.v());
        }
        for (Map.Entry<Long, Long> e : idOfEntity.entrySet()) {
            String check = checkOfEntity.get(e.getKey());
            if (!("c" + e.getValue()).equals(check)) {
                problems.add("half a transaction: entity " + e.getKey() + " has :w/id " + e.getValue() + " and :w/check " + check);
            }
        }
        for (Long e : checkOfEntity.keySet()) {
            if (!idOfEntity.containsKey(e)) {
                problems.add("half a transaction: entity " + e + " has :w/check " + checkOfEntity.get(e) + " and no :w/id");
            }
        }

        // the log in pages of LOG_PAGE t's: all of a long run's log in one answer is more than a small node's heap
        Map<Long, Long> tOfId = new HashMap<>();
        long previousT = -1;
        long logEntries = 0;
        for (long from = 0; from <= db.basisT(); from += LOG_PAGE) {
            for (LogEntry entry : c.txRange(from, Math.min(from + LOG_PAGE, db.basisT() + 1))) {
                logEntries++;
                if (entry.t() <= previousT) {
                    problems.add("log t " + entry.t() + " after t " + previousT + " (a t twice or out of order)");
                }
                previousT = entry.t();
                for (Datom d : entry.data()) {
                    if (d.added() && d.v() instanceof Long id && idOfEntity.containsKey(d.e())) {
                        Long before = tOfId.put(id, entry.t());
                        if (before != null) {
                            problems.add("id " + id + " in the log at t " + before + " and at t " + entry.t());
                        }
                    }
                }
            }
        }

        Set<Long> attempted = new HashSet<>();
        long acked = 0;
        long unacked = 0;
        long unackedPresent = 0;
        long lost = 0;
        List<Long> lostIds = new ArrayList<>();
        for (Workload.Attempt a : attempts) {
            attempted.add(a.id());
            int copies = entitiesById.getOrDefault(a.id(), List.of()).size();
            if (a.acked()) {
                acked++;
                lost += copies == 0 ? 1 : 0;
                if (copies == 0) {
                    lostIds.add(a.id());
                }
                if (copies != 1) {
                    problems.add("acknowledged id " + a.id() + " (t " + a.t() + " via " + a.node() + ") present " + copies + " times");
                } else if (!Long.valueOf(a.t()).equals(tOfId.get(a.id()))) {
                    problems.add("acknowledged id " + a.id() + " with t " + a.t() + " but the log has it at t " + tOfId.get(a.id()));
                }
            } else {
                unacked++;
                if (copies > 1) {
                    problems.add("unacknowledged id " + a.id() + " present " + copies + " times");
                }
                unackedPresent += copies == 1 ? 1 : 0;
            }
        }
        long doubled = entitiesById.values().stream().filter(es -> es.size() > 1).count();
        for (Long id : entitiesById.keySet()) {
            if (!attempted.contains(id)) {
                problems.add("id " + id + " present but never sent");
            }
        }
        if (problems.size() > 50) {
            List<String> first = new ArrayList<>(problems.subList(0, 50));
            first.add("... and " + (problems.size() - 50) + " more");
            problems = first;
        }
        return new WorkloadCheck(acked, unacked, unackedPresent, lost, idOfEntity.size(), logEntries, List.copyOf(problems),
                List.copyOf(lostIds), doubled);
    }

    /** One line for the test output. */
    String summary() {
        return acked + " acknowledged, " + unacked + " unacknowledged (" + unackedPresent + " of them committed), "
                + lost + " acknowledged lost, " + entities + " entities, " + logEntries + " log entries, " + problems.size() + " problems";
    }
}
