package io.chronon.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The command-line options of a node ({@code bin/chronon serve}, {@code ChrononNode}), each
 * the configuration key it sets: {@link #overrides} answers them over the {@code --config}
 * files, to be layered by {@link NodeConfiguration#layered}. A bad value is a usage error
 * that names the option (exit status 2); an option given twice keeps the last value, except
 * {@code --seed}, {@code --access-key} and {@code --config}, which add up.
 */
@Command(name = "serve", sortOptions = false, customSynopsis = "${COMMAND-FULL-NAME} [options]",
        description = {"start a node", "The HTTP API on 127.0.0.1:8998, data under ./data, a one-node cluster on port"
                + " 25520, unless the options say otherwise."})
public final class NodeOptions {
    @Spec
    private CommandSpec spec;

    private Config flags = ConfigFactory.empty();
    private final List<File> configFiles = new ArrayList<>();
    private final List<String> accessKeys = new ArrayList<>();
    private final List<String> seeds = new ArrayList<>();

    @Option(names = {"-h", "--help"}, order = 30, usageHelp = true, description = "this text")
    private boolean help;

    /**
     * The options of {@code args} as configuration ({@link #overrides}).
     *
     * @throws IllegalArgumentException for an unknown option or a missing or bad value, with
     *         the message the command line prints
     */
    public static Config parse(String[] args) {
        NodeOptions options = new NodeOptions();
        try {
            commandLine(options).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(UsageErrors.message(e), e);
        }
        return options.overrides();
    }

    /** The command line of these options as a command of its own, with the node's parser settings (see {@link UsageErrors}). */
    public static CommandLine commandLine(NodeOptions options) {
        return UsageErrors.configure(new CommandLine(options));
    }

    /**
     * The options given, as their configuration keys, over the {@code --config} files (a later file wins).
     *
     * @throws com.typesafe.config.ConfigException for a file that is not HOCON
     */
    public Config overrides() {
        Config files = ConfigFactory.empty();
        for (File f : configFiles) {
            files = ConfigFactory.parseFile(f).withFallback(files);
        }
        Config c = flags;
        if (!accessKeys.isEmpty()) {
            c = c.withValue("chronon.http.access-keys", ConfigValueFactory.fromIterable(accessKeys));
        }
        if (!seeds.isEmpty()) {
            c = c.withValue("chronon.node.seed-nodes", ConfigValueFactory.fromIterable(seeds));
        }
        return c.withFallback(files);
    }

    private void set(String key, Object value) {
        flags = flags.withValue(key, ConfigValueFactory.fromAnyRef(value));
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int port(String option, String v) {
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(option + " takes a port number (0-65535), not " + v);
    }

    @Option(names = "--port", order = 1, paramLabel = "N", description = "HTTP port (default 8998; 0 = any free port)")
    private void httpPort(String v) {
        set("chronon.http.port", port("--port", v));
    }

    @Option(names = "--host", order = 2, paramLabel = "ADDR", description = "HTTP address to bind (default 127.0.0.1)")
    private void httpHost(String v) {
        set("chronon.http.host", v);
    }

    @Option(names = "--cluster-port", order = 3, paramLabel = "N", description = "Pekko remoting port (default 25520; 0 = any free port)")
    private void clusterPort(String v) {
        set("chronon.node.port", port("--cluster-port", v));
    }

    @Option(names = "--cluster-host", order = 4, paramLabel = "ADDR",
            description = "the address other nodes reach this one at (default 127.0.0.1)")
    private void clusterHost(String v) {
        if (v.isBlank() || v.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')) {
            throw bad("--cluster-host takes a host name or IP address, not \"" + v + "\"");
        }
        set("chronon.node.hostname", v);
    }

    @Option(names = "--seed", order = 5, paramLabel = "HOST:PORT", description = {
            "a seed node of the cluster; repeatable, or a comma list. The first seed forms the cluster, so list the"
                    + " same seeds in the same order on every node (the first lists itself too).",
            "Without seeds: a one-node cluster. A node that has been a member of a cluster with other nodes (it"
                    + " remembers them in DIR/cluster-membership) refuses to start (status 2) when its seeds name no"
                    + " node but itself: it would form a second cluster, two writers of the same databases. Give it"
                    + " the other nodes as seeds. As the FIRST seed of its list it waits up to 30 s"
                    + " (chronon.node.rejoin-seed-wait) for another seed to accept a connection, and refuses to start"
                    + " (status 2) if none does (docs/operations.md, \"Seeds when a node restarts\")."})
    private void seed(String v) {
        for (String seed : v.split(",", -1)) {
            try {
                NodeConfiguration.checkSeed("--seed", seed.trim());
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            seeds.add(seed.trim());
        }
    }

    @Option(names = "--new-cluster", order = 6, description = "start a new cluster even though this node was a member of another"
            + " (chronon.node.allow-new-cluster = on), at once, without waiting for other seeds: only when every node"
            + " of the old cluster is stopped for good. Needed once: up alone, the node forgets the old members.")
    private void newCluster(boolean on) {
        set("chronon.node.allow-new-cluster", on);
    }

    @Option(names = "--roles", order = 7, paramLabel = "LIST", description = "comma list of roles: transactor (writers and the"
            + " catalog), query (peers of the default query group), query-group:NAME (peers of query group NAME)."
            + " Default: transactor,query")
    private void roles(String v) {
        LinkedHashSet<String> roles = new LinkedHashSet<>();
        for (String role : v.split(",", -1)) {
            try {
                NodeConfiguration.checkRole("--roles", role.trim());
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
            roles.add(role.trim());
        }
        flags = flags.withValue("chronon.node.roles", ConfigValueFactory.fromIterable(roles));
    }

    @Option(names = "--data-dir", order = 8, paramLabel = "DIR", description = "where the embedded store keeps its data, and the"
            + " node the members of its cluster (default ./data)")
    private void dataDir(String v) {
        set("chronon.storage.data-dir", v);
    }

    @Option(names = "--config", order = 9, paramLabel = "FILE", description = "a HOCON file of settings (chronon.*, pekko.*)")
    private void configFile(String v) {
        File f = new File(v);
        if (!f.isFile()) {
            throw bad("--config: no file " + v);
        }
        configFiles.add(f);
    }

    @Option(names = "--access-key", order = 10, paramLabel = "KEY:SECRET", description = "an accepted HTTP access key; repeatable"
            + " (rotation). Without one, a key is generated and printed once.")
    private void accessKey(String v) {
        int colon = v.indexOf(':');
        if (colon <= 0 || colon == v.length() - 1) {
            throw bad("--access-key takes KEY:SECRET");
        }
        accessKeys.add(v);
    }

    @Option(names = "--storage", order = 11, paramLabel = "KIND", description = "the storage kind of new databases (file, memory,"
            + " cassandra). A cluster of several nodes needs cassandra.")
    private void storage(String v) {
        set("chronon.storage.default-kind", v);
    }

    @Option(names = "--cassandra", order = 12, paramLabel = "HOST:PORT", description = "the Cassandra contact point (with --storage cassandra)")
    private void cassandra(String v) {
        set("chronon.storage.cassandra.contact-point", v);
    }

    @Option(names = "--keyspace", order = 13, paramLabel = "NAME", description = "the Cassandra keyspace")
    private void keyspace(String v) {
        set("chronon.storage.cassandra.keyspace", v);
    }

    @Option(names = "--no-http", order = 14, description = "serve only the actor protocol")
    private void noHttp(boolean on) {
        set("chronon.http.enabled", !on);
    }

    private String existingFile(String option, String v) {
        if (!new File(v).isFile()) {
            throw bad(option + ": no file " + v);
        }
        return v;
    }

    @Option(names = "--tls-cert", order = 15, paramLabel = "FILE", description = "HTTPS: the server's certificate and its chain, PEM"
            + " (with --tls-key). Read again when it changes.")
    private void tlsCert(String v) {
        set("chronon.http.tls.certificate", existingFile("--tls-cert", v));
    }

    @Option(names = "--tls-key", order = 16, paramLabel = "FILE", description = "HTTPS: the server's private key, PEM, unencrypted PKCS#8")
    private void tlsKey(String v) {
        set("chronon.http.tls.private-key", existingFile("--tls-key", v));
    }

    @Option(names = "--tls-keystore", order = 17, paramLabel = "FILE", description = "HTTPS: a PKCS12 key store with the key and chain,"
            + " instead of --tls-cert and --tls-key")
    private void tlsKeystore(String v) {
        set("chronon.http.tls.keystore", existingFile("--tls-keystore", v));
    }

    @Option(names = "--tls-keystore-password-file", order = 18, paramLabel = "FILE", description = "the file whose first line is"
            + " the --tls-keystore password (or chronon.http.tls.keystore-password-env names an environment variable)")
    private void tlsKeystorePasswordFile(String v) {
        set("chronon.http.tls.keystore-password-file", existingFile("--tls-keystore-password-file", v));
    }

    @Option(names = "--http-trusted-network", order = 19, description = "allow plain HTTP on an address other than loopback"
            + " (--host): only on a network you trust")
    private void httpTrustedNetwork(boolean on) {
        set("chronon.http.trusted-network", on);
    }

    @Option(names = "--cluster-key-store", order = 20, paramLabel = "FILE", description = "mutual TLS between the nodes: this"
            + " node's key and certificate (PKCS12), signed by the cluster's authority")
    private void clusterKeyStore(String v) {
        set("chronon.node.tls.key-store", existingFile("--cluster-key-store", v));
    }

    @Option(names = "--cluster-trust-store", order = 21, paramLabel = "FILE", description = "mutual TLS between the nodes: the"
            + " cluster's certificate authority (PKCS12); peers without a certificate of it cannot connect")
    private void clusterTrustStore(String v) {
        set("chronon.node.tls.trust-store", existingFile("--cluster-trust-store", v));
    }

    @Option(names = "--cluster-tls-password-file", order = 22, paramLabel = "FILE", description = "the file whose first line is"
            + " the password of both stores (or chronon.node.tls.password-env names an environment variable)")
    private void clusterTlsPasswordFile(String v) {
        set("chronon.node.tls.password-file", existingFile("--cluster-tls-password-file", v));
    }

    @Option(names = "--cluster-trusted-network", order = 23, description = "allow remoting without TLS on an address other than"
            + " loopback (--cluster-host): only on a network you trust")
    private void clusterTrustedNetwork(boolean on) {
        set("chronon.node.trusted-network", on);
    }
}
