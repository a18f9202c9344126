/**
 * Access control: who may do what. The model ({@link io.chronon.sharding.access.AccessModel}:
 * users, roles of {@link io.chronon.sharding.access.Permission permissions}, access keys), the
 * one pure decision ({@link io.chronon.sharding.access.Policy}), and how secrets are hashed
 * ({@link io.chronon.sharding.access.Secrets}). The model is kept durably by the access
 * catalog ({@code io.chronon.sharding.catalog.AccessCatalog}) and copied to every node.
 * Depends on nothing but {@code wire}'s marker interface.
 */
package io.chronon.sharding.access;
