package io.chronon.pull;

import io.chronon.edn.Keyword;

/**
 * One attribute of a parsed pull pattern: which attribute (forward or reverse), under which
 * key its value goes, its options, and what to do with referenced entities (nothing, a
 * nested pattern, or recursion into the enclosing pattern). Immutable and independent of any
 * database; {@link PullPattern.Binding} resolves it against a schema.
 */
final class AttrSpec {
    /** The default {@code :limit} of cardinality-many and reverse attributes, as in Datomic. */
    static final int DEFAULT_LIMIT = 1000;
    /** {@code :limit nil}: every value. */
    static final int NO_LIMIT = Integer.MAX_VALUE;
    /** Recursion without a depth limit ({@code ...}). */
    static final int UNBOUNDED = Integer.MAX_VALUE;

    /** The attribute as named, e.g. {@code :person/_friend}; used for duplicate detection. */
    final Keyword name;
    /** The forward attribute's ident ({@code :person/friend} for {@code :person/_friend}). */
    final Keyword attr;
    final boolean reverse;
    /** The key of the value in the result map: the {@code :as} value or the name as written. */
    final Object key;
    /**
     * The attribute was named by a string ({@code ":person/friend"}): as in Datomic, the maps
     * it gives for references have string keys ({@code ":db/id"}).
     */
    final boolean stringKeys;
    /** At most this many values of a cardinality-many or reverse attribute; &lt;= 0 gives none. */
    final int limit;
    /** The value when there is none, or null. */
    final Object defaultValue;
    /**
     * The default also replaces {@code false}: Datomic's legacy {@code (default :attr v)} is
     * Clojure's {@code (or v default)}, while the {@code :default} option only fills in nil.
     */
    final boolean defaultReplacesFalse;
    /** Applied to the value (also to a missing one, as Datomic does), or null. */
    final Xform xform;
    /** The pattern for referenced entities, or null. */
    final PullPattern sub;
    /** 0 if not recursive, else the depth limit ({@link #UNBOUNDED} for {@code ...}). */
    final int recursionLimit;
    /** Index of this recursive spec among all recursive specs of the top-level pattern. */
    final int recursionIndex;

    AttrSpec(Keyword name, Object key, boolean stringKeys, int limit, Object defaultValue, boolean defaultReplacesFalse,
             Xform xform, PullPattern sub, int recursionLimit, int recursionIndex) {
        this.name = name;
        this.reverse = name.isReverse();
        this.attr = reverse ? name.reverse() : name;
        this.key = key;
        this.stringKeys = stringKeys;
        this.limit = limit;
        this.defaultValue = defaultValue;
        this.defaultReplacesFalse = defaultReplacesFalse;
        this.xform = xform;
        this.sub = sub;
        this.recursionLimit = recursionLimit;
        this.recursionIndex = recursionIndex;
    }

    boolean recursive() {
        return recursionLimit > 0;
    }

    /** True if the spec follows references into a pattern (nested or recursive). */
    boolean followsRefs() {
        return sub != null || recursionLimit > 0;
    }
}
