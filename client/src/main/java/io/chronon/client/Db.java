package io.chronon.client;

import io.chronon.db.Attribute;
import io.chronon.db.Datom;
import io.chronon.db.IndexType;
import io.chronon.query.QueryOptions;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A database value: the facts of one database at a basis t, or a view of them
 * ({@link #asOf}, {@link #since}, {@link #history}, {@link #with}). Reads never change it,
 * and views are cheap: they are new {@code Db}s that remember how to filter.
 *
 * <p>In process, a {@code Db} is the immutable value the node holds and reads run in the
 * caller's thread. On a remote connection a {@code Db} is its basis t plus its view
 * options, and every read is one HTTP request that asks the server for a value whose basis
 * is at least that t (see docs/client.md for what that means on a database that keeps
 * moving). Queries, patterns and transaction data are EDN text or the same as Java data
 * ({@link io.chronon.edn.EdnReader}'s types). Every failure is a
 * {@link io.chronon.ChrononException} with a category.
 */
public interface Db {

    /** The name of the database. */
    String name();

    /**
     * The basis t: the t of the latest transaction this value holds (for a remote value, the
     * least basis its reads are answered at).
     */
    long basisT();

    /**
     * The t of the last transaction in the durable index this value reads (Datomic's
     * {@code indexBasisT}); the transactions after it are the novelty its peer holds in memory.
     * 0 before the first indexing job. Remote: asked of the server (one round trip).
     */
    long indexBasisT();

    /**
     * Runs a Datalog query with this database as its first input ({@code $}) and
     * {@code args} bound to the rest of its {@code :in}, in order. Another {@code Db} may be
     * one of the args. The result has Datomic's shapes (a set of rows, a list, a tuple, a
     * scalar), see docs/query.md.
     */
    default Object q(Object query, Object... args) {
        return query(query, Arrays.asList(args), QueryOptions.DEFAULTS);
    }

    /** {@link #q} with a timeout, limit and offset. */
    Object query(Object query, List<?> args, QueryOptions options);

    /** Pulls {@code selector} (a pattern, e.g. {@code "[*]"}) for one entity (an id, ident or lookup ref); null if it has none of it. */
    Map<Object, Object> pull(Object selector, Object eid);

    /** {@link #pull} for several entities, in order. */
    List<Map<Object, Object>> pullMany(Object selector, List<?> eids);

    /** The entity {@code eid} (an id, ident or lookup ref) as a lazy map-like view. */
    Entity entity(Object eid);

    /**
     * The datoms of {@code index} whose leading components equal {@code components} (entity,
     * attribute, value, tx in the index's order), in index order.
     */
    List<Datom> datoms(IndexType index, Object... components);

    /** The AVET datoms of {@code attr} with {@code start <= v < end}; a null bound is open. */
    List<Datom> indexRange(Object attr, Object start, Object end);

    /**
     * Datomic's {@code attribute}: the attribute {@code attr} (an ident, entity id or lookup
     * ref) names, with its schema properties; null if it names no attribute. Ignores views.
     */
    Attribute attribute(Object attr);

    /**
     * Datomic's {@code entidAt}: an entity id in {@code partition} (e.g.
     * {@code :db.part/user}) whose t part is {@code point} (a t, a transaction id, or a
     * {@link java.util.Date}: the first transaction at or after it). The entities a transaction
     * at or after {@code point} creates have ids no smaller, and older ones smaller, so it
     * bounds index ranges by creation time.
     */
    long entidAt(Object partition, Object point);

    /** This database as it was at {@code point}: a t, a transaction id or a {@link java.util.Date}. */
    Db asOf(Object point);

    /** This database restricted to facts asserted after {@code point} (a t, tx id or Date). */
    Db since(Object point);

    /** Every assertion and retraction ever made, with their transactions and added flags. */
    Db history();

    /**
     * What this database would be after {@code txData} (a list of transaction forms or EDN
     * text), without committing anything. Views are dropped first, as a transaction applies
     * to the whole database.
     */
    Db with(Object txData);
}
