package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.storage.StorageContract;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The storage contract on a real Cassandra 5.0 (one per test run, see {@link SharedCassandra}). */
@ExtendWith(SharedCassandra.class)
class CassandraStorageContractTest extends StorageContract {
    static final String KEYSPACE = "chronon_contract";

    @Override
    protected String kind() {
        return "cassandra";
    }

    @Override
    protected String storageSettings() {
        return "chronon.storage.cassandra.contact-point = \"" + SharedCassandra.server().contactPoint() + "\"\n"
                + "chronon.storage.cassandra.keyspace = " + KEYSPACE + "\n"
                // must not be used: everything goes to Cassandra
                + "chronon.storage.data-dir = \"target/must-not-exist\"";
    }

    static CqlSession cql() {
        return CqlSession.builder()
                .addContactPoint(new InetSocketAddress("127.0.0.1", SharedCassandra.server().port()))
                .withLocalDatacenter("datacenter1")
                .build();
    }

    @Override
    protected boolean holdsDataOf(ActorTestKit kit, String persistenceId) {
        try (CqlSession cql = cql()) {
            long rows = 0;
            for (String table : List.of("messages", "snapshots", "metadata")) {
                rows += cql.execute("SELECT count(*) FROM " + KEYSPACE + "." + table + " WHERE persistence_id = ? ALLOW FILTERING",
                        persistenceId).one().getLong(0);
            }
            rows += cql.execute("SELECT count(*) FROM " + KEYSPACE + ".all_persistence_ids WHERE persistence_id = ?",
                    persistenceId).one().getLong(0);
            return rows > 0;
        }
    }

    @Test
    void keepsEverythingInOneKeyspaceAndNothingOnLocalDisk() throws Exception {
        appendsAndReadsBackInOrder();
        assertFalse(Files.exists(Path.of("target/must-not-exist")), "no local data directory");
        try (CqlSession cql = cql()) {
            var keyspace = cql.getMetadata().getKeyspace(KEYSPACE).orElseThrow();
            assertEquals(Set.of("messages", "metadata", "all_persistence_ids", "snapshots"),
                    Set.copyOf(keyspace.getTables().keySet().stream().map(id -> id.asInternal()).toList()));
            assertTrue(keyspace.getReplication().get("class").endsWith("SimpleStrategy"));
            assertEquals("1", keyspace.getReplication().get("replication_factor"));
        }
    }
}
