package io.chronon.pull;

import io.chronon.db.DbValue;

import java.util.List;
import java.util.Map;

/** PLACEHOLDER: being written. Datomic's pull API over a db value. */
public final class Pull {
    private Pull() {
    }

    /**
     * The pull of {@code selector} (an EDN string or already-read EDN data) for one entity
     * ({@code eid}: an entity id, ident or lookup ref).
     */
    public static Map<Object, Object> pull(DbValue db, Object selector, Object eid) {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@link #pull} for many entities, in order. */
    public static List<Map<Object, Object>> pullMany(DbValue db, Object selector, List<?> eids) {
        throw new UnsupportedOperationException("not yet");
    }
}
