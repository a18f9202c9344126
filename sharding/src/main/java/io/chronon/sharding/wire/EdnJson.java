package io.chronon.sharding.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.chronon.db.Datom;
import io.chronon.db.DbValue;
import io.chronon.storage.StorageSerializer;
import io.chronon.storage.TxLogEntry;
import io.chronon.storage.codec.DbValueCodec;
import io.chronon.storage.codec.ValueCodec;

import java.io.IOException;
import java.util.List;

/**
 * Jackson (de)serializers that put Chronon data inside CBOR protocol messages as one byte
 * string in the binary codec's form: EDN values (transaction data, queries, results),
 * datoms, log entries and whole db values. An EDN value is marked {@link EdnValue}, which
 * names the value (de)serializers; the others go on record components with
 * {@code @JsonSerialize(using = ...)} / {@code @JsonDeserialize(using = ...)}.
 */
public final class EdnJson {
    private EdnJson() {
    }

    /** Any EDN value or Chronon value. */
    public static final class ValueSerializer extends StdSerializer<Object> {
        public ValueSerializer() {
            super(Object.class);
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeBinary(ValueCodec.encode(value));
        }
    }

    public static final class ValueDeserializer extends StdDeserializer<Object> {
        public ValueDeserializer() {
            super(Object.class);
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return ValueCodec.decode(p.getBinaryValue());
        }
    }

    /** A list of datoms. */
    public static final class DatomsSerializer extends StdSerializer<List<Datom>> {
        @SuppressWarnings({"unchecked", "rawtypes"})
        public DatomsSerializer() {
            super((Class<List<Datom>>) (Class) List.class);
        }

        @Override
        public void serialize(List<Datom> value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeBinary(ValueCodec.encodeDatoms(value));
        }
    }

    public static final class DatomsDeserializer extends StdDeserializer<List<Datom>> {
        public DatomsDeserializer() {
            super(List.class);
        }

        @Override
        public List<Datom> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return ValueCodec.decodeDatoms(p.getBinaryValue());
        }
    }

    /** A log entry (without its db value hint, which never leaves the JVM). */
    public static final class EntrySerializer extends StdSerializer<TxLogEntry> {
        public EntrySerializer() {
            super(TxLogEntry.class);
        }

        @Override
        public void serialize(TxLogEntry value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeBinary(StorageSerializer.encodeEntry(value));
        }
    }

    public static final class EntryDeserializer extends StdDeserializer<TxLogEntry> {
        public EntryDeserializer() {
            super(TxLogEntry.class);
        }

        @Override
        public TxLogEntry deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return StorageSerializer.decodeEntry(p.getBinaryValue());
        }
    }

    /** A whole db value (its snapshot form: costly, for callers that really want the value). */
    public static final class DbSerializer extends StdSerializer<DbValue> {
        public DbSerializer() {
            super(DbValue.class);
        }

        @Override
        public void serialize(DbValue value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeBinary(DbValueCodec.encode(value));
        }
    }

    public static final class DbDeserializer extends StdDeserializer<DbValue> {
        public DbDeserializer() {
            super(DbValue.class);
        }

        @Override
        public DbValue deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return DbValueCodec.decode(p.getBinaryValue());
        }
    }
}
