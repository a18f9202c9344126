package io.chronon.sharding.writer;

import org.apache.pekko.actor.typed.ActorRef;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The transactors running in this actor system, by database name, so that a transaction
 * submitted on the node that hosts its writer goes straight to it instead of through the
 * shard region and the shard (two actor hops, each a thread hand-off, per transaction).
 *
 * <p>A writer registers once it serves transactions and unregisters as soon as it decides
 * to stop (retired, handed off, passivated), before it stops; a caller that finds no entry
 * goes through Cluster Sharding as always. Only references to live, local actors are ever
 * here; nothing about it is visible in the protocol.
 */
public final class LocalWriters {
    private final ConcurrentHashMap<String, ActorRef<Transactor.Command>> writers = new ConcurrentHashMap<>();

    void register(String database, ActorRef<Transactor.Command> writer) {
        writers.put(database, writer);
    }

    /** Removes {@code writer} if it is still the one registered for {@code database}. */
    void unregister(String database, ActorRef<Transactor.Command> writer) {
        writers.remove(database, writer);
    }

    /** The databases whose writer is registered here now. */
    public java.util.Set<String> names() {
        return java.util.Set.copyOf(writers.keySet());
    }

    /** The local writer of {@code database}, or null. */
    public ActorRef<Transactor.Command> get(String database) {
        return writers.get(database);
    }
}
