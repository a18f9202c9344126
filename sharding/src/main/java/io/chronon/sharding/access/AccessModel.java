package io.chronon.sharding.access;

import io.chronon.sharding.wire.CborSerializable;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who may do what: the users, roles and access keys, immutable. The state of the access
 * catalog (durable, one per cluster) and the copy every node checks requests against.
 * Changes make a new model with {@code version} one higher, so a node keeps the newest copy
 * it has heard of.
 *
 * <p>Built in: the role {@value #ADMINISTRATOR} (control on every kind of object) and the
 * user {@value #ADMIN}, which always has it; neither can be deleted. The administrator user
 * appears when a node first starts and gives it a generated password.
 */
public record AccessModel(long version, Map<String, User> users, Map<String, Role> roles, Map<String, AccessKey> keys)
        implements CborSerializable {
    public static final String ADMIN = "admin";
    public static final String ADMINISTRATOR = "administrator";

    public AccessModel {
        users = Collections.unmodifiableMap(new TreeMap<>(users));
        roles = Collections.unmodifiableMap(new TreeMap<>(roles));
        keys = Collections.unmodifiableMap(new TreeMap<>(keys));
    }

    /** The model before anything was created: the built-in role only. */
    public static AccessModel initial() {
        List<Permission> all = new ArrayList<>();
        for (ObjectKind k : ObjectKind.values()) {
            all.add(new Permission(Action.CONTROL, k, Target.ALL));
        }
        return new AccessModel(0, Map.of(), Map.of(ADMINISTRATOR, new Role(ADMINISTRATOR, Set.copyOf(all))), Map.of());
    }

    /** True for what cannot be deleted or taken from the administrator. */
    public static boolean builtIn(String userOrRole) {
        return ADMIN.equals(userOrRole) || ADMINISTRATOR.equals(userOrRole);
    }

    /** Everything user {@code user} may do: the permissions of its roles and of its own role. */
    public List<Permission> permissionsOf(User user) {
        List<Permission> out = new ArrayList<>();
        Role own = roles.get(User.ownRole(user.name()));
        if (own != null) {
            out.addAll(own.permissions());
        }
        for (String r : user.roles()) {
            Role role = roles.get(r);
            if (role != null) {
                out.addAll(role.permissions());
            }
        }
        return out;
    }

    /** The keys of user {@code user}. */
    public List<AccessKey> keysOf(String user) {
        return keys.values().stream().filter(k -> k.user().equals(user)).toList();
    }

    // ------------------------------------------------------------ changes (the events' effects)

    /** With user {@code u} added or replaced; a new user gets its own (empty) role. */
    public AccessModel withUser(User u) {
        TreeMap<String, User> us = new TreeMap<>(users);
        us.put(u.name(), u);
        TreeMap<String, Role> rs = new TreeMap<>(roles);
        rs.putIfAbsent(User.ownRole(u.name()), new Role(User.ownRole(u.name()), Set.of()));
        return new AccessModel(version + 1, us, rs, keys);
    }

    /** Without user {@code name}, its own role and its keys. */
    public AccessModel withoutUser(String name) {
        TreeMap<String, User> us = new TreeMap<>(users);
        us.remove(name);
        TreeMap<String, Role> rs = new TreeMap<>(roles);
        rs.remove(User.ownRole(name));
        TreeMap<String, AccessKey> ks = new TreeMap<>(keys);
        ks.values().removeIf(k -> k.user().equals(name));
        return new AccessModel(version + 1, us, rs, ks);
    }

    /** With role {@code r} added or replaced. */
    public AccessModel withRole(Role r) {
        TreeMap<String, Role> rs = new TreeMap<>(roles);
        rs.put(r.name(), r);
        return new AccessModel(version + 1, users, rs, keys);
    }

    /** Without role {@code name}, taken from every user that had it. */
    public AccessModel withoutRole(String name) {
        TreeMap<String, Role> rs = new TreeMap<>(roles);
        rs.remove(name);
        TreeMap<String, User> us = new TreeMap<>();
        users.forEach((n, u) -> us.put(n, u.withRole(name, false)));
        return new AccessModel(version + 1, us, rs, keys);
    }

    public AccessModel withKey(AccessKey k) {
        TreeMap<String, AccessKey> ks = new TreeMap<>(keys);
        ks.put(k.id(), k);
        return new AccessModel(version + 1, users, roles, ks);
    }

    public AccessModel withoutKey(String id) {
        TreeMap<String, AccessKey> ks = new TreeMap<>(keys);
        ks.remove(id);
        return new AccessModel(version + 1, users, roles, ks);
    }
}
