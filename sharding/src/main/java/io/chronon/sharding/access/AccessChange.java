package io.chronon.sharding.access;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.chronon.ChrononException;
import io.chronon.sharding.wire.CborSerializable;

import java.util.Set;

/**
 * One change to the {@link AccessModel}: what an administrator asks for and, once checked,
 * the event the access catalog stores. {@link #check} refuses a change that does not fit the
 * model (with Datomic-style error categories); {@link #apply} is pure and never fails, as
 * event application must (recovery replays it).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
@JsonSubTypes({
        @JsonSubTypes.Type(value = AccessChange.CreateUser.class, name = "create-user"),
        @JsonSubTypes.Type(value = AccessChange.DeleteUser.class, name = "delete-user"),
        @JsonSubTypes.Type(value = AccessChange.SetPassword.class, name = "set-password"),
        @JsonSubTypes.Type(value = AccessChange.CreateRole.class, name = "create-role"),
        @JsonSubTypes.Type(value = AccessChange.DeleteRole.class, name = "delete-role"),
        @JsonSubTypes.Type(value = AccessChange.Grant.class, name = "grant"),
        @JsonSubTypes.Type(value = AccessChange.Revoke.class, name = "revoke"),
        @JsonSubTypes.Type(value = AccessChange.GrantRole.class, name = "grant-role"),
        @JsonSubTypes.Type(value = AccessChange.RevokeRole.class, name = "revoke-role"),
        @JsonSubTypes.Type(value = AccessChange.AddKey.class, name = "add-key"),
        @JsonSubTypes.Type(value = AccessChange.RemoveKey.class, name = "remove-key"),
        @JsonSubTypes.Type(value = AccessChange.Bootstrap.class, name = "bootstrap")})
public sealed interface AccessChange extends CborSerializable {
    /** Throws the error that refuses this change under {@code model}; returns if it fits. */
    void check(AccessModel model);

    /** The model with this change made (only after {@link #check} passed, or when replaying). */
    AccessModel apply(AccessModel model);

    record CreateUser(String name, String passwordHash) implements AccessChange {
        public void check(AccessModel m) {
            validName(name, "user");
            if (m.users().containsKey(name)) {
                throw ChrononException.conflict("chronon.error/user-exists", "User " + name + " already exists", name);
            }
        }

        public AccessModel apply(AccessModel m) {
            return m.withUser(new User(name, passwordHash, Set.of()));
        }
    }

    record DeleteUser(String name) implements AccessChange {
        public void check(AccessModel m) {
            requireUser(m, name);
            refuseBuiltIn(name);
        }

        public AccessModel apply(AccessModel m) {
            return m.withoutUser(name);
        }
    }

    record SetPassword(String name, String passwordHash) implements AccessChange {
        public void check(AccessModel m) {
            requireUser(m, name);
        }

        public AccessModel apply(AccessModel m) {
            User u = m.users().get(name);
            return u == null ? m : m.withUser(u.withPasswordHash(passwordHash));
        }
    }

    record CreateRole(String name) implements AccessChange {
        public void check(AccessModel m) {
            validName(name, "role");
            if (m.roles().containsKey(name)) {
                throw ChrononException.conflict("chronon.error/role-exists", "Role " + name + " already exists", name);
            }
        }

        public AccessModel apply(AccessModel m) {
            return m.withRole(new Role(name, Set.of()));
        }
    }

    record DeleteRole(String name) implements AccessChange {
        public void check(AccessModel m) {
            requireRole(m, name);
            refuseBuiltIn(name);
            if (name.startsWith("@")) {
                throw ChrononException.incorrect("chronon.error/own-role", "A user's own role goes with the user", name);
            }
        }

        public AccessModel apply(AccessModel m) {
            return m.withoutRole(name);
        }
    }

    /** Adds a permission to a role (a user's own role is {@code @user}). */
    record Grant(String role, Permission permission) implements AccessChange {
        public void check(AccessModel m) {
            requireRole(m, role);
            refuseBuiltIn(role);
        }

        public AccessModel apply(AccessModel m) {
            Role r = m.roles().get(role);
            return r == null ? m : m.withRole(r.with(permission, true));
        }
    }

    record Revoke(String role, Permission permission) implements AccessChange {
        public void check(AccessModel m) {
            requireRole(m, role);
            refuseBuiltIn(role);
        }

        public AccessModel apply(AccessModel m) {
            Role r = m.roles().get(role);
            return r == null ? m : m.withRole(r.with(permission, false));
        }
    }

    /** Grants role {@code role} to user {@code user}. */
    record GrantRole(String user, String role) implements AccessChange {
        public void check(AccessModel m) {
            requireUser(m, user);
            requireRole(m, role);
            if (role.startsWith("@")) {
                throw ChrononException.incorrect("chronon.error/own-role", "A user's own role is its own; grant its permissions"
                        + " to a role instead", role);
            }
        }

        public AccessModel apply(AccessModel m) {
            User u = m.users().get(user);
            return u == null ? m : m.withUser(u.withRole(role, true));
        }
    }

    record RevokeRole(String user, String role) implements AccessChange {
        public void check(AccessModel m) {
            requireUser(m, user);
            if (AccessModel.ADMIN.equals(user) && AccessModel.ADMINISTRATOR.equals(role)) {
                throw ChrononException.incorrect("chronon.error/built-in", "The administrator keeps its role", role);
            }
        }

        public AccessModel apply(AccessModel m) {
            User u = m.users().get(user);
            return u == null ? m : m.withUser(u.withRole(role, false));
        }
    }

    record AddKey(AccessKey key) implements AccessChange {
        public void check(AccessModel m) {
            requireUser(m, key.user());
            if (m.keys().containsKey(key.id())) {
                throw ChrononException.conflict("chronon.error/key-exists", "Key " + key.id() + " already exists", key.id());
            }
        }

        public AccessModel apply(AccessModel m) {
            return m.withKey(key);
        }
    }

    record RemoveKey(String id) implements AccessChange {
        public void check(AccessModel m) {
            if (!m.keys().containsKey(id)) {
                throw ChrononException.notFound("chronon.error/key-not-found", "No key " + id, id);
            }
        }

        public AccessModel apply(AccessModel m) {
            return m.withoutKey(id);
        }
    }

    /** Creates the built-in administrator with its first password; refused once it exists. */
    record Bootstrap(String passwordHash) implements AccessChange {
        public void check(AccessModel m) {
            if (m.users().containsKey(AccessModel.ADMIN)) {
                throw ChrononException.conflict("chronon.error/user-exists", "The administrator exists already", AccessModel.ADMIN);
            }
        }

        public AccessModel apply(AccessModel m) {
            return m.withUser(new User(AccessModel.ADMIN, passwordHash, Set.of(AccessModel.ADMINISTRATOR)));
        }
    }

    private static void validName(String name, String what) {
        if (!User.isValidName(name)) {
            throw ChrononException.incorrect("chronon.error/invalid-name", "A " + what
                    + " name is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit: " + name, name);
        }
    }

    private static void requireUser(AccessModel m, String name) {
        if (!m.users().containsKey(name)) {
            throw ChrononException.notFound("chronon.error/user-not-found", "No user " + name, name);
        }
    }

    private static void requireRole(AccessModel m, String name) {
        if (!m.roles().containsKey(name)) {
            throw ChrononException.notFound("chronon.error/role-not-found", "No role " + name, name);
        }
    }

    private static void refuseBuiltIn(String name) {
        if (AccessModel.builtIn(name)) {
            throw ChrononException.incorrect("chronon.error/built-in", name + " is built in and cannot be changed", name);
        }
    }
}
