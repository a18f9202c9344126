package io.chronon.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Network namespaces for {@link NetworkFaults}: one namespace per host (Cassandra, each node),
 * all attached by veth pairs to a bridge that lives in a namespace of its own, and one veth
 * from the root namespace (where the test process and its clients run) to the same bridge.
 * Only addresses of {@code 10.213.0.0/24} are used, only on interfaces created here.
 *
 * <pre>
 *   root ns: nf-host 10.213.0.1 ─┐
 *   nf-cas:  eth 10.213.0.10 ────┤
 *   nf-n1:   eth 10.213.0.11 ────┼── br0 in nf-br
 *   nf-n2:   eth 10.213.0.12 ────┤
 *   nf-n3:   eth 10.213.0.13 ────┘
 * </pre>
 *
 * Faults are blackhole routes ({@code ip route add blackhole ADDR/32}) in the sending host's
 * namespace: a packet to that address is dropped where it is sent (a one-way cut), so a cut in
 * both directions is a route on each side. Every name created starts with {@code nf-}, so
 * {@link #cleanUp()} finds what a crashed run left: it kills the processes still running in
 * those namespaces (by their ids, as {@code ip netns pids} lists them) and deletes them.
 * Needs root and iproute2.
 */
final class NetnsTopology implements AutoCloseable {
    static final String PREFIX = "nf-";
    static final String BRIDGE_NS = PREFIX + "br";
    static final String HOST_ADDRESS = "10.213.0.1";
    private static final String HOST_LINK = PREFIX + "host";

    /** One host of the topology: its namespace and address. */
    record Host(String name, String namespace, String address) {
        @Override
        public String toString() {
            return name + "(" + address + ")";
        }
    }

    private final List<Host> hosts;
    private final Thread cleanUpAtExit = new Thread(NetnsTopology::cleanUp, "netns-clean-up");

    private NetnsTopology(List<Host> hosts) {
        this.hosts = List.copyOf(hosts);
    }

    /**
     * Removes what an earlier run left, then creates the bridge and one namespace per name
     * ({@code nf-<name>}, address {@code 10.213.0.<firstOctet + i>}), and registers a JVM
     * shutdown hook that removes everything again.
     */
    static NetnsTopology create(List<String> names, int firstOctet) {
        cleanUp();
        List<Host> hosts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            hosts.add(new Host(names.get(i), PREFIX + names.get(i), "10.213.0." + (firstOctet + i)));
        }
        NetnsTopology t = new NetnsTopology(hosts);
        Runtime.getRuntime().addShutdownHook(t.cleanUpAtExit);
        try {
            ip("netns", "add", BRIDGE_NS);
            ip("-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge");
            ip("-n", BRIDGE_NS, "link", "set", "br0", "up");
            ip("-n", BRIDGE_NS, "link", "set", "lo", "up");
            // the root namespace's leg: the clients of the test process reach every host through it
            ip("link", "add", HOST_LINK, "type", "veth", "peer", "name", PREFIX + "hostbr");
            ip("link", "set", PREFIX + "hostbr", "netns", BRIDGE_NS);
            ip("-n", BRIDGE_NS, "link", "set", PREFIX + "hostbr", "master", "br0", "up");
            ip("addr", "add", HOST_ADDRESS + "/24", "dev", HOST_LINK);
            ip("link", "set", HOST_LINK, "up");
            int i = 0;
            for (Host h : hosts) {
                i++;
                String br = PREFIX + "b" + i;
                String eth = PREFIX + "e" + i;
                ip("netns", "add", h.namespace());
                ip("-n", h.namespace(), "link", "set", "lo", "up");
                ip("link", "add", br, "type", "veth", "peer", "name", eth);
                ip("link", "set", br, "netns", BRIDGE_NS);
                ip("link", "set", eth, "netns", h.namespace());
                ip("-n", BRIDGE_NS, "link", "set", br, "master", "br0", "up");
                ip("-n", h.namespace(), "addr", "add", h.address() + "/24", "dev", eth);
                ip("-n", h.namespace(), "link", "set", eth, "up");
            }
            return t;
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
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

    /** Removes the namespaces and links (and the processes in them); also at JVM exit. */
    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanUpAtExit);
        } catch (IllegalStateException exiting) {
            // the hook runs anyway
        }
    }

    /**
     * Kills the processes in every {@code nf-} namespace (SIGKILL, by the ids {@code ip netns pids}
     * lists), deletes those namespaces (their veths and the bridge go with them) and any
     * {@code nf-} link left in the root namespace. Never throws.
     */
    static void cleanUp() {
        try {
            List<String> namespaces = new ArrayList<>();
            for (String line : run(List.of("ip", "netns", "list"), false).split("\n")) {
                String name = line.trim().split("\\s+")[0];
                if (name.startsWith(PREFIX)) {
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
                    if (link.startsWith(PREFIX)) {
                        run(List.of("ip", "link", "del", link), false);
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("netns clean-up: " + e);
        }
    }

    /** True if this process may create network namespaces (root, with iproute2). */
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
