package io.chronon.node.client;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.edn.EdnReader;
import io.chronon.node.ChrononNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node opens a data directory written by an earlier version and finds everything in it. The
 * directory under {@code src/test/resources/stored-data/embedded-2026-12} was written by
 * {@code bin/chronon serve} of December 2026 (before the sharding packages were split): a database
 * {@code compat} with a schema, three people added with request ids and one age changed, and a
 * database {@code gone} created and deleted. Its catalog events carry the class names of that
 * version, so moving or renaming a persisted class without a migration fails here.
 */
class StoredDataCompatibilityTest {

    @Test
    void aDataDirectoryOfDecember2026OpensWithItsDatabasesAndData(@TempDir Path dir) throws Exception {
        Path fixture = Path.of("src/test/resources/stored-data/embedded-2026-12");
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(fixture.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        ChrononNode node = TestNode.start(dir, "me", "secret");
        try {
            String server = TestNode.serverUri(node, "me", "secret");
            assertEquals(List.of("compat"), Chronon.listDatabases(server));
            try (Connection conn = Chronon.connect(server + "compat")) {
                assertEquals(1007L, conn.db().basisT());
                assertEquals(EdnReader.read("#{[\"n1\" 10] [\"n2\" 2] [\"n3\" 3]}"),
                        conn.db().q("[:find ?n ?a :where [?e :p/name ?n] [?e :p/age ?a]]"));
                assertEquals(1L, conn.db().asOf(1006L).q("[:find ?a . :where [?e :p/name \"n1\"] [?e :p/age ?a]]"));
                // and it goes on from there: a new person upserts by name beside the old ones
                conn.transact("[{:p/name \"n4\" :p/age 4} {:p/name \"n1\" :p/age 11}]");
                assertEquals(EdnReader.read("#{[\"n1\" 11] [\"n2\" 2] [\"n3\" 3] [\"n4\" 4]}"),
                        conn.db().q("[:find ?n ?a :where [?e :p/name ?n] [?e :p/age ?a]]"));
            }
        } finally {
            node.close();
        }
    }
}
