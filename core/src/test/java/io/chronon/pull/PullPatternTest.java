package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pattern grammar as parsed, independent of any database. */
class PullPatternTest {
    static PullPattern parse(String edn) {
        return PullPattern.parse(EdnReader.read(edn));
    }

    static Keyword kw(String s) {
        return Keyword.of(s);
    }

    @Test
    void attributeExpressionsInEveryForm() {
        for (String p : List.of("[[:a/b :as \"x\" :limit 5 :default 0 :xform str]]",
                "[(:a/b :as \"x\" :limit 5 :default 0 :xform str)]",
                "[[:a/b :xform str :default 0 :limit 5 :as \"x\"]]")) {
            AttrSpec s = parse(p).specs[0];
            assertEquals(kw("a/b"), s.name, p);
            assertEquals("x", s.key, p);
            assertEquals(5, s.limit, p);
            assertEquals(0L, s.defaultValue, p);
            assertFalse(s.defaultReplacesFalse, p);
            assertSame(Xform.STR, s.xform, p);
        }
        AttrSpec legacyLimit = parse("[(limit :a/b nil)]").specs[0];
        assertEquals(AttrSpec.NO_LIMIT, legacyLimit.limit);
        AttrSpec legacyDefault = parse("[(default :a/b 3)]").specs[0];
        assertEquals(3L, legacyDefault.defaultValue);
        assertTrue(legacyDefault.defaultReplacesFalse);
        assertEquals(AttrSpec.DEFAULT_LIMIT, parse("[:a/b]").specs[0].limit);
        assertEquals(0, parse("[[:a/b :limit -3]]").specs[0].limit);
    }

    @Test
    void reverseNamesAndStringNames() {
        AttrSpec r = parse("[:a/_b]").specs[0];
        assertTrue(r.reverse);
        assertEquals(kw("a/b"), r.attr);
        assertEquals(kw("a/_b"), r.key);
        AttrSpec s = parse("[\":a/b\"]").specs[0];
        assertEquals(kw("a/b"), s.name);
        assertEquals(":a/b", s.key);
        assertTrue(s.stringKeys);
    }

    @Test
    void wildcardAndDbId() {
        PullPattern p = parse("[* :a/b]");
        assertTrue(p.wildcard && p.withId && !p.stringKeys);
        assertEquals(1, p.specs.length);
        assertTrue(parse("[\"*\"]").stringKeys);
        assertTrue(parse("[:*]").wildcard);
        PullPattern id = parse("[:db/id [:db/id :as \"x\"]]");
        assertTrue(id.withId && !id.wildcard);
        assertEquals(0, id.specs.length);
    }

    @Test
    void mapSpecsNestAndRecurse() {
        PullPattern p = parse("[{:a/b [:c/d {:c/e ...}] :a/f 3} {[:a/g :limit 1] [:x/y]}]");
        assertEquals(3, p.specs.length);
        assertEquals(2, p.recursionCount);
        assertTrue(p.recurses);
        AttrSpec b = p.specs[0];
        assertEquals(kw("a/b"), b.name);
        assertFalse(b.recursive());
        assertEquals(AttrSpec.UNBOUNDED, b.sub.specs[1].recursionLimit);
        assertEquals(3, p.specs[1].recursionLimit);
        assertEquals(1, p.specs[2].limit);
        assertFalse(parse("[:a/b {:a/c [:d/e]}]").recurses);
    }

    @Test
    void errorsAreIncorrectWithTheOffendingForm() {
        assertError("[1]", "db.error/invalid-attr-spec", 1L);
        assertError("[[:a/b :limit]]", "db.error/invalid-attr-spec", EdnReader.read("[:a/b :limit]"));
        assertError("[{:a/b 0}]", "db.error/invalid-recur-limit", 0L);
        assertError("[{:a/b :c/d}]", "db.error/invalid-recur-limit", kw("c/d"));
        assertError("[[:a/b :limit \"x\"]]", "db.error/invalid-limit", EdnReader.read("[:a/b :limit \"x\"]"));
        assertError("[:a/b [:a/b :as 1]]", "pull/duplicate-attribute", kw("a/b"));
        assertError("[[:a/b :xform eval]]", "db.error/invalid-xform", EdnReader.read("eval"));
        assertError("{:a/b [:c]}", "db.error/invalid-pull-pattern", EdnReader.read("{:a/b [:c]}"));
        ChrononException e = assertThrows(ChrononException.class, () -> PullPattern.parse("[:a/b"));
        assertEquals(ErrorCategory.INCORRECT, e.category());
    }

    private static void assertError(String pattern, String code, Object form) {
        ChrononException e = assertThrows(ChrononException.class, () -> parse(pattern), pattern);
        assertEquals(ErrorCategory.INCORRECT, e.category(), pattern);
        assertEquals(kw(code), e.code(), pattern);
        assertEquals(form, e.form(), pattern);
        assertTrue(e.getMessage().length() > 10, pattern);
    }

    @Test
    void xformsAreAFixedListOfPureFunctions() {
        assertEquals("", Xform.STR.apply(null));
        assertEquals(":a/b", Xform.STR.apply(kw("a/b")));
        assertEquals("[1 \"x\" :k]", Xform.STR.apply(List.of(1L, "x", kw("k"))));
        assertEquals("{:db/id 5}", Xform.STR.apply(Map.of(kw("db/id"), 5L)));
        assertEquals("b", Xform.NAME.apply(kw("a/b")));
        assertEquals("a", Xform.NAMESPACE.apply(kw("a/b")));
        assertNull(Xform.NAMESPACE.apply(kw("b")));
        assertEquals(kw("a/b"), Xform.KEYWORD.apply("a/b"));
        assertNull(Xform.KEYWORD.apply(5L));
        assertEquals(io.chronon.edn.Symbol.of("a/b"), Xform.SYMBOL.apply(kw("a/b")));
        assertEquals(io.chronon.edn.Symbol.of("City"), Xform.READ_STRING.apply("City 1")); // the first form
        assertNull(Xform.READ_STRING.apply("  "));
        assertSame(Xform.STR, Xform.of(io.chronon.edn.Symbol.of("clojure.core/str")));
        assertThrows(ChrononException.class, () -> Xform.NAME.apply(5L));
        assertThrows(ChrononException.class, () -> Xform.of("str"));
        assertThrows(ChrononException.class, () -> Xform.of(io.chronon.edn.Symbol.of("clojure.core/eval")));
    }

    @Test
    void compilingIsSafeFromManyThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<PullPattern>> futures = new ArrayList<>();
            for (int i = 0; i < 4000; i++) {
                String p = "[:a/b {:c/d [:e/f]} :x/n" + (i % 50) + "]";
                futures.add(pool.submit(() -> Pull.compile(p)));
            }
            for (Future<PullPattern> f : futures) {
                assertEquals(3, f.get().specs.length);
            }
        } finally {
            pool.shutdown();
        }
    }
}
