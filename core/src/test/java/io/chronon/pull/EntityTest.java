package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.db.DbValue;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.chronon.pull.PullTest.A;
import static io.chronon.pull.PullTest.ADDR;
import static io.chronon.pull.PullTest.B;
import static io.chronon.pull.PullTest.C;
import static io.chronon.pull.PullTest.LOOKUP_A;
import static io.chronon.pull.PullTest.PH1;
import static io.chronon.pull.PullTest.kw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lazy entities on the people of {@link PullTest}; the expected values are Datomic's. */
class EntityTest {
    static DbValue db;

    @BeforeAll
    static void build() {
        PullTest.build();
        db = PullTest.db;
    }

    static LazyEntity e(Object eid) {
        return Pull.entity(db, eid);
    }

    @Test
    void forwardAttributes() {
        LazyEntity a = e(LOOKUP_A);
        assertEquals(A, a.id());
        assertSame(db, a.db());
        assertEquals(A, a.get(kw("db/id")));
        assertEquals("a", a.get(kw("p/name")));
        assertEquals(30L, a.get(kw("p/age")));
        assertEquals(Set.of(kw("x"), kw("y"), kw("a")), a.get(kw("p/tags")));
        assertEquals(Set.of(1L, 2L, 3L), a.get(kw("p/nums")));
        assertEquals("a", a.get(":p/name"));
        assertNull(a.get(kw("p/foo")));
        assertNull(a.get(kw("nope")));
        assertThrows(UnsupportedOperationException.class, () -> ((Set<Object>) a.get(kw("p/nums"))).add(4L));
        ChrononException bad = assertThrows(ChrononException.class, () -> a.get("p/name"));
        assertEquals(ErrorCategory.INCORRECT, bad.category());
    }

    @Test
    void referencesAreEntitiesAndEnumsAreKeywords() {
        LazyEntity a = e(LOOKUP_A);
        assertEquals(e(B), a.get(kw("p/best")));
        assertEquals(Set.of(e(B), e(C)), a.get(kw("p/friend")));
        assertEquals(kw("male"), a.get(kw("p/sex")));
        assertEquals(kw("male"), a.get(":p/sex"));
        LazyEntity addr = (LazyEntity) a.get(kw("p/addr"));
        assertEquals(ADDR, addr.id());
        assertEquals("s1", addr.get(kw("a/street")));
        LazyEntity best = (LazyEntity) a.get(kw("p/best"));
        assertEquals("c", ((LazyEntity) best.get(kw("p/best"))).get(kw("p/name")));
        // schema entities: refs to idents are keywords too
        LazyEntity name = e(kw("p/name"));
        assertEquals(kw("db.type/string"), name.get(kw("db/valueType")));
        assertEquals(kw("db.cardinality/one"), name.get(kw("db/cardinality")));
        assertEquals(kw("male"), e(kw("male")).get(kw("db/ident")));
    }

    @Test
    void reverseAttributes() {
        LazyEntity a = e(LOOKUP_A);
        assertEquals(Set.of(e(B)), a.get(kw("p/_friend")));
        assertEquals(Set.of(e(C)), a.get(kw("p/_best")));
        assertEquals(Set.of(e(A), e(C)), e(C).get(kw("p/_friend")));
        assertEquals(Set.of(e(A)), e(kw("male")).get(kw("p/_sex"))); // reverse refs stay entities
        assertEquals(e(A), e(ADDR).get(kw("p/_addr"))); // a component has one owner
        assertEquals(e(A), e(PH1).get(kw("p/_phones")));
        assertNull(a.get(kw("p/_name")));
        assertNull(a.get(kw("p/_addr")));
    }

    @Test
    void keysAndContains() {
        LazyEntity a = e(LOOKUP_A);
        assertEquals(Set.of(kw("p/name"), kw("p/friend"), kw("p/best"), kw("p/addr"), kw("p/phones"), kw("p/sex"),
                kw("p/tags"), kw("p/nums"), kw("p/age")), a.keySet());
        assertTrue(a.containsKey(kw("p/age")));
        assertTrue(a.containsKey(kw("db/id")));
        assertTrue(a.containsKey(kw("p/_friend")));
        assertFalse(a.containsKey(kw("p/foo")));
        assertEquals(Set.of(kw("db/ident")), e(kw("male")).keySet());
    }

    @Test
    void touchLoadsEverythingAndComponentsRecursively() {
        LazyEntity a = e(LOOKUP_A);
        assertEquals("{:db/id " + A + "}", a.toString());
        assertSame(a, a.touch());
        String printed = a.toString();
        assertTrue(printed.contains(":p/name \"a\""), printed);
        LazyEntity addr = (LazyEntity) a.get(kw("p/addr"));
        assertTrue(addr.toString().contains(":a/street \"s1\""), addr.toString()); // touched as a component
        Map<Keyword, Object> m = a.toMap();
        assertEquals(A, m.get(kw("db/id")));
        assertEquals(10, m.size());
        assertEquals(kw("male"), m.get(kw("p/sex")));
    }

    @Test
    void resolvingEntities() {
        LazyEntity missing = e(999999L);
        assertEquals(999999L, missing.id());
        assertEquals(Set.of(), missing.keySet());
        assertNull(missing.get(kw("p/name")));
        assertNull(e(List.of(kw("p/name"), "zzz")));
        assertNull(e(kw("nope")));
        assertNull(e(null));
        assertEquals(e(kw("male")), e(":male"));
        assertThrows(ChrononException.class, () -> e("x"));
        assertThrows(ChrononException.class, () -> e(List.of(kw("p/age"), 30L)));
        assertThrows(ChrononException.class, () -> Pull.entity(db.history(), A));
    }

    @Test
    void equalityIsTheIdAtTheSameT() {
        LazyEntity a = e(A);
        assertEquals(a, e(LOOKUP_A));
        assertEquals(a.hashCode(), e(LOOKUP_A).hashCode());
        assertNotEquals(a, e(B));
        assertEquals(a, Pull.entity(db.since(PullTest.schemaT), A)); // as in Datomic: since does not matter
        assertEquals(a, Pull.entity(db.asOf(PullTest.dataT), A));
        assertNotEquals(a, Pull.entity(db.asOf(PullTest.schemaT), A));
        assertNotEquals(a, "a");
    }

    @Test
    void entitiesSeeTheirView() {
        assertNull(Pull.entity(db.asOf(PullTest.schemaT), LOOKUP_A)); // the lookup ref does not resolve yet
        LazyEntity old = Pull.entity(db.asOf(PullTest.schemaT), A);
        assertNull(old.get(kw("p/name")));
        assertEquals(Set.of(), old.keySet());
        LazyEntity since = Pull.entity(db.since(PullTest.dataT), A);
        assertNull(since.get(kw("p/name")));
    }

    @Test
    void anEntityIsAnEntityReferenceForPull() {
        assertEquals(Map.of(kw("p/name"), "b"), Pull.pull(db, "[:p/name]", e(LOOKUP_A).get(kw("p/best"))));
    }
}
