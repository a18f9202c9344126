package io.chronon.cassandra.dev;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Cassandra from the Maven jars: starts, answers CQL, stops by its pid. (Killing it and
 * starting it again on the same data is part of the sharding module's CassandraTransactorTest.)
 */
@ExtendWith(SharedCassandra.class)
class CassandraServerTest {

    @Test
    void startsAndStopsByItsPid() throws Exception {
        CassandraServer server = SharedCassandra.server();
        long pid = server.pid();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the server process runs");
        assertTrue(server.contactPoint().startsWith("127.0.0.1:"));
        assertTrue(Files.exists(server.dataDir().resolve("data").resolve("system")), "system keyspace on disk");
        assertThrows(IllegalStateException.class, server::start, "a running server cannot be started twice");

        server.stop();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the process ended");
        assertFalse(server.isRunning());
        assertThrows(IOException.class, () -> new Socket(InetAddress.getLoopbackAddress(), server.port()).close(),
                "nothing listens on the CQL port");
    }
}
