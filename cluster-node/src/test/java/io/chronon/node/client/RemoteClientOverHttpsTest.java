package io.chronon.node.client;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.client.ChrononUri;
import io.chronon.node.ChrononNode;
import io.chronon.node.tls.DevCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/**
 * The client scenarios over HTTPS: a real node serving its API with a certificate (PEM files)
 * signed by a throwaway authority, the client on {@code chronons://} trusting that authority.
 */
class RemoteClientOverHttpsTest extends ClientScenarios {
    @TempDir
    static Path dir;
    static ChrononNode node;

    @BeforeAll
    static void startNode() throws Exception {
        Path certs = dir.resolve("certs");
        Path ca = DevCertificates.generate(certs, "Test CA", List.of("server"));
        DevCertificates.Issued server = DevCertificates.issued(certs, "server");
        System.setProperty(ChrononUri.CA_FILE_PROPERTY, ca.toString());
        node = TestNode.start(dir.resolve("data"), RemoteClientTest.KEY, RemoteClientTest.SECRET, ConfigFactory.empty()
                .withValue("chronon.http.tls.certificate", ConfigValueFactory.fromAnyRef(server.certificate().toString()))
                .withValue("chronon.http.tls.private-key", ConfigValueFactory.fromAnyRef(server.privateKey().toString())));
    }

    @AfterAll
    static void stopNode() {
        System.clearProperty(ChrononUri.CA_FILE_PROPERTY);
        if (node != null) {
            node.close();
        }
    }

    /** The HTTPS server URI of {@code n} with the test key. */
    static String server(ChrononNode n) {
        return TestNode.serverUri(n, RemoteClientTest.KEY, RemoteClientTest.SECRET).replaceFirst("^chronon://", "chronons://");
    }

    @Override
    String uri(String name) {
        return server(node) + name;
    }

    @Override
    String placeUri() {
        return server(node);
    }
}
