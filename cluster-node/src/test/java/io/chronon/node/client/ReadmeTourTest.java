package io.chronon.node.client;

import io.chronon.client.Chronon;
import io.chronon.client.Connection;
import io.chronon.client.Db;
import io.chronon.client.TxReport;
import io.chronon.edn.EdnReader;
import io.chronon.node.ChrononNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java part of the README's five-minute tour, as written there (this test checks that the
 * README holds the same lines), run against a real server and in process.
 */
class ReadmeTourTest {

    /** The tour's code after its first line (which names the server); answers what it computed. */
    static Object[] tour(String server) {
        // tour:begin
        Chronon.createDatabase(server + "tour2");
        try (Connection conn = Chronon.connect(server + "tour2")) {
            conn.transact("""
                [{:db/ident :person/name :db/valueType :db.type/string
                  :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}
                 {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]""");
            TxReport r = conn.transact("[{:db/id \"ada\" :person/name \"Ada\" :person/age 36}]");
            long ada = r.tempid("ada");
            Db db = conn.db();                                     // includes the connection's own writes
            Object names = db.q("[:find [?n ...] :in $ ?min :where [?e :person/age ?a] [(>= ?a ?min)] [?e :person/name ?n]]", 30L);
            Map<Object, Object> pulled = db.pull("[:person/name :person/age]", ada);   // {:person/name "Ada", :person/age 36}
            conn.transact("[[:db/add [:person/name \"Ada\"] :person/age 37]]");
            Object then = db.q("[:find ?a . :where [_ :person/age ?a]]");              // 36: a Db is a value
            Object now = conn.db().q("[:find ?a . :where [_ :person/age ?a]]");        // 37
            Object before = conn.db().asOf(r.basisT()).q("[:find ?a . :where [_ :person/age ?a]]");   // 36
        // tour:end
            return new Object[] {names, pulled, then, now, before};
        }
    }

    static void check(Object[] results) {
        assertEquals(List.of("Ada"), results[0]);
        assertEquals(EdnReader.read("{:person/name \"Ada\" :person/age 36}"), results[1]);
        assertEquals(36L, results[2]);
        assertEquals(37L, results[3]);
        assertEquals(36L, results[4]);
    }

    @Test
    void theTourRunsOnAServerAndInProcess(@TempDir Path dir) throws Exception {
        ChrononNode node = TestNode.start(dir, "me", "secret");
        try {
            check(tour(TestNode.serverUri(node, "me", "secret")));
        } finally {
            node.close();
        }
        check(tour("chronon:mem://"));
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/io/chronon/node/client/ReadmeTourTest.java"));
        String code = source.substring(source.indexOf("// tour:begin") + "// tour:begin".length(), source.indexOf("// tour:end"));
        String readme = Files.readString(Path.of("../README.md"));
        String block = readme.substring(readme.indexOf("```java", readme.indexOf("## A five-minute tour")));
        block = block.substring("```java".length(), block.indexOf("```", 7));
        List<String> readmeLines = block.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        List<String> codeLines = code.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        assertTrue(readmeLines.get(0).startsWith("String server = \"chronon://"), readmeLines.get(0));
        assertEquals(codeLines, readmeLines.subList(1, readmeLines.size() - 1), "the README's tour is this test's code");
        assertEquals("}", readmeLines.get(readmeLines.size() - 1));
    }
}
