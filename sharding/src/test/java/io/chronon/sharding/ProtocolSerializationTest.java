package io.chronon.sharding;

import io.chronon.ErrorCategory;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.edn.EdnList;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.peer.QueryPeer;
import io.chronon.sharding.wire.CborSerializable;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.wire.EdnValue;
import io.chronon.sharding.writer.Transactor;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every message of the actor protocol, and every event, survives the serializers it is bound to. */
class ProtocolSerializationTest {
    static ActorTestKit kit;
    static Serialization serialization;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(TestCluster.config("memory", null, "pekko.actor.provider = local"));
        serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @SuppressWarnings("unchecked")
    static <T> T roundTrip(T message) {
        Serializer s = serialization.findSerializerFor(message);
        assertFalse(s.getClass().getName().contains("JavaSerializer"), "Java serialization for " + message.getClass());
        byte[] bytes = serialization.serialize(message).get();
        return (T) serialization.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, message)).get();
    }

    @Test
    void transactorMessages() {
        TestProbe<StatusReply<Transactor.TxResult>> p = kit.createTestProbe();
        Object txData = List.of(Map.of(Keyword.of("db/id"), "a", Keyword.of("person/name"), "Ann",
                        Keyword.of("person/born"), new Date(5), Keyword.of("person/score"), new BigDecimal("1.50")),
                List.of(Keyword.of("db/add"), "a", Keyword.of("person/tags"), Set.of(Keyword.of("x"))),
                EdnList.of(Symbol.of("f"), 1L));
        Transactor.Transact t = roundTrip(new Transactor.Transact(txData, p.getRef()));
        assertEquals(txData, t.txData());
        assertEquals(p.getRef(), t.replyTo());
        assertEquals("[[:db/add 1]]", roundTrip(new Transactor.Transact("[[:db/add 1]]", p.getRef())).txData());

        long tx = Ids.tToTx(1001);
        Transactor.TxResult r = new Transactor.TxResult("db", 1001, 1000, 7, Map.of("a", 17592186045418L),
                List.of(new Datom(17592186045418L, 72, "Ann", tx, true), new Datom(tx, 50, new Date(9), tx, true)));
        assertEquals(r, roundTrip(r));
        assertEquals(new Transactor.LatestT("db", 1001, 7), roundTrip(new Transactor.LatestT("db", 1001, 7)));
        roundTrip(new Transactor.GetLatestT(kit.<StatusReply<Transactor.LatestT>>createTestProbe().getRef()));
        Transactor.Retire retire = roundTrip(new Transactor.Retire("id1", kit.<org.apache.pekko.Done>createTestProbe().getRef()));
        assertEquals("id1", retire.databaseId());
    }

    @Test
    void catalogMessagesAndEvents() {
        DatabaseInfo info = new DatabaseInfo("people", "abc123", "file", 42);
        assertEquals(info, roundTrip(info));
        assertEquals(new Catalog.CreateResult(true, info), roundTrip(new Catalog.CreateResult(true, info)));
        assertEquals(new Catalog.DeleteResult(false), roundTrip(new Catalog.DeleteResult(false)));
        assertEquals(new Catalog.DatabaseList(List.of(info)), roundTrip(new Catalog.DatabaseList(List.of(info))));
        assertEquals(new Catalog.DatabaseCreated(info, "x"), roundTrip(new Catalog.DatabaseCreated(info, "x")));
        assertEquals(new Catalog.DatabaseDeleted("people", "abc123"), roundTrip(new Catalog.DatabaseDeleted("people", "abc123")));
        Catalog.CreateDatabase c = roundTrip(new Catalog.CreateDatabase("people", null,
                kit.<StatusReply<Catalog.CreateResult>>createTestProbe().getRef()));
        assertEquals("people", c.name());
        assertNull(c.storageKind());
        roundTrip(new Catalog.DeleteDatabase("people", kit.<StatusReply<Catalog.DeleteResult>>createTestProbe().getRef()));
        roundTrip(new Catalog.ListDatabases(kit.<Catalog.DatabaseList>createTestProbe().getRef()));
        roundTrip(new Catalog.GetDatabase("people", kit.<StatusReply<DatabaseInfo>>createTestProbe().getRef()));
    }

    @Test
    void peerMessagesAndReplies() {
        Object query = EdnReader.read("[:find ?e (pull ?e [*]) :in $ ?n :where [?e :person/name ?n]]");
        QueryPeer.Read read = roundTrip(new QueryPeer.Read(QueryPeer.Basis.atLeast(1000),
                new QueryPeer.QueryOp(query, List.of("Ann", UUID.randomUUID()), -1, 0, null), 500,
                kit.<StatusReply<QueryPeer.ReadResult>>createTestProbe().getRef()));
        assertEquals(QueryPeer.Basis.atLeast(1000), read.basis());
        QueryPeer.QueryOp q = assertInstanceOf(QueryPeer.QueryOp.class, read.op());
        assertEquals(query, q.query());
        assertInstanceOf(EdnList.class, ((List<?>) q.query()).get(2), "(pull ...) stays a list");
        QueryPeer.ReadResult qr = new QueryPeer.ReadResult(1000, Set.of(List.of(1L, Map.of(Keyword.of("a"), "b"))), "127.0.0.1:2552");
        assertEquals(qr, roundTrip(qr));
        QueryPeer.Read pull = roundTrip(new QueryPeer.Read(QueryPeer.Basis.LATEST,
                new QueryPeer.PullOp("[*]", List.of(Keyword.of("person/id"), 1L)), 500,
                kit.<StatusReply<QueryPeer.ReadResult>>createTestProbe().getRef()));
        assertEquals(List.of(Keyword.of("person/id"), 1L), assertInstanceOf(QueryPeer.PullOp.class, pull.op()).eid());
        assertEquals(new QueryPeer.ReadResult(5, Map.of(Keyword.of("x"), 1L), "127.0.0.1:2552"),
                roundTrip(new QueryPeer.ReadResult(5, Map.of(Keyword.of("x"), 1L), "127.0.0.1:2552")));
        assertEquals(new QueryPeer.ReadResult(5, null, "127.0.0.1:2552"), roundTrip(new QueryPeer.ReadResult(5, null, "127.0.0.1:2552")));
        roundTrip(new QueryPeer.Sync(1000, 100, kit.<StatusReply<QueryPeer.Synced>>createTestProbe().getRef()));
        roundTrip(new QueryPeer.SyncLatest(100, kit.<StatusReply<QueryPeer.Synced>>createTestProbe().getRef()));
        roundTrip(new QueryPeer.GetDb(0, 100, kit.<StatusReply<QueryPeer.CurrentDb>>createTestProbe().getRef()));
        assertEquals(new QueryPeer.Synced("db", 1000), roundTrip(new QueryPeer.Synced("db", 1000)));
        QueryPeer.CurrentDb cur = roundTrip(new QueryPeer.CurrentDb(66, DbValue.empty()));
        assertEquals(DbValue.empty().basisT(), cur.db().basisT());
    }

    /** A message with one EDN-valued field. */
    record WithEdnValue(@EdnValue Object value) implements CborSerializable {
    }

    /** The same message without the annotation: Jackson alone. */
    record WithoutEdnValue(Object value) implements CborSerializable {
    }

    /** True if {@code value} comes back equal through Jackson CBOR without {@link EdnValue}. */
    private static boolean survivesWithoutEdnValue(Object value) {
        try {
            return value.equals(roundTrip(new WithoutEdnValue(value)).value());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void ednValueFieldsComeBackAsTheyWereSent() {
        // each of these is lost by Jackson alone: a keyword or symbol fails or becomes a map, a set
        // a list, a UUID a string, a date a number, a long in a nested vector an int, a list a vector
        List<Object> lostByJackson = List.of(Keyword.of("person/name"), Symbol.of("?e"), Set.of(Keyword.of("a"), 1L, "b"),
                List.of(List.of(1L, List.of(2L, "x")), List.of()), UUID.fromString("6f1c4b0e-2a7d-4c1e-9a55-0d3c2b1a0f99"),
                new Date(1_700_000_000_123L), EdnList.of(Symbol.of("pull"), Symbol.of("?e"), List.of(Symbol.of("*"))));
        for (Object v : lostByJackson) {
            assertFalse(survivesWithoutEdnValue(v), () -> "Jackson alone keeps " + v);
            assertEquals(v, roundTrip(new WithEdnValue(v)).value());
        }
        BigDecimal decimal = new BigDecimal("1.50");
        assertEquals(decimal, roundTrip(new WithEdnValue(decimal)).value());
        Map<Object, Object> all = Map.of(Keyword.of("values"), lostByJackson, Symbol.of("decimal"), decimal,
                Set.of(Keyword.of("k")), List.of(Map.of(Keyword.of("nested"), Set.of(List.of(1L, decimal)))));
        assertEquals(all, roundTrip(new WithEdnValue(all)).value());
        assertNull(roundTrip(new WithEdnValue(null)).value());

        // the protocol's own messages that carry it
        TestProbe<StatusReply<Transactor.TxResult>> p = kit.createTestProbe();
        assertEquals(new Transactor.Transact(all, "r-1", p.getRef()), roundTrip(new Transactor.Transact(all, "r-1", p.getRef())));
        TestProbe<StatusReply<QueryPeer.ReadResult>> r = kit.createTestProbe();
        QueryPeer.Basis basis = new QueryPeer.Basis(3, new Date(5), 2L, true, List.of(List.of(all)));
        QueryPeer.ReadOp range = new QueryPeer.IndexRangeOp(Keyword.of("person/score"), decimal, UUID.randomUUID(), 10, 0);
        assertEquals(new QueryPeer.Read(basis, range, 500, r.getRef()), roundTrip(new QueryPeer.Read(basis, range, 500, r.getRef())));
        QueryPeer.ReadOp query = new QueryPeer.QueryOp(EdnReader.read("[:find ?e :in $ ?n :where [?e :person/name ?n]]"),
                lostByJackson, -1, 0, EdnReader.read("[[?e :desc]]"));
        assertEquals(query, roundTrip(new QueryPeer.Read(basis, query, 500, r.getRef())).op());
        assertEquals(new QueryPeer.ReadResult(9, all, "127.0.0.1:2552"), roundTrip(new QueryPeer.ReadResult(9, all, "127.0.0.1:2552")));
    }

    @Test
    void feedMessagesAndEvents() {
        long tx = Ids.tToTx(1001);
        TxLogEntry entry = new TxLogEntry(1001, 9, 1002, 80, List.of(new Datom(tx, 50, new Date(9), tx, true)));
        TxFeed.Committed c = new TxFeed.Committed("db", 3, entry, Map.of("a", 1L));
        assertEquals(c, roundTrip(c));
        assertEquals(new TxFeed.Heartbeat("db", 3, 1001), roundTrip(new TxFeed.Heartbeat("db", 3, 1001)));
        assertEquals(new TxFeed.Retired("db", "x"), roundTrip(new TxFeed.Retired("db", "x")));
        assertEquals(entry, roundTrip(entry));
        assertEquals(DbValue.empty().basisT(), roundTrip(DbValue.empty()).basisT());
    }

    @Test
    void errorsTravelInStatusReplies() {
        ChrononError e = ChrononError.busy("chronon.error/busy", "too much");
        ChrononError back = roundTrip(e);
        assertEquals(ErrorCategory.BUSY, back.category());
        assertEquals(Keyword.of("chronon.error/busy"), back.code());
        assertEquals("too much", back.getMessage());
        ChrononError withForm = roundTrip(ChrononError.incorrect("db.error/x", "bad", List.of(Keyword.of("db/add"), 1L)));
        assertEquals(List.of(Keyword.of("db/add"), 1L), withForm.form());
        StatusReply<String> reply = roundTrip(StatusReply.error(e));
        ChrononError inReply = assertInstanceOf(ChrononError.class, reply.getError());
        assertEquals(ErrorCategory.BUSY, inReply.category());
        assertEquals("ok", roundTrip(StatusReply.success("ok")).getValue());
    }
}
