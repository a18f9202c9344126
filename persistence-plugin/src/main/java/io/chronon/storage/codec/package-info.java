/**
 * The compact binary encoding of values, datoms and db values (tagged, zig-zag varints) used
 * by the stored log entries, snapshots and the wire. Uses only {@code core}.
 */
package io.chronon.storage.codec;
