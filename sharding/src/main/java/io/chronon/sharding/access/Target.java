package io.chronon.sharding.access;

import io.chronon.sharding.wire.CborSerializable;

/**
 * Which objects of a kind a permission covers: all of them, those whose name starts with a
 * prefix, or one by name. Written {@code *}, {@code prefix*} and {@code name}.
 *
 * @param scope what {@code name} means
 * @param name  the prefix or the name; empty for {@link Scope#ALL}
 */
public record Target(Scope scope, String name) implements CborSerializable {
    /** How a target picks its objects. */
    public enum Scope { ALL, PREFIX, NAME }

    public static final Target ALL = new Target(Scope.ALL, "");

    public Target {
        if (scope == null || name == null || (scope == Scope.ALL) != name.isEmpty()) {
            throw new IllegalArgumentException("A target is *, PREFIX* or NAME");
        }
    }

    /** The object named {@code name}. */
    public static Target named(String name) {
        return new Target(Scope.NAME, name);
    }

    /** Objects whose name starts with {@code prefix}. */
    public static Target prefix(String prefix) {
        return prefix.isEmpty() ? ALL : new Target(Scope.PREFIX, prefix);
    }

    /** Parses {@code *}, {@code prefix*} or {@code name}. */
    public static Target parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("A target is *, PREFIX* or NAME (got nothing)");
        }
        String t = text.trim();
        if (t.endsWith("*")) {
            String prefix = t.substring(0, t.length() - 1);
            if (prefix.contains("*")) {
                throw new IllegalArgumentException("A target has at most one *, at its end: " + t);
            }
            return prefix(prefix);
        }
        if (t.contains("*")) {
            throw new IllegalArgumentException("A target has at most one *, at its end: " + t);
        }
        return named(t);
    }

    /**
     * True if this target covers the object named {@code objectName}; a null name stands for
     * every object of the kind at once (listing them, or the server), which only {@code *} covers.
     */
    public boolean covers(String objectName) {
        return switch (scope) {
            case ALL -> true;
            case PREFIX -> objectName != null && objectName.startsWith(name);
            case NAME -> name.equals(objectName);
        };
    }

    /** True if every object this target covers is covered by {@code other}. */
    public boolean within(Target other) {
        return switch (scope) {
            case ALL -> other.scope == Scope.ALL;
            case PREFIX -> other.scope == Scope.ALL || (other.scope == Scope.PREFIX && name.startsWith(other.name));
            case NAME -> other.covers(name);
        };
    }

    @Override
    public String toString() {
        return switch (scope) {
            case ALL -> "*";
            case PREFIX -> name + "*";
            case NAME -> name;
        };
    }
}
