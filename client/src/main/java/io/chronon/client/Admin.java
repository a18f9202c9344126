package io.chronon.client;

import io.chronon.ChrononException;
import io.chronon.edn.Keyword;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Administration of a server's users, roles, grants and access keys over its HTTP API
 * ({@code /admin}, docs/http.md), with the credentials of the URI it was made with:
 *
 * <pre>{@code
 * Admin admin = Chronon.admin("chronon://admin:PASSWORD@127.0.0.1:8998/");
 * admin.createUser("ann", "a long passphrase");
 * admin.createRole("readers");
 * admin.grant("readers", new Admin.Permission("view", "database", "sales-*"));
 * admin.grantRole("ann", "readers");
 * Admin.NewKey key = admin.createKey("ann", List.of(new Admin.Permission("view", "database", "sales-eu")));
 * // chronon://KEY:SECRET@host:port/sales-eu: key.key(), key.secret() (shown this once)
 * }</pre>
 *
 * Each call fails with a {@link ChrononException}: {@code forbidden} naming the missing
 * permission, {@code not-found}, {@code conflict}, {@code incorrect}.
 */
public final class Admin {
    /**
     * A permission: {@code action} ({@code view}, {@code write}, {@code create}, {@code control})
     * on objects of {@code kind} ({@code database}, {@code user}, {@code role}, {@code server})
     * picked by {@code target}: {@code *}, {@code prefix*} or a name.
     */
    public record Permission(String action, String kind, String target) {
        Map<Object, Object> toEdn() {
            Map<Object, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("action"), Keyword.of(action));
            m.put(Keyword.of("kind"), Keyword.of(kind));
            m.put(Keyword.of("target"), target == null ? "*" : target);
            return m;
        }

        static Permission of(Object edn) {
            Map<?, ?> m = (Map<?, ?>) edn;
            return new Permission(text(m.get(Keyword.of("action"))), text(m.get(Keyword.of("kind"))), text(m.get(Keyword.of("target"))));
        }

        @Override
        public String toString() {
            return action + " " + kind + " " + target;
        }
    }

    /** A user: its granted roles, the permissions of its own role, and its keys' ids. */
    public record User(String name, List<String> roles, List<Permission> permissions, List<String> keys) {
    }

    /** A role: its permissions and the users it is granted to. */
    public record Role(String name, List<Permission> permissions, List<String> users) {
    }

    /** An access key: id, user and its limit (null: all its user may do). */
    public record Key(String key, String user, List<Permission> permissions) {
    }

    /** A new access key with its secret, which the server shows this once. */
    public record NewKey(String key, String secret) {
        @Override
        public String toString() {
            return "NewKey[" + key + "]"; // never the secret
        }
    }

    private final HttpEdn http;

    Admin(ChrononUri uri) {
        this.http = new HttpEdn(uri);
    }

    /** Creates a user with this password (at least 12 characters). */
    public void createUser(String name, String password) {
        Map<Object, Object> body = new LinkedHashMap<>();
        body.put(Keyword.of("password"), password);
        http.call("PUT", "/admin/users/" + enc(name), body);
    }

    /** Creates a user with a generated password, answered this once. */
    public String createUser(String name) {
        Map<?, ?> r = (Map<?, ?>) http.call("PUT", "/admin/users/" + enc(name), null);
        return (String) r.get(Keyword.of("password"));
    }

    /** Deletes a user, its own role and its keys. */
    public void deleteUser(String name) {
        http.call("DELETE", "/admin/users/" + enc(name), null);
    }

    /** Sets a user's password (every user may set its own). */
    public void setPassword(String user, String password) {
        http.call("PUT", "/admin/users/" + enc(user) + "/password", Map.of(Keyword.of("password"), password));
    }

    public List<User> users() {
        List<User> out = new ArrayList<>();
        for (Object o : (List<?>) http.call("GET", "/admin/users", null)) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(new User(text(m.get(Keyword.of("name"))), strings(m.get(Keyword.of("roles"))),
                    permissions(m.get(Keyword.of("permissions"))), strings(m.get(Keyword.of("keys")))));
        }
        return out;
    }

    public void createRole(String name) {
        http.call("PUT", "/admin/roles/" + enc(name), null);
    }

    /** Deletes a role, taking it from its users. */
    public void deleteRole(String name) {
        http.call("DELETE", "/admin/roles/" + enc(name), null);
    }

    public List<Role> roles() {
        List<Role> out = new ArrayList<>();
        for (Object o : (List<?>) http.call("GET", "/admin/roles", null)) {
            Map<?, ?> m = (Map<?, ?>) o;
            out.add(new Role(text(m.get(Keyword.of("name"))), permissions(m.get(Keyword.of("permissions"))),
                    strings(m.get(Keyword.of("users")))));
        }
        return out;
    }

    /** Adds a permission to a role; a user's own role is {@code @user}. */
    public void grant(String role, Permission permission) {
        http.call("POST", "/admin/roles/" + enc(role) + "/grant", permission.toEdn());
    }

    /** Takes a permission from a role. */
    public void revoke(String role, Permission permission) {
        http.call("POST", "/admin/roles/" + enc(role) + "/revoke", permission.toEdn());
    }

    /** Grants a role to a user. */
    public void grantRole(String user, String role) {
        http.call("PUT", "/admin/roles/" + enc(role) + "/users/" + enc(user), null);
    }

    /** Takes a role from a user. */
    public void revokeRole(String user, String role) {
        http.call("DELETE", "/admin/roles/" + enc(role) + "/users/" + enc(user), null);
    }

    /** Makes an access key for {@code user}, limited to {@code limit} (null: all the user may do). */
    public NewKey createKey(String user, List<Permission> limit) {
        Object body = null;
        if (limit != null) {
            List<Object> ps = new ArrayList<>();
            limit.forEach(p -> ps.add(p.toEdn()));
            body = Map.of(Keyword.of("permissions"), ps);
        }
        Map<?, ?> r = (Map<?, ?>) http.call("POST", "/admin/users/" + enc(user) + "/keys", body);
        return new NewKey(text(r.get(Keyword.of("key"))), text(r.get(Keyword.of("secret"))));
    }

    public List<Key> keys(String user) {
        List<Key> out = new ArrayList<>();
        for (Object o : (List<?>) http.call("GET", "/admin/users/" + enc(user) + "/keys", null)) {
            Map<?, ?> m = (Map<?, ?>) o;
            Object limit = m.get(Keyword.of("permissions"));
            out.add(new Key(text(m.get(Keyword.of("key"))), text(m.get(Keyword.of("user"))), limit == null ? null : permissions(limit)));
        }
        return out;
    }

    /** Revokes a key of {@code user}; every node refuses it within a second. */
    public void revokeKey(String user, String key) {
        http.call("DELETE", "/admin/users/" + enc(user) + "/keys/" + enc(key), null);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String text(Object o) {
        return o == null ? null : o instanceof Keyword k ? k.text() : String.valueOf(o);
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(text(x)));
        }
        return List.copyOf(out);
    }

    private static List<Permission> permissions(Object o) {
        List<Permission> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(Permission.of(x)));
        }
        return List.copyOf(out);
    }
}
