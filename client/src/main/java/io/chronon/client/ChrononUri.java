package io.chronon.client;

import io.chronon.ChrononException;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a database is, parsed from a Chronon URI:
 * <ul>
 *   <li>{@code chronon:mem://name}: a database in memory, in this process (gone when it ends);</li>
 *   <li>{@code chronon:dir:/path/name}: a database stored in directory {@code /path}, in this process;</li>
 *   <li>{@code chronon://key:secret@host:port/name}: a database on a Chronon server, over HTTP;</li>
 *   <li>{@code chronons://key:secret@host:port/name}: the same over HTTPS, trusting the certificate
 *       authorities of the PEM file named by the system property {@code chronon.tls.ca-file}
 *       (the command line's {@code --ca-file}), else the JVM's trust store; the host must be
 *       named by the server's certificate.</li>
 * </ul>
 * Without the name ({@code chronon:mem://}, {@code chronon:dir:/path/},
 * {@code chronon://key:secret@host:port/}) a URI names the place only, as
 * {@link Chronon#listDatabases} takes. Key and secret may be percent-encoded. A server URI
 * may name the query group its reads go to: {@code chronon://key:secret@host:port/name?query-group=analytics}
 * (else the key's configured group, else the default; see docs/operations.md).
 *
 * @param kind     in memory, in a directory, or remote
 * @param database the database name, or "" when the URI names the place only
 * @param dir      the data directory ({@link Kind#DIR} only)
 * @param host     the server's host ({@link Kind#REMOTE} only)
 * @param port     the server's HTTP port ({@link Kind#REMOTE} only)
 * @param key      the access key ({@link Kind#REMOTE} only)
 * @param secret   the access key's secret ({@link Kind#REMOTE} only); never printed by {@link #toString()}
 * @param queryGroup the query group of reads ({@link Kind#REMOTE} only), or null for the server's choice
 * @param tls      HTTPS ({@code chronons://}) rather than HTTP ({@link Kind#REMOTE} only)
 */
public record ChrononUri(Kind kind, String database, Path dir, String host, int port, String key, String secret,
                         String queryGroup, boolean tls) {

    /** The three places a database can be. */
    public enum Kind {
        /** In memory, in this process. */
        MEM,
        /** In a data directory, in this process. */
        DIR,
        /** On a server, over HTTP or HTTPS. */
        REMOTE
    }

    /**
     * The system property naming a PEM file of the certificate authorities a {@code chronons://}
     * connection trusts (else the JVM's trust store).
     */
    public static final String CA_FILE_PROPERTY = "chronon.tls.ca-file";

    /** The server port used when a remote URI gives none. */
    public static final int DEFAULT_PORT = 8998;

    private static final Pattern REMOTE = Pattern.compile("chronons?://(?:([^:@/]*)(?::([^@/]*))?@)?([^:/@]+|\\[[^\\]]+\\])(?::(\\d+))?(?:/(.*))?");

    public ChrononUri {
        Objects.requireNonNull(kind, "kind");
        database = database == null ? "" : database;
    }

    /**
     * Parses a Chronon URI.
     *
     * @throws ChrononException (incorrect) if it is not one of the forms above
     */
    public static ChrononUri parse(String uri) {
        if (uri == null) {
            throw bad(null, "no URI given");
        }
        if (uri.startsWith("chronon:mem://")) {
            String name = uri.substring("chronon:mem://".length());
            if (name.contains("/")) {
                throw bad(uri, "a mem URI is chronon:mem://name");
            }
            return new ChrononUri(Kind.MEM, name, null, null, 0, null, null, null, false);
        }
        if (uri.startsWith("chronon:dir:")) {
            String rest = uri.substring("chronon:dir:".length());
            if (rest.isEmpty()) {
                throw bad(uri, "a dir URI is chronon:dir:/path/name");
            }
            int slash = rest.lastIndexOf('/');
            Path dir = Path.of(slash < 0 ? "." : slash == 0 ? "/" : rest.substring(0, slash));
            return new ChrononUri(Kind.DIR, rest.substring(slash + 1), dir.toAbsolutePath().normalize(), null, 0, null, null, null, false);
        }
        String group = null;
        boolean tls = uri.startsWith("chronons://");
        int question = uri.startsWith("chronon://") || tls ? uri.indexOf('?') : -1;
        String address = question < 0 ? uri : uri.substring(0, question);
        if (question >= 0) {
            String params = uri.substring(question + 1);
            if (!params.startsWith("query-group=") || params.contains("&") || params.length() == "query-group=".length()) {
                throw bad(uri, "the only parameter of a server URI is ?query-group=NAME");
            }
            group = decode(params.substring("query-group=".length()));
        }
        Matcher m = REMOTE.matcher(address);
        if (m.matches()) {
            String name = m.group(5) == null ? "" : m.group(5);
            if (name.endsWith("/")) {
                name = name.substring(0, name.length() - 1);
            }
            if (name.contains("/")) {
                throw bad(uri, "a server URI is chronon://key:secret@host:port/name");
            }
            return new ChrononUri(Kind.REMOTE, decode(name), null, m.group(3),
                    m.group(4) == null ? DEFAULT_PORT : Integer.parseInt(m.group(4)),
                    m.group(1) == null ? null : decode(m.group(1)), m.group(2) == null ? null : decode(m.group(2)), group, tls);
        }
        throw bad(uri, "not a Chronon URI");
    }

    /** True for the in-process kinds ({@code mem} and {@code dir}). */
    public boolean isLocal() {
        return kind != Kind.REMOTE;
    }

    /** This URI naming another database in the same place. */
    public ChrononUri withDatabase(String name) {
        return new ChrononUri(kind, name, dir, host, port, key, secret, queryGroup, tls);
    }

    /** The database name, or an incorrect error when the URI names none. */
    public String requireDatabase() {
        if (database.isEmpty()) {
            throw bad(toString(), "the URI names no database");
        }
        return database;
    }

    /** The URI as text, with the secret masked. */
    @Override
    public String toString() {
        return switch (kind) {
            case MEM -> "chronon:mem://" + database;
            case DIR -> "chronon:dir:" + dir.resolve(database.isEmpty() ? "." : database).normalize() + (database.isEmpty() ? "/" : "");
            case REMOTE -> (tls ? "chronons://" : "chronon://") + (key == null ? "" : key + ":***@") + host + ":" + port + "/" + database
                    + (queryGroup == null ? "" : "?query-group=" + queryGroup);
        };
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ChrononException bad(String uri, String why) {
        return ChrononException.incorrect("chronon.error/invalid-uri", "Invalid Chronon URI " + maskSecret(uri) + ": " + why
                + " (chronon:mem://name, chronon:dir:/path/name, chronon://key:secret@host:port/name or"
                + " chronons://key:secret@host:port/name for HTTPS)", maskSecret(uri));
    }

    private static String maskSecret(String uri) {
        return uri == null ? null : uri.replaceFirst("(chronons?://[^:@/]*:)[^@/]*@", "$1***@");
    }
}
