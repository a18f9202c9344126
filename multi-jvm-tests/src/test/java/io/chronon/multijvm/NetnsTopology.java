package io.chronon.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Network namespaces for {@link NetworkFaults}: one namespace per host (Cassandra, each node),
 * all attached by veth pairs to a bridge that lives in a namespace of its own, and one veth
 * from the root namespace (where the test process and its clients run) to the same bridge.
 *
 * <pre>
 *   root ns: nfR-host 10.213.R.1 ─┐
 *   nfR-cas: eth 10.213.R.10 ─────┤
 *   nfR-n1:  eth 10.213.R.11 ─────┼── br0 in nfR-br
 *   nfR-n2:  eth 10.213.R.12 ─────┤
 *   nfR-n3:  eth 10.213.R.13 ─────┘
 * </pre>
 *
 * <p>R is this run's number (1-250): two runs at once (two worktrees, two engineers on one
 * machine) each have their own names and their own {@code 10.213.R.0/24}, so neither
 * touches the other's. A run owns R while it holds the lock of
 * {@code /tmp/chronon-netns/R.lock} (an OS file lock, which the kernel releases when the
 * process ends, however it ends). Every name of run R starts with {@code nfR-}, so
 * {@link #cleanUpStale()} finds what a run that crashed left: for each R with names left and
 * no live owner (its lock can be taken), it kills the processes still running in those
 * namespaces (by their ids, as {@code ip netns pids} lists them) and deletes them; the
 * namespaces of live runs are never touched.
 *
 * <p>Faults are blackhole routes ({@code ip route add blackhole ADDR/32}) in the sending
 * host's namespace: a packet to that address is dropped where it is sent (a one-way cut), so
 * a cut in both directions is a route on each side. Needs root and iproute2.
 */
final class NetnsTopology implements AutoCloseable {
    /** Where the runs' lock files are: one place for every worktree on the machine. */
    static final Path LOCKS = Path.of(System.getProperty("java.io.tmpdir"), "chronon-netns");
    private static final int RUNS = 250;
    private static final Pattern RUN_NAME = Pattern.compile("nf(\\d+)-.*");

    /** One host of the topology: its namespace and address. */
    record Host(String name, String namespace, String address) {
        @Override
        public String toString() {
            return name + "(" + address + ")";
        }
    }

    /** Runs whose lock this JVM holds (a JVM cannot lock a file twice). */
    private static final Map<Integer, FileLock> HELD = new ConcurrentHashMap<>();

    private final int run;
    private final String prefix;
    private final String hostAddress;
    private final List<Host> hosts;
    private final Thread cleanUpAtExit;

    private NetnsTopology(int run, List<Host> hosts) {
        this.run = run;
        this.prefix = prefix(run);
        this.hostAddress = subnet(run) + "1";
        this.hosts = List.copyOf(hosts);
        this.cleanUpAtExit = new Thread(() -> cleanUp(run), "netns-clean-up");
    }

    static String prefix(int run) {
        return "nf" + run + "-";
    }

    private static String subnet(int run) {
        return "10.213." + run + ".";
    }

    /**
     * Removes what crashed runs left, takes a free run number R, then creates the bridge and one
     * namespace per name ({@code nfR-<name>}, address {@code 10.213.R.<firstOctet + i>}), and
     * registers a JVM shutdown hook that removes them again.
     */
    static NetnsTopology create(List<String> names, int firstOctet) {
        cleanUpStale();
        int run = claimRun();
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            hosts.add(new Host(names.get(i), prefix(run) + names.get(i), subnet(run) + (firstOctet + i)));
        }
        NetnsTopology t = new NetnsTopology(run, hosts);
        Runtime.getRuntime().addShutdownHook(t.cleanUpAtExit);
        String p = t.prefix;
        String bridgeNs = p + "br";
        try {
            // names of a crashed run with this number whose clean-up failed
            cleanUp(run);
            ip("netns", "add", bridgeNs);
            ip("-n", bridgeNs, "link", "add", "br0", "type", "bridge");
            ip("-n", bridgeNs, "link", "set", "br0", "up");
            ip("-n", bridgeNs, "link", "set", "lo", "up");
            // the root namespace's leg: the clients of the test process reach every host through it
            ip("link", "add", p + "host", "type", "veth", "peer", "name", p + "hostbr");
            ip("link", "set", p + "hostbr", "netns", bridgeNs);
            ip("-n", bridgeNs, "link", "set", p + "hostbr", "master", "br0", "up");
            ip("addr", "add", t.hostAddress + "/24", "dev", p + "host");
            ip("link", "set", p + "host", "up");
            int i = 0;
            for (Host h : hosts) {
                i++;
                String br = p + "b" + i;
                String eth = p + "e" + i;
                ip("netns", "add", h.namespace());
                ip("-n", h.namespace(), "link", "set", "lo", "up");
                ip("link", "add", br, "type", "veth", "peer", "name", eth);
                ip("link", "set", br, "netns", bridgeNs);
                ip("link", "set", eth, "netns", h.namespace());
                ip("-n", bridgeNs, "link", "set", br, "master", "br0", "up");
                ip("-n", h.namespace(), "addr", "add", h.address() + "/24", "dev", eth);
                ip("-n", h.namespace(), "link", "set", eth, "up");
            }
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    /** This run's number R (its names start with {@code nfR-}, its addresses with {@code 10.213.R.}). */
    int run() {
        return run;
    }

    /** The root namespace's address in this topology: where the hosts reach the test process. */
    String hostAddress() {
        return hostAddress;
    }

    List<Host> hosts() {
        return hosts;
    }

    Host host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no host " + name));
    }

    /** The command prefix that runs a program in {@code host}'s namespace. */
    static List<String> exec(Host host) {
        return List.of("ip", "netns", "exec", host.namespace());
    }

    /** Drops every packet {@code from} sends to {@code to} (a one-way cut), until {@link #uncut}. */
    void cut(Host from, Host to) {
        ip("-n", from.namespace(), "route", "add", "blackhole", to.address() + "/32");
    }

    /** Undoes {@link #cut}; nothing if there is no such cut. */
    void uncut(Host from, Host to) {
        ipQuietly("-n", from.namespace(), "route", "del", "blackhole", to.address() + "/32");
    }

    /** Cuts both directions between {@code a} and {@code b}. */
    void partition(Host a, Host b) {
        cut(a, b);
        cut(b, a);
    }

    /** Removes every cut between any two hosts. */
    void healAll() {
        for (Host from : hosts) {
            for (Host to : hosts) {
                if (from != to) {
                    uncut(from, to);
                }
            }
        }
    }

    /** Removes this run's namespaces and links (and the processes in them) and gives up its number; also at JVM exit. */
    @Override
    public void close() {
        cleanUp(run);
        release(run);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUpAtExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
    }

    /** Takes the lock of a free run number, starting at one picked from this process's id. */
    private static int claimRun() {
        int first = (int) (ProcessHandle.current().pid() % RUNS);
        for (int i = 0; i < RUNS; i++) {
            int run = 1 + (first + i) % RUNS;
            if (tryLock(run)) {
                return run;
            }
        }
        throw new IllegalStateException("no free network-namespace run number: " + RUNS + " runs hold " + LOCKS);
    }

    /** True if this JVM now holds run {@code run}'s lock (and did not before). */
    private static boolean tryLock(int run) {
        if (HELD.containsKey(run)) {
            return false;
        }
        try {
            Files.createDirectories(LOCKS);
            FileChannel channel = FileChannel.open(LOCKS.resolve(run + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                return false;
            }
            if (HELD.putIfAbsent(run, lock) != null) {
                channel.close();
                return false;
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void release(int run) {
        FileLock lock = HELD.remove(run);
        if (lock != null) {
            try {
                lock.channel().close();
            } catch (IOException e) {
                // closing releases the lock; the kernel does at exit anyway
            }
        }
    }

    /**
     * Removes the names of every run whose owner is gone (a run number with namespaces or links
     * left and a lock that can be taken: the process that held it ended without cleaning up).
     * Live runs (this JVM's and other processes') are left alone. Never throws.
     */
    static void cleanUpStale() {
        try {
            java.util.Set<Integer> runs = new java.util.TreeSet<>();
            for (String name : namesLeft()) {
                Matcher m = RUN_NAME.matcher(name);
                if (m.matches()) {
                    runs.add(Integer.parseInt(m.group(1)));
                }
            }
            for (int run : runs) {
                if (tryLock(run)) {
                    try {
                        cleanUp(run);
                    } finally {
                        release(run);
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("netns clean-up: " + e);
        }
    }

    /** The network namespaces and root-namespace links whose names look like a run's. */
    static List<String> namesLeft() {
        List<String> names = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list"), false).split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (RUN_NAME.matcher(name).matches()) {
                names.add(name);
            }
        }
        for (String line : run(List.of("ip", "-o", "link", "show"), false).split("\n")) {
            String[] parts = line.split(":\\s+");
            if (parts.length > 1) {
                String link = parts[1].split("@")[0].trim();
                if (RUN_NAME.matcher(link).matches()) {
                    names.add(link);
                }
            }
        }
        return names;
    }

    /**
     * Kills the processes in every namespace of run {@code run} (SIGKILL, by the ids
     * {@code ip netns pids} lists), deletes those namespaces (their veths and the bridge go with
     * them) and any link of the run left in the root namespace. Never throws.
     */
    static void cleanUp(int run) {
        String prefix = prefix(run);
        try {
            List<String> namespaces = new ArrayList<>();
            for (String line : run(List.of("ip", "netns", "list"), false).split("\n")) {
                String name = line.trim().split("\\s+")[0];
                if (name.startsWith(prefix)) {
                    namespaces.add(name);
                }
            }
            for (String ns : namespaces) {
                for (String pid : run(List.of("ip", "netns", "pids", ns), false).split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            }
            for (String ns : namespaces) {
                for (String pid : run(List.of("ip", "netns", "pids", ns), false).split("\\s+")) {
                    if (pid.matches("\\d+")) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> p).join());
                    }
                }
                run(List.of("ip", "netns", "del", ns), false);
            }
            for (String line : run(List.of("ip", "-o", "link", "show"), false).split("\n")) {
                String[] parts = line.split(":\\s+");
                if (parts.length > 1) {
                    String link = parts[1].split("@")[0].trim();
                    if (link.startsWith(prefix)) {
                        run(List.of("ip", "link", "del", link), false);
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("netns clean-up: " + e);
        }
    }

    /** True when this process runs as root, the one thing network namespaces need that no install step gives. */
    static boolean root() {
        try {
            return "0".equals(run(List.of("id", "-u"), true).trim());
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd, true);
    }

    private static void ipQuietly(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        run(cmd, false);
    }

    /** Runs {@code cmd}, returns its output; with {@code check}, throws unless it exits 0. */
    static String run(List<String> cmd, boolean check) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
            }
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
