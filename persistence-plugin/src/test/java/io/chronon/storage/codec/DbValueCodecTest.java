package io.chronon.storage.codec;

import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.db.Ids;
import io.chronon.db.IndexType;
import io.chronon.db.ValueType;
import io.chronon.edn.Keyword;
import io.chronon.storage.SampleDb;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DbValueCodecTest {

    @Test
    void emptyDbRoundTrips() {
        DbValue back = DbValueCodec.decode(DbValueCodec.encode(DbValue.empty()));
        SampleDb.assertSameDb(DbValue.empty(), back);
    }

    @Test
    void aDbWithSchemaDataAndRetractionsRoundTrips() {
        DbValue db = SampleDb.sampleDb();
        DbValue back = DbValueCodec.decode(DbValueCodec.encode(db));
        SampleDb.assertSameDb(db, back);
        assertNotNull(back.attribute(Keyword.of("person/tags")));
        assertEquals(db.attribute(Keyword.of("person/tags")).many(), back.attribute(Keyword.of("person/tags")).many());
    }

    @Test
    void corruptSnapshotsAreRejected() {
        byte[] bytes = DbValueCodec.encode(SampleDb.sampleDb());
        bytes[0] ^= 1;
        assertThrows(IllegalArgumentException.class, () -> DbValueCodec.decode(bytes));
        byte[] cut = java.util.Arrays.copyOf(DbValueCodec.encode(SampleDb.sampleDb()), 40);
        assertThrows(IllegalArgumentException.class, () -> DbValueCodec.decode(cut));
    }
}
