package io.chronon.bench;

import java.util.List;
import java.util.Map;

/**
 * One of the systems under test, seen through the calls the benches make. Each bench is
 * written once against this interface, so both systems run exactly the same driver code;
 * an implementation only forwards to its system's own API with that system's native data
 * (read by its own EDN reader).
 *
 * @param <D> the system's database value type
 */
public interface BenchSystem<D> extends AutoCloseable {

    /** The {@code system} field of the JSON lines, e.g. {@code datomic-peer-mem}. */
    String id();

    /** A short name for tables: {@code Datomic} or {@code Chronon}. */
    String label();

    /** How this system's writer handles concurrent submitters, for the conc8 bench's note. */
    String writerNote();

    /** Reads every EDN form of {@code text} with the system's own reader. */
    List<Object> readAll(String text);

    /** A keyword in the system's own representation. */
    Object keyword(String name);

    /** A lookup ref {@code [attr value]} in the system's own representation. */
    default List<Object> lookupRef(String attr, Object value) {
        return List.of(keyword(attr), value);
    }

    /** A new, empty database holding {@code schemaTx} (not timed). */
    Conn<D> create(String name, List<?> schemaTx);

    /** {@code q} with the query passed as a string, the way a Java client calls it. */
    Object q(String query, Object... inputs);

    D asOf(D db, long t);

    long basisT(D db);

    /** The entity id of an entity id, ident or lookup ref, or null. */
    Object entid(D db, Object eid);

    /** The values of {@code attrs} read through the entity API (Datomic's {@code db.entity}). */
    List<Object> entityGet(D db, Object eid, List<Object> attrs);

    /** How many AEVT datoms {@code attr} has: a count that needs no query engine. */
    long countDatoms(D db, Object attr);

    /** The value of the first EAVT datom of (eid, attr), or null. */
    Object firstEavtValue(D db, Object eid, Object attr);

    Map<?, ?> pull(D db, String selector, Object eid);

    List<?> pullMany(D db, String selector, List<?> eids);

    /** Releases what the system holds for the run (Datomic's peer threads). */
    @Override
    default void close() {
    }

    /**
     * A database being written: transactions apply in sequence, each on the value the
     * previous one produced.
     */
    interface Conn<D> {
        /** Transacts {@code txData}, waits for it, and returns the basis t of the result. */
        long transact(List<?> txData);

        /** The latest database value. */
        D db();

        /** Frees the database (deletes Datomic's mem database). */
        void release();
    }
}
