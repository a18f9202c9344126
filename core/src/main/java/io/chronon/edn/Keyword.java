package io.chronon.edn;

import java.util.Objects;

/**
 * An EDN keyword such as {@code :db/ident} or {@code :name}. Keywords are interned: two
 * keywords with the same namespace and name are the same object, so {@code ==} works and
 * hashing is cheap. Printed with a leading colon.
 */
public final class Keyword implements Comparable<Keyword> {
    private static final WeakInterner<Keyword> INTERNED = new WeakInterner<>();

    private final String namespace;
    private final String name;
    private final String text;
    private final int hash;

    private Keyword(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
        this.text = namespace == null ? name : namespace + "/" + name;
        this.hash = text.hashCode() * 31 + 7;
    }

    /**
     * The keyword for {@code text}, which may start with a colon: {@code of(":db/ident")},
     * {@code of("db/ident")} and {@code of("db", "ident")} are the same keyword.
     */
    public static Keyword of(String text) {
        Objects.requireNonNull(text, "keyword text");
        String t = text.startsWith(":") ? text.substring(1) : text;
        Keyword k = INTERNED.get(t);
        if (k != null) {
            return k;
        }
        int slash = Names.separator(t);
        if (slash > 0) {
            return of(t.substring(0, slash), t.substring(slash + 1));
        }
        return INTERNED.intern(t, () -> new Keyword(null, t));
    }

    /** The keyword with the given namespace (may be null) and name. */
    public static Keyword of(String namespace, String name) {
        Objects.requireNonNull(name, "keyword name");
        String t = namespace == null ? name : namespace + "/" + name;
        return INTERNED.intern(t, () -> new Keyword(namespace, name));
    }

    /** The namespace, or null for a keyword without one. */
    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** The keyword without its colon: {@code db/ident}. */
    public String text() {
        return text;
    }

    /** True for a reverse attribute reference such as {@code :person/_friend}. */
    public boolean isReverse() {
        return name.startsWith("_") && name.length() > 1;
    }

    /** {@code :person/_friend} for {@code :person/friend} and back again. */
    public Keyword reverse() {
        return isReverse() ? of(namespace, name.substring(1)) : of(namespace, "_" + name);
    }

    @Override
    public int compareTo(Keyword o) {
        return this == o ? 0 : Names.compare(namespace, name, o.namespace, o.name);
    }

    @Override
    public boolean equals(Object o) {
        return this == o; // interned
    }

    /** The number of interned keywords still alive (for tests). */
    static int internedCount() {
        return INTERNED.size();
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return ":" + text;
    }
}
