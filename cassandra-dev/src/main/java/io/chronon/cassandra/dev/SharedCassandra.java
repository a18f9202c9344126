package io.chronon.cassandra.dev;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A JUnit 5 extension giving every test class of a test run the same Cassandra server,
 * started on first use (in {@code target/cassandra-test-<pid>}) and stopped, its data
 * deleted (kept with {@code -Dchronon.cassandra-dev.keep-data=true}), when the test JVM exits. Starting Cassandra costs seconds of CPU, so one per
 * run is what a two-core CI machine can afford.
 *
 * <pre>{@code
 * @ExtendWith(SharedCassandra.class)
 * class MyTest {
 *     String contactPoint = SharedCassandra.server().contactPoint();
 * }
 * }</pre>
 *
 * A test may {@link CassandraServer#stop() stop} the shared server to see what happens
 * without it, but must {@link CassandraServer#start() start} it again before it ends.
 */
public final class SharedCassandra implements BeforeAllCallback {
    private static CassandraServer server;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        server();
    }

    /** The shared server, started if it is not yet; started again if a test left it stopped. */
    public static synchronized CassandraServer server() {
        try {
            if (server == null) {
                Path dir = Path.of("target", "cassandra-test-" + ProcessHandle.current().pid()).toAbsolutePath();
                server = CassandraServer.start(CassandraServer.Options.in(dir));
                CassandraServer started = server;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    started.stop();
                    if (!Boolean.getBoolean("chronon.cassandra-dev.keep-data")) {
                        deleteRecursively(dir);
                    }
                }, "shared-cassandra-cleanup"));
            } else if (!server.isRunning()) {
                server.start();
            }
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: target/ is cleaned by the build anyway
        }
    }
}
