package io.chronon.node.cli;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.Admin;
import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.edn.Keyword;
import io.chronon.node.ChrononNode;
import io.chronon.node.client.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Administration through the Java client ({@link Admin}) and the command line
 * ({@code bin/chronon user|role|grant|key}) against a real node, and the same permission
 * check seen through the client: a representative subset of the HTTP matrix.
 */
class AdminCliAndClientTest {
    @TempDir
    static Path dataDir;
    static ChrononNode node;
    static String server;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dataDir, "dev", "dev-secret");
        server = TestNode.serverUri(node, "dev", "dev-secret");
        Chronon.createDatabase(server + "sales-eu");
        Chronon.createDatabase(server + "hr");
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static String uriOf(String user, String secret, String db) {
        return "chronon://" + user + ":" + secret + "@127.0.0.1:" + node.httpPort() + "/" + db;
    }

    @Test
    void theClientAdministersAndItsCallsPassTheSameCheck() {
        Admin admin = Chronon.admin(server);
        admin.createUser("ann", "ann-long-password");
        admin.createRole("sales-readers");
        admin.grant("sales-readers", new Admin.Permission("view", "database", "sales-*"));
        admin.grantRole("ann", "sales-readers");
        assertTrue(admin.users().stream().anyMatch(u -> u.name().equals("ann") && u.roles().equals(List.of("sales-readers"))));
        assertTrue(admin.roles().stream().anyMatch(r -> r.name().equals("sales-readers") && r.users().equals(List.of("ann"))
                && r.permissions().equals(List.of(new Admin.Permission("view", "database", "sales-*")))));

        Admin.NewKey key = admin.createKey("ann", null);
        assertFalse(key.toString().contains(key.secret()));
        try (Connection c = Chronon.connect(uriOf(key.key(), key.secret(), "sales-eu"))) {
            assertEquals(1, ((java.util.Collection<?>) c.db().q("[:find ?e :where [?e :db/ident :db/ident]]")).size(), "ann may read");
            ChrononException denied = assertThrows(ChrononException.class, () -> c.transact("[]"));
            assertEquals(ErrorCategory.FORBIDDEN, denied.category());
            assertEquals(Keyword.of("chronon.error/forbidden"), denied.code());
            assertTrue(denied.getMessage().contains("write database sales-eu"), denied.getMessage());
        }
        assertEquals(List.of("sales-eu"), Chronon.listDatabases(uriOf(key.key(), key.secret(), "")));
        ChrononException hr = assertThrows(ChrononException.class, () -> Chronon.connect(uriOf(key.key(), key.secret(), "hr")));
        assertEquals(ErrorCategory.FORBIDDEN, hr.category());
        assertThrows(ChrononException.class, () -> Chronon.deleteDatabase(uriOf("ann", "ann-long-password", "sales-eu")));

        // a user administers its own keys only
        Admin asAnn = Chronon.admin(uriOf("ann", "ann-long-password", ""));
        Admin.NewKey own = asAnn.createKey("ann", List.of(new Admin.Permission("view", "database", "sales-eu")));
        assertEquals(2, asAnn.keys("ann").size());
        assertThrows(ChrononException.class, () -> asAnn.createUser("mallory"));
        asAnn.revokeKey("ann", own.key());
        admin.revokeKey("ann", key.key());
        ChrononException revoked = assertThrows(ChrononException.class, () -> Chronon.listDatabases(uriOf(key.key(), key.secret(), "")));
        assertEquals(Keyword.of("chronon.error/unauthorized"), revoked.code());
        admin.revokeRole("ann", "sales-readers");
        admin.deleteRole("sales-readers");
        admin.deleteUser("ann");
        assertTrue(admin.users().stream().noneMatch(u -> u.name().equals("ann")));
    }

    static ChrononCliTest.Run cli(String password, String... args) {
        return ChrononCliTest.cliWithPassword(server, password, args);
    }

    static ChrononCliTest.Run ok(String password, String... args) {
        ChrononCliTest.Run r = cli(password, args);
        assertEquals(0, r.status(), () -> String.join(" ", args) + " failed: " + r.err());
        return r;
    }

    @Test
    void theCommandLineAdministersUsersRolesGrantsAndKeys() throws Exception {
        for (String c : List.of("user", "role", "grant", "key")) {
            assertTrue(ok(null, c, "--help").out().startsWith("Usage: bin/chronon " + c), c);
        }
        assertTrue(ok("bob-long-password", "user", "create", "bob").out().contains("created user bob"));
        ChrononCliTest.Run generated = ok(null, "user", "create", "carl");
        assertTrue(generated.out().matches("(?s)created user carl with password [A-Za-z0-9_-]{43} \\(shown once\\)\\s*"), generated.out());
        ok(null, "role", "create", "writers");
        ok(null, "grant", "writers", "write", "database", "hr");
        ok(null, "role", "add", "writers", "bob");
        assertTrue(ok(null, "role", "list").out().contains("writers  permissions [write database hr]  users [bob]"));
        ChrononCliTest.Run key = ok(null, "key", "create", "--limit", "view:database:hr", "bob");
        String[] words = key.out().trim().split(" ");
        String id = words[1];
        String secret = words[3];
        try (Connection c = Chronon.connect(uriOf(id, secret, "hr"))) {
            c.db();
            assertThrows(ChrononException.class, () -> c.transact("[]"), "the key is limited to view");
        }
        try (Connection c = Chronon.connect(uriOf("bob", "bob-long-password", "hr"))) {
            c.transact("[]");
        }
        assertTrue(ok(null, "key", "list", "bob").out().startsWith(id + "  limited to [view database hr]"));
        Path file = dataDir.resolve("pw");
        Files.writeString(file, "bob-new-password\n");
        ok(null, "user", "password", "--password-file", file.toString(), "bob");
        assertTrue(ok(null, "user", "list").out().contains("bob  roles [writers]"));
        ok(null, "key", "revoke", "bob", id);
        ok(null, "grant", "--revoke", "writers", "write", "database", "hr");
        ok(null, "role", "remove", "writers", "bob");
        ok(null, "role", "delete", "writers");
        ok(null, "user", "delete", "bob");
        ChrononCliTest.Run missing = cli(null, "user", "delete", "bob");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("not-found"), missing.err());
        assertEquals(2, cli(null, "user", "password", "carl").status(), "no password given: a usage error");
        assertFalse(key.err().contains(secret) || generated.err().contains("password"));
        assertEquals(Map.of(), Map.of());
    }
}
