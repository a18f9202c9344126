package io.chronon.cassandra.dev;

/**
 * The server JVM's entry point: ends the server when the process that started it is gone
 * (so a killed test run leaves no Cassandra behind), then runs Cassandra's own main class.
 * Arguments: the parent's process id.
 */
public final class CassandraMain {
    private CassandraMain() {
    }

    public static void main(String[] args) throws Exception {
        long parent = Long.parseLong(args[0]);
        ProcessHandle.of(parent).ifPresentOrElse(
                p -> p.onExit().thenRun(() -> {
                    System.err.println("cassandra-dev: the process that started this server (" + parent + ") ended; stopping");
                    System.exit(0);
                }),
                () -> System.exit(0));
        Class.forName("org.apache.cassandra.service.CassandraDaemon")
                .getMethod("main", String[].class)
                .invoke(null, (Object) new String[0]);
    }
}
