/**
 * The transaction feed: what a writer publishes after each durable write
 * ({@link io.chronon.sharding.feed.TxFeed}) and the pub/sub topic of each database that carries
 * it to the peers. Uses {@code catalog} and {@code wire}.
 */
package io.chronon.sharding.feed;
