/**
 * What crosses the network between nodes, and how: the marker interface bound to Jackson CBOR,
 * EDN values inside JSON/CBOR messages ({@link io.chronon.sharding.wire.EdnJson}), and
 * {@link io.chronon.sharding.wire.ChrononError}, the error every reply carries, with its own
 * serializer. Uses {@code core} and the storage codec; no actors.
 */
package io.chronon.sharding.wire;
