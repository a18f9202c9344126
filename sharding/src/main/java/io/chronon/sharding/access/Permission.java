package io.chronon.sharding.access;

import io.chronon.sharding.wire.CborSerializable;

/**
 * An action on the objects of one kind that a target picks, e.g. {@code view database sales-*}.
 * Holding a permission allows its action and every lesser one.
 */
public record Permission(Action action, ObjectKind kind, Target target) implements CborSerializable {
    public Permission {
        if (action == null || kind == null || target == null) {
            throw new IllegalArgumentException("A permission is an action, an object kind and a target");
        }
        if (kind == ObjectKind.SERVER && target.scope() != Target.Scope.ALL) {
            throw new IllegalArgumentException("A server permission has the target *: the server has no name");
        }
    }

    /** Parses {@code ACTION KIND [TARGET]} (target {@code *} when left out). */
    public static Permission parse(String action, String kind, String target) {
        return new Permission(Action.parse(action), ObjectKind.parse(kind), target == null ? Target.ALL : Target.parse(target));
    }

    /** True if this permission allows {@code requested} on {@code object}. */
    public boolean allows(Action requested, AccessObject object) {
        return kind == object.kind() && action.includes(requested) && target.covers(object.name());
    }

    /** True if everything this permission allows, {@code other} allows too. */
    public boolean within(Permission other) {
        return kind == other.kind && other.action.includes(action) && target.within(other.target);
    }

    @Override
    public String toString() {
        return action.label() + " " + kind.label() + " " + target;
    }
}
