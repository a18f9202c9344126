package io.chronon.node.client;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.node.ChrononNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real node in the test JVM: HTTP on 127.0.0.1 and a free port, the file store under a directory, one access key. */
public final class TestNode {
    private TestNode() {
    }

    /** Starts a node with HTTP on any free port and waits until the port is bound. */
    public static ChrononNode start(Path dir, String key, String secret) throws Exception {
        return start(dir, key, secret, 0);
    }

    /** Starts a node with HTTP on {@code httpPort} (0: any free one) and waits until the port is bound. */
    public static ChrononNode start(Path dir, String key, String secret, int httpPort) throws Exception {
        return start(dir, key, secret, ConfigFactory.empty().withValue("chronon.http.port", ConfigValueFactory.fromAnyRef(httpPort)));
    }

    /** Starts a node with HTTP on any free port and {@code extra} settings over the others (e.g. its TLS), and waits until the port is bound. */
    public static ChrononNode start(Path dir, String key, String secret, Config extra) throws Exception {
        ChrononNode n = ChrononNode.start(ChrononNode.config(extra.withFallback(ConfigFactory.parseString("""
                        chronon.http.host = "127.0.0.1"
                        chronon.http.port = 0
                        chronon.node.port = 0
                        pekko.loglevel = WARNING
                        pekko.coordinated-shutdown.exit-jvm = off
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        """))
                .withValue("chronon.http.access-keys", ConfigValueFactory.fromIterable(List.of(key + ":" + secret)))
                .withValue("chronon.storage.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()))));
        n.ready().toCompletableFuture().get(2, TimeUnit.MINUTES);
        return n;
    }

    /** The server URI of {@code node} with this key and secret (the secret percent-encoded). */
    public static String serverUri(ChrononNode node, String key, String secret) {
        return "chronon://" + key + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8) + "@127.0.0.1:" + node.httpPort() + "/";
    }
}
