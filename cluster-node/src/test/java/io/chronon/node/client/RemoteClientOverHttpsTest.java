package io.chronon.node.client;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.client.ChrononUri;
import io.chronon.node.ChrononNode;
import io.chronon.node.tls.DevCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client scenarios over HTTPS: a real node serving its API with a certificate (PEM files)
 * signed by a throwaway authority, the client on {@code chronons://} trusting that authority.
 */
class RemoteClientOverHttpsTest extends ClientScenarios {
    static final String KEY = "tester";
    static final String SECRET = "s3cret/+:x";

    @TempDir
    static Path dir;
    static ChrononNode node;

    @BeforeAll
    static void startNode() throws Exception {
        Path certs = dir.resolve("certs");
        Path ca = DevCertificates.generate(certs, "Test CA", List.of("server"));
        DevCertificates.Issued server = DevCertificates.issued(certs, "server");
        System.setProperty(ChrononUri.CA_FILE_PROPERTY, ca.toString());
        node = start(dir.resolve("data"), ConfigFactory.empty()
                .withValue("chronon.http.tls.certificate", ConfigValueFactory.fromAnyRef(server.certificate().toString()))
                .withValue("chronon.http.tls.private-key", ConfigValueFactory.fromAnyRef(server.privateKey().toString())));
    }

    /** A node with HTTPS as {@code tls} says, on 127.0.0.1 and a free port, the file store under {@code data}. */
    static ChrononNode start(Path data, com.typesafe.config.Config tls) throws Exception {
        ChrononNode n = ChrononNode.start(ChrononNode.config(tls.withFallback(ConfigFactory.parseString("""
                        chronon.http.host = "127.0.0.1"
                        chronon.http.port = 0
                        chronon.node.port = 0
                        pekko.loglevel = WARNING
                        pekko.coordinated-shutdown.exit-jvm = off
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        """))
                .withValue("chronon.http.access-keys", ConfigValueFactory.fromIterable(List.of(KEY + ":" + SECRET)))
                .withValue("chronon.storage.data-dir", ConfigValueFactory.fromAnyRef(data.toString()))));
        n.ready().toCompletableFuture().get(2, TimeUnit.MINUTES);
        return n;
    }

    @AfterAll
    static void stopNode() {
        System.clearProperty(ChrononUri.CA_FILE_PROPERTY);
        if (node != null) {
            node.close();
        }
    }

    static String server(ChrononNode n) {
        return "chronons://" + KEY + ":" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8) + "@127.0.0.1:" + n.httpPort() + "/";
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
