package io.chronon.node.tls;

import com.typesafe.config.Config;
import io.chronon.node.config.NodeConfiguration;
import io.chronon.node.config.NodeOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The remoting configuration of a node: mutual TLS from its options, refused without TLS off loopback. */
class ClusterTlsTest {
    @TempDir
    static Path dir;
    static String password;

    @BeforeAll
    static void certificates() throws Exception {
        DevCertificates.generate(dir, "Test CA", List.of("node1"));
        password = Files.readString(DevCertificates.passwordFile(dir)).strip();
    }

    private static Config node(String... args) {
        return NodeConfiguration.layered(NodeOptions.parse(args));
    }

    @Test
    void theStoresTurnOnMutualTlsWithThePasswordOnlyInTheActorSystemsConfig() {
        Config config = node("--cluster-key-store", DevCertificates.issued(dir, "node1").keystore().toString(),
                "--cluster-trust-store", dir.resolve("truststore.p12").toString(),
                "--cluster-tls-password-file", DevCertificates.passwordFile(dir).toString(), "--cluster-host", "10.0.0.9");
        Config system = ClusterTls.systemConfig(config);
        assertEquals("tls-tcp", system.getString("pekko.remote.artery.transport"));
        String engine = "pekko.remote.artery.ssl.config-ssl-engine.";
        assertTrue(system.getBoolean(engine + "require-mutual-authentication"));
        assertEquals(password, system.getString(engine + "key-store-password"));
        assertEquals(password, system.getString(engine + "trust-store-password"));
        assertEquals("tcp", config.getString("pekko.remote.artery.transport"), "the node's own config is left as it was");
        assertFalse(config.root().render().contains(password), "no password in the node's config");
        assertTrue(ClusterTls.enabled(config));
    }

    @Test
    void withoutTlsOnlyLoopbackOrATrustedNetwork() {
        assertEquals("tcp", ClusterTls.systemConfig(node()).getString("pekko.remote.artery.transport"), "loopback by default");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterTls.systemConfig(node("--cluster-host", "10.0.0.9")));
        assertTrue(e.getMessage().contains("10.0.0.9") && e.getMessage().contains("--cluster-trusted-network")
                && e.getMessage().contains("--cluster-key-store"), e.getMessage());
        assertEquals("tcp", ClusterTls.systemConfig(node("--cluster-host", "10.0.0.9", "--cluster-trusted-network"))
                .getString("pekko.remote.artery.transport"));
    }

    @Test
    void halfASettingIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterTls.systemConfig(
                node("--cluster-key-store", DevCertificates.issued(dir, "node1").keystore().toString())));
        assertTrue(e.getMessage().contains("--cluster-trust-store"), e.getMessage());
    }
}
