package io.chronon.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Chronon node as a real process ({@code io.chronon.node.ChrononNode} with this JVM's
 * classpath) on 127.0.0.1: a fixed cluster port, its roles, Cassandra storage and an HTTP
 * port it picks itself. Its output goes to one log file, appended to across restarts. It can
 * be killed (SIGKILL), stopped (SIGTERM), paused (SIGSTOP), resumed and started again on
 * the same cluster port.
 */
final class NodeProcess {
    /** The node prints this line on stdout once its HTTP API answers. */
    private static final Pattern HTTP_LINE = Pattern.compile("Chronon HTTP API: http://[^:/]+:(\\d+)/");

    private final String name;
    private final int clusterPort;
    private final List<String> command;
    private final Path log;
    private Process process;
    private long logOffset;
    private int httpPort = -1;

    NodeProcess(String name, int clusterPort, List<String> command, Path log) {
        this.name = name;
        this.clusterPort = clusterPort;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** Launches the process (again, after it ended); {@link #awaitHttp} waits until it serves. */
    synchronized void start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is running");
        }
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "==== " + Instant.now() + " start " + name + ": " + String.join(" ", command) + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            logOffset = Files.size(log);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
            httpPort = -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until this start's log shows the HTTP line and returns the port.
     *
     * @throws AssertionError if the process exits first or the time runs out (with the log's tail)
     */
    int awaitHttp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String out = outputSinceStart();
            Matcher m = HTTP_LINE.matcher(out);
            if (m.find()) {
                httpPort = Integer.parseInt(m.group(1));
                return httpPort;
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before serving HTTP:\n" + tail(out));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not serve HTTP within " + timeout + ":\n" + tail(out));
            }
            Poll.pause();
        }
    }

    /** What the process printed since its latest start. */
    String outputSinceStart() {
        try {
            byte[] all = Files.readAllBytes(log);
            return new String(all, (int) Math.min(logOffset, all.length), (int) Math.max(0, all.length - logOffset),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        Process p = process;
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(30));
    }

    /** SIGTERM (the node leaves the cluster gracefully), and waits until the process is gone. */
    void stop(Duration timeout) {
        Process p = process;
        p.destroy();
        if (!awaitExit(p, timeout)) {
            throw new AssertionError(name + " did not exit within " + timeout + " of SIGTERM");
        }
    }

    /** SIGSTOP: the process keeps its sockets but runs nothing until {@link #resume}. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean awaitExit(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the process if it runs (also a paused one); for clean-up, never throws. */
    void destroy() {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(10));
        }
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Waits until the process exits by itself; true if it did within {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        return awaitExit(process, timeout);
    }

    String name() {
        return name;
    }

    /** The log file (every start of the node appends to it). */
    Path log() {
        return log;
    }

    /** The node's cluster address as the HTTP API writes it ({@code /cluster :self}): {@code 127.0.0.1:PORT}. */
    String address() {
        return "127.0.0.1:" + clusterPort;
    }

    /** The HTTP port of the latest start, once {@link #awaitHttp} saw it. */
    int httpPort() {
        if (httpPort < 0) {
            throw new IllegalStateException(name + " has no HTTP port yet");
        }
        return httpPort;
    }

    @Override
    public String toString() {
        return name + "(" + address() + (httpPort > 0 ? ", http " + httpPort : "") + ")";
    }

    /** The command line of a node, for {@link #NodeProcess}. */
    static List<String> command(List<String> jvmOptions, List<String> nodeArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("io.chronon.node.ChrononNode");
        cmd.addAll(nodeArgs);
        return cmd;
    }
}
