package io.chronon.db;

import io.chronon.ChrononException;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.Keyword;

import java.util.Date;

/**
 * Datomic's {@code attribute} and {@code entidAt} of a database value, with Datomic's
 * answers for what is not an attribute, a partition or a time point (observed on 1.0.7622,
 * checked by {@code LookupsDifferentialTest}). Both ignore as-of, since and history views, as
 * Datomic's do: the schema and the log are the whole database's.
 */
final class Lookups {
    private static final long MAX_T = 1L << 42;

    private Lookups() {
    }

    /** The attribute named by an ident, id or lookup ref; null for nil, an unknown name or an entity that is no attribute. */
    static Attribute attribute(DbValue db, Object attr) {
        if (attr == null) {
            return null;
        }
        if (attr instanceof Keyword || attr instanceof Number || attr instanceof java.util.List<?>) {
            // a lookup ref names the attribute entity it finds ([:db/ident :person/name] does), whatever the view
            return db.unfiltered().attribute(attr);
        }
        throw notAKeyword(attr);
    }

    /**
     * An entity id fabricated in {@code partition} (any entity: an ident or an id) whose t
     * part is {@code point}: a t, a transaction id (its t), or a {@link Date} (the t of the
     * first transaction at or after it, or the database's next t when there is none).
     * Datomic's {@code entidAt}, for index ranges over entity ids created after a point in time.
     */
    static long entidAt(DbValue db, Object partition, Object point) {
        long part;
        if (partition instanceof Keyword k) {
            Long id = db.entid(k);
            if (id == null) {
                throw ChrononException.incorrect("db.error/not-a-db-id", "Invalid db/id: " + EdnPrinter.print(k), k);
            }
            part = id;
        } else if (partition instanceof Number n) {
            part = n.longValue();
        } else {
            throw notAKeyword(partition);
        }
        return Ids.entid(part, t(db, point));
    }

    private static long t(DbValue db, Object point) {
        if (point instanceof Date d) {
            if (d.getTime() <= 0) {
                return 0; // at or before the bootstrap's instant: Datomic's first t
            }
            for (Datom x : db.unfiltered().indexRange(Bootstrap.TX_INSTANT, d, null)) {
                if (Ids.isTx(x.e())) {
                    return Ids.txToT(x.e());
                }
            }
            return db.nextT();
        }
        if (point instanceof Number n) {
            long t = n.longValue();
            if (Ids.isTx(t)) {
                return Ids.txToT(t);
            }
            if (t >= 0 && t < MAX_T) {
                return t;
            }
            throw ChrononException.incorrect("db.error/invalid-time-point",
                    "A time point must be a t, a transaction id or a java.util.Date, not " + t, point);
        }
        throw ChrononException.incorrect("db.error/invalid-time-point",
                "A time point must be a t, a transaction id or a java.util.Date, not " + EdnPrinter.print(point), point);
    }

    private static ChrononException notAKeyword(Object v) {
        return ChrononException.incorrect("db.error/not-a-keyword",
                "Cannot interpret as a keyword: " + EdnPrinter.print(v) + ", no leading :", v);
    }
}
