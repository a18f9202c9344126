package io.chronon.sharding.access;

/** What the {@link Policy} decides about one request. */
public sealed interface Decision {
    /** The request may go ahead. */
    record Allow() implements Decision {
    }

    /**
     * The request is refused: {@code missing} is the permission it needs, {@code reason}
     * says who lacks it (the user, or the key that carries less than its user).
     */
    record Deny(Permission missing, String reason) implements Decision {
    }

    Allow ALLOW = new Allow();

    default boolean allowed() {
        return this instanceof Allow;
    }
}
