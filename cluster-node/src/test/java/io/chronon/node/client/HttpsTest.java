package io.chronon.node.client;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.Chronon;
import io.chronon.client.ChrononUri;
import io.chronon.node.ChrononNode;
import io.chronon.node.tls.DevCertificates;
import io.chronon.node.tls.ServerTls;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS beyond the client's scenarios: a node on a PKCS12 key store (its password in a file),
 * a client that does not trust the authority, a certificate replaced under a running node, and
 * plain HTTP refused off loopback.
 */
class HttpsTest {
    @TempDir
    static Path dir;
    static Path certs;
    static Path otherCerts;
    static Path keystore;
    static ChrononNode node;

    @BeforeAll
    static void startNode() throws Exception {
        certs = dir.resolve("certs");
        otherCerts = dir.resolve("other");
        DevCertificates.generate(certs, "Test CA", List.of("server"));
        // the same password for both authorities' stores, so the replaced key store opens with it
        DevCertificates.generate(otherCerts, "Other CA", List.of("server"), Files.readString(DevCertificates.passwordFile(certs)).strip());
        keystore = dir.resolve("server.p12");
        Files.copy(DevCertificates.issued(certs, "server").keystore(), keystore);
        node = TestNode.start(dir.resolve("data"), RemoteClientTest.KEY, RemoteClientTest.SECRET, ConfigFactory.empty()
                .withValue("chronon.http.tls.keystore", ConfigValueFactory.fromAnyRef(keystore.toString()))
                .withValue("chronon.http.tls.keystore-password-file",
                        ConfigValueFactory.fromAnyRef(DevCertificates.passwordFile(certs).toString())));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @AfterEach
    void forgetTrust() {
        System.clearProperty(ChrononUri.CA_FILE_PROPERTY);
    }

    @Test
    void aClientThatTrustsTheAuthorityConnectsOverAPkcs12KeyStore() {
        System.setProperty(ChrononUri.CA_FILE_PROPERTY, certs.resolve("ca.pem").toString());
        assertTrue(Chronon.createDatabase(RemoteClientOverHttpsTest.server(node) + "p12"));
        assertTrue(Chronon.listDatabases(RemoteClientOverHttpsTest.server(node)).contains("p12"));
    }

    @Test
    void aClientThatDoesNotTrustTheAuthorityIsRefusedWithAClearError() {
        for (String ca : new String[] {null, otherCerts.resolve("ca.pem").toString()}) {
            if (ca != null) {
                System.setProperty(ChrononUri.CA_FILE_PROPERTY, ca);
            }
            ChrononException e = assertThrows(ChrononException.class, () -> Chronon.listDatabases(RemoteClientOverHttpsTest.server(node)));
            assertEquals(ErrorCategory.UNAVAILABLE, e.category());
            assertEquals("chronon.error/tls-handshake", e.code().text());
            assertTrue(e.getMessage().contains("TLS handshake failed") && e.getMessage().contains(ChrononUri.CA_FILE_PROPERTY), e.getMessage());
            assertTrue(!e.getMessage().contains(RemoteClientTest.SECRET), "no secret in the message");
        }
    }

    @Test
    void plainHttpIsRefusedOnANonLoopbackAddressUnlessTheNetworkIsTrusted() {
        var config = ChrononNode.config(ConfigFactory.parseString("chronon.http.host = \"0.0.0.0\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerTls.from(config));
        assertTrue(e.getMessage().contains("0.0.0.0") && e.getMessage().contains("chronon.http.trusted-network"), e.getMessage());
        assertTrue(ServerTls.from(config.withValue("chronon.http.trusted-network", ConfigValueFactory.fromAnyRef(true))).isEmpty());
        assertTrue(ServerTls.from(ChrononNode.config(ConfigFactory.empty())).isEmpty(), "loopback by default: plain HTTP is fine");
    }

    @Test
    void aReplacedCertificateIsServedToNewConnections() throws Exception {
        assertEquals("CN=Test CA", servedIssuer());
        replaceKeyStore(DevCertificates.issued(otherCerts, "server").keystore());
        awaitIssuer("CN=Other CA");
        System.setProperty(ChrononUri.CA_FILE_PROPERTY, otherCerts.resolve("ca.pem").toString());
        assertTrue(Chronon.listDatabases(RemoteClientOverHttpsTest.server(node)).size() >= 0, "a client of the new authority connects");
        // back to the first, so the other tests find the node as they expect
        replaceKeyStore(DevCertificates.issued(certs, "server").keystore());
        awaitIssuer("CN=Test CA");
    }

    /** Puts {@code next} in place of the node's key store as an operator should: written beside it, then renamed over it. */
    private static void replaceKeyStore(Path next) throws Exception {
        Path beside = dir.resolve("next.p12");
        Files.copy(next, beside, StandardCopyOption.REPLACE_EXISTING);
        Files.move(beside, keystore, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits (up to 20 s; the node checks every second) until a new connection is shown a certificate of {@code issuer}. */
    private static void awaitIssuer(String issuer) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!servedIssuer().equals(issuer) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(issuer, servedIssuer());
    }

    /** The issuer of the certificate a new connection to the node is shown (trusting anything, to look). */
    private static String servedIssuer() throws Exception {
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket socket = (SSLSocket) any.getSocketFactory().createSocket("127.0.0.1", node.httpPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getIssuerX500Principal().getName();
        }
    }
}
