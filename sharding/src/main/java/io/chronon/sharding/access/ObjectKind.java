package io.chronon.sharding.access;

import java.util.Locale;

/** The kinds of objects a permission is about. {@code server} objects have no name: the node and its cluster. */
public enum ObjectKind {
    DATABASE, USER, ROLE, SERVER;

    /** The lower-case name ({@code "database"}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code name} (any case). */
    public static ObjectKind parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("An object kind is database, user, role or server: " + name);
        }
    }
}
