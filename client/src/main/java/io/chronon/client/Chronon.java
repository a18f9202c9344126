package io.chronon.client;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.spi.LocalConnector;
import io.chronon.edn.Keyword;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The entry point of the Java client: connect to a database, create, delete and list
 * databases, by URI (see {@link ChrononUri}):
 *
 * <pre>{@code
 * Chronon.createDatabase("chronon:mem://people");
 * try (Connection conn = Chronon.connect("chronon:mem://people")) {
 *     conn.transact("[{:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]");
 *     conn.transact("[{:person/name \"Ada\"}]");
 *     Object names = conn.db().q("[:find [?n ...] :where [_ :person/name ?n]]");   // ["Ada"]
 * }
 * }</pre>
 *
 * The same code runs against a server by changing the URI to
 * {@code chronon://key:secret@host:8998/people}. In-process URIs need
 * {@code chronon-cluster-node} on the classpath. Every failure is a
 * {@link ChrononException} with a category ({@code incorrect}, {@code not-found}, ...).
 */
public final class Chronon {
    private Chronon() {
    }

    /**
     * A connection to the database {@code uri} names.
     *
     * @throws ChrononException not-found if the database does not exist; forbidden for a
     *         wrong access key; unavailable if the server cannot be reached
     */
    public static Connection connect(String uri) {
        ChrononUri u = ChrononUri.parse(uri);
        u.requireDatabase();
        return u.isLocal() ? local().connect(u) : RemoteConnection.open(u);
    }

    /** Creates the database {@code uri} names; false if it already exists. */
    public static boolean createDatabase(String uri) {
        ChrononUri u = ChrononUri.parse(uri);
        u.requireDatabase();
        if (u.isLocal()) {
            return local().createDatabase(u);
        }
        return changeDatabase(u, "PUT", 409);
    }

    /** Deletes the database {@code uri} names, with all its data; false if it did not exist. */
    public static boolean deleteDatabase(String uri) {
        ChrononUri u = ChrononUri.parse(uri);
        u.requireDatabase();
        if (u.isLocal()) {
            return local().deleteDatabase(u);
        }
        return changeDatabase(u, "DELETE", 404);
    }

    /** Creates (PUT) or deletes (DELETE) a database on a server; false when it answers {@code noChange}. */
    private static boolean changeDatabase(ChrononUri u, String method, int noChange) {
        HttpEdn.Response r = new HttpEdn(u).exchange(method, HttpEdn.dbPath(u.database(), ""), null);
        if (r.status() == noChange) {
            return false;
        }
        if (r.status() / 100 != 2) {
            throw HttpEdn.error(r.status(), r.body());
        }
        return true;
    }

    /**
     * The names of the databases at {@code uri}: a server ({@code chronon://key:secret@host:port/}),
     * memory ({@code chronon:mem://}) or a data directory ({@code chronon:dir:/path/}). A
     * database name in the URI is ignored.
     */
    public static List<String> listDatabases(String uri) {
        ChrononUri u = ChrononUri.parse(uri);
        if (u.isLocal()) {
            return local().listDatabases(u);
        }
        Object names = new HttpEdn(u).call("GET", "/dbs", null);
        List<String> out = new ArrayList<>();
        if (names instanceof List<?> l) {
            for (Object n : l) {
                out.add(String.valueOf(n));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Administration of the users, roles and keys of the server {@code uri} names
     * ({@code chronon://USER-OR-KEY:SECRET@host:port/}), with its credentials.
     *
     * @throws ChrononException unsupported for an in-process URI, which has no users
     */
    public static Admin admin(String uri) {
        ChrononUri u = ChrononUri.parse(uri);
        if (u.isLocal()) {
            throw new ChrononException(ErrorCategory.UNSUPPORTED, Keyword.of("chronon.error/no-users"),
                    "In-process databases have no users; administer a server: chronon://USER:SECRET@host:port/", null);
        }
        return new Admin(u);
    }

    private static volatile LocalConnector localConnector;

    private static LocalConnector local() {
        LocalConnector c = localConnector;
        if (c == null) {
            synchronized (Chronon.class) {
                c = localConnector;
                if (c == null) {
                    Iterator<LocalConnector> found = ServiceLoader.load(LocalConnector.class, Chronon.class.getClassLoader()).iterator();
                    if (!found.hasNext()) {
                        throw new ChrononException(ErrorCategory.UNSUPPORTED, Keyword.of("chronon.error/no-local-connector"),
                                "In-process databases (chronon:mem:// and chronon:dir:) need io.chronon:chronon-cluster-node"
                                        + " on the classpath; use chronon://key:secret@host:port/name for a server", null);
                    }
                    c = found.next();
                    localConnector = c;
                }
            }
        }
        return c;
    }
}
