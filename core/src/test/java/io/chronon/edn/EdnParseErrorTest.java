package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of malformed input: an {@link EdnParseException} at the right place, saying what is wrong. */
class EdnParseErrorTest {

    /**
     * Input (with {@code ⏎} for a newline; quoted with backticks where it has spaces or starts
     * with '#', which would make the row a comment), expected line, column and a part of the message.
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [1 2)                          | 1 | 5  | unmatched ')': expected ']' to close '[' at line 1, column 1
            (1 [2 3)]                      | 1 | 8  | expected ']'
            {:a 1                          | 1 | 6  | '{' at line 1, column 1 is not closed
            `#{1 2`                        | 1 | 6  | '#{' at line 1, column 1 is not closed
            )                              | 1 | 1  | unmatched ')' (nothing is open)
            [1⏎ 2⏎  )                      | 3 | 3  | unmatched ')'
            `"abc`                         | 1 | 5  | end of input inside the string starting at line 1, column 1
            `"ab⏎cd`                       | 2 | 3  | inside the string starting at line 1, column 1
            \\                             | 1 | 2  | end of input after '\\'
            `#`                            | 1 | 2  | end of input after '#'
            `#inst`                        | 1 | 6  | the tag #inst at line 1, column 1 has no value
            [#foo]                         | 1 | 6  | the tag #foo at line 1, column 2 has no value before ']'
            `"\\q"`                        | 1 | 2  | unsupported escape \\q
            `"\\u12"`                      | 1 | 2  | invalid unicode escape \\u12"
            `"\\u12`                       | 1 | 2  | invalid unicode escape \\u12
            `"\\uXYZW"`                    | 1 | 2  | \\u needs 4 hex digits
            `"ok" "\\`                     | 1 | 8  | end of input inside the string starting at line 1, column 6
            \\foo                          | 1 | 1  | unsupported character \\foo
            \\u12                          | 1 | 1  | unsupported character \\u12
            \\uZZZZ                        | 1 | 1  | unsupported character \\uZZZZ
            `\\ `                          | 1 | 1  | '\\' must be followed by a character
            {:a 1 :b}                      | 1 | 9  | odd number of forms: the key :b has no value
            {:a}                           | 1 | 4  | the map at line 1, column 1 has an odd number of forms
            {:a 1 :a 2}                    | 1 | 7  | duplicate map key :a
            {[1] 1 (1) 2}                  | 1 | 8  | duplicate map key (1)
            `#{1 2 1}`                     | 1 | 7  | duplicate set element 1
            `#:a{:b 1 :a/b 2}`             | 1 | 10 | duplicate map key :a/b
            9223372036854775808            | 1 | 1  | does not fit in a long (add N for a big integer)
            -9223372036854775809           | 1 | 1  | does not fit in a long
            [1 123456789012345678901234]   | 1 | 4  | invalid number '123456789012345678901234'
            1.2.3                          | 1 | 1  | invalid number '1.2.3'
            08                             | 1 | 1  | leading zeros are not allowed (octal is not EDN)
            -007                           | 1 | 1  | leading zeros
            01.5                           | 1 | 1  | leading zeros
            1e                             | 1 | 1  | the exponent has no digits
            1e+                            | 1 | 1  | the exponent has no digits
            0x10                           | 1 | 1  | invalid number '0x10'
            1/2                            | 1 | 1  | ratios are not EDN
            1.5N                           | 1 | 1  | invalid number '1.5N'
            12abc                          | 1 | 1  | invalid number '12abc'
            -1a                            | 1 | 1  | invalid number '-1a'
            1e99999999999M                 | 1 | 1  | invalid number
            `#<foo>`                       | 1 | 1  | unknown dispatch '#<'
            `#"regex"`                     | 1 | 1  | unknown dispatch '#"'
            `#!shebang`                    | 1 | 1  | unknown dispatch '#!'
            `##Foo`                        | 1 | 1  | unknown symbolic value ##Foo
            :                              | 1 | 1  | invalid keyword ':': nothing follows the colon
            ::a                            | 1 | 1  | auto-resolved keywords (::) are not EDN
            :a/                            | 1 | 1  | invalid keyword ':a/': the name after '/' is empty
            :/                             | 1 | 1  | invalid keyword ':/'
            :1a                            | 1 | 1  | invalid keyword ':1a': it starts with a digit
            :a::b                          | 1 | 1  | it contains '::'
            /a                             | 1 | 1  | invalid symbol '/a': the prefix before '/' is empty
            a/                             | 1 | 1  | invalid symbol 'a/'
            a/b/c                          | 1 | 1  | '/' may appear only once
            .5                             | 1 | 1  | invalid symbol '.5'
            -a/1                           | 1 | 1  | invalid symbol '-a/1': it starts with a digit
            x:                             | 1 | 1  | it ends with ':'
            @a                             | 1 | 1  | invalid symbol '@a': it contains '@'
            a'                             | 1 | 1  | it contains '''
            [1 ^meta]                      | 1 | 4  | invalid symbol '^meta'
            `#inst "2020-13-01"`           | 1 | 1  | #inst cannot read "2020-13-01": month must be 1-12
            `#inst "2019-02-29"`           | 1 | 1  | day must be 1-28
            `#inst "2020-01-01T24:00"`     | 1 | 1  | hours must be 0-23
            `#inst "2020-01-01T10:00:60"`  | 1 | 1  | seconds must be 0-59
            `#inst "20"`                   | 1 | 1  | expected a 4-digit year
            `#inst "2020-1-01"`            | 1 | 1  | expected a 2-digit month
            `#inst "2020-01-01 10:00"`     | 1 | 1  | expected 'Z', '+hh:mm' or '-hh:mm'
            `#inst "2020-01-01T10:00Zx"`   | 1 | 1  | unexpected text
            `#inst "2020-01-01T10:00+1:00"` | 1 | 1  | expected 2-digit offset hours
            `#inst "2020-01-01T10:00+01:60"` | 1 | 1  | offset minutes must be 0-59
            `#inst "2020-01-01T10:00z"`    | 1 | 1  | expected 'Z', '+hh:mm' or '-hh:mm'
            `#inst "2020-01-01T10:00:00."` | 1 | 1  | expected digits after '.'
            `#inst "0000-01-01T00:00+00:01"` | 1 | 1  | outside years 0000-9999
            `#inst "9999-12-31T23:59-00:01"` | 1 | 1  | outside years 0000-9999
            [1 #inst 42]                   | 1 | 4  | #inst needs a string, not an integer
            `#uuid "not-a-uuid"`           | 1 | 1  | #uuid cannot read "not-a-uuid"
            `#uuid "1-2-3-4-5"`            | 1 | 1  | is not a UUID
            `#uuid "f81d4fae-7dec-11d0-a765-00a0c91e6bfg"` | 1 | 1 | 'g' is not a hex digit
            `#uuid :a`                     | 1 | 1  | #uuid needs a string, not a keyword
            `#uri "a b"`                   | 1 | 1  | is not a URI
            `#uri [1]`                     | 1 | 1  | #uri needs a string, not a vector
            `#bytes "***"`                 | 1 | 1  | is not base64
            `#float "1.5"`                 | 1 | 1  | #float needs a number, not a string
            `#float 1e300`                 | 1 | 1  | outside the range of a float
            `#:a/b{:c 1}`                  | 1 | 1  | invalid namespace in '#:a/b': it has a '/'
            `#::{:a 1}`                    | 1 | 1  | auto-resolved namespaced maps (#::) are not EDN
            `#:a{:b 1 / 2}`                | 1 | 10 | the symbol / cannot take the namespace of #:a{ at line 1, column 1
            `#:a[1]`                       | 1 | 4  | #:a at line 1, column 1 must be followed by a map
            `#:{:a 1}`                     | 1 | 1  | invalid namespace in '#:'
            `#1abc 2`                      | 1 | 1  | unknown dispatch '#1'
            `#a/ 1`                        | 1 | 1  | invalid tag '#a/'
            `#nil 1`                       | 1 | 1  | invalid tag '#nil': it is not a symbol but nil
            `[:a #true {:b 2}]`            | 1 | 5  | invalid tag '#true'
            [1 #_]                         | 1 | 6  | #_ at line 1, column 4 has nothing to discard before ']'
            `#_`                           | 1 | 3  | #_ at line 1, column 1 has nothing to discard
            1 2                            | 1 | 3  | expected a single form, but another form follows
            {:a 1}}                        | 1 | 7  | unmatched '}' (nothing is open)
            ` `                            | 1 | 2  | expected a form, found only whitespace and comments
            ; only a comment               | 1 | 17 | expected a form
            """)
    void malformedInputIsAParseErrorAtItsPlace(String input, int line, int column, String fragment) {
        String text = input.replace("⏎", "\n");
        EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read(text));
        assertEquals(line, e.line(), e.getMessage());
        assertEquals(column, e.column(), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "'" + fragment + "' not in: " + e.getMessage());
        assertTrue(e.getMessage().contains("line " + line + ", column " + column), e.getMessage());
        assertEquals(ErrorCategory.INCORRECT, e.category());
        assertSame(Keyword.of("edn.error/parse"), e.code());
        assertInstanceOf(ChrononException.class, e);
    }

    @Test
    void theEmptyTextHasNoForm() {
        EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read(""));
        assertEquals(1, e.line());
        assertEquals(1, e.column());
    }

    @Test
    void columnsCountFromTheLastNewlineAlsoAfterCrLf() {
        EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read("[1\r\n\r\n  2 ]]"));
        assertEquals(3, e.line());
        assertEquals(6, e.column());
        e = assertThrows(EdnParseException.class, () -> EdnReader.readAll("\"a\nb\nc\" :ok\n  1.2.3"));
        assertEquals(4, e.line());
        assertEquals(3, e.column());
    }

    @Test
    void theOffendingTextIsTheForm() {
        EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read("[1 2 1.2.3]"));
        assertEquals("1.2.3", e.form());
        assertEquals("invalid number '1.2.3': not an integer or floating-point number", e.reason());
    }

    @Test
    void aFailingTagReaderIsAParseErrorAtTheTagWithTheCause() {
        EdnReader.Options options = EdnReader.Options.defaults()
                .withTag(Symbol.of("boom"), v -> {
                    throw new IllegalStateException("no " + v);
                })
                .withTag(Symbol.of("cast"), v -> ((String) v).length());
        EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read("[\n #boom 1]", options));
        assertEquals(2, e.line());
        assertEquals(2, e.column());
        assertTrue(e.getMessage().contains("#boom cannot read 1: no 1"), e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        e = assertThrows(EdnParseException.class, () -> EdnReader.read("#cast 5", options));
        assertInstanceOf(ClassCastException.class, e.getCause());
    }

    @Test
    void errorsInAStreamCarryAbsolutePositions() {
        String text = "1\n2\n[3\n 4 5 6\n 1.2.3]";
        EdnReader r = new EdnReader(new EdnReaderTest.ChunkedReader(text, 2));
        assertEquals(1L, r.next(null));
        assertEquals(2L, r.next(null));
        EdnParseException e = assertThrows(EdnParseException.class, () -> r.next(null));
        assertEquals(5, e.line());
        assertEquals(2, e.column());
    }

    @Test
    void hugeBigNumbersAreRefusedInsteadOfParsedForSeconds() {
        String digits = "9".repeat(EdnReader.MAX_BIG_NUMBER_LENGTH - 1);
        assertEquals(new java.math.BigInteger(digits), EdnReader.read(digits + "N"));
        assertEquals(new java.math.BigDecimal(digits), EdnReader.read(digits + "M"));
        for (String huge : List.of("9".repeat(1_000_000) + "N", "1." + "5".repeat(1_000_000) + "M")) {
            EdnParseException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(2), () -> assertThrows(EdnParseException.class, () -> EdnReader.read(huge)));
            assertTrue(e.getMessage().contains("may have at most 10000 characters"), e.getMessage());
        }
    }

    @Test
    void forEveryDelimiterTheUnclosedOpenerIsNamed() {
        for (String open : List.of("[", "(", "{", "#{", "#:ns{")) {
            EdnParseException e = assertThrows(EdnParseException.class, () -> EdnReader.read("  " + open + " 1"));
            assertTrue(e.getMessage().contains("'" + open + "' at line 1, column 3 is not closed"), e.getMessage());
            assertNotNull(e.reason());
        }
    }
}
