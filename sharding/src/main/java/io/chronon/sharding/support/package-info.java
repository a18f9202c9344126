/**
 * What every package of the cluster layer shares: the settings read from {@code chronon.*}
 * configuration ({@link io.chronon.sharding.support.ChrononSettings}), the naming rule of
 * query groups and their roles, and plain futures from Pekko's asks. Uses only {@code core}.
 */
package io.chronon.sharding.support;
