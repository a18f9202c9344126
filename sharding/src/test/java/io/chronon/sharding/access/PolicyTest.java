package io.chronon.sharding.access;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The policy against a reference model: random users, roles, grants and keys, and every
 * request over a small universe of names, decided by {@link Policy} and by expanding each
 * permission into the concrete (action, kind, name) triples it allows.
 */
class PolicyTest {
    /** Names that share prefixes, and null (the kind as a whole). */
    static final List<String> NAMES = java.util.Arrays.asList("a", "ab", "abc", "b", "ba", "u0", "u1", null);
    static final List<String> TARGETS = List.of("*", "a*", "ab*", "b*", "a", "ab", "abc", "b", "u0", "u1", "u*");

    record Triple(Action action, ObjectKind kind, String name) {
    }

    /** The reference: what one permission allows, spelled out. */
    static Set<Triple> expand(Permission p) {
        Set<Triple> out = new HashSet<>();
        String t = p.target().toString();
        for (Action a : Action.values()) {
            if (a.ordinal() > p.action().ordinal()) {
                continue;
            }
            for (String n : NAMES) {
                boolean covered = t.equals("*") || (n != null && (t.endsWith("*") ? n.startsWith(t.substring(0, t.length() - 1)) : n.equals(t)));
                if (covered) {
                    out.add(new Triple(a, p.kind(), n));
                }
            }
        }
        return out;
    }

    static Permission randomPermission(Random r) {
        ObjectKind kind = ObjectKind.values()[r.nextInt(4)];
        String target = kind == ObjectKind.SERVER ? "*" : TARGETS.get(r.nextInt(TARGETS.size()));
        return new Permission(Action.values()[r.nextInt(4)], kind, Target.parse(target));
    }

