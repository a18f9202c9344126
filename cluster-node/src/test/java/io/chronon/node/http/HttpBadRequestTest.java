package io.chronon.node.http;

import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.chronon.node.http.HttpTestNode.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad requests of every kind get the documented error (status, category, one body shape,
 * in the format asked for) and change nothing: the basis stays where it was.
 */
class HttpBadRequestTest {
    static final String EDN = "application/edn";
    static final String JSON = "application/json";
    static HttpTestNode node;
    static long basis;

    @BeforeAll
    static void start() throws Exception {
        node = new HttpTestNode();
        assertEquals(201, node.put("/dbs/bad").statusCode());
        assertEquals(200, node.post("/dbs/bad/transact", EDN, "{:tx-data " + HttpApiTest.SCHEMA + "}", EDN).statusCode());
        assertEquals(200, node.post("/dbs/bad/transact", EDN, "{:tx-data [{:person/email \"a@x\" :person/age 1}]}", EDN).statusCode());
        basis = basisT();
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
    }

    static long basisT() {
        return (Long) ((Map<?, ?>) EdnReader.read(node.get("/dbs/bad/sync", EDN).body())).get(Keyword.of("basis-t"));
    }

    record Case(String name, String method, String path, String contentType, String body, int status, String category) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        String big = "{:tx-data [{:person/email \"" + "x".repeat(70_000) + "\"}]}";
        String deep = "[".repeat(3000) + "]".repeat(3000);
        return Stream.of(
                new Case("malformed EDN", "POST", "/dbs/bad/transact", EDN, "{:tx-data [", 400, "incorrect"),
                new Case("malformed JSON", "POST", "/dbs/bad/transact", JSON, "{\"~:tx-data\": [", 400, "incorrect"),
                new Case("JSON with an unknown ~ kind", "POST", "/dbs/bad/transact", JSON, "{\"~:tx-data\": [\"~zfoo\"]}", 400, "incorrect"),
                new Case("JSON integer beyond a long", "POST", "/dbs/bad/transact", JSON,
                        "{\"~:tx-data\": [[\"~:db/add\", \"x\", \"~:person/age\", 123456789012345678901234567890]]}", 400, "incorrect"),
                new Case("two JSON values", "POST", "/dbs/bad/transact", JSON, "{} {}", 400, "incorrect"),
                new Case("EDN nested too deep", "POST", "/dbs/bad/q", EDN, deep, 400, "incorrect"),
                new Case("body not a map", "POST", "/dbs/bad/transact", EDN, "[1 2 3]", 400, "incorrect"),
                new Case("tx-data of the wrong type", "POST", "/dbs/bad/transact", EDN, "{:tx-data 42}", 400, "incorrect"),
                new Case("tx-data missing", "POST", "/dbs/bad/transact", EDN, "{}", 400, "incorrect"),
                new Case("empty body", "POST", "/dbs/bad/transact", EDN, "", 400, "incorrect"),
                new Case("unsupported content type", "POST", "/dbs/bad/transact", "text/plain", "{:tx-data []}", 415, "incorrect"),
                new Case("form body", "POST", "/dbs/bad/transact", "application/x-www-form-urlencoded", "{:tx-data []}", 415, "incorrect"),
                new Case("multipart body", "POST", "/dbs/bad/q", "multipart/form-data; boundary=x", "--x\r\n\r\n--x--", 415, "incorrect"),
                new Case("request-id not a string", "POST", "/dbs/bad/transact", EDN, "{:tx-data [] :request-id 7}", 400, "incorrect"),
                new Case("huge body", "POST", "/dbs/bad/transact", EDN, big, 413, "incorrect"),
                new Case("value of the wrong type", "POST", "/dbs/bad/transact", EDN,
                        "{:tx-data [[:db/add \"x\" :person/age \"old\"]]}", 400, "incorrect"),
                new Case("unknown attribute", "POST", "/dbs/bad/transact", EDN, "{:tx-data [[:db/add \"x\" :no/such 1]]}", 400, "incorrect"),
                new Case("failed cas", "POST", "/dbs/bad/transact", EDN,
                        "{:tx-data [[:db/cas [:person/email \"a@x\"] :person/age 99 2]]}", 409, "conflict"),
                new Case("unknown database (transact)", "POST", "/dbs/nope/transact", EDN, "{:tx-data []}", 404, "not-found"),
                new Case("unknown database (q)", "POST", "/dbs/nope/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\"}", 404, "not-found"),
                new Case("unknown database (info)", "GET", "/dbs/nope", null, null, 404, "not-found"),
                new Case("unknown database (stream)", "GET", "/dbs/nope/tx-reports", null, null, 404, "not-found"),
                new Case("malformed query", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?x :where [?x\"}", 400, "incorrect"),
                new Case("invalid query", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?x :where [?y :person/age 1]]\"}", 400, "incorrect"),
                new Case("query missing", "POST", "/dbs/bad/q", EDN, "{:args []}", 400, "incorrect"),
                new Case("args not a vector", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\" :args 5}", 400, "incorrect"),
                new Case("basis-t not a number", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\" :basis-t \"x\"}", 400, "incorrect"),
                new Case("negative limit", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\" :limit -1}", 400, "incorrect"),
                new Case("history not a boolean", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\" :history 1}", 400, "incorrect"),
                new Case("timeout zero", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\" :timeout-ms 0}", 400, "incorrect"),
                new Case("with not transactions", "POST", "/dbs/bad/q", EDN, "{:query \"[:find ?e :where [?e :db/ident]]\" :with [1]}", 400, "incorrect"),
                new Case("bad tx in with", "POST", "/dbs/bad/q", EDN,
                        "{:query \"[:find ?e :where [?e :db/ident]]\" :with [[[:db/add \"x\" :no/such 1]]]}", 400, "incorrect"),
                new Case("bad db input", "POST", "/dbs/bad/q", EDN,
                        "{:query \"[:find ?e :in $ $o :where [$o ?e :db/ident]]\" :args [#chronon/db \"bad\"]}", 400, "incorrect"),
                new Case("GET parameter not EDN", "GET", "/dbs/bad/q?query=" + enc("[:find ?e :where [?e :db/ident]]") + "&basis-t=" + enc("["),
                        null, null, 400, "incorrect"),
                new Case("pull without eid", "POST", "/dbs/bad/pull", EDN, "{:selector \"[*]\"}", 400, "incorrect"),
                new Case("pull of a bad selector", "POST", "/dbs/bad/pull", EDN, "{:selector \"[:x\" :eid 1}", 400, "incorrect"),
                new Case("pull-many without eids", "POST", "/dbs/bad/pull-many", EDN, "{:selector \"[*]\"}", 400, "incorrect"),
                new Case("datoms of an unknown index", "GET", "/dbs/bad/datoms?index=xyz", null, null, 400, "incorrect"),
                new Case("index-range of a non-attribute", "GET", "/dbs/bad/index-range?attr=" + enc(":no/such"), null, null, 400, "incorrect"),
                new Case("sync with a bad t", "GET", "/dbs/bad/sync?t=" + enc("\"x\""), null, null, 400, "incorrect"),
                new Case("tx-reports with a bad Last-Event-ID", "GET", "/dbs/bad/tx-reports?from-t=-5", null, null, 400, "incorrect"),
                new Case("unknown endpoint", "GET", "/dbs/bad/nothing", null, null, 404, "not-found"),
                new Case("wrong method", "DELETE", "/dbs/bad/q", null, null, 405, "incorrect"),
                new Case("bad database name", "PUT", "/dbs/" + enc("bad name!"), null, null, 400, "incorrect"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answeredWithTheDocumentedErrorAndNoChange(Case c) {
        for (String accept : List.of(EDN, JSON)) {
            HttpRequest.Builder b = node.request(c.path(), accept);
            if (c.contentType() != null) {
                b.header("Content-Type", c.contentType());
            }
            b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(c.body()));
            HttpResponse<String> r = node.send(b.build());
            assertEquals(c.status(), r.statusCode(), c.name() + ": " + r.body());
            Map<?, ?> body = (Map<?, ?>) HttpApiTest.value(r);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(accept));
            assertEquals(Keyword.of(c.category()), body.get(Keyword.of("category")), r.body());
            assertNotNull(body.get(Keyword.of("message")));
        }
        assertEquals(basis, basisT(), "nothing was written");
    }

    @Test
    void aHugeChunkedBodyIs413() {
        byte[] big = ("{:tx-data [{:person/email \"" + "y".repeat(100_000) + "\"}]}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = node.send(node.request("/dbs/bad/transact", EDN).header("Content-Type", EDN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build());
        assertEquals(413, r.statusCode(), r.body());
        assertEquals(basis, basisT());
    }
}
