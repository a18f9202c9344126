package io.chronon.node.cli;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.client.Db;
import io.chronon.edn.EdnReader;
import io.chronon.node.ChrononNode;
import io.chronon.node.client.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's client commands against a real node (HTTP on 127.0.0.1), run through its entry point in this JVM. */
class ChrononCliTest {
    static final String KEY = "cli";
    static final String SECRET = "cli-secret";

    @TempDir
    static Path dataDir;
    static ChrononNode node;
    static String server;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start(dataDir, KEY, SECRET);
        server = TestNode.serverUri(node, KEY, SECRET);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** One command's exit status, stdout and stderr. */
    record Run(int status, String out, String err) {
    }

    static Run cli(String envUri, String... args) {
        return cliWithPassword(envUri, null, args);
    }

    /** One command with {@code $CHRONON_URI} and {@code $CHRONON_PASSWORD} set to these (null: unset). */
    static Run cliWithPassword(String envUri, String envPassword, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new ChrononCli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                envUri, envPassword).run(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run ok(String... args) {
        Run r = cli(null, args);
        assertEquals(0, r.status(), () -> String.join(" ", args) + " failed: " + r.err());
        return r;
    }

    @Test
    void helpForEveryCommand() {
        assertTrue(ok("--help").out().contains("create-db"));
        for (String c : List.of("create-db", "delete-db", "list-dbs", "transact", "q", "import", "export", "gc-storage")) {
            assertTrue(ok(c, "--help").out().startsWith("Usage: bin/chronon " + c), c);
        }
        assertEquals(2, cli(null, "frobnicate").status());
        assertEquals(2, cli(null, "q", "--uri", server).status(), "a missing argument is a usage error");
        assertEquals(2, cli(null, "transact", "--bogus").status());
    }

    @Test
    void createTransactAndQuery() {
        assertEquals("created people\n", ok("create-db", "--uri", server, "people").out());
        assertEquals("exists people\n", ok("create-db", "--uri", server, "people").out());
        assertTrue(ok("list-dbs", "--uri", server).out().lines().toList().contains("people"));
        ok("transact", "--uri", server, "people", """
                [{:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
                 {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]""");
        Map<?, ?> report = (Map<?, ?>) EdnReader.read(ok("transact", "--uri", server, "people",
                "[{:db/id \"ada\" :person/name \"Ada\" :person/age 36} {:person/name \"Bob\" :person/age 41}]").out());
        assertTrue(((Map<?, ?>) report.get(io.chronon.edn.Keyword.of("tempids"))).containsKey("ada"));
        // the server from the environment (CHRONON_URI) instead of --uri
        Run q = cli(server, "q", "people", "[:find ?n :in $ ?min :where [?e :person/age ?a] [(>= ?a ?min)] [?e :person/name ?n]]", "40");
        assertEquals(0, q.status(), q.err());
        assertEquals(EdnReader.read("#{[\"Bob\"]}"), EdnReader.read(q.out()));
        Run wrong = cli(null, "q", "--uri", "chronon://cli:wrong@127.0.0.1:" + node.httpPort() + "/", "people", "[:find ?e :where [?e :person/name]]");
        assertEquals(1, wrong.status());
        assertTrue(wrong.err().startsWith("error (forbidden)"), wrong.err());
        Run bad = cli(null, "transact", "--uri", server, "people", "[[:db/add \"x\" :person/nope 1]]");
        assertEquals(1, bad.status());
        assertTrue(bad.err().startsWith("error (incorrect)"), bad.err());
        assertEquals(1, cli(null, "q", "--uri", server, "nobody", "[:find ?e :where [?e :db/ident]]").status());
    }

    @Test
    void gcStorageDeletesTheSegmentsOfSupersededRoots() {
        ok("create-db", "--uri", server, "collected");
        ok("transact", "--uri", server, "collected", "[{:db/ident :thing/n :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]");
        for (int round = 0; round < 3; round++) {
            ok("transact", "--uri", server, "collected", "[{:thing/n " + round + "}]");
            // an indexing job per round: each leaves the previous roots superseded
            try (io.chronon.client.Connection conn = io.chronon.client.Chronon.connect(server + "collected")) {
                conn.syncIndex(conn.requestIndex()).join();
            }
        }
        // the default cut-off (an hour ago) keeps every recorded roots: it deletes only what no record names
        assertTrue(ok("gc-storage", "--uri", server, "collected").out().matches("deleted [0-9]+ segments of collected\n"));
        assertEquals("deleted 0 segments of collected\n", ok("gc-storage", "--uri", server, "collected").out(), "nothing new to delete");
        Run collected = ok("gc-storage", "--uri", server, "--older-than", "0s", "collected");
        assertTrue(collected.out().matches("deleted [1-9][0-9]* segments of collected\n"), collected.out());
        assertEquals(EdnReader.read("#{[0] [1] [2]}"), EdnReader.read(ok("q", "--uri", server, "collected", "[:find ?n :where [_ :thing/n ?n]]").out()));
        Run bad = cli(null, "gc-storage", "--uri", server, "--older-than", "soon", "collected");
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--older-than"), bad.err());
    }

    @Test
    void importShowsProgressAndExportRoundTrips(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("people.edn");
        StringBuilder file = new StringBuilder("""
                [{:db/ident :person/email :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
                 {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}
                 {:db/ident :person/friend :db/valueType :db.type/ref :db/cardinality :db.cardinality/many}
                 {:db/ident :person/color :db/valueType :db.type/ref :db/cardinality :db.cardinality/one}
                 {:db/ident :color/red} {:db/ident :color/blue}]
                """);
        for (int i = 0; i < 200; i++) {
            file.append("[{:person/email \"p").append(i).append("@x\" :person/name \"P").append(i).append("\" :person/color :color/")
                    .append(i % 2 == 0 ? "red" : "blue").append(i > 0 ? " :person/friend [[:person/email \"p" + (i - 1) + "@x\"]]" : "")
                    .append("}]\n");
        }
        file.append("[[:db/retract [:person/email \"p3@x\"] :person/name \"P3\"] [:db/add [:person/email \"p4@x\"] :person/name \"Four\"]]\n");
        file.append("[[:db/retractEntity [:person/email \"p7@x\"]] {:db/id \"datomic.tx\" :person/name \"a tx with metadata\"}]\n");
        Files.writeString(source, file);

        Run imported = ok("import", "--uri", server, "--create", "src", source.toString());
        assertTrue(imported.err().contains("100%"), imported.err());
        assertTrue(imported.err().contains("tx/s"), imported.err());
        assertEquals(203L, ((Map<?, ?>) EdnReader.read(imported.out())).get(io.chronon.edn.Keyword.of("transactions")));

        Path dump = tmp.resolve("src.export.edn");
        ok("export", "--uri", server, "src", dump.toString());
        assertTrue(Files.readString(dump).startsWith("#chronon/export"));
        ok("import", "--uri", server, "--create", "copy", dump.toString());

        try (Connection src = Chronon.connect(server + "src"); Connection copy = Chronon.connect(server + "copy")) {
            Db a = src.db();
            Db b = copy.db();
            String facts = "[:find ?email ?name ?color :where [?e :person/email ?email] [(get-else $ ?e :person/name \"-\") ?name]"
                    + " [(get-else $ ?e :person/color :none) ?c] [(get-else $ ?c :db/ident :none) ?color]]";
            assertEquals(a.q(facts), b.q(facts));
            String friends = "[:find ?a ?b :where [?x :person/friend ?y] [?x :person/email ?a] [?y :person/email ?b]]";
            assertEquals(a.q(friends), b.q(friends));
            assertEquals(197, ((java.util.Set<?>) b.q(friends)).size(), "199 friendships, less p7's two");
            String history = "[:find ?v ?added :where [?e :person/email \"p4@x\"] [?e :person/name ?v _ ?added]]";
            assertEquals(a.history().q(history), b.history().q(history));
            String instants = "[:find [?inst ...] :where [_ :db/txInstant ?inst]]";
            assertEquals(Set(a.q(instants)), Set(b.q(instants)), "the original transaction instants are kept");
            assertEquals(a.q("[:find ?n . :where [?tx :person/name ?n] [?tx :db/txInstant]]"),
                    b.q("[:find ?n . :where [?tx :person/name ?n] [?tx :db/txInstant]]"), "transaction metadata");
            assertEquals(src.txRange(null, null).size(), copy.txRange(null, null).size());
        }
    }

    private static java.util.Set<Object> Set(Object list) {
        return new java.util.HashSet<>((List<?>) list);
    }
}
