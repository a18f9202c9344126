package io.chronon.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.sharding.support.QueryGroups;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The full configuration of a node, layered: {@code -D} system properties, then the overrides
 * (the command line's options over the {@code --config} file), then {@code chronon-node.conf}
 * (the node's defaults) and every {@code reference.conf}; with its cluster settings checked
 * and the seed nodes turned into Pekko addresses.
 */
public final class NodeConfiguration {
    /** The roles a node may have (besides {@code query-group:NAME}). */
    private static final String ROLES = "transactor, query, query-group:NAME";
    private static final Pattern FULL_ADDRESS = Pattern.compile("pekko://([^@/]+)@(.+)");

    private NodeConfiguration() {
    }

    /**
     * The full configuration of a node: {@code overrides} on top of system properties, the
     * node defaults ({@code chronon-node.conf}) and every {@code reference.conf}. The seed
     * nodes of {@code chronon.node.seed-nodes} given as {@code HOST:PORT} become Pekko
     * addresses ({@code pekko://<system-name>@HOST:PORT}) in {@code pekko.cluster.seed-nodes}.
     *
     * @throws IllegalArgumentException for a bad seed node or an unknown role
     */
    public static Config layered(Config overrides) {
        Config config = ConfigFactory.defaultOverrides()
                .withFallback(overrides)
                .withFallback(ConfigFactory.parseResources(NodeConfiguration.class.getClassLoader(), "chronon-node.conf"))
                .withFallback(ConfigFactory.defaultReferenceUnresolved())
                .resolve();
        String systemName = config.getString("chronon.node.system-name");
        List<String> roles = config.getStringList("chronon.node.roles");
        for (String role : roles) {
            checkRole("chronon.node.roles", role);
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("chronon.node.roles: a node serves at least one of " + ROLES);
        }
        List<String> seeds = new ArrayList<>();
        for (String seed : config.getStringList("chronon.node.seed-nodes")) {
            seeds.add(seedAddress("chronon.node.seed-nodes", seed, systemName));
        }
        if (seeds.isEmpty()) {
            // pekko.cluster.seed-nodes set directly (full addresses) still counts
            return config;
        }
        return config.withValue("chronon.node.seed-nodes", ConfigValueFactory.fromIterable(seeds))
                .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds));
    }

    /**
     * Checks one role: {@code transactor}, {@code query} or {@code query-group:NAME}.
     *
     * @param source where the role was given, the start of the message
     */
    static void checkRole(String source, String role) {
        if (role.equals("transactor") || role.equals("query")) {
            return;
        }
        if (role.startsWith("query-group:")) {
            String group = role.substring("query-group:".length());
            if (QueryGroups.isValidGroupName(group)) {
                return;
            }
            throw new IllegalArgumentException(source + ": bad query group name \"" + group + "\" in role " + role
                    + " (a name is 1-63 lower-case letters, digits and '-', starting with a letter or digit)");
        }
        throw new IllegalArgumentException(source + ": unknown role \"" + role + "\" (roles: " + ROLES + ")");
    }

    /**
     * Checks the form of one seed node, {@code HOST:PORT} or a full address (whose actor
     * system name is checked later, against the configuration's).
     */
    static void checkSeed(String source, String seed) {
        if (!FULL_ADDRESS.matcher(seed).matches()) {
            hostPort(source, seed);
        }
    }

    /**
     * The Pekko address of a seed node given as {@code HOST:PORT} or as a full address
     * {@code pekko://NAME@HOST:PORT} (whose NAME must be this node's system name).
     */
    private static String seedAddress(String source, String seed, String systemName) {
        String s = seed.trim();
        Matcher full = FULL_ADDRESS.matcher(s);
        if (full.matches()) {
            if (!full.group(1).equals(systemName)) {
                throw new IllegalArgumentException(source + ": seed node " + s + " names actor system " + full.group(1)
                        + ", but this node's is " + systemName + " (chronon.node.system-name)");
            }
            s = full.group(2);
        }
        return "pekko://" + systemName + "@" + hostPort(source, s);
    }

    /** Checks {@code HOST:PORT} (an IPv6 host in brackets) with a port 1-65535; answers it as given. */
    private static String hostPort(String source, String v) {
        int colon = v.lastIndexOf(':');
        String host = colon < 0 ? "" : v.substring(0, colon);
        int port = -1;
        try {
            port = colon < 0 ? -1 : Integer.parseInt(v.substring(colon + 1));
        } catch (NumberFormatException ignored) {
            // reported below
        }
        boolean hostOk = !host.isEmpty() && host.chars().noneMatch(c -> Character.isWhitespace(c) || c == '/' || c == '@')
                && (host.indexOf(':') < 0 || (host.startsWith("[") && host.endsWith("]")));
        if (!hostOk || port < 1 || port > 65535) {
            throw new IllegalArgumentException(source + " takes HOST:PORT (e.g. 10.0.0.1:25520), not \"" + v + "\"");
        }
        return v;
    }
}
