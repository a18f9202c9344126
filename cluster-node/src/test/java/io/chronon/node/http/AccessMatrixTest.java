package io.chronon.node.http;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The permission matrix over real HTTP against a real node: for every protected endpoint and
 * every action level, a user holding that level on the endpoint's object kind succeeds when
 * the level suffices and gets 403 naming the missing permission when it does not; a user
 * without permissions gets 403 everywhere. Plus keys limited below their user, revocation,
 * the administrator's generated password, and failed-login limits.
 */
class AccessMatrixTest {
    static HttpTestNode node;
    static final String EDN = "application/edn";
    static final List<String> LEVELS = List.of("view", "write", "create", "control");
    /** Key id and secret of each test user (u-view, ..., u-none), as HTTP Basic pairs. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();
    static final AtomicInteger FRESH = new AtomicInteger();
    /** What the node logged during the test (its refusals and failed logins at INFO), searched for secrets at the end. */
    static final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> LOG =
            new ch.qos.logback.core.read.ListAppender<>();
    /** Every secret the test used: none may appear in a log. */
    static final List<String> SECRETS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LOG.start();
        root.addAppender(LOG);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.chronon")).setLevel(ch.qos.logback.classic.Level.INFO);
        SECRETS.add("a-long-enough-password");
        SECRETS.add("another-long-password");
        node = new HttpTestNode("chronon.http.failed-logins { per-name = 3, per-address = 1000000, window = 60s }");
        assertEquals(201, node.put("/dbs/m").statusCode());
        assertEquals(200, admin("POST", "/dbs/m/transact", "{:tx-data [{:db/ident :m/x}]}").statusCode());
        for (String level : LEVELS) {
            String user = "u-" + level;
            createUser(user);
            for (String grant : List.of("{:action :" + level + " :kind :database :target \"m*\"}",
                    "{:action :" + level + " :kind :user :target \"*\"}", "{:action :" + level + " :kind :role :target \"*\"}",
                    "{:action :" + level + " :kind :server}")) {
                assertEquals(200, admin("POST", "/admin/roles/@" + user + "/grant", grant).statusCode());
            }
            KEYS.put(user, newKey(user, null));
        }
        createUser("u-none");
        KEYS.put("u-none", newKey("u-none", null));
        createUser("t-fix");
        assertEquals(200, admin("PUT", "/admin/roles/r-fix", null).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(LOG);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.chronon")).setLevel(null);
        assertTrue(LOG.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith("Denied user u-")), "refusals are logged");
        for (var e : LOG.list) {
            for (String secret : SECRETS) {
                assertFalse(e.getFormattedMessage().contains(secret), "a log line holds a secret: " + e.getFormattedMessage());
            }
        }
    }

    static void createUser(String name) {
        HttpResponse<String> r = admin("PUT", "/admin/users/" + name, "{:password \"a-long-enough-password\"}");
        assertEquals(201, r.statusCode(), r.body());
    }

    /** A new key of {@code user} as a {@code key:secret} pair. */
    static String newKey(String user, String permissions) {
        HttpResponse<String> r = admin("POST", "/admin/users/" + user + "/keys", permissions);
        assertEquals(201, r.statusCode(), r.body());
        Map<?, ?> m = (Map<?, ?>) EdnReader.read(r.body());
        SECRETS.add((String) m.get(Keyword.of("secret")));
        return m.get(Keyword.of("key")) + ":" + m.get(Keyword.of("secret"));
    }

    static HttpResponse<String> admin(String method, String path, String body) {
        return as(HttpTestNode.KEY, method, path, body);
    }

    static HttpResponse<String> as(String pair, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", EDN).header("Authorization", HttpTestNode.basic(pair));
        if (body != null) {
            b.header("Content-Type", EDN).method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        if (path.endsWith("/tx-reports")) {
            // a stream: its status is enough
            try {
                HttpResponse<java.io.InputStream> r = node.client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                String text = r.statusCode() == 200 ? "" : new String(r.body().readAllBytes());
                r.body().close();
                int status = r.statusCode();
                return new StatusOnly(status, text, r);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return node.send(b.build());
    }

    /** One endpoint of the matrix: its request, what it needs, and how to prepare its object again. */
    record Case(String method, String path, String body, String needs, String kind, Runnable prepare) {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Runnable none = () -> { };
        cases.add(new Case("GET", "/cluster", null, "view", "server", none));
        String q = "?query=" + HttpTestNode.enc("[:find ?e :where [?e :db/ident :m/x]]");
        Map<String, String[]> reads = new LinkedHashMap<>();
        reads.put("q", new String[]{q, "{:query \"[:find ?e :where [?e :db/ident :m/x]]\"}"});
        reads.put("pull", new String[]{"?selector=" + HttpTestNode.enc("[*]") + "&eid=" + HttpTestNode.enc(":m/x"),
                "{:selector \"[*]\" :eid :m/x}"});
        reads.put("pull-many", new String[]{"?selector=" + HttpTestNode.enc("[*]") + "&eids=" + HttpTestNode.enc("[:m/x]"),
                "{:selector \"[*]\" :eids [:m/x]}"});
        reads.put("datoms", new String[]{"?index=eavt", "{:index \"eavt\"}"});
        reads.put("index-range", new String[]{"?attr=" + HttpTestNode.enc(":db/ident"), "{:attr :db/ident}"});
        reads.put("log", new String[]{"?from-t=1&limit=1", "{:from-t 1 :limit 1}"});
        reads.put("attribute", new String[]{"?attr=" + HttpTestNode.enc(":db/ident"), "{:attr :db/ident}"});
        reads.put("entid-at", new String[]{"?partition=" + HttpTestNode.enc(":db.part/user") + "&point=0",
                "{:partition :db.part/user :point 0}"});
        reads.forEach((op, params) -> {
            cases.add(new Case("GET", "/dbs/m/" + op + params[0], null, "view", "database", none));
            cases.add(new Case("POST", "/dbs/m/" + op, params[1], "view", "database", none));
        });
        cases.add(new Case("GET", "/dbs/m", null, "view", "database", none));
        cases.add(new Case("GET", "/dbs/m/sync", null, "view", "database", none));
        cases.add(new Case("GET", "/dbs/m/sync-index", null, "view", "database", none));
        cases.add(new Case("GET", "/dbs/m/tx-reports", null, "view", "database", none));
        cases.add(new Case("POST", "/dbs/m/transact", "{:tx-data []}", "write", "database", none));
        cases.add(new Case("PUT", "/dbs/m-new-{n}", null, "create", "database", none));
        cases.add(new Case("DELETE", "/dbs/m-del", null, "control", "database", () -> admin("PUT", "/dbs/m-del", null)));
        cases.add(new Case("POST", "/dbs/m/request-index", null, "control", "database", none));
        cases.add(new Case("POST", "/dbs/m/gc-storage", "{}", "control", "database", none));
        cases.add(new Case("GET", "/admin/users", null, "view", "user", none));
        cases.add(new Case("PUT", "/admin/users/t-new-{n}", "{:password \"a-long-enough-password\"}", "create", "user", none));
        cases.add(new Case("DELETE", "/admin/users/t-del", null, "control", "user",
                () -> admin("PUT", "/admin/users/t-del", "{:password \"a-long-enough-password\"}")));
        cases.add(new Case("PUT", "/admin/users/t-fix/password", "{:password \"another-long-password\"}", "write", "user", none));
        cases.add(new Case("GET", "/admin/users/t-fix/keys", null, "view", "user", none));
        cases.add(new Case("POST", "/admin/users/t-fix/keys", null, "write", "user", none));
        cases.add(new Case("DELETE", "/admin/users/t-fix/keys/{key}", null, "write", "user", none));
        cases.add(new Case("GET", "/admin/roles", null, "view", "role", none));
        cases.add(new Case("PUT", "/admin/roles/r-new-{n}", null, "create", "role", none));
        cases.add(new Case("DELETE", "/admin/roles/r-del", null, "control", "role", () -> admin("PUT", "/admin/roles/r-del", null)));
        cases.add(new Case("POST", "/admin/roles/r-fix/grant", "{:action :view :kind :database :target \"x\"}", "control", "role", none));
        cases.add(new Case("POST", "/admin/roles/r-fix/revoke", "{:action :view :kind :database :target \"x\"}", "control", "role", none));
        cases.add(new Case("PUT", "/admin/roles/r-fix/users/t-fix", null, "control", "role", none));
        cases.add(new Case("DELETE", "/admin/roles/r-fix/users/t-fix", null, "control", "role", none));
        return cases;
    }

    @Test
    void everyEndpointAtEveryLevel() {
        Set<String> covered = new TreeSet<>();
        for (Case c : cases()) {
            for (String user : KEYS.keySet()) {
                c.prepare().run();
                String path = c.path().replace("{n}", String.valueOf(FRESH.incrementAndGet()));
                if (path.contains("{key}")) {
                    path = path.replace("{key}", newKey("t-fix", null).split(":")[0]);
                }
                HttpResponse<String> r = as(KEYS.get(user), c.method(), path, c.body());
                String level = user.substring(2);
                boolean allowed = LEVELS.contains(level) && LEVELS.indexOf(level) >= LEVELS.indexOf(c.needs());
                String what = user + " " + c.method() + " " + path;
                if (allowed) {
                    assertTrue(r.statusCode() >= 200 && r.statusCode() < 300, what + ": " + r.statusCode() + " " + r.body());
                } else {
                    assertEquals(403, r.statusCode(), what + ": " + r.body());
                    Map<?, ?> body = (Map<?, ?>) EdnReader.read(r.body());
                    assertEquals(Keyword.of("forbidden"), body.get(Keyword.of("category")));
                    Map<?, ?> form = (Map<?, ?>) body.get(Keyword.of("form"));
                    assertEquals(Keyword.of(c.needs()), form.get(Keyword.of("action")), what);
                    assertEquals(Keyword.of(c.kind()), form.get(Keyword.of("kind")), what);
                    assertTrue(((String) body.get(Keyword.of("message"))).contains("needs permission '" + c.needs() + " " + c.kind()), what);
                }
                covered.add(c.method() + " " + c.path().replaceAll("\\?.*", ""));
            }
        }
        // every protected endpoint of the server is in the matrix (the list above covers GET /dbs below)
        Set<String> served = new TreeSet<>();
        for (String e : OpenApiTest.serverEndpoints(node)) {
            if (!List.of("GET /health", "GET /ready", "GET /openapi.yaml", "GET /dbs").contains(e)) {
                served.add(e.replace("{db}", "m").replace("{user}", "t-fix").replace("{role}", "r-fix"));
            }
        }
        Set<String> normalized = new TreeSet<>();
        for (String c : covered) {
            normalized.add(c.replace("m-new-{n}", "m").replace("m-del", "m").replace("t-new-{n}", "t-fix").replace("t-del", "t-fix")
                    .replace("r-new-{n}", "r-fix").replace("r-del", "r-fix"));
        }
        assertEquals(served, normalized);
    }

    @Test
    void listingDatabasesShowsWhatOneMayView() {
        assertEquals(List.of(), EdnReader.read(as(KEYS.get("u-none"), "GET", "/dbs", null).body()));
        List<?> seen = (List<?>) EdnReader.read(as(KEYS.get("u-view"), "GET", "/dbs", null).body());
        assertTrue(seen.contains("m") && seen.stream().allMatch(n -> ((String) n).startsWith("m")), seen.toString());
    }

    @Test
    void aKeyLimitedToViewingCannotWriteAndARevokedKeyNothing() {
        String readOnly = newKey("u-control", "{:permissions [{:action :view :kind :database :target \"*\"}]}");
        assertEquals(200, as(readOnly, "GET", "/dbs/m", null).statusCode());
        HttpResponse<String> w = as(readOnly, "POST", "/dbs/m/transact", "{:tx-data []}");
        assertEquals(403, w.statusCode());
        assertTrue(w.body().contains("is limited to"), w.body());
        String id = readOnly.split(":")[0];
        assertFalse(w.body().contains(readOnly.split(":")[1]), "no secret in an answer");
        // a key can be revoked by its own user, and is refused at once
        assertEquals(200, as(KEYS.get("u-view"), "GET", "/admin/users/u-view/keys", null).statusCode(), "one may view oneself");
        assertEquals(200, admin("DELETE", "/admin/users/u-control/keys/" + id, null).statusCode());
        assertEquals(401, as(readOnly, "GET", "/dbs/m", null).statusCode());
        // u-none may not make keys for others, but for itself
        assertEquals(403, as(KEYS.get("u-none"), "POST", "/admin/users/t-fix/keys", null).statusCode());
        assertEquals(201, as(KEYS.get("u-none"), "POST", "/admin/users/u-none/keys", null).statusCode());
    }

    @Test
    void passwordsLogInAndFailedLoginsAreLimited() {
        HttpResponse<String> created = admin("PUT", "/admin/users/pat", null);
        assertEquals(201, created.statusCode(), created.body());
        String password = (String) ((Map<?, ?>) EdnReader.read(created.body())).get(Keyword.of("password"));
        assertNotNull(password);
        SECRETS.add(password);
        assertEquals(403, as("pat:" + password, "GET", "/dbs/m", null).statusCode(), "logged in, but may not view m");
        for (int i = 0; i < 3; i++) {
            assertEquals(401, as("pat:wrong-" + i, "GET", "/dbs/m", null).statusCode());
        }
        HttpResponse<String> limited = as("pat:" + password, "GET", "/dbs/m", null);
        assertEquals(429, limited.statusCode(), "even the right password waits");
        long retry = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        assertFalse(limited.body().contains(password));
    }

    @Test
    void theAdministratorsPasswordIsGeneratedShownOnceAndKeptReadableByItsOwnerOnly() throws Exception {
        String password = node.node.adminPassword().toCompletableFuture().get(60, TimeUnit.SECONDS).orElseThrow();
        SECRETS.add(password);
        Path file = node.dataDir.resolve("admin-password");
        assertEquals(password, Files.readString(file).trim());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(200, as("admin:" + password, "GET", "/admin/users", null).statusCode());
        assertTrue(password.length() >= 40);
    }

    /** A streamed answer reduced to its status (and error body). */
    record StatusOnly(int statusCode, String body, HttpResponse<?> of) implements HttpResponse<String> {
        public HttpRequest request() {
            return of.request();
        }

        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return of.headers();
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return java.util.Optional.empty();
        }

        public URI uri() {
            return of.uri();
        }

        public java.net.http.HttpClient.Version version() {
            return of.version();
        }
    }
}
