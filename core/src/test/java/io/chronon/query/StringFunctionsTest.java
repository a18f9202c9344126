package io.chronon.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.ChrononException;
import io.chronon.edn.Keyword;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Clojure's string functions in queries, as Datomic gives them (issue 18, item 4); the
 * generated comparison is {@code ClojureFunctionsDifferentialTest}. Each case here failed
 * before {@link StringFunctions}: the function was missing or read its argument otherwise.
 */
class StringFunctionsTest {
    static Object call(String call, Object... inputs) {
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < inputs.length; i++) {
            in.append(" ?in").append(i);
        }
        return Datalog.q("[:find ?r . :in" + in + " :where [" + call + " ?r]]", inputs);
    }

    static ChrononException rejects(String code, String call, Object... inputs) {
        ChrononException e = assertThrows(ChrononException.class, () -> call(call, inputs));
        assertEquals(Keyword.of(code), e.code(), e.getMessage());
        return e;
    }

    @Test
    void theFunctionsThatCallToStringReadAnyValueButNil() {
        assertEquals(true, call("(clojure.string/includes? 12 \"2\")"));
        assertEquals(true, call("(clojure.string/starts-with? [1 2] \"[1\")"));
        assertEquals(true, call("(clojure.string/ends-with? :ns/k \"/k\")"));
        assertEquals(":NS/K", call("(clojure.string/upper-case :ns/k)"));
        rejects("db.error/function-failed", "(clojure.string/lower-case nil)");
        rejects("db.error/function-failed", "(clojure.string/includes? nil \"a\")");
        // the second argument is typed: a string
        rejects("db.error/function-failed", "(clojure.string/includes? \"a:k\" :k)");
    }

    @Test
    void moreOfClojureString() {
        assertEquals("Hello world", call("(clojure.string/capitalize \"hELLO WORLD\")"));
        assertEquals("True", call("(clojure.string/capitalize true)"));
        assertEquals("cba", call("(clojure.string/reverse \"abc\")"));
        assertEquals("x \n", call("(clojure.string/triml \"\\t x \\n\")"));
        assertEquals("\t x", call("(clojure.string/trimr \"\\t x \\n\")"));
        assertEquals("\t x ", call("(clojure.string/trim-newline \"\\t x \\r\\n\\n\")"));
        assertEquals(List.of("a", "b", "", "c"), call("(clojure.string/split-lines \"a\\r\\nb\\n\\nc\")"));
        assertEquals(List.of("a", "b"), call("(clojure.string/split-lines \"a\\r\\nb\\n\\n\")"));
        assertEquals(2L, call("(clojure.string/index-of \"abcabc\" \"c\")"));
        assertEquals(5L, call("(clojure.string/last-index-of \"abcabc\" \\c)"));
        assertEquals(null, call("(clojure.string/index-of \"abc\" \"x\")"));
        assertEquals("a\\$b", call("(clojure.string/re-quote-replacement \"a$b\")"));
    }

    @Test
    void replaceTakesCharactersStringsAndRegexes() {
        assertEquals("xbxb", call("(clojure.string/replace \"abab\" \\a \\x)"));
        assertEquals("x$1bx$1b", call("(clojure.string/replace \"abab\" \"a\" \"x$1\")"));
        assertEquals("[a]b[a]b", call("(clojure.string/replace \"abab\" ?in0 \"[$1]\")", Pattern.compile("(a)")));
        assertEquals("2.5bab", call("(clojure.string/replace-first \"abab\" \"a\" 2.5)"));
        assertEquals("Xbab", call("(clojure.string/replace-first \"abab\" ?in0 ?in1)", Pattern.compile("a"), Map.of("a", "X")));
        // a replacement that is no string gives the text unchanged when nothing matches, as Clojure's
        assertEquals("bbb", call("(clojure.string/replace \"bbb\" ?in0 :k)", Pattern.compile("a")));
        rejects("db.error/function-failed", "(clojure.string/replace \"abab\" ?in0 :k)", Pattern.compile("a"));
        rejects("db.error/function-failed", "(clojure.string/replace \"abab\" 1 \"x\")");
    }

    @Test
    void splitKeepsATextWithNoMatch() {
        assertEquals(List.of(""), call("(clojure.string/split \"\" ?in0)", Pattern.compile(",")));
        assertEquals(List.of(), call("(clojure.string/split \",,\" ?in0)", Pattern.compile(",")));
        assertEquals(List.of("a", "", ""), call("(clojure.string/split \"a,,\" ?in0 -1)", Pattern.compile(",")));
    }

    @Test
    void aReplacementIsRefusedBeforeItGrowsPastTheLimit() {
        long before = Relation.maxCells();
        Relation.maxCells(160_000);
        try {
            String s = "s".repeat(200);
            ChrononException e = rejects("chronon.error/value-too-large", "(clojure.string/replace ?in0 \"\" ?in0)", s);
            assertTrue(e.getMessage().contains("clojure.string/replace"), e.getMessage());
            // 71 places to insert 70 characters, besides the 70 there: within the limit of 10,000
            assertEquals(71 * 70 + 70, ((String) call("(clojure.string/replace ?in0 \"\" ?in0)", "s".repeat(70))).length());
        } finally {
            Relation.maxCells(before);
        }
    }
}
