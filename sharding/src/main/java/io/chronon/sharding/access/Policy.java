package io.chronon.sharding.access;

/**
 * The one decision about who may do what: a pure function of the {@link AccessModel}, the
 * {@link Principal}, the action asked for and the object it is asked on. Every entry point
 * (HTTP, and through it the Java client and the command line) asks it once per request.
 *
 * <p>The rules, in order:
 * <ol>
 *   <li>a key from the node's configuration ({@code --access-key}, development) may do anything;</li>
 *   <li>the user must exist, and a key must exist and belong to it (a revoked key is gone);</li>
 *   <li>the user must hold a permission allowing the action on the object through its own
 *       role or a granted one; besides, every user may view and write itself (its password
 *       and keys);</li>
 *   <li>a key with a limit must also have the permission within its limit: a key never does
 *       more than its user, and may do less.</li>
 * </ol>
 * A denial names the narrowest permission that would have allowed the request.
 */
public final class Policy {
    private Policy() {
    }

    /** Whether {@code principal} may do {@code action} on {@code object} under {@code model}. */
    public static Decision decide(AccessModel model, Principal principal, Action action, AccessObject object) {
        if (principal.configured()) {
            return Decision.ALLOW;
        }
        Permission missing = object.needs(action);
        User user = model.users().get(principal.user());
        if (user == null) {
            return new Decision.Deny(missing, "no user " + principal.user());
        }
        AccessKey key = null;
        if (principal.key() != null) {
            key = model.keys().get(principal.key());
            if (key == null || !key.user().equals(user.name())) {
                return new Decision.Deny(missing, "key " + principal.key() + " was revoked");
            }
        }
        boolean self = object.kind() == ObjectKind.USER && user.name().equals(object.name()) && Action.WRITE.includes(action);
        if (!self && model.permissionsOf(user).stream().noneMatch(p -> p.allows(action, object))) {
            return new Decision.Deny(missing, "user " + user.name() + " lacks it");
        }
        if (key != null && key.limit() != null && key.limit().stream().noneMatch(p -> p.allows(action, object))) {
            return new Decision.Deny(missing, "key " + key.id() + " is limited to " + key.limit());
        }
        return Decision.ALLOW;
    }
}
