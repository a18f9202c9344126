package io.chronon.sharding.access;

import java.util.Locale;

/**
 * What a permission allows, each level including the ones before it:
 * {@code view} (read) &lt; {@code write} (change content) &lt; {@code create} (make new objects)
 * &lt; {@code control} (delete, administer).
 */
public enum Action {
    VIEW, WRITE, CREATE, CONTROL;

    /** True if holding this action allows {@code requested}. */
    public boolean includes(Action requested) {
        return ordinal() >= requested.ordinal();
    }

    /** The lower-case name ({@code "view"}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The action named {@code name} (any case). */
    public static Action parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("An action is view, write, create or control: " + name);
        }
    }
}
