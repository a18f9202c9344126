package io.chronon.node.http;

import io.chronon.ChrononException;
import io.chronon.edn.Keyword;
import io.chronon.node.http.Route.Access;
import io.chronon.sharding.access.AccessChange;
import io.chronon.sharding.access.AccessKey;
import io.chronon.sharding.access.AccessModel;
import io.chronon.sharding.access.Action;
import io.chronon.sharding.access.ObjectKind;
import io.chronon.sharding.access.Permission;
import io.chronon.sharding.access.Role;
import io.chronon.sharding.access.Secrets;
import io.chronon.sharding.access.User;
import io.chronon.sharding.catalog.AccessReplica;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Administration of users, roles, grants and access keys under {@code /admin} (docs/http.md):
 * each route needs a permission on the user or role its path names (a user may always view
 * and write itself: its password and keys). Changes go to the access catalog, and the node
 * answering has the new model before it answers. Passwords and key secrets are hashed here
 * (off the request threads) and only their hashes leave the node; a generated password or a
 * new key's secret is answered once and never again.
 */
final class AdminRoutes {
    private static final Keyword NAME = Keyword.of("name");
    private static final Keyword ROLES = Keyword.of("roles");
    private static final Keyword USERS = Keyword.of("users");
    private static final Keyword PERMISSIONS = Keyword.of("permissions");
    private static final Keyword PASSWORD = Keyword.of("password");

    private final ChrononHttpServer server;
    private final AccessReplica access;
    private final Executor hashing;

    AdminRoutes(ChrononHttpServer server, AccessReplica access, Executor hashing) {
        this.server = server;
        this.access = access;
        this.hashing = hashing;
    }

    List<Route> routes() {
        return List.of(
                new Route(HttpMethods.GET, "/admin/users", Access.on(Action.VIEW, ObjectKind.USER, null), this::users),
                new Route(HttpMethods.PUT, "/admin/users/{user}", Access.on(Action.CREATE, ObjectKind.USER, "user"), this::createUser),
                new Route(HttpMethods.DELETE, "/admin/users/{user}", Access.on(Action.CONTROL, ObjectKind.USER, "user"),
                        c -> change(c, new AccessChange.DeleteUser(c.var("user")))),
                new Route(HttpMethods.PUT, "/admin/users/{user}/password", Access.on(Action.WRITE, ObjectKind.USER, "user"), this::setPassword),
                new Route(HttpMethods.GET, "/admin/users/{user}/keys", Access.on(Action.VIEW, ObjectKind.USER, "user"), this::keys),
                new Route(HttpMethods.POST, "/admin/users/{user}/keys", Access.on(Action.WRITE, ObjectKind.USER, "user"), this::createKey),
                new Route(HttpMethods.DELETE, "/admin/users/{user}/keys/{key}", Access.on(Action.WRITE, ObjectKind.USER, "user"),
                        this::revokeKey),
                new Route(HttpMethods.GET, "/admin/roles", Access.on(Action.VIEW, ObjectKind.ROLE, null), this::roles),
                new Route(HttpMethods.PUT, "/admin/roles/{role}", Access.on(Action.CREATE, ObjectKind.ROLE, "role"),
                        c -> change(c, new AccessChange.CreateRole(c.var("role")))),
                new Route(HttpMethods.DELETE, "/admin/roles/{role}", Access.on(Action.CONTROL, ObjectKind.ROLE, "role"),
                        c -> change(c, new AccessChange.DeleteRole(c.var("role")))),
                new Route(HttpMethods.POST, "/admin/roles/{role}/grant", Access.on(Action.CONTROL, ObjectKind.ROLE, "role"),
                        c -> permission(c).thenCompose(p -> change(c, new AccessChange.Grant(c.var("role"), p)))),
                new Route(HttpMethods.POST, "/admin/roles/{role}/revoke", Access.on(Action.CONTROL, ObjectKind.ROLE, "role"),
                        c -> permission(c).thenCompose(p -> change(c, new AccessChange.Revoke(c.var("role"), p)))),
                new Route(HttpMethods.PUT, "/admin/roles/{role}/users/{user}", Access.on(Action.CONTROL, ObjectKind.ROLE, "role"),
                        c -> change(c, new AccessChange.GrantRole(c.var("user"), c.var("role")))),
                new Route(HttpMethods.DELETE, "/admin/roles/{role}/users/{user}", Access.on(Action.CONTROL, ObjectKind.ROLE, "role"),
                        c -> change(c, new AccessChange.RevokeRole(c.var("user"), c.var("role")))));
    }

