package io.chronon.sharding.access;

import io.chronon.sharding.wire.CborSerializable;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A user: a name, the Argon2id hash of its password ({@link Secrets}; never the password),
 * and the roles granted to it. Each user also has its own role, {@link #ownRole}, made and
 * removed with it.
 */
public record User(String name, String passwordHash, Set<String> roles) implements CborSerializable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    public User {
        roles = Set.copyOf(new TreeSet<>(roles));
    }

    /** True for a valid user or role name: 1 to 64 letters, digits, {@code . _ -}, starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The name of user {@code user}'s own role: {@code @user}. */
    public static String ownRole(String user) {
        return "@" + user;
    }

    /** This user with role {@code role} granted, or taken back. */
    public User withRole(String role, boolean granted) {
        TreeSet<String> r = new TreeSet<>(roles);
        if (granted) {
            r.add(role);
        } else {
            r.remove(role);
        }
        return new User(name, passwordHash, r);
    }

    public User withPasswordHash(String hash) {
        return new User(name, hash, roles);
    }

    @Override
    public String toString() {
        return "User[" + name + " roles " + roles + "]"; // never the hash
    }
}
