package io.chronon.client.spi;

import io.chronon.client.ChrononUri;
import io.chronon.client.Connection;

import java.util.List;

/**
 * The in-process implementation of the client, for {@code chronon:mem://} and
 * {@code chronon:dir:} URIs. {@link io.chronon.client.Chronon} finds it with
 * {@link java.util.ServiceLoader} (module {@code chronon-cluster-node} provides it), so a
 * program that only talks to servers does not carry the server. Implementations must be
 * thread-safe and start at most one node per place (per data directory, one for memory).
 */
public interface LocalConnector {

    /** Connects to the database {@code uri} names; not-found if it does not exist. */
    Connection connect(ChrononUri uri);

    /** Creates the database {@code uri} names; false if it already exists. */
    boolean createDatabase(ChrononUri uri);

    /** Deletes the database {@code uri} names; false if it did not exist. */
    boolean deleteDatabase(ChrononUri uri);

    /** The names of the databases in the place {@code uri} names. */
    List<String> listDatabases(ChrononUri uri);
}
