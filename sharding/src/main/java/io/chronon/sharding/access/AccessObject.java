package io.chronon.sharding.access;

/**
 * What a request acts on: an object of a kind by name, or (name null) the kind as a whole,
 * e.g. the list of users, or the server.
 */
public record AccessObject(ObjectKind kind, String name) {
    public static AccessObject database(String name) {
        return new AccessObject(ObjectKind.DATABASE, name);
    }

    public static AccessObject user(String name) {
        return new AccessObject(ObjectKind.USER, name);
    }

    public static AccessObject role(String name) {
        return new AccessObject(ObjectKind.ROLE, name);
    }

    public static final AccessObject SERVER = new AccessObject(ObjectKind.SERVER, null);

    /** The narrowest permission allowing {@code action} on this object. */
    public Permission needs(Action action) {
        return new Permission(action, kind, name == null ? Target.ALL : Target.named(name));
    }
}