    private AccessModel model() {
        AccessModel m = access.model();
        if (m == null) {
            throw RequestGuard.accessUnavailable();
        }
        return m;
    }

    /** Makes {@code change}; answers {@code {:version v}}, the access model's version with it. */
    private CompletionStage<HttpResponse> change(Call call, AccessChange change) {
        call.request().discardEntityBytes(server.system());
        return access.change(change).thenApply(m -> ChrononHttpServer.response(200, call.format(), Map.of(Keyword.of("version"), m.version())));
    }

    private CompletionStage<HttpResponse> users(Call call) {
        call.request().discardEntityBytes(server.system());
        AccessModel m = model();
        List<Object> out = new ArrayList<>();
        for (User u : m.users().values()) {
            Map<Object, Object> row = new LinkedHashMap<>();
            row.put(NAME, u.name());
            row.put(ROLES, List.copyOf(u.roles()));
            Role own = m.roles().get(User.ownRole(u.name()));
            row.put(PERMISSIONS, own == null ? List.of() : encode(own.sorted()));
            row.put(Keyword.of("keys"), m.keysOf(u.name()).stream().map(AccessKey::id).toList());
            out.add(row);
        }
        return CompletableFuture.completedFuture(ChrononHttpServer.response(200, call.format(), out));
    }

    private CompletionStage<HttpResponse> roles(Call call) {
        call.request().discardEntityBytes(server.system());
        AccessModel m = model();
        List<Object> out = new ArrayList<>();
        for (Role r : m.roles().values()) {
            Map<Object, Object> row = new LinkedHashMap<>();
            row.put(NAME, r.name());
            row.put(PERMISSIONS, encode(r.sorted()));
            row.put(USERS, m.users().values().stream().filter(u -> u.roles().contains(r.name())).map(User::name).toList());
            out.add(row);
        }
        return CompletableFuture.completedFuture(ChrononHttpServer.response(200, call.format(), out));
    }

    /** Body {@code {:password "..."}}, or none: a password is generated and answered once. */
    private CompletionStage<HttpResponse> createUser(Call call) {
        String name = call.var("user");
        return optionalBody(call).thenCompose(body -> {
            String given = text(body.get(PASSWORD));
            String password = given != null ? given : Secrets.newSecret();
            checkPassword(password);
            return CompletableFuture.supplyAsync(() -> Secrets.hashPassword(password), hashing)
                    .thenCompose(hash -> access.change(new AccessChange.CreateUser(name, hash)))
                    .thenApply(m -> {
                        Map<Object, Object> out = new LinkedHashMap<>();
                        out.put(NAME, name);
                        out.put(Keyword.of("version"), m.version());
                        if (given == null) {
                            out.put(PASSWORD, password);
                        }
                        return ChrononHttpServer.response(201, call.format(), out);
                    });
        });
    }

    private CompletionStage<HttpResponse> setPassword(Call call) {
        return server.body(call).thenCompose(body -> {
            String password = text(body instanceof Map<?, ?> m ? m.get(PASSWORD) : null);
            if (password == null) {
                throw ChrononException.incorrect("chronon.error/invalid-body", "The body is {:password \"...\"}", null);
            }
            checkPassword(password);
            return CompletableFuture.supplyAsync(() -> Secrets.hashPassword(password), hashing)
                    .thenCompose(hash -> access.change(new AccessChange.SetPassword(call.var("user"), hash)))
                    .thenApply(m -> ChrononHttpServer.response(200, call.format(), Map.of(Keyword.of("version"), m.version())));
        });
    }

    private static void checkPassword(String password) {
        if (password.length() < 12) {
            // never echoed: not even its length matters here
            throw ChrononException.incorrect("chronon.error/weak-password", "A password has at least 12 characters", null);
        }
    }

    private CompletionStage<HttpResponse> keys(Call call) {
        call.request().discardEntityBytes(server.system());
        List<Object> out = new ArrayList<>();
        for (AccessKey k : model().keysOf(call.var("user"))) {
            out.add(describe(k));
        }
        return CompletableFuture.completedFuture(ChrononHttpServer.response(200, call.format(), out));
    }

