package io.chronon.node.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.node.config.NodeConfiguration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTPS settings of a node: what loads, what is refused with which reason, and what a reload keeps. */
class ServerTlsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        DevCertificates.generate(dir.resolve("a"), "A", List.of("one", "two"));
    }

    private static Config pem(Path cert, Path key) {
        return NodeConfiguration.layered(ConfigFactory.empty()
                .withValue("chronon.http.tls.certificate", ConfigValueFactory.fromAnyRef(cert.toString()))
                .withValue("chronon.http.tls.private-key", ConfigValueFactory.fromAnyRef(key.toString())));
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStartAndKeptOutOnReload() throws Exception {
        DevCertificates.Issued one = DevCertificates.issued(dir.resolve("a"), "one");
        DevCertificates.Issued two = DevCertificates.issued(dir.resolve("a"), "two");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerTls.from(pem(one.certificate(), two.privateKey())));
        assertTrue(e.getMessage().contains("is not the key of the certificate"), e.getMessage());

        Path cert = Files.copy(one.certificate(), dir.resolve("live.crt.pem"));
        Path key = Files.copy(one.privateKey(), dir.resolve("live.key.pem"));
        ServerTls tls = ServerTls.from(pem(cert, key)).orElseThrow();
        assertFalse(tls.reloadIfChanged(), "nothing changed");
        // the certificate replaced first, its key a moment later: the half-way pair is not taken
        Files.copy(two.certificate(), cert, StandardCopyOption.REPLACE_EXISTING);
        assertFalse(tls.reloadIfChanged(), "a certificate without its key is not loaded");
        Files.copy(two.privateKey(), key, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(tls.reloadIfChanged(), "the complete pair is");
    }

    @Test
    void incompleteSettingsSayWhatIsMissing() {
        Path cert = DevCertificates.issued(dir.resolve("a"), "one").certificate();
        IllegalArgumentException onlyCert = assertThrows(IllegalArgumentException.class, () -> ServerTls.from(NodeConfiguration.layered(
                ConfigFactory.empty().withValue("chronon.http.tls.certificate", ConfigValueFactory.fromAnyRef(cert.toString())))));
        assertTrue(onlyCert.getMessage().contains("--tls-key"), onlyCert.getMessage());
        IllegalArgumentException noPassword = assertThrows(IllegalArgumentException.class, () -> ServerTls.from(NodeConfiguration.layered(
                ConfigFactory.empty().withValue("chronon.http.tls.keystore",
                        ConfigValueFactory.fromAnyRef(DevCertificates.issued(dir.resolve("a"), "one").keystore().toString())))));
        assertTrue(noPassword.getMessage().contains("cannot load"), noPassword.getMessage());
        IllegalArgumentException noVariable = assertThrows(IllegalArgumentException.class, () -> ServerTls.from(NodeConfiguration.layered(
                ConfigFactory.empty().withValue("chronon.http.tls.keystore",
                                ConfigValueFactory.fromAnyRef(DevCertificates.issued(dir.resolve("a"), "one").keystore().toString()))
                        .withValue("chronon.http.tls.keystore-password-env", ConfigValueFactory.fromAnyRef("CHRONON_TEST_NO_SUCH_VARIABLE")))));
        assertTrue(noVariable.getMessage().contains("CHRONON_TEST_NO_SUCH_VARIABLE is not set"), noVariable.getMessage());
    }
}
