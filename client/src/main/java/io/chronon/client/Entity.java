package io.chronon.client;

import io.chronon.edn.Keyword;

import java.util.Map;
import java.util.Set;

/**
 * A lazy, read-only view of one entity in one {@link Db}: Datomic's {@code entity}. Values
 * follow Datomic: a cardinality-one attribute gives its value, a cardinality-many one a
 * {@link Set}; a reference gives the referenced {@code Entity}, or its ident
 * {@link Keyword} when it has one (enums); a reverse name {@code :ns/_attr} gives the
 * referring entities (the one owner for a component attribute); a missing attribute gives
 * null. Each attribute is read once and kept. On a remote connection each first read of an
 * attribute is one request.
 */
public interface Entity {
    /** The entity id. */
    long id();

    /** The database this entity is read from. */
    Db db();

    /** The value of {@code attr} (e.g. {@code :person/name} or reverse {@code :person/_friend}), or null. */
    Object get(Keyword attr);

    /** {@link #get(Keyword)} with the attribute written as text, with or without the leading colon. */
    default Object get(String attr) {
        return get(Keyword.of(attr.startsWith(":") ? attr.substring(1) : attr));
    }

    /** The forward attributes the entity has, reading them all. */
    Set<Keyword> keySet();

    /** {@code :db/id} and every forward attribute with its value; references stay entities. */
    Map<Keyword, Object> toMap();
}
