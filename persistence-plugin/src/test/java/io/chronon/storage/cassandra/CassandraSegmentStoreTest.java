package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import io.chronon.storage.segment.SegmentStoreContract;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The segment store contract on a real Cassandra (table {@code segments}), damage done by overwriting the blob. */
@ExtendWith(SharedCassandra.class)
class CassandraSegmentStoreTest extends SegmentStoreContract {
    static final String KEYSPACE = "chronon_segments";
    static ExtendedActorSystem node;
    static CassandraSegmentStore store;
    static CqlSession cql;

    @BeforeAll
    static void start() {
        node = CassandraNodes.start("segments", KEYSPACE, "");
        store = new CassandraSegmentStore(node, node.settings().config().getConfig("chronon.cassandra.segments"));
        cql = CassandraStorageContractTest.cql();
    }

    @AfterAll
    static void stop() throws Exception {
        if (cql != null) {
            cql.close();
        }
        CassandraNodes.stop(node);
    }

    @Override
    protected SegmentStore store() {
        return store;
    }

    @Override
    protected void rewriteStored(String database, SegmentId id, UnaryOperator<byte[]> change) throws Exception {
        store().sync(database); // written, and read from Cassandra from now on
        Row row = cql.execute("SELECT bytes FROM " + KEYSPACE + ".segments WHERE db = ? AND id = ?", database, id.hex()).one();
        assertNotNull(row, "segment " + id);
        ByteBuffer blob = row.getByteBuffer(0);
        byte[] stored = new byte[blob.remaining()];
        blob.get(stored);
        cql.execute("UPDATE " + KEYSPACE + ".segments SET bytes = ? WHERE db = ? AND id = ?",
                ByteBuffer.wrap(change.apply(stored)), database, id.hex());
    }
}
