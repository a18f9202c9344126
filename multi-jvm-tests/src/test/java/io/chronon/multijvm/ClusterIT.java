package io.chronon.multijvm;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.client.Connection;
import io.chronon.client.TxReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three node processes (roles transactor,query each) over one Cassandra: they form a cluster,
 * a write through one node is read through another after {@code sync(t)} and with basis-t,
 * and a node stopped and started again catches up with what was written meanwhile.
 */
@ExtendWith(SharedCassandra.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    static final String DB = "people";
    static final String SCHEMA = "[{:db/ident :person/id :db/valueType :db.type/long :db/cardinality :db.cardinality/one"
            + " :db/unique :db.unique/identity}"
            + " {:db/ident :person/name :db/valueType :db.type/string :db/cardinality :db.cardinality/one}]";
    static final String COUNT = "[:find (count ?e) . :where [?e :person/id]]";

    static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        String roles = "transactor,query";
        cluster = TestCluster.start("cluster_it", SharedCassandra.server().contactPoint(), List.of(roles, roles, roles));
        TestCluster.createDatabase(cluster.node(0), DB, SCHEMA);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static String person(long id) {
        return "[{:person/id " + id + " :person/name \"P" + id + "\"}]";
    }

    @Test
    @Order(1)
    void everyNodeSeesThreeMembersUp() {
        List<String> all = cluster.nodes().stream().map(NodeProcess::address).sorted().toList();
        for (NodeProcess n : cluster.nodes()) {
            NodeHttp.ClusterView view = cluster.http().cluster(n.httpPort()).orElseThrow();
            assertEquals(n.address(), view.self(), "GET /cluster :self of " + n);
            assertEquals(all, view.upAndReachable(), "members up as " + n + " sees them");
            assertTrue(view.roles().containsAll(List.of("transactor", "query")), n + " roles " + view.roles());
        }
    }

    @Test
    @Order(2)
    void aWriteOnOneNodeIsReadOnAnotherAfterSync() throws Exception {
        NodeProcess a = cluster.node(0);
        NodeProcess b = cluster.node(1);
        try (Connection onA = TestCluster.connect(a, DB); Connection onB = TestCluster.connect(b, DB)) {
            TxReport r = onA.transact(person(1));
            // sync(t) through B, then a read at B's value
            Object name = onB.sync(r.basisT()).get(30, TimeUnit.SECONDS)
                    .q("[:find ?n . :where [?e :person/id 1] [?e :person/name ?n]]");
            assertEquals("P1", name);
            NodeHttp.Answer synced = cluster.http().get(b.httpPort(), "/dbs/" + DB + "/sync?t=" + r.basisT(), Duration.ofSeconds(30)).ok();
            assertTrue(synced.basisT() >= r.basisT(), "sync?t=" + r.basisT() + " on B answered basis " + synced.basisT());
        }
    }

    @Test
    @Order(3)
    void readYourWritesAcrossNodesWithBasisT() {
        NodeProcess a = cluster.node(1);
        NodeProcess b = cluster.node(2);
        try (Connection onA = TestCluster.connect(a, DB)) {
            for (long id = 100; id < 110; id++) {
                TxReport r = onA.transact(person(id));
                // no sync: the read names the basis it needs, and B waits for it
                NodeHttp.Answer answer = cluster.http().query(b.httpPort(), DB,
                        "[:find ?n . :where [?e :person/id " + id + "] [?e :person/name ?n]]", Duration.ofSeconds(30),
                        List.of("basis-t", String.valueOf(r.basisT()))).ok();
                assertEquals("P" + id, answer.get("result"), "read on " + b + " at basis-t " + r.basisT());
                assertEquals(r.basisT(), answer.basisT());
            }
        }
    }

    @Test
    @Order(4)
    void aStoppedNodeCatchesUpWhenStartedAgain() throws Exception {
        NodeProcess stopped = cluster.node(2);
        NodeProcess writeVia = cluster.node(0);
        stopped.stop(Duration.ofSeconds(60));
        cluster.awaitUp(cluster.live(), Duration.ofSeconds(60));
        long lastT;
        try (Connection c = TestCluster.connect(writeVia, DB)) {
            lastT = 0;
            for (long id = 200; id < 250; id++) {
                lastT = c.transact(person(id)).basisT();
            }
        }
        cluster.restart(stopped);
        NodeProcess again = cluster.node(2);
        // the latest t as the writer knows it, then a read of everything at it
        NodeHttp.Answer synced = cluster.http().get(again.httpPort(), "/dbs/" + DB + "/sync", Duration.ofSeconds(60)).ok();
        assertTrue(synced.basisT() >= lastT, "sync on the restarted node answered basis " + synced.basisT() + " < " + lastT);
        try (Connection c = TestCluster.connect(again, DB)) {
            long expected = 1 + 10 + 50;
            assertEquals(expected, ((Number) c.sync(lastT).get(60, TimeUnit.SECONDS).q(COUNT)).longValue());
            Collection<?> ids = (Collection<?>) c.db().q("[:find ?id :where [?e :person/id ?id] [(>= ?id 200)]]");
            assertEquals(50, ids.size());
        }
    }
}
