package io.chronon.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code java io.chronon.node.ChrononNode} as a process: its generated help and its usage errors end the JVM with their status. */
class ChrononNodeCommandLineTest {

    /** The exit status and the output (stdout and stderr) of {@code ChrononNode} with these arguments. */
    private static String[] run(Path dir, String... args) throws Exception {
        Path argfile = dir.resolve("classpath.args");
        Files.writeString(argfile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "/") + "\"");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "@" + argfile.toAbsolutePath(),
                "io.chronon.node.ChrononNode"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "it exits");
        return new String[]{String.valueOf(p.exitValue()), output};
    }

    @Test
    void helpListsTheOptionsAndExits0(@TempDir Path dir) throws Exception {
        String[] help = run(dir, "--help");
        assertEquals("0", help[0], help[1]);
        assertTrue(help[1].startsWith("Usage: ChrononNode [options]\n"), help[1]);
        for (String option : List.of("--port N", "--cluster-host ADDR", "--seed HOST:PORT", "--new-cluster", "--roles LIST",
                "--data-dir DIR", "--access-key KEY:SECRET", "--storage KIND", "--no-http")) {
            assertTrue(help[1].contains(option), option + " in\n" + help[1]);
        }
    }

    @Test
    void anUnknownOptionExits2WithAHint(@TempDir Path dir) throws Exception {
        String[] typo = run(dir, "--cluster-prot", "25520");
        assertEquals("2", typo[0], typo[1]);
        assertTrue(typo[1].startsWith("unknown option --cluster-prot\nPossible solutions: --cluster-port, --cluster-host"), typo[1]);
    }

    @Test
    void aBadValueExits2NamingTheOption(@TempDir Path dir) throws Exception {
        String[] bad = run(dir, "--port", "abc");
        assertEquals("2", bad[0], bad[1]);
        assertTrue(bad[1].startsWith("--port takes a port number (0-65535), not abc\nUsage: ChrononNode [options]"), bad[1]);
    }
}
