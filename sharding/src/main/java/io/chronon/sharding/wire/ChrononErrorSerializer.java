package io.chronon.sharding.wire;

import io.chronon.ErrorCategory;
import io.chronon.edn.Keyword;
import io.chronon.storage.codec.ByteReader;
import io.chronon.storage.codec.ByteWriter;
import io.chronon.storage.codec.ValueCodec;
import org.apache.pekko.serialization.SerializerWithStringManifest;

import java.io.NotSerializableException;

/**
 * Serializes {@link ChrononError}, the failure inside {@code StatusReply} errors, as its
 * category, code, message and offending form (any form the codec cannot carry goes as text).
 */
public final class ChrononErrorSerializer extends SerializerWithStringManifest {
    public static final int ID = 7_411_002;

    @Override
    public int identifier() {
        return ID;
    }

    @Override
    public String manifest(Object o) {
        return "E1";
    }

    @Override
    public byte[] toBinary(Object o) {
        ChrononError e = (ChrononError) o;
        ByteWriter out = new ByteWriter(128);
        out.writeString(e.category().name());
        out.writeString(e.code().text());
        out.writeString(e.getMessage() == null ? "" : e.getMessage());
        Object form = e.form();
        try {
            byte[] f = ValueCodec.encode(form);
            out.writeRaw(f, 0, f.length);
        } catch (IllegalArgumentException notData) {
            ValueCodec.writeValue(out, String.valueOf(form));
        }
        return out.toByteArray();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        if (!"E1".equals(manifest)) {
            throw new NotSerializableException("Unknown ChrononError manifest " + manifest);
        }
        ByteReader in = new ByteReader(bytes);
        ErrorCategory category = ErrorCategory.valueOf(in.readString());
        Keyword code = Keyword.of(in.readString());
        String message = in.readString();
        Object form = ValueCodec.readValue(in);
        return new ChrononError(category, code, message, form);
    }
}
