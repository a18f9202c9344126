package io.chronon.node.client;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.Chronon;
import io.chronon.node.ChrononNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The client scenarios on remote connections: a real node in this JVM, its HTTP API on
 * 127.0.0.1 and a free port, the embedded file store in a temporary directory, one access key.
 */
class RemoteClientTest extends ClientScenarios {
    static final String KEY = "tester";
    static final String SECRET = "s3cret/+:x";

    @TempDir
    static Path dataDir;
    static ChrononNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir, KEY, SECRET);
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    static String server(String key, String secret) {
        return TestNode.serverUri(node, key, secret);
    }

    @Override
    String uri(String name) {
        return server(KEY, SECRET) + name;
    }

    @Override
    String placeUri() {
        return server(KEY, SECRET);
    }

    @Test
    void wrongSecretOrKeyIsRejected() {
        String name = "guarded";
        Chronon.createDatabase(uri(name));
        for (String bad : new String[] {server(KEY, "wrong") + name, server("nobody", SECRET) + name,
                "chronon://127.0.0.1:" + node.httpPort() + "/" + name}) {
            ChrononException e = assertThrows(ChrononException.class, () -> Chronon.connect(bad));
            assertEquals(ErrorCategory.FORBIDDEN, e.category(), bad);
            assertEquals(ErrorCategory.FORBIDDEN, assertThrows(ChrononException.class, () -> Chronon.createDatabase(bad + "x")).category());
            assertEquals(ErrorCategory.FORBIDDEN, assertThrows(ChrononException.class, () -> Chronon.listDatabases(bad)).category());
        }
        assertEquals(false, Chronon.listDatabases(placeUri()).contains(name + "x"), "nothing was created with a wrong key");
    }

    @Test
    void unreachableServerIsUnavailable() {
        ChrononException e = assertThrows(ChrononException.class, () -> Chronon.connect("chronon://k:s@127.0.0.1:1/db"));
        assertEquals(ErrorCategory.UNAVAILABLE, e.category());
    }
}
