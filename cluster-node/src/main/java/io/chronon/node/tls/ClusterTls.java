package io.chronon.node.tls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * TLS between the nodes ({@code chronon.node.tls}): Pekko remoting (Artery) over
 * {@code tls-tcp} with mutual authentication, every node presenting a certificate of the
 * cluster's authority and accepting only peers that do. A node without such a certificate
 * cannot connect, so it can neither join nor send any message. Without TLS, remoting is
 * allowed only on a loopback address unless {@code chronon.node.trusted-network} is on.
 */
public final class ClusterTls {
    private static final String ENGINE = "pekko.remote.artery.ssl.config-ssl-engine.";

    private ClusterTls() {
    }

    /**
     * The actor system's configuration: {@code config} with remoting over mutual TLS when
     * {@code chronon.node.tls} names the stores (their password read from its file or
     * variable, and kept out of {@code config} itself), else {@code config} as it is.
     *
     * @throws IllegalArgumentException for an incomplete setting, a store that is not there, a
     *         password that cannot be read, or remoting without TLS on an address other than
     *         loopback in a network not declared trusted
     */
    public static Config systemConfig(Config config) {
        Config c = config.getConfig("chronon.node.tls");
        String keyStore = c.getString("key-store");
        String trustStore = c.getString("trust-store");
        if (keyStore.isEmpty() && trustStore.isEmpty()) {
            String host = config.getString("pekko.remote.artery.canonical.hostname");
            String bind = config.getString("pekko.remote.artery.bind.hostname");
            for (String h : bind.isEmpty() ? new String[] {host} : new String[] {host, bind}) {
                ServerTls.requireLoopbackOrTrusted("cluster's remoting", "chronon.node.hostname (--cluster-host)", h,
                        config.getBoolean("chronon.node.trusted-network"), "chronon.node.trusted-network = on (--cluster-trusted-network)",
                        "give it the cluster's certificates (--cluster-key-store, --cluster-trust-store and"
                                + " --cluster-tls-password-file; docs/operations.md, \"TLS between the nodes\")");
            }
            return config;
        }
        if (keyStore.isEmpty() || trustStore.isEmpty()) {
            throw new IllegalArgumentException("chronon.node.tls: mutual TLS needs both this node's key store (--cluster-key-store,"
                    + " chronon.node.tls.key-store) and the cluster's trust store (--cluster-trust-store, chronon.node.tls.trust-store)");
        }
        for (String f : new String[] {keyStore, trustStore}) {
            if (!Files.isRegularFile(Path.of(f))) {
                throw new IllegalArgumentException("chronon.node.tls: no file " + f);
            }
        }
        String password = new String(Secrets.password(c.getString("password-file"), c.getString("password-env"),
                "chronon.node.tls.password-file / -env"));
        return ConfigFactory.parseMap(Map.of(
                        "pekko.remote.artery.transport", "tls-tcp",
                        "pekko.remote.artery.ssl.ssl-engine-provider", "org.apache.pekko.remote.artery.tcp.ConfigSSLEngineProvider",
                        ENGINE + "key-store", Path.of(keyStore).toAbsolutePath().toString(),
                        ENGINE + "trust-store", Path.of(trustStore).toAbsolutePath().toString(),
                        ENGINE + "key-store-password", password,
                        ENGINE + "key-password", password,
                        ENGINE + "trust-store-password", password,
                        ENGINE + "require-mutual-authentication", "on"))
                .withFallback(config);
    }

    /** True when {@code config} sets remoting over TLS. */
    public static boolean enabled(Config config) {
        return !config.getString("chronon.node.tls.key-store").isEmpty();
    }
}
