package io.chronon.sharding.wire;

/**
 * Marks the messages of Chronon's actor protocol that may cross the network: bound to
 * Jackson CBOR ({@code pekko.actor.serialization-bindings} in this module's
 * {@code reference.conf}). Fields holding EDN data ({@link EdnValue}), datoms or db values
 * use the compact binary codec inside the CBOR document (see {@link EdnJson}).
 */
public interface CborSerializable {
}
