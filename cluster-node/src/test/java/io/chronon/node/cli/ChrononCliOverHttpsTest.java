package io.chronon.node.cli;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.client.ChrononUri;
import io.chronon.node.ChrononNode;
import io.chronon.node.client.TestNode;
import io.chronon.node.tls.DevCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line against a node serving HTTPS: chronons:// with --ca-file, and a clear error without it. */
class ChrononCliOverHttpsTest {
    @TempDir
    static Path dir;
    static ChrononNode node;
    static String server;
    static Path ca;

    @BeforeAll
    static void start() throws Exception {
        ca = DevCertificates.generate(dir.resolve("certs"), "CLI CA", List.of("server"));
        DevCertificates.Issued cert = DevCertificates.issued(dir.resolve("certs"), "server");
        node = TestNode.start(dir.resolve("data"), ChrononCliTest.KEY, ChrononCliTest.SECRET, ConfigFactory.empty()
                .withValue("chronon.http.tls.certificate", ConfigValueFactory.fromAnyRef(cert.certificate().toString()))
                .withValue("chronon.http.tls.private-key", ConfigValueFactory.fromAnyRef(cert.privateKey().toString())));
        server = TestNode.serverUri(node, ChrononCliTest.KEY, ChrononCliTest.SECRET).replaceFirst("^chronon://", "chronons://");
    }

    @AfterAll
    static void stop() {
        System.clearProperty(ChrononUri.CA_FILE_PROPERTY);
        node.close();
    }

    @Test
    void chrononsWithTheCaFileWorksAndWithoutItSaysWhatToDo() {
        System.clearProperty(ChrononUri.CA_FILE_PROPERTY);
        ChrononCliTest.Run untrusted = ChrononCliTest.cli(null, "list-dbs", "--uri", server);
        assertEquals(1, untrusted.status());
        assertTrue(untrusted.err().contains("TLS handshake failed") && untrusted.err().contains("--ca-file"), untrusted.err());
        assertEquals("created tls\n", ChrononCliTest.ok("create-db", "--uri", server, "--ca-file", ca.toString(), "tls").out());
        // a whole chronons:// URI as the DB argument
        assertTrue(ChrononCliTest.ok("list-dbs", "--ca-file", ca.toString(), "--uri", server).out().lines().toList().contains("tls"));
        assertEquals(2, ChrononCliTest.cli(null, "list-dbs", "--uri", server, "--ca-file", dir.resolve("nothing.pem").toString()).status());
        ChrononCliTest.ok("delete-db", "--ca-file", ca.toString(), server + "tls");
    }
}
