package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.chronon.cassandra.dev.SharedCassandra;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Creating and checking Chronon's keyspace: what a node says when it cannot use the one it is given. */
@ExtendWith(SharedCassandra.class)
class CassandraSchemaTest {

    @Test
    void withoutAutoCreateAMissingKeyspaceIsReportedWithWhereToFindTheCql() throws Exception {
        ExtendedActorSystem node = CassandraNodes.start("no-schema", "chronon_absent", "chronon.storage.cassandra.auto-create = off");
        try {
            IOException e = assertThrows(IOException.class, () -> CassandraConnection.get(node).awaitSession());
            assertTrue(e.getMessage().contains("Keyspace chronon_absent does not exist") && e.getMessage().contains("docs/cassandra.md"),
                    e.getMessage());
        } finally {
            CassandraNodes.stop(node);
        }
    }

    @Test
    void aKeyspaceOfPekkoPersistenceCassandraIsRefused() throws Exception {
        try (CqlSession cql = CassandraStorageContractTest.cql()) {
            // schema changes take seconds on a busy machine: more than the driver's default 2 s
            cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "CREATE KEYSPACE IF NOT EXISTS chronon_old WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
                    .setTimeout(java.time.Duration.ofSeconds(60)));
            cql.execute(com.datastax.oss.driver.api.core.cql.SimpleStatement.newInstance(
                    "CREATE TABLE IF NOT EXISTS chronon_old.messages (persistence_id text, partition_nr bigint, sequence_nr bigint, "
                    + "timestamp timeuuid, event blob, PRIMARY KEY ((persistence_id, partition_nr), sequence_nr, timestamp))")
                    .setTimeout(java.time.Duration.ofSeconds(60)));
        }
        ExtendedActorSystem node = CassandraNodes.start("old-schema", "chronon_old", "");
        try {
            IOException e = assertThrows(IOException.class, () -> CassandraConnection.get(node).awaitSession());
            assertTrue(e.getMessage().contains("pekko-persistence-cassandra") && e.getMessage().contains("new keyspace"), e.getMessage());
        } finally {
            CassandraNodes.stop(node);
        }
    }

    @Test
    void autoCreateMakesTheKeyspaceAndTablesOnceAndAgainIsHarmless() throws Exception {
        for (int i = 0; i < 2; i++) {
            ExtendedActorSystem node = CassandraNodes.start("schema-" + i, "chronon_created", "chronon.storage.cassandra.replication-factor = 1");
            try {
                CassandraConnection.get(node).awaitSession();
            } finally {
                CassandraNodes.stop(node);
            }
        }
        try (CqlSession cql = CassandraStorageContractTest.cql()) {
            var keyspace = cql.getMetadata().getKeyspace("chronon_created").orElseThrow();
            assertEquals(Set.copyOf(CassandraConnection.TABLES),
                    Set.copyOf(keyspace.getTables().keySet().stream().map(id -> id.asInternal()).toList()));
        }
    }

    @Test
    void aKeyspaceMadeBeforeTheSegmentsTableStartsAndItsSegmentStoreSaysWhatIsMissing() throws Exception {
        List<String> schema = CassandraConnection.schema("chronon_no_segments", "{'class': 'SimpleStrategy', 'replication_factor': 1}");
        try (CqlSession cql = CassandraStorageContractTest.cql()) {
            for (String ddl : schema.subList(0, schema.size() - 1)) {
                cql.execute(SimpleStatement.newInstance(ddl).setTimeout(Duration.ofSeconds(60)));
            }
        }
        ExtendedActorSystem node = CassandraNodes.start("no-segments", "chronon_no_segments", "chronon.storage.cassandra.auto-create = off");
        try {
            CassandraConnection.get(node).awaitSession();
            CassandraSegmentStore store = new CassandraSegmentStore(node, node.settings().config().getConfig("chronon.cassandra.segments"));
            IOException e = assertThrows(IOException.class, () -> store.put("db", new byte[] {1}));
            assertTrue(e.getMessage().contains("chronon_no_segments.segments") && e.getMessage().contains("docs/cassandra.md"),
                    e.getMessage());
        } finally {
            CassandraNodes.stop(node);
        }
    }
}
