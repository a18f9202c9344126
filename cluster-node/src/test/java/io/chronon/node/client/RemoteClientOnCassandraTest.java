package io.chronon.node.client;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.node.ChrononNode;
import io.chronon.sharding.ChrononCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The client scenarios on a remote connection to a node whose only storage is Cassandra (a
 * real Cassandra 5.0 from the test harness): the peer server's end-to-end suite, with the
 * catalog, the logs and the snapshots in Cassandra and nothing on local disk.
 */
@ExtendWith(SharedCassandra.class)
class RemoteClientOnCassandraTest extends ClientScenarios {
    static final String KEY = "tester";
    static final String SECRET = "s3cret";
    /** The node's data directory, where it may keep only the administrator's generated password. */
    static final Path NO_DATA = Path.of("target", "cassandra-node-data");

    static ChrononNode node;

    @BeforeAll
    static void startNode() throws Exception {
        // a directory left by an earlier run would hold its password
        if (Files.exists(NO_DATA)) {
            try (var files = Files.walk(NO_DATA)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        node = ChrononNode.start(ChrononNode.config(ConfigFactory.parseString("""
                        chronon.http.host = "127.0.0.1"
                        chronon.http.port = 0
                        chronon.node.port = 0
                        chronon.storage.default-kind = cassandra
                        chronon.storage.cassandra.keyspace = client_e2e
                        pekko.loglevel = WARNING
                        pekko.coordinated-shutdown.exit-jvm = off
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        """)
                .withValue("chronon.storage.cassandra.contact-point", ConfigValueFactory.fromAnyRef(SharedCassandra.server().contactPoint()))
                .withValue("chronon.storage.data-dir", ConfigValueFactory.fromAnyRef(NO_DATA.toString()))
                .withValue("chronon.http.access-keys", ConfigValueFactory.fromIterable(List.of(KEY + ":" + SECRET)))));
        ChrononCluster chronon = node.ready().toCompletableFuture().get(2, TimeUnit.MINUTES);
        // a new keyspace: the catalog's first recovery waits for its tables to be created
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                chronon.listDatabases().toCompletableFuture().get(30, TimeUnit.SECONDS);
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("The catalog on Cassandra did not answer within 120 s", e);
                }
            }
        }
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Override
    String uri(String name) {
        return placeUri() + name;
    }

    @Override
    String placeUri() {
        return TestNode.serverUri(node, KEY, SECRET);
    }

    /**
     * Nothing but the built-in administrator's generated password, when this node created the
     * administrator (the keyspace's first start; its users are in Cassandra).
     */
    @Test
    void nothingIsKeptOnLocalDiskButTheAdministratorsPassword() throws Exception {
        var created = node.adminPassword().toCompletableFuture().get(2, TimeUnit.MINUTES);
        if (created.isPresent()) {
            try (var files = Files.list(NO_DATA)) {
                assertEquals(List.of(NO_DATA.resolve("admin-password")), files.toList());
            }
            assertEquals(created.get(), Files.readString(NO_DATA.resolve("admin-password")).trim());
        } else {
            assertFalse(Files.exists(NO_DATA.resolve("admin-password")), "the administrator existed: no password written");
        }
    }
}
