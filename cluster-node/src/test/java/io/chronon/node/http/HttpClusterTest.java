package io.chronon.node.http;

import io.chronon.edn.Keyword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static io.chronon.node.http.HttpApiTest.EDN;
import static io.chronon.node.http.HttpApiTest.get;
import static io.chronon.node.http.HttpApiTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster view ({@code GET /cluster}) and query-group selection of reads on a real node
 * serving the default group and group "reports": by header, by the access key's configured
 * group, and the errors for a group no node serves.
 */
class HttpClusterTest {
    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        // the rotated key's reads go to a group nobody serves, unless a request names another
        node = new HttpTestNode("pekko.cluster.roles = [transactor, query, \"query-group:reports\"]\n"
                + "chronon.http.key-query-groups { next-key = nowhere }");
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    private static String freshDb(String name) {
        assertEquals(201, node.put("/dbs/" + name).statusCode());
        HttpResponse<String> tx = node.post("/dbs/" + name + "/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN);
        assertEquals(200, tx.statusCode(), tx.body());
        return name;
    }

    private static HttpResponse<String> count(String db, String group, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base + "/dbs/" + db + "/q?query="
                        + HttpTestNode.enc("[:find (count ?e) . :where [?e :person/name]]")))
                .header("Accept", EDN).header("Authorization", HttpTestNode.basic(key)).GET();
        if (group != null) {
            b.header("X-Chronon-Query-Group", group);
        }
        return node.send(b.build());
    }

    @Test
    void clusterViewNamesThisNodeItsMembersGroupsAndWriters() {
        String db = freshDb("clustered");
        Object cluster = value(node.get("/cluster", EDN));
        String self = (String) get(cluster, "self");
        assertTrue(self.startsWith("127.0.0.1:"), self);
        assertEquals(List.of("query", "query-group:reports", "transactor"), get(cluster, "roles"));
        List<?> members = (List<?>) get(cluster, "members");
        assertEquals(1, members.size());
        assertEquals(self, get(members.get(0), "address"));
        assertEquals(Keyword.of("up"), get(members.get(0), "status"));
        assertEquals(true, get(members.get(0), "reachable"));
        assertEquals(List.of("query", "reports"), get(cluster, "query-groups"));
        assertTrue(((List<?>) get(cluster, "writers")).contains(db), cluster.toString());
        // it needs a key
        assertEquals(401, node.send(HttpRequest.newBuilder(URI.create(node.base + "/cluster")).GET().build()).statusCode());
    }

    @Test
    void readsGoToTheGroupTheRequestOrItsKeyNames() {
        String db = freshDb("grouped");
        String self = (String) get(value(node.get("/cluster", EDN)), "self");
        for (String group : new String[] {null, "query", "reports"}) {
            HttpResponse<String> r = count(db, group, HttpTestNode.KEY);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(self, r.headers().firstValue("X-Chronon-Served-By").orElse(null));
        }
        // a group no node serves: 404 with its own code
        HttpResponse<String> unknown = count(db, "nobody", HttpTestNode.KEY);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertEquals(Keyword.of("chronon.error/unknown-query-group"), get(value(unknown), "code"));
        // the rotated key's configured group is used when the request names none...
        HttpResponse<String> ofKey = count(db, null, HttpTestNode.ROTATED);
        assertEquals(404, ofKey.statusCode(), ofKey.body());
        // ...and a header overrides it; sync follows the same choice
        assertEquals(200, count(db, "reports", HttpTestNode.ROTATED).statusCode());
        HttpResponse<String> sync = node.send(HttpRequest.newBuilder(URI.create(node.base + "/dbs/" + db + "/sync"))
                .header("Accept", EDN).header("Authorization", HttpTestNode.basic(HttpTestNode.ROTATED)).GET().build());
        assertEquals(404, sync.statusCode(), sync.body());
    }
}
