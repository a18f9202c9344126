package io.chronon.pull;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random pull patterns (EDN text) over the schema of {@link DifferentialData}: every form of
 * the grammar, mostly valid, some invalid (about one in twelve elements), some duplicates.
 * Seeded, so a failure names the seed that reproduces it.
 *
 * <p>It leaves out what Chronon answers differently on purpose (see the package notes in
 * the report): nested patterns on non-ref attributes, non-integer limits, {@code :xform}
 * on references (their printed maps depend on Clojure's map order). At most one unbounded
 * recursion per pattern, so that the number of paths through the friend graph stays small.
 */
final class PatternGen {
    private static final List<String> STRINGS = List.of(":p/name", ":e/key", ":a/street", ":pet/name", ":toy/name",
            ":c/name");
    private static final List<String> SCALARS = List.of(":p/name", ":p/age", ":p/score", ":p/alive", ":p/born",
            ":p/uuid", ":e/key", ":a/street", ":pet/name", ":toy/name", ":c/name", ":p/tags", ":p/nums");
    private static final List<String> REFS = List.of(":p/friend", ":p/best", ":p/sex", ":p/addr", ":p/pets",
            ":a/city", ":pet/toy", ":p/follows", ":p/_friend", ":p/_best", ":p/_sex", ":p/_addr", ":p/_pets",
            ":a/_city", ":pet/_toy", ":p/_follows");
    private static final List<String> RECURSIVE = List.of(":p/friend", ":p/best", ":p/_friend", ":p/_best",
            ":p/pets", ":pet/toy", ":p/_pets", ":p/addr");
    private static final List<String> ABSENT = List.of(":nope/x", ":p/_nope", ":p/_name", ":nope");
    private static final List<String> INVALID = List.of("1", "\"x\"", "[:p/name :as]", "[]", "{:p/friend 0}",
            "{:p/friend :p/name}", "nil", "[* :as 1]", "(foo :p/name 1)", "{:p/best nil}", "[:p/age :limit]");

    private final Random r;
    private int asCounter;
    private boolean unboundedUsed;

    PatternGen(long seed) {
        r = new Random(seed);
    }

    /** A new random pattern. */
    String next() {
        unboundedUsed = false;
        return pattern(0);
    }

    private String pattern(int depth) {
        StringBuilder sb = new StringBuilder(r.nextInt(10) == 0 ? "(" : "[");
        boolean list = sb.charAt(0) == '(';
        int n = 1 + r.nextInt(depth == 0 ? 5 : 3);
        Set<String> used = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(element(depth, used));
        }
        return sb.append(list ? ')' : ']').toString();
    }

    private String element(int depth, Set<String> used) {
        int roll = r.nextInt(100);
        if (roll < 7) {
            return "*";
        }
        if (roll < 12) {
            return ":db/id";
        }
        if (roll < 16) {
            return ":db/ident";
        }
        if (roll < 92 && roll >= 88 && !used.isEmpty()) {
            return used.iterator().next(); // a duplicate: both must reject
        }
        if (roll < 92) {
            String name = name(used);
            if (roll < 38) {
                return name;
            }
            if (roll < 58) {
                return expr(name);
            }
            if (roll < 66) {
                return legacy(name);
            }
            return mapSpec(depth, used);
        }
        return pick(INVALID);
    }

    private String name(Set<String> used) {
        for (int tries = 0; tries < 10; tries++) {
            int roll = r.nextInt(10);
            String name = roll < 5 ? pick(SCALARS) : roll < 9 ? pick(REFS) : pick(ABSENT);
            if (used.add(name)) {
                return name;
            }
        }
        String fresh = ":nope/n" + r.nextInt(1_000_000);
        used.add(fresh);
        return fresh;
    }

    private String expr(String name) {
        StringBuilder sb = new StringBuilder();
        boolean list = r.nextInt(4) == 0;
        sb.append(list ? '(' : '[').append(name);
        if (r.nextBoolean()) {
            sb.append(" :as ").append(r.nextBoolean() ? "\"as" + (asCounter++) + "\"" : ":as/k" + (asCounter++));
        }
        if (r.nextBoolean()) {
            sb.append(" :limit ").append(pick(List.of("1", "2", "3", "nil", "0", "1001", "5")));
        }
        if (r.nextInt(3) == 0) {
            sb.append(" :default ").append(pick(List.of("0", "\"dflt\"", ":dflt", "nil", "[1 2]")));
        }
        if (r.nextInt(3) == 0 && !REFS.contains(name)) {
            sb.append(" :xform ").append(xform(name));
        }
        if (r.nextInt(10) == 0) {
            sb.append(" :unknown-option 1");
        }
        return sb.append(list ? ')' : ']').toString();
    }

    private String xform(String name) {
        if (STRINGS.contains(name)) {
            return pick(List.of("str", "keyword", "symbol", "clojure.edn/read-string", "name"));
        }
        if (name.equals(":p/tags")) {
            return pick(List.of("str", "name"));
        }
        return "str";
    }

    private String legacy(String name) {
        if (r.nextBoolean()) {
            return "(limit " + name + " " + pick(List.of("1", "2", "nil", "1001")) + ")";
        }
        return "(default " + name + " " + pick(List.of("0", "\"dflt\"", ":dflt")) + ")";
    }

    private String mapSpec(int depth, Set<String> used) {
        String name = null;
        for (int tries = 0; tries < 10 && name == null; tries++) {
            String candidate = r.nextInt(12) == 0 ? pick(ABSENT) : pick(REFS);
            if (used.add(candidate)) {
                name = candidate;
            }
        }
        if (name == null) {
            return ":nope/m" + r.nextInt(1_000_000);
        }
        String key = r.nextInt(4) == 0 ? expr(name) : name;
        String value;
        int roll = r.nextInt(10);
        if (depth < 3 && roll < 6) {
            value = pattern(depth + 1);
        } else if (RECURSIVE.contains(name) && roll < 8 && !unboundedUsed) {
            unboundedUsed = true;
            value = "...";
        } else if (RECURSIVE.contains(name) || name.contains("follows")) {
            value = Integer.toString(1 + r.nextInt(name.contains("follows") ? 1 : 2));
        } else {
            value = depth < 4 ? pattern(depth + 1) : "[:db/id]";
        }
        return "{" + key + " " + value + "}";
    }

    private String pick(List<String> from) {
        return from.get(r.nextInt(from.size()));
    }
}
