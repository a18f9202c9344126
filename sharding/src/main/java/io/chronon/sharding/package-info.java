/**
 * Chronon on a Pekko cluster: {@link io.chronon.sharding.ChrononCluster}, the entry point a
 * node, the HTTP server and the in-process client use, starts the catalog singleton, the
 * writers' and the peers' sharding and routes requests to them. The sub-packages each do one
 * job; they may use {@code support}, {@code wire} and the packages below them in this list,
 * never this package: {@code support} (settings, query group names, futures), {@code wire}
 * (what crosses the network: serializers, errors), {@code catalog} (the databases),
 * {@code feed} (committed transactions pushed to peers), {@code writer} (one writer per
 * database), {@code peer} (replicas that answer reads). {@code PackageLayersTest} checks it.
 */
package io.chronon.sharding;
