package io.chronon.multijvm;

import io.chronon.cassandra.dev.SharedCassandra;
import io.chronon.client.Connection;
import io.chronon.client.TxReport;
import io.chronon.node.tls.DevCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three node processes (roles transactor,query each) over one Cassandra, their remoting on
 * mutual TLS with certificates of a throwaway authority: they form a cluster, a write through
 * one node is read through another after {@code sync(t)} and with basis-t, and a node stopped
 * and started again catches up with what was written meanwhile. A node whose certificate is
 * of another authority is refused and never becomes a member; one with a certificate of the
 * cluster's joins. (The other multi-JVM tests run their clusters on plain TCP.)
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
    static Path certs;
    static Path rogueCerts;

    @BeforeAll
    static void startCluster() throws IOException {
        certs = Path.of("target", "multi-jvm", "cluster_it-certs").toAbsolutePath();
        rogueCerts = Path.of("target", "multi-jvm", "cluster_it-rogue-certs").toAbsolutePath();
        DevCertificates.generate(certs, "Cluster CA", List.of("member", "joiner"));
        // the same password, so the rogue can open the cluster's (public) trust store with its own key store
        DevCertificates.generate(rogueCerts, "Rogue CA", List.of("rogue"),
                java.nio.file.Files.readString(DevCertificates.passwordFile(certs)).strip());
        String roles = "transactor,query";
        cluster = TestCluster.start("cluster_it", SharedCassandra.server().contactPoint(), List.of(roles, roles, roles),
                tls(certs, "member"));
        TestCluster.createDatabase(cluster.node(0), DB, SCHEMA);
    }

    /** The command-line options of remoting over mutual TLS with {@code name}'s certificate of the authority in {@code dir}. */
    static List<String> tls(Path dir, String name) {
        return List.of("--cluster-key-store", DevCertificates.issued(dir, name).keystore().toString(),
                "--cluster-trust-store", dir.resolve("truststore.p12").toString(),
                "--cluster-tls-password-file", DevCertificates.passwordFile(dir).toString());
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

    @Test
    @Order(5)
    void aNodeWithACertificateOfAnotherAuthorityIsRefused() {
        // it trusts the cluster's authority (whose certificate is no secret) but presents a certificate of its own
        NodeProcess rogue = cluster.joiner("rogue", List.of("--cluster-key-store", DevCertificates.issued(rogueCerts, "rogue").keystore().toString(),
                "--cluster-trust-store", certs.resolve("truststore.p12").toString(),
                "--cluster-tls-password-file", DevCertificates.passwordFile(rogueCerts).toString()));
        rogue.start();
        try {
            // the nodes ask for its certificate (mutual authentication) and refuse the handshake
            Poll.until(rogue + " is refused at the TLS handshake", Duration.ofSeconds(90), () -> {
                String out = rogue.outputSinceStart();
                return out.contains("SSLHandshakeException") || out.contains("PKIX path") || out.contains("bad_certificate")
                        || out.contains("certificate_unknown") ? java.util.Optional.of(true) : java.util.Optional.empty();
            });
            for (NodeProcess n : cluster.live()) {
                if (n == rogue) {
                    continue;
                }
                NodeHttp.ClusterView view = cluster.http().cluster(n.httpPort()).orElseThrow();
                assertFalse(view.members().stream().anyMatch(m -> m.address().equals(rogue.address())),
                        rogue + " is no member as " + n + " sees it: " + view.members());
            }
            assertFalse(rogue.outputSinceStart().contains("Chronon node up"), "the rogue never came up in a cluster");
        } finally {
            rogue.kill();
        }
    }

    @Test
    @Order(6)
    void aNodeWithACertificateOfTheClustersAuthorityJoins() {
        NodeProcess joiner = cluster.joiner("joiner", tls(certs, "joiner"));
        joiner.start();
        joiner.awaitHttp(TestCluster.START_TIMEOUT);
        cluster.awaitUp(cluster.live(), TestCluster.START_TIMEOUT);
        NodeHttp.ClusterView view = cluster.http().cluster(cluster.node(0).httpPort()).orElseThrow();
        assertTrue(view.upAndReachable().contains(joiner.address()), view.upAndReachable().toString());
    }
}
