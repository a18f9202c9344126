/**
 * How a node's configuration is put together: the command line's options (picocli) and the
 * configuration keys they set, their usage errors (exit status 2), and the layering of system
 * properties, options, the {@code --config} file and {@code chronon-node.conf} with the checks
 * of the cluster settings. Plain values only: nothing here starts an actor.
 */
package io.chronon.node.config;