    @Test
    void agreesWithTheReferenceOnGeneratedModels() {
        long decisions = 0;
        for (int seed = 0; seed < 300; seed++) {
            Random r = new Random(seed);
            AccessModel model = AccessModel.initial();
            List<String> roles = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(4); i++) {
                Set<Permission> ps = new LinkedHashSet<>();
                for (int j = r.nextInt(4); j > 0; j--) {
                    ps.add(randomPermission(r));
                }
                model = model.withRole(new Role("r" + i, ps));
                roles.add("r" + i);
            }
            for (int u = 0; u < 2; u++) {
                Set<String> granted = new HashSet<>();
                for (String role : roles) {
                    if (r.nextBoolean()) {
                        granted.add(role);
                    }
                }
                model = model.withUser(new User("u" + u, "$none", granted));
                Set<Permission> own = new LinkedHashSet<>();
                if (r.nextBoolean()) {
                    own.add(randomPermission(r));
                }
                model = model.withRole(new Role(User.ownRole("u" + u), own));
                Set<Permission> limit = null;
                if (r.nextBoolean()) {
                    limit = new LinkedHashSet<>();
                    for (int j = r.nextInt(3); j > 0; j--) {
                        limit.add(randomPermission(r));
                    }
                }
                model = model.withKey(new AccessKey("k" + u, "u" + u, "$none", limit, 0));
            }
            if (r.nextBoolean()) {
                model = model.withoutRole(roles.get(0));
            }
            if (r.nextInt(4) == 0) {
                model = model.withoutKey("k1");
            }
            for (Principal p : List.of(Principal.ofPassword("u0"), Principal.ofPassword("u1"), Principal.ofKey("u0", "k0"),
                    Principal.ofKey("u1", "k1"), Principal.ofKey("u0", "k1"), Principal.ofPassword("ghost"))) {
                Set<Triple> allowed = reference(model, p);
                for (Action a : Action.values()) {
                    for (ObjectKind k : ObjectKind.values()) {
                        for (String n : NAMES) {
                            if (k == ObjectKind.SERVER && n != null) {
                                continue;
                            }
                            AccessObject o = new AccessObject(k, n);
                            boolean expected = allowed.contains(new Triple(a, k, n));
                            Decision d = Policy.decide(model, p, a, o);
                            assertEquals(expected, d.allowed(), "seed " + seed + " " + p + " " + a + " " + o);
                            if (d instanceof Decision.Deny deny) {
                                assertEquals(o.needs(a), deny.missing());
                                assertTrue(expand(deny.missing()).contains(new Triple(a, k, n)), "the missing permission allows it");
                            }
                            decisions++;
                        }
                    }
                }
            }
        }
        assertTrue(decisions > 100_000, "decisions: " + decisions);
    }

    /** Everything {@code p} may do under {@code model}, spelled out. */
    static Set<Triple> reference(AccessModel model, Principal p) {
        User user = model.users().get(p.user());
        if (user == null) {
            return Set.of();
        }
        Set<Triple> allowed = new HashSet<>();
        List<String> roles = new ArrayList<>(user.roles());
        roles.add("@" + user.name());
        for (String role : roles) {
            Role r = model.roles().get(role);
            if (r != null) {
                r.permissions().forEach(perm -> allowed.addAll(expand(perm)));
            }
        }
        allowed.add(new Triple(Action.VIEW, ObjectKind.USER, user.name()));
        allowed.add(new Triple(Action.WRITE, ObjectKind.USER, user.name()));
        if (p.key() != null) {
            AccessKey key = model.keys().get(p.key());
            if (key == null || !key.user().equals(user.name())) {
                return Set.of();
            }
            if (key.limit() != null) {
                Set<Triple> limit = new HashSet<>();
                key.limit().forEach(perm -> limit.addAll(expand(perm)));
                allowed.retainAll(limit);
            }
        }
        return allowed;
    }

    @Test
    void administratorMayDoAnythingAndAConfiguredKeyToo() {
        AccessModel model = AccessModel.initial().withUser(new User(AccessModel.ADMIN, "$x", Set.of(AccessModel.ADMINISTRATOR)));
        for (Action a : Action.values()) {
            for (ObjectKind k : ObjectKind.values()) {
                AccessObject o = new AccessObject(k, k == ObjectKind.SERVER ? null : "x");
                assertTrue(Policy.decide(model, Principal.ofPassword(AccessModel.ADMIN), a, o).allowed());
                assertTrue(Policy.decide(AccessModel.initial(), Principal.configuredKey("dev"), a, o).allowed());
            }
        }
    }

    @Test
    void aDenialNamesTheMissingPermissionAndWhoLacksIt() {
        AccessModel model = AccessModel.initial()
                .withRole(new Role("readers", Set.of(Permission.parse("view", "database", "sales-*"))))
                .withUser(new User("ann", "$x", Set.of("readers")))
                .withKey(new AccessKey("dash", "ann", "$x", Set.of(Permission.parse("view", "database", "sales-eu")), 0));
        Decision write = Policy.decide(model, Principal.ofPassword("ann"), Action.WRITE, AccessObject.database("sales-eu"));
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, write);
        assertEquals("write database sales-eu", deny.missing().toString());
        assertEquals("user ann lacks it", deny.reason());
        assertTrue(Policy.decide(model, Principal.ofKey("ann", "dash"), Action.VIEW, AccessObject.database("sales-eu")).allowed());
        Decision.Deny limited = assertInstanceOf(Decision.Deny.class,
                Policy.decide(model, Principal.ofKey("ann", "dash"), Action.VIEW, AccessObject.database("sales-us")));
        assertTrue(limited.reason().startsWith("key dash is limited"), limited.reason());
        assertFalse(Policy.decide(model.withoutKey("dash"), Principal.ofKey("ann", "dash"), Action.VIEW,
                AccessObject.database("sales-eu")).allowed(), "a revoked key may do nothing");
        assertFalse(Policy.decide(model.withoutUser("ann"), Principal.ofPassword("ann"), Action.VIEW,
                AccessObject.database("sales-eu")).allowed());
        assertTrue(model.withoutUser("ann").keys().isEmpty(), "a user's keys go with it");
    }

    @Test
    void targetsParseAndNest() {
        assertEquals(Target.ALL, Target.parse("*"));
        assertEquals(Target.prefix("sales-"), Target.parse("sales-*"));
        assertEquals(Target.named("x"), Target.parse("x"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse("a*b"));
        assertThrows(IllegalArgumentException.class, () -> Target.parse(" "));
        assertThrows(IllegalArgumentException.class, () -> Permission.parse("view", "server", "x"));
        assertThrows(IllegalArgumentException.class, () -> Action.parse("delete"));
        // within agrees with the expansion over names that share prefixes
        for (String a : TARGETS) {
            for (String b : TARGETS) {
                Permission pa = new Permission(Action.VIEW, ObjectKind.DATABASE, Target.parse(a));
                Permission pb = new Permission(Action.VIEW, ObjectKind.DATABASE, Target.parse(b));
                assertEquals(expand(pb).containsAll(expand(pa)), pa.within(pb), a + " within " + b);
            }
        }
    }
}
