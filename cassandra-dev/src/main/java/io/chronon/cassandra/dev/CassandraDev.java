package io.chronon.cassandra.dev;

import java.nio.file.Path;

/**
 * {@code bin/cassandra-dev [--host ADDR] [--port N] [--data-dir DIR] [--heap SIZE]}: runs a
 * development Cassandra in the foreground on 127.0.0.1 (or ADDR) until Ctrl-C (port 9042, data
 * in {@code ./cassandra-data}, 1 GB heap by default). The data stays in the directory, so the
 * next run continues with it. {@code bin/cassandra-dev nodetool ARGS...} runs Cassandra's
 * nodetool (e.g. {@code -h 127.0.0.1 -p <jmx port> snapshot -t mybackup chronon}).
 */
public final class CassandraDev {
    private CassandraDev() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("nodetool")) {
            System.exit(CassandraServer.nodetool(java.util.Arrays.asList(args).subList(1, args.length)));
        }
        int port = 9042;
        Path dataDir = Path.of("cassandra-data");
        String heap = "1g";
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--port") && i + 1 < args.length) {
                port = Integer.parseInt(args[++i]);
            } else if (a.equals("--data-dir") && i + 1 < args.length) {
                dataDir = Path.of(args[++i]);
            } else if (a.equals("--heap") && i + 1 < args.length) {
                heap = args[++i];
            } else if (a.equals("--host") && i + 1 < args.length) {
                host = args[++i];
            } else {
                System.err.println("Usage: cassandra-dev [--host ADDR] [--port N] [--data-dir DIR] [--heap SIZE]\n"
                        + "  Runs Apache Cassandra 5.0 in the foreground (Ctrl-C stops it).\n"
                        + "  --host binds CQL (native transport), the storage port and the seed to ADDR, an address\n"
                        + "  of this machine (or of the network namespace it runs in); JMX stays on 127.0.0.1.\n"
                        + "  Defaults: --host 127.0.0.1 --port 9042 --data-dir ./cassandra-data --heap 1g\n"
                        + "       cassandra-dev nodetool -h 127.0.0.1 -p JMX_PORT COMMAND...\n"
                        + "  Runs Cassandra's nodetool against a running server on this host (the JMX port is printed at its start).");
                System.exit(a.equals("--help") || a.equals("-h") ? 0 : 2);
            }
        }
        CassandraServer server;
        try {
            server = CassandraServer.start(CassandraServer.Options.in(dataDir)
                    .withHost(host).withNativePort(port).withHeap(heap).inForeground());
        } catch (java.io.IOException e) {
            System.err.println("cassandra-dev: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println();
        System.out.println("cassandra-dev: Cassandra accepts CQL on " + server.contactPoint() + " (pid " + server.pid()
                + ", data " + server.dataDir() + ", JMX port " + server.jmxPort() + " on 127.0.0.1). Ctrl-C stops it.");
        System.out.println("cassandra-dev: run a node on it: bin/chronon serve --storage cassandra --cassandra " + server.contactPoint()
                + "  (or chronon.storage.default-kind = cassandra, chronon.storage.cassandra.contact-point = \""
                + server.contactPoint() + "\")");
        System.exit(server.waitFor());
    }
}
