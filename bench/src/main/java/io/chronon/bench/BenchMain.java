package io.chronon.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The bench command (run it with {@code bin/bench}): the people workload of
 * {@code shared/bench/WORKLOAD.md} on Chronon and on Datomic's peer library, in one JVM.
 *
 * <pre>
 * bin/bench [--dataset people20k,people20k-idx,people200k] [--only q1,q2,load.*] [--quick]
 *           [--data PATH] [--out DIR] [--systems datomic,chronon]
 * </pre>
 *
 * Exits with status 3 when any result disagreed with the reference or between the systems.
 */
public final class BenchMain {
    private static final String USAGE = """
            usage: bin/bench [options]
              --dataset LIST   data sets to run, comma-separated: people20k, people20k-idx, people200k
                               (default: people20k,people20k-idx)
              --only LIST      bench names to run, comma-separated; NAME* matches a prefix
                               (e.g. q1,q2,load.*,pull-*); default: all
              --quick          short warm-up and measuring, fewer loads and txs: a smoke run
              --data PATH      the people-20k.edn file (default: found by walking up from the
                               working directory to a folder holding shared/bench/people-20k.edn)
              --out DIR        where results go (default: bench/results of the repository)
              --systems LIST   datomic,chronon,chronon-segments (default: datomic,chronon; Datomic is the
                               reference; chronon-segments reads through durable index segments)
            """;

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> datasets = List.of("people20k", "people20k-idx");
        List<String> only = null;
        boolean quick = false;
        Path data = null;
        Path out = null;
        List<String> systemNames = List.of("datomic", "chronon");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--dataset", "--datasets" -> datasets = split(args[++i]);
                case "--only" -> only = split(args[++i]);
                case "--quick" -> quick = true;
                case "--data" -> data = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--systems" -> systemNames = split(args[++i]);
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    return;
                }
                default -> {
                    System.err.println("unknown option " + a);
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        }
        for (String ds : datasets) {
            if (!List.of("people20k", "people20k-idx", "people200k").contains(ds)) {
                System.err.println("unknown data set " + ds);
                System.exit(2);
            }
        }
        if (data == null && datasets.stream().anyMatch(d -> d.startsWith("people20k"))) {
            data = DataSet.findDataFile(Path.of(""));
            if (data == null) {
                System.err.println("cannot find " + DataSet.FILE_PATH + " above " + Path.of("").toAbsolutePath()
                        + "; pass --data PATH");
                System.exit(2);
            }
        }
        if (out == null) {
            out = findResultsDir();
        }

        List<BenchSystem<?>> systems = new ArrayList<>();
        for (String s : systemNames) {
            switch (s) {
                case "datomic" -> systems.add(new DatomicSystem());
                case "chronon" -> systems.add(new ChrononSystem());
                case "chronon-segments" -> systems.add(new ChrononSegmentSystem(Runtime.getRuntime().maxMemory() / 4));
                default -> {
                    System.err.println("unknown system " + s);
                    System.exit(2);
                }
            }
        }
        List<String> header = header(datasets, quick, data);
        Report report = new Report(out, System.out, header, systems.stream().map(BenchSystem::label).toList());
        BenchRunner runner = new BenchRunner(systems, selector(only), report);
        for (String name : datasets) {
            DataSet ds = switch (name) {
                case "people20k" -> DataSet.people20k(data, false);
                case "people20k-idx" -> DataSet.people20k(data, true);
                default -> DataSet.people200k();
            };
            Settings settings = name.equals("people200k") ? Settings.people200k() : Settings.people20k();
            if (quick) {
                settings = settings.quick();
            }
            System.out.println("== " + ds.name() + ": " + ds.n() + " persons, " + ds.n() / 2 + " edges, from "
                    + ds.source() + (quick ? " (quick)" : ""));
            runner.run(ds, settings);
        }
        report.finish();
        for (BenchSystem<?> s : systems) {
            s.close();
        }
        if (!report.mismatches().isEmpty()) {
            System.out.println("!!! " + report.mismatches().size() + " mismatch(es) or error(s); see above");
            System.exit(3);
        }
        System.exit(0);
    }

    /** A predicate over bench names: everything, or the listed names and NAME* prefixes. */
    static Predicate<String> selector(List<String> only) {
        if (only == null || only.isEmpty()) {
            return name -> true;
        }
        return name -> only.stream().anyMatch(o -> o.endsWith("*") ? name.startsWith(o.substring(0, o.length() - 1))
                : name.equals(o));
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    /** {@code bench/results} of the repository the working directory is in; else {@code ./bench-results}. */
    private static Path findResultsDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("bench/pom.xml"))) {
                return dir.resolve("bench/results");
            }
            if (Files.isRegularFile(dir.resolve("pom.xml")) && dir.getFileName() != null
                    && dir.getFileName().toString().equals("bench")) {
                return dir.resolve("results");
            }
        }
        return Path.of("bench-results");
    }

    /** What the run was: machine, JVM and its flags, versions, data, and how Chronon is driven. */
    static List<String> header(List<String> datasets, boolean quick, Path data) {
        List<String> h = new ArrayList<>();
        h.add("machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
                + memoryGb() + " GB RAM, " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        h.add(String.format(Locale.ROOT, "load1 at start: %.2f", Probe.load1()));
        h.add("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + ", flags " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        h.add("Datomic: com.datomic:peer " + datomicVersion() + ", datomic:mem://");
        h.add("Chronon: core in process, no server yet: a transaction is TxProcessor.transact on the evolving "
                + "db value (the core of the future writer); conc8 uses a synchronized single writer");
        h.add("data sets: " + String.join(", ", datasets) + (data != null ? " (file " + data + ")" : "")
                + (quick ? "; QUICK settings (smoke run, not for comparison)" : ""));
        h.add("order: each bench runs on Datomic, then on Chronon, before the next bench; "
                + "times are per op (loads: per load), median and p99 by nearest rank");
        return h;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    private static long memoryGb() {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
    }

    /** The version the peer jar carries in {@code datomic/VERSION}. */
    private static String datomicVersion() {
        try (InputStream in = BenchMain.class.getResourceAsStream("/datomic/VERSION")) {
            if (in != null) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            // unknown
        }
        return "?";
    }
}
