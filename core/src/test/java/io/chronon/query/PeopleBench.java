package io.chronon.query;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Rough timings of the people-20k queries, for tuning by hand (not a test; the bench module
 * measures properly): {@code java -cp ... io.chronon.query.PeopleBench [query-name ...]}.
 */
public final class PeopleBench {
    private PeopleBench() {
    }

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean("datomic")) {
            datomic(args);
            return;
        }
        PeopleWorkloadTest.load();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double seconds = Double.parseDouble(System.getProperty("seconds", "2"));
        for (Object[] q : PeopleWorkloadTest.QUERIES) {
            String name = (String) q[0];
            if (args.length > 0 && !List.of(args).contains(name)) {
                continue;
            }
            Object[] in = PeopleWorkloadTest.inputs(name);
            long end = System.nanoTime() + (long) (seconds / 2 * 1e9);
            while (System.nanoTime() < end) {
                Datalog.q(q[1], in);
            }
            List<Long> wall = new ArrayList<>();
            List<Long> cpu = new ArrayList<>();
            end = System.nanoTime() + (long) (seconds * 1e9);
            while (System.nanoTime() < end || wall.size() < 10) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                Datalog.q(q[1], in);
                wall.add(System.nanoTime() - t0);
                cpu.add(mx.getCurrentThreadCpuTime() - c0);
            }
            long[] w = wall.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] c = cpu.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf("%-16s wall median %8.3f ms min %8.3f | cpu median %8.3f min %8.3f  n=%d%n", name,
                    w[w.length / 2] / 1e6, w[0] / 1e6, c[c.length / 2] / 1e6, c[0] / 1e6, w.length);
        }
    }

    /** The same queries on Datomic's in-memory peer, for the ratio. */
    static void datomic(String[] args) throws Exception {
        java.nio.file.Path file = null;
        for (java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null;
                dir = dir.getParent()) {
            java.nio.file.Path c = dir.resolve("shared/bench/people-20k.edn");
            if (java.nio.file.Files.isRegularFile(c)) {
                file = c;
                break;
            }
        }
        List<Object> forms = io.chronon.edn.EdnReader.readAll(java.nio.file.Files.readString(file));
        try (io.chronon.datomic.DatomicBridge d = io.chronon.datomic.DatomicBridge.create()) {
            d.transact((List<?>) forms.get(0));
            for (int i = 1; i < forms.size(); i += 1000) {
                d.transact(forms.subList(i, Math.min(i + 1000, forms.size())));
            }
            datomic.Database db = d.db();
            Object rules = datomic.Util.read(PeopleWorkloadTest.RULES);
            double seconds = Double.parseDouble(System.getProperty("seconds", "2"));
            for (Object[] q : PeopleWorkloadTest.QUERIES) {
                String name = (String) q[0];
                if (args.length > 0 && !List.of(args).contains(name)) {
                    continue;
                }
                Object[] in = switch (name) {
                    case "qpred2" -> new Object[] {db, 50000L};
                    case "rule-closure" -> new Object[] {db, rules};
                    case "rule-reach-100" -> {
                        List<Object> ids = new ArrayList<>();
                        for (long k = 1; k <= 100; k++) {
                            ids.add(db.entid(datomic.Util.list(datomic.Util.read(":id"), k)));
                        }
                        yield new Object[] {db, rules, ids};
                    }
                    case "lookup-q" -> new Object[] {db, 7919L};
                    default -> new Object[] {db};
                };
                long end = System.nanoTime() + (long) (seconds / 2 * 1e9);
                while (System.nanoTime() < end) {
                    datomic.Peer.q((String) q[1], in);
                }
                List<Long> wall = new ArrayList<>();
                end = System.nanoTime() + (long) (seconds * 1e9);
                while (System.nanoTime() < end || wall.size() < 5) {
                    long t0 = System.nanoTime();
                    datomic.Peer.q((String) q[1], in);
                    wall.add(System.nanoTime() - t0);
                }
                long[] w = wall.stream().mapToLong(Long::longValue).sorted().toArray();
                System.out.printf("datomic %-16s wall median %8.3f ms min %8.3f  n=%d%n", name, w[w.length / 2] / 1e6,
                        w[0] / 1e6, w.length);
            }
        }
    }
}