    private static Map<Object, Object> describe(AccessKey k) {
        Map<Object, Object> row = new LinkedHashMap<>();
        row.put(Keyword.of("key"), k.id());
        row.put(Keyword.of("user"), k.user());
        row.put(PERMISSIONS, k.limit() == null ? null : encode(k.limit().stream()
                .sorted(java.util.Comparator.comparing(Permission::toString)).toList()));
        row.put(Keyword.of("created-at"), k.createdAt());
        return row;
    }

    /**
     * Body none, or {@code {:permissions [{:action :view :kind :database :target "x"} ...]}} to
     * limit the key; answers {@code {:key id :secret s ...}}, the only time the secret is shown.
     */
    private CompletionStage<HttpResponse> createKey(Call call) {
        String user = call.var("user");
        return optionalBody(call).thenCompose(body -> {
            Set<Permission> limit = null;
            Object ps = body.get(PERMISSIONS);
            if (ps != null) {
                if (!(ps instanceof List<?> list)) {
                    throw ChrononException.incorrect("chronon.error/invalid-body", ":permissions is a vector of permissions", ps);
                }
                limit = new LinkedHashSet<>();
                for (Object p : list) {
                    limit.add(permission(p));
                }
            }
            Set<Permission> finalLimit = limit;
            String id = "key-" + Secrets.newId(9);
            String secret = Secrets.newSecret();
            return CompletableFuture.supplyAsync(() -> Secrets.hashKeySecret(secret), hashing)
                    .thenCompose(hash -> access.change(new AccessChange.AddKey(new AccessKey(id, user, hash, finalLimit, System.currentTimeMillis()))))
                    .thenApply(m -> {
                        Map<Object, Object> out = describe(m.keys().get(id));
                        out.put(Keyword.of("secret"), secret);
                        return ChrononHttpServer.response(201, call.format(), out);
                    });
        });
    }

    private CompletionStage<HttpResponse> revokeKey(Call call) {
        AccessKey k = model().keys().get(call.var("key"));
        if (k == null || !k.user().equals(call.var("user"))) {
            call.request().discardEntityBytes(server.system());
            throw ChrononException.notFound("chronon.error/key-not-found", "User " + call.var("user") + " has no key " + call.var("key"),
                    call.var("key"));
        }
        return change(call, new AccessChange.RemoveKey(k.id()));
    }

    private CompletionStage<Map<?, ?>> optionalBody(Call call) {
        boolean empty = call.request().entity().isKnownEmpty()
                || call.request().entity().getContentLengthOption().orElse(-1) == 0;
        if (empty) {
            call.request().discardEntityBytes(server.system());
            return CompletableFuture.completedFuture(Map.of());
        }
        return server.body(call).thenApply(b -> {
            if (!(b instanceof Map<?, ?> m)) {
                throw ChrononException.incorrect("chronon.error/invalid-body", "The body must be a map", null);
            }
            return m;
        });
    }

    private CompletionStage<Permission> permission(Call call) {
        return server.body(call).thenApply(AdminRoutes::permission);
    }

    /** {@code {:action :view :kind :database :target "x"}} (target * when left out; JSON: strings). */
    static Permission permission(Object form) {
        if (!(form instanceof Map<?, ?> m)) {
            throw ChrononException.incorrect("chronon.error/invalid-permission",
                    "A permission is {:action :view :kind :database :target \"name\"}", form);
        }
        try {
            return Permission.parse(text(m.get(Keyword.of("action"))), text(m.get(Keyword.of("kind"))), text(m.get(Keyword.of("target"))));
        } catch (IllegalArgumentException e) {
            throw ChrononException.incorrect("chronon.error/invalid-permission", e.getMessage(), form);
        }
    }

    static List<Object> encode(List<Permission> ps) {
        List<Object> out = new ArrayList<>();
        for (Permission p : ps) {
            Map<Object, Object> m = new LinkedHashMap<>();
            m.put(Keyword.of("action"), Keyword.of(p.action().label()));
            m.put(Keyword.of("kind"), Keyword.of(p.kind().label()));
            m.put(Keyword.of("target"), p.target().toString());
            out.add(m);
        }
        return out;
    }

    private static String text(Object o) {
        return o == null ? null : o instanceof Keyword k ? k.text() : String.valueOf(o);
    }
}
