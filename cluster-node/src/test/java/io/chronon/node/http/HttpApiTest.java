package io.chronon.node.http;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.chronon.node.http.HttpTestNode.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint of the HTTP API on a real node, with EDN and with JSON bodies and answers. */
class HttpApiTest {
    static final String EDN = "application/edn";
    static final String JSON = "application/json";
    static final String SCHEMA = "[{:db/ident :person/email :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}"
            + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}"
            + " {:db/ident :person/age :db/valueType :db.type/long :db/cardinality :db.cardinality/one}]";

    static HttpTestNode node;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    /** The value of an answer, read in the format its Content-Type names. */
    static Object value(HttpResponse<String> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        return type.startsWith(JSON) ? JsonConvention.read(r.body()) : EdnReader.read(r.body());
    }

    static Object get(Object map, String key) {
        return ((Map<?, ?>) map).get(Keyword.of(key));
    }

    /** A fresh database with the schema, in {@code format}; its name. */
    static String freshDb(String name) {
        HttpResponse<String> created = node.put("/dbs/" + name);
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> tx = node.post("/dbs/" + name + "/transact", EDN, "{:tx-data " + SCHEMA + "}", EDN);
        assertEquals(200, tx.statusCode(), tx.body());
        return name;
    }

    @Test
    void healthReadyAndOpenApiNeedNoKey() {
        for (String path : List.of("/health", "/ready", "/openapi.yaml")) {
            HttpResponse<String> r = node.send(HttpRequest.newBuilder(java.net.URI.create(node.base + path)).GET().build());
            assertEquals(200, r.statusCode(), path + ": " + r.body());
        }
        assertEquals(Map.of(Keyword.of("status"), Keyword.of("ok")), value(node.get("/health", EDN)));
        assertTrue(node.get("/health", JSON).body().contains("\"~:status\":\"~:ok\""));
    }

    @Test
    void databasesAreCreatedListedDescribedAndDeleted() {
        assertEquals(201, node.put("/dbs/lifecycle").statusCode());
        HttpResponse<String> again = node.put("/dbs/lifecycle");
        assertEquals(409, again.statusCode());
        assertEquals(Keyword.of("conflict"), get(value(again), "category"));
        assertTrue(((List<?>) value(node.get("/dbs", EDN))).contains("lifecycle"));
        assertTrue(((List<?>) value(node.get("/dbs", JSON))).contains("lifecycle"));
        Object info = value(node.get("/dbs/lifecycle", EDN));
        assertEquals("lifecycle", get(info, "db/name"));
        assertTrue(get(info, "basis-t") instanceof Long);
        assertEquals(200, node.delete("/dbs/lifecycle").statusCode());
        assertEquals(404, node.delete("/dbs/lifecycle").statusCode());
        assertFalse(((List<?>) value(node.get("/dbs", EDN))).contains("lifecycle"));
        assertEquals(404, node.get("/dbs/lifecycle", EDN).statusCode());
        assertEquals(201, node.send(node.request("/dbs/inmem?storage=memory", null).PUT(HttpRequest.BodyPublishers.noBody()).build()).statusCode());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EDN, JSON})
    void transactAndEveryReadInBothFormats(String format) {
        String db = freshDb(format.equals(EDN) ? "people-edn" : "people-json");
        String txBody = format.equals(EDN)
                ? "{:tx-data [{:db/id \"ann\" :person/email \"ann@x\" :person/name \"Ann\" :person/age 30}"
                + " {:db/id \"bob\" :person/email \"bob@x\" :person/name \"Bob\" :person/age 40}]}"
                : "{\"~:tx-data\": [{\"~:db/id\": \"ann\", \"~:person/email\": \"ann@x\", \"~:person/name\": \"Ann\", \"~:person/age\": 30},"
                + " {\"~:db/id\": \"bob\", \"~:person/email\": \"bob@x\", \"~:person/name\": \"Bob\", \"~:person/age\": 40}]}";
        HttpResponse<String> tx = node.post("/dbs/" + db + "/transact", format, txBody, format);
        assertEquals(200, tx.statusCode(), tx.body());
        assertTrue(tx.headers().firstValue("Content-Type").orElse("").startsWith(format));
        Object result = value(tx);
        long t = (Long) get(result, "basis-t");
        assertEquals(t - 1, get(result, "basis-t-before"));
        Map<?, ?> tempids = (Map<?, ?>) get(result, "tempids");
        long ann = (Long) tempids.get("ann");
        List<?> txData = (List<?>) get(result, "tx-data");
        assertTrue(txData.size() >= 7, "six datoms and the transaction's txInstant");
        assertEquals(get(result, "tx"), ((List<?>) txData.get(0)).get(3));

        String q = "[:find ?n ?a :in $ ?min :where [?e :person/name ?n] [?e :person/age ?a] [(>= ?a ?min)]]";
        String qBody = format.equals(EDN) ? "{:query \"" + q.replace("\"", "\\\"") + "\" :args [35] :basis-t " + t + "}"
                : "{\"~:query\": \"" + q + "\", \"~:args\": [35], \"~:basis-t\": " + t + "}";
        Object answer = value(node.post("/dbs/" + db + "/q", format, qBody, format));
        assertEquals(Set.of(List.of("Bob", 40L)), get(answer, "result"));
        assertEquals(t, get(answer, "basis-t"));
        Object viaGet = value(node.get("/dbs/" + db + "/q?query=" + enc(q) + "&args=" + enc("[0]") + "&basis-t=" + t
                + "&order-by=" + enc("[[?a :desc]]") + "&limit=1", format));
        assertEquals(List.of(List.of("Bob", 40L)), get(viaGet, "result"));

        String pullBody = format.equals(EDN) ? "{:selector \"[:person/name]\" :eid [:person/email \"ann@x\"]}"
                : "{\"~:selector\": [\"~:person/name\"], \"~:eid\": [\"~:person/email\", \"ann@x\"]}";
        assertEquals(Map.of(Keyword.of("person/name"), "Ann"), get(value(node.post("/dbs/" + db + "/pull", format, pullBody, format)), "result"));
        String manyBody = format.equals(EDN) ? "{:selector [:person/age] :eids [" + ann + " [:person/email \"bob@x\"]]}"
                : "{\"~:selector\": [\"~:person/age\"], \"~:eids\": [" + ann + ", [\"~:person/email\", \"bob@x\"]]}";
        assertEquals(List.of(Map.of(Keyword.of("person/age"), 30L), Map.of(Keyword.of("person/age"), 40L)),
                get(value(node.post("/dbs/" + db + "/pull-many", format, manyBody, format)), "result"));

        List<?> datoms = (List<?>) get(value(node.get("/dbs/" + db + "/datoms?index=aevt&c=" + enc(":person/name"), format)), "result");
        assertEquals(2, datoms.size());
        assertEquals(List.of(ann), List.of(((List<?>) datoms.get(0)).get(0)));
        List<?> range = (List<?>) get(value(node.get("/dbs/" + db + "/index-range?attr=" + enc(":person/age") + "&start=35", format)), "result");
        assertEquals(List.of(40L), range.stream().map(d -> ((List<?>) d).get(2)).toList());
        List<?> logged = (List<?>) get(value(node.get("/dbs/" + db + "/log?from-t=" + t, format)), "result");
        assertEquals(1, logged.size());
        assertEquals(t, get(logged.get(0), "t"));
        assertEquals(txData.size(), ((List<?>) get(logged.get(0), "data")).size());

        Object synced = value(node.get("/dbs/" + db + "/sync?t=" + t, format));
        assertEquals(t, get(synced, "basis-t"));
        assertEquals(db, get(synced, "db/name"));
        assertEquals(t, get(value(node.get("/dbs/" + db + "/sync", format)), "basis-t"));
        assertEquals(t, get(value(node.get("/dbs/" + db, format)), "basis-t"));
    }

    @Test
    void basisKeysAsOfSinceHistoryWithAndDatabaseInputs() {
        String db = freshDb("basis");
        long t1 = (Long) get(value(node.post("/dbs/basis/transact", EDN, "{:tx-data [{:person/email \"a@x\" :person/age 1}]}", EDN)), "basis-t");
        long t2 = (Long) get(value(node.post("/dbs/basis/transact", EDN, "{:tx-data [[:db/add [:person/email \"a@x\"] :person/age 2]]}", EDN)), "basis-t");
        String ages = "\"[:find ?a :where [_ :person/age ?a]]\"";
        assertEquals(Set.of(List.of(1L)), get(value(node.post("/dbs/" + db + "/q", EDN, "{:query " + ages + " :as-of " + t1 + "}", EDN)), "result"));
        assertEquals(Set.of(List.of(2L)), get(value(node.post("/dbs/" + db + "/q", EDN, "{:query " + ages + " :since " + t1 + "}", EDN)), "result"));
        assertEquals(3, ((Set<?>) get(value(node.post("/dbs/" + db + "/q", EDN,
                "{:query \"[:find ?a ?op :where [_ :person/age ?a _ ?op]]\" :history true}", EDN)), "result")).size());
        Object with = value(node.post("/dbs/" + db + "/q", EDN,
                "{:query " + ages + " :with [[{:person/email \"b@x\" :person/age 9}] [[:db/add [:person/email \"b@x\"] :person/age 10]]]}", EDN));
        assertEquals(Set.of(List.of(2L), List.of(10L)), get(with, "result"));
        assertEquals(t2, get(with, "basis-t"));
        assertEquals(Set.of(List.of(2L)), get(value(node.post("/dbs/" + db + "/q", EDN, "{:query " + ages + "}", EDN)), "result"),
                ":with wrote nothing");
        Object twoDbs = value(node.post("/dbs/" + db + "/q", EDN, "{:query \"[:find ?now ?then :in $ $old :where [_ :person/age ?now] [$old _ :person/age ?then]]\""
                + " :args [#chronon/db {:name \"basis\" :as-of " + t1 + "}]}", EDN));
        assertEquals(Set.of(List.of(2L, 1L)), get(twoDbs, "result"));
        Object json = value(node.post("/dbs/" + db + "/q", JSON, "{\"~:query\": \"[:find ?then :in $ $old :where [$old _ :person/age ?then]]\","
                + " \"~:args\": [{\"~#chronon/db\": {\"~:name\": \"basis\", \"~:as-of\": " + t1 + "}}]}", JSON));
        assertEquals(Set.of(List.of(1L)), get(json, "result"));
    }

    @Test
    void readYourWritesAcrossTwoClientsWithBasisT() throws Exception {
        freshDb("ryw");
        // a second client, with its own connections: it learns t only from the first one's answer
        java.net.http.HttpClient second = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 20; i++) {
            long t = (Long) get(value(node.post("/dbs/ryw/transact", EDN, "{:tx-data [{:person/email \"p" + i + "\" :person/age " + i + "}]}", EDN)), "basis-t");
            HttpResponse<String> read = second.send(node.request("/dbs/ryw/q?basis-t=" + t + "&query="
                    + enc("[:find (count ?e) . :where [?e :person/age]]"), EDN).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, read.statusCode(), read.body());
            assertEquals((long) i + 1, get(value(read), "result"));
            HttpResponse<String> post = second.send(node.request("/dbs/ryw/q", EDN).header("Content-Type", EDN)
                    .POST(HttpRequest.BodyPublishers.ofString("{:query \"[:find (count ?e) . :where [?e :person/age]]\" :basis-t " + t + "}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue((Long) get(value(post), "basis-t") >= t);
            assertEquals((long) i + 1, get(value(post), "result"));
        }
    }

    @Test
    void pinnedReadsCarryEtagsAndAnswer304() {
        freshDb("cache");
        long t = (Long) get(value(node.post("/dbs/cache/transact", EDN, "{:tx-data [{:person/email \"c\" :person/age 3}]}", EDN)), "basis-t");
        String path = "/dbs/cache/q?query=" + enc("[:find ?a :where [_ :person/age ?a]]") + "&basis-t=" + t;
        HttpResponse<String> first = node.get(path, EDN);
        assertEquals(200, first.statusCode());
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(first.headers().firstValue("Cache-Control").orElseThrow().contains("max-age"));
        node.post("/dbs/cache/transact", EDN, "{:tx-data [{:person/email \"d\" :person/age 4}]}", EDN);
        HttpResponse<String> again = node.send(node.request(path, EDN).header("If-None-Match", etag).GET().build());
        assertEquals(304, again.statusCode(), "pinned to t: the later transaction does not change the answer");
        assertEquals(etag, again.headers().firstValue("ETag").orElseThrow());
        HttpResponse<String> json = node.send(node.request(path, JSON).header("If-None-Match", etag).GET().build());
        assertEquals(200, json.statusCode(), "another format is another representation");
        HttpResponse<String> latest = node.get("/dbs/cache/q?query=" + enc("[:find ?a :where [_ :person/age ?a]]"), EDN);
        assertEquals("private, no-cache", latest.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals(Set.of(List.of(3L), List.of(4L)), get(value(latest), "result"));
        assertEquals(Set.of(List.of(3L)), get(value(first), "result"));
    }

    /** A valid request of each read, as EDN body and as GET parameters. */
    static final Map<String, String[]> READS = Map.of(
            "q", new String[]{"{:query \"[:find ?e :where [?e :person/email]]\"}", "query=" + enc("[:find ?e :where [?e :person/email]]")},
            "pull", new String[]{"{:selector [:person/email] :eid [:person/email \"all@x\"]}",
                    "selector=" + enc("[:person/email]") + "&eid=" + enc("[:person/email \"all@x\"]")},
            "pull-many", new String[]{"{:selector [:person/email] :eids [[:person/email \"all@x\"]]}",
                    "selector=" + enc("[:person/email]") + "&eids=" + enc("[[:person/email \"all@x\"]]")},
            "datoms", new String[]{"{:index \"aevt\" :components [:person/email]}", "index=aevt&c=" + enc(":person/email")},
            "index-range", new String[]{"{:attr :person/age :start 0}", "attr=" + enc(":person/age") + "&start=0"},
            "log", new String[]{"{:from-t 0 :limit 5}", "from-t=0&limit=5"},
            "attribute", new String[]{"{:attr :person/email}", "attr=" + enc(":person/email")},
            "entid-at", new String[]{"{:partition :db.part/user :point 1000}", "partition=" + enc(":db.part/user") + "&point=1000"});

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {EDN, JSON})
    void everyEndpointAnswersInBothFormats(String format) {
        String db = freshDb(format.equals(EDN) ? "all-edn" : "all-json");
        node.post("/dbs/" + db + "/transact", EDN, "{:tx-data [{:person/email \"all@x\" :person/age 5}]}", EDN);
        int tried = 0;
        for (String endpoint : node.node.http().orElseThrow().endpoints()) {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = endpoint.substring(endpoint.indexOf(' ') + 1).replace("{db}", db);
            String op = path.substring(path.lastIndexOf('/') + 1);
            if (path.endsWith("/tx-reports") || method.equals("DELETE") || method.equals("PUT") || path.startsWith("/admin/")) {
                continue; // a stream, the database's life cycle and administration (AccessMatrixTest): tested on their own
            }
            HttpResponse<String> r;
            if (READS.containsKey(op)) {
                String body = READS.get(op)[0];
                r = method.equals("GET") ? node.get(path + "?" + READS.get(op)[1], format)
                        : node.post(path, format, format.equals(JSON) ? JsonConvention.write(EdnReader.read(body)) : body, format);
                assertTrue(((Map<?, ?>) value(r)).containsKey(Keyword.of("result")), endpoint);
            } else if (method.equals("POST")) {
                r = node.post(path, format, format.equals(JSON) ? "{\"~:tx-data\": []}" : "{:tx-data []}", format);
            } else {
                r = node.get(path, format);
            }
            assertEquals(200, r.statusCode(), endpoint + ": " + r.body());
            if (!path.equals("/openapi.yaml")) {
                assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(format), endpoint);
                assertNotNull(value(r));
            }
            tried++;
        }
        // all but tx-reports, the database's PUT and DELETE, and administration
        assertEquals(node.node.http().orElseThrow().endpoints().stream().filter(e -> !e.contains(" /admin/")).count() - 3, tried);
    }

    @Test
    void aBodyWithoutContentTypeIsEdn() {
        freshDb("untyped");
        HttpResponse<String> r = node.send(node.request("/dbs/untyped/transact", null)
                .POST(HttpRequest.BodyPublishers.ofString("{:tx-data [{:person/email \"u\"}]}")).build());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(EDN), "EDN answers by default");
    }

    @Test
    void repeatedRequestIdTransactsOnce() {
        freshDb("idem");
        String body = "{:tx-data [{:person/email \"once\" :person/age 1}] :request-id \"r-1\"}";
        Object a = value(node.post("/dbs/idem/transact", EDN, body, EDN));
        Object b = value(node.post("/dbs/idem/transact", EDN, body, EDN));
        assertEquals(get(a, "basis-t"), get(b, "basis-t"));
        assertEquals("r-1", get(b, "request-id"));
        assertEquals(null, get(a, "duplicate"));
        assertEquals(true, get(b, "duplicate"));
        assertEquals(1, ((List<?>) get(value(node.get("/dbs/idem/log?from-t=" + get(a, "basis-t"), EDN)), "result")).size());
    }

    @Test
    void corsAnswersAllowedOriginsOnly() {
        HttpResponse<String> preflight = node.send(HttpRequest.newBuilder(java.net.URI.create(node.base + "/dbs"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", HttpTestNode.ORIGIN)
                .header("Access-Control-Request-Method", "GET").build());
        assertEquals(204, preflight.statusCode());
        assertNotNull(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        HttpResponse<String> allowed = node.send(node.request("/dbs", EDN).header("Origin", HttpTestNode.ORIGIN).GET().build());
        assertEquals(HttpTestNode.ORIGIN, allowed.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> other = node.send(node.request("/dbs", EDN).header("Origin", "https://evil.example").GET().build());
        assertNull(other.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void bothAccessKeysWork() {
        for (String key : List.of(HttpTestNode.KEY, HttpTestNode.ROTATED)) {
            HttpResponse<String> r = node.send(HttpRequest.newBuilder(java.net.URI.create(node.base + "/dbs"))
                    .header("Authorization", HttpTestNode.basic(key)).GET().build());
            assertEquals(200, r.statusCode());
        }
    }
}
