package io.chronon.edn;

import java.util.Objects;

/**
 * An EDN symbol such as {@code ?e}, {@code pull} or {@code clojure.string/includes?}. Symbols are interned: two
 * symbols with the same namespace and name are the same object, so {@code ==} works and
 * hashing is cheap. Printed as written.
 */
public final class Symbol implements Comparable<Symbol> {
    private static final WeakInterner<Symbol> INTERNED = new WeakInterner<>();

    private final String namespace;
    private final String name;
    private final String text;
    private final int hash;

    private Symbol(String namespace, String name) {
        this.namespace = namespace;
        this.name = name;
        this.text = namespace == null ? name : namespace + "/" + name;
        this.hash = text.hashCode() * 31 + 11;
    }

    /**
     * The symbol for {@code text}: {@code of("clojure.string/includes?")} and
     * {@code of("clojure.string", "includes?")} are the same symbol. A lone {@code /} is
     * the division symbol.
     */
    public static Symbol of(String text) {
        Objects.requireNonNull(text, "symbol text");
        String t = text;
        Symbol k = INTERNED.get(t);
        if (k != null) {
            return k;
        }
        int slash = Names.separator(t);
        if (slash > 0) {
            return of(t.substring(0, slash), t.substring(slash + 1));
        }
        return INTERNED.intern(t, () -> new Symbol(null, t));
    }

    /** The symbol with the given namespace (may be null) and name. */
    public static Symbol of(String namespace, String name) {
        Objects.requireNonNull(name, "symbol name");
        String t = namespace == null ? name : namespace + "/" + name;
        return INTERNED.intern(t, () -> new Symbol(namespace, name));
    }

    /** The namespace, or null for a symbol without one. */
    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** The symbol as written. */
    public String text() {
        return text;
    }

    /** True for a query variable such as {@code ?e}. */
    public boolean isVariable() {
        return namespace == null && name.length() > 1 && name.charAt(0) == '?';
    }

    /** True for a data source name such as {@code $} or {@code $hist}. */
    public boolean isSource() {
        return namespace == null && name.charAt(0) == '$';
    }

    @Override
    public int compareTo(Symbol o) {
        return this == o ? 0 : Names.compare(namespace, name, o.namespace, o.name);
    }

    @Override
    public boolean equals(Object o) {
        return this == o; // interned
    }

    /** The number of interned symbols still alive (for tests). */
    static int internedCount() {
        return INTERNED.size();
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return text;
    }
}
