package io.chronon.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.chronon.ChrononException;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.tx.TxOptions;
import io.chronon.tx.TxProcessor;

import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Datomic's {@code attribute} and {@code entidAt} on a db value (issue 18); compared with Datomic in {@link LookupsDifferentialTest}. */
class LookupsTest {
    static final long[] CLOCK = {10_000};
    static DbValue db = DbValue.empty();

    static {
        TxOptions options = TxOptions.defaults().withClock(() -> CLOCK[0] += 1000);
        for (String tx : List.of("[{:db/ident :name :db/valueType :db.type/string :db/cardinality :db.cardinality/one :db/unique :db.unique/identity}]",
                "[{:name \"a\"}]", "[{:name \"b\"}]")) {
            db = TxProcessor.transact(db, (List<?>) EdnReader.read(tx), options).dbAfter();
        }
    }

    @Test
    void anAttributeByIdentIdOrLookupRefWhateverTheView() {
        Attribute name = db.attributeOf(Keyword.of("name"));
        assertEquals(Keyword.of("db.unique/identity"), name.unique().ident());
        assertEquals(name, db.attributeOf(name.id()));
        assertEquals(name, db.since(db.basisT()).attributeOf(List.of(Keyword.of("db/ident"), Keyword.of("name"))));
        assertNull(db.attributeOf(Keyword.of("nope")));
        assertNull(db.attributeOf(null));
        assertNull(db.attributeOf(List.of(Keyword.of("name"), "a")));
        assertEquals(Keyword.of("db.error/not-a-keyword"),
                assertThrows(ChrononException.class, () -> db.attributeOf("name")).code());
    }

    @Test
    void entidAtBuildsAnIdInAPartitionAtAPointInTime() {
        assertEquals(17592186045416L, db.entidAt(Keyword.of("db.part/user"), 1000L));
        assertEquals(17592186045416L, db.entidAt(4L, Ids.tToTx(1000)));
        assertEquals(1000L, db.entidAt(Keyword.of("db.part/db"), 1000L));
        assertEquals(Ids.entid(4, 2), db.entidAt(Keyword.of("db.part/user"), 2.5));
        // a date: the first transaction at or after it; past the last one, the next t
        long second = db.basisT();
        Date atSecond = (Date) db.datoms(IndexType.EAVT, Ids.tToTx(second), Keyword.of("db/txInstant")).iterator().next().v();
        assertEquals(Ids.entid(4, second), db.entidAt(Keyword.of("db.part/user"), new Date(atSecond.getTime() - 1)));
        assertEquals(Ids.entid(4, db.nextT()), db.asOf(1000L).entidAt(Keyword.of("db.part/user"), new Date(atSecond.getTime() + 1)));
        assertEquals(Ids.entid(4, 0), db.entidAt(Keyword.of("db.part/user"), new Date(0)));
        assertEquals(Keyword.of("db.error/not-a-db-id"),
                assertThrows(ChrononException.class, () -> db.entidAt(Keyword.of("db.part/nope"), 1000L)).code());
        assertEquals(Keyword.of("db.error/invalid-time-point"),
                assertThrows(ChrononException.class, () -> db.entidAt(Keyword.of("db.part/user"), -5L)).code());
        assertEquals(Keyword.of("db.error/invalid-time-point"),
                assertThrows(ChrononException.class, () -> db.entidAt(Keyword.of("db.part/user"), "x")).code());
    }
}
