package io.chronon.node.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's help and usage errors, as picocli parses it: generated help that lists
 * every option, exit status 2 with the reason for a bad value or an unknown option, and
 * picocli's hint for a mistyped one. No node runs: every run here stops at parsing.
 */
class ChrononCliUsageTest {
    /** The options of serve, as docs/cli.md and docs/operations.md list them. */
    private static final List<String> SERVE_OPTIONS = List.of("--port N", "--host ADDR", "--cluster-port N",
            "--cluster-host ADDR", "--seed HOST:PORT", "--new-cluster", "--roles LIST", "--data-dir DIR", "--config FILE",
            "--access-key KEY:SECRET", "--storage KIND", "--cassandra HOST:PORT", "--keyspace NAME", "--no-http", "--tls-cert FILE", "--tls-key FILE", "--tls-keystore FILE",
            "--tls-keystore-password-file FILE", "--http-trusted-network", "--cluster-key-store FILE", "--cluster-trust-store FILE",
            "--cluster-tls-password-file FILE", "--cluster-trusted-network", "--help");

    private static ChrononCliTest.Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new ChrononCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                null).run(args);
        return new ChrononCliTest.Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsEveryOptionAndCommand() {
        ChrononCliTest.Run serve = cli("serve", "--help");
        assertEquals(0, serve.status(), serve.err());
        assertTrue(serve.out().startsWith("Usage: bin/chronon serve [options]\n"), serve.out());
        for (String option : SERVE_OPTIONS) {
            assertTrue(serve.out().contains(option), option + " in\n" + serve.out());
        }
        assertEquals(serve.out(), cli("serve", "-h").out());
        assertEquals(serve.out(), cli("help", "serve").out());

        ChrononCliTest.Run top = cli("--help");
        assertEquals(0, top.status());
        assertTrue(top.out().startsWith("Usage: bin/chronon COMMAND [options]\n"), top.out());
        for (String command : List.of("serve", "create-db", "delete-db", "list-dbs", "transact", "q", "import", "export")) {
            assertTrue(top.out().contains("\n  " + command + " "), command + " in\n" + top.out());
        }
        assertEquals(top.out(), cli().out(), "no command: the help");

        ChrononCliTest.Run q = cli("q", "--help");
        for (String option : List.of("--uri URI", "--as-of T", "-f, --file FILE", "-h, --help")) {
            assertTrue(q.out().contains(option), option + " in\n" + q.out());
        }
    }

    @Test
    void anUnknownOptionExits2WithAHint() {
        ChrononCliTest.Run serve = cli("serve", "--data-directory", "/tmp/d");
        assertEquals(2, serve.status());
        assertTrue(serve.err().startsWith("unknown option --data-directory\nPossible solutions: --data-dir"), serve.err());
        assertEquals("", serve.out());

        ChrononCliTest.Run q = cli("q", "--as-off", "3", "people", "[:find ?e :where [?e :db/ident]]");
        assertEquals(2, q.status());
        assertTrue(q.err().startsWith("q: unknown option --as-off\nPossible solutions: --as-of"), q.err());

        ChrononCliTest.Run command = cli("crate-db", "people");
        assertEquals(2, command.status());
        assertTrue(command.err().startsWith("unknown command: crate-db\nDid you mean: bin/chronon create-db"), command.err());

        // no hint close enough: the usage instead
        ChrononCliTest.Run bogus = cli("transact", "--bogus");
        assertEquals(2, bogus.status());
        assertTrue(bogus.err().startsWith("transact: unknown option --bogus\nUsage: bin/chronon transact"), bogus.err());
    }

    @Test
    void aBadValueExits2WithAMessageNamingTheOption() {
        record Bad(List<String> args, String message) {
        }
        for (Bad bad : List.of(
                new Bad(List.of("serve", "--port", "abc"), "--port takes a port number (0-65535), not abc"),
                new Bad(List.of("serve", "--cluster-port", "70000"), "--cluster-port takes a port number (0-65535), not 70000"),
                new Bad(List.of("serve", "--seed", "10.0.0.1"), "--seed takes HOST:PORT (e.g. 10.0.0.1:25520), not \"10.0.0.1\""),
                new Bad(List.of("serve", "--roles", "writer"), "--roles: unknown role \"writer\" (roles: transactor, query, query-group:NAME)"),
                new Bad(List.of("serve", "--access-key", "nocolon"), "--access-key takes KEY:SECRET"),
                new Bad(List.of("serve", "--config", "/nonexistent/node.conf"), "--config: no file /nonexistent/node.conf"),
                new Bad(List.of("serve", "--port"), "--port needs a value"),
                new Bad(List.of("serve", "--seed", "--port", "1"), "--seed needs a value"),
                new Bad(List.of("serve", "extra"), "unknown argument extra"),
                new Bad(List.of("q", "--as-of", "x", "people", "[:find ?e :where [?e :db/ident]]"), "q: --as-of takes a t"),
                new Bad(List.of("q", "--uri"), "q: --uri needs a value"),
                new Bad(List.of("export", "people"), "export: missing FILE"))) {
            ChrononCliTest.Run run = cli(bad.args().toArray(String[]::new));
            assertEquals(2, run.status(), String.join(" ", bad.args()));
            assertTrue(run.err().startsWith(bad.message() + "\nUsage: bin/chronon " + bad.args().get(0) + " "),
                    String.join(" ", bad.args()) + ":\n" + run.err());
        }
    }
}
