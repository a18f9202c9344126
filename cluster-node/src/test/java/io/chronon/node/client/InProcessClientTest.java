package io.chronon.node.client;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The client scenarios on in-process connections ({@code chronon:mem://}), and a database in a directory. */
class InProcessClientTest extends ClientScenarios {
    @Override
    String uri(String name) {
        return "chronon:mem://" + name;
    }

    @Override
    String placeUri() {
        return "chronon:mem://";
    }

    @Test
    void databaseInADirectoryIsStoredThere(@TempDir Path dir) throws Exception {
        String uri = "chronon:dir:" + dir + "/stored";
        assertTrue(Chronon.createDatabase(uri));
        try (Connection conn = Chronon.connect(uri)) {
            conn.transact(SCHEMA);
            conn.transact(PEOPLE);
            assertEquals(List.of("Ada"), conn.db().q("[:find [?n ...] :where [?e :person/email \"ada@x\"] [?e :person/name ?n]]"));
        }
        assertEquals(List.of("stored"), Chronon.listDatabases("chronon:dir:" + dir + "/"));
        assertTrue(Files.isDirectory(dir.resolve("journal")), "the embedded store writes under the directory");
        assertTrue(!Chronon.listDatabases("chronon:mem://").contains("stored"), "memory and the directory are separate places");
    }
}
