package io.chronon.edn;

/**
 * The lexical rules shared by {@link EdnReader} and {@link EdnPrinter}: what is whitespace,
 * what ends a token, and which texts are valid symbols and keywords (per the EDN spec, which
 * is stricter than Clojure's reader: no leading digit, at most one {@code /}, no {@code '}).
 */
final class EdnSyntax {
    private static final boolean[] TOKEN_END = new boolean[128];
    private static final boolean[] CONSTITUENT = new boolean[128];

    static {
        for (char c : " ,\t\n\r\f\u000B\u001C\u001D\u001E\u001F()[]{}\";\\".toCharArray()) {
            TOKEN_END[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CONSTITUENT[c] = true;
            CONSTITUENT[c - 'a' + 'A'] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            CONSTITUENT[c] = true;
        }
        for (char c : ".*+!-_?$%&=<>/:#".toCharArray()) {
            CONSTITUENT[c] = true;
        }
    }

    private EdnSyntax() {
    }

    /** EDN whitespace: Java whitespace and the comma. */
    static boolean isWhitespace(char c) {
        return c == ' ' || c == ',' || c == '\n' || ((c < ' ' || c > '~') && Character.isWhitespace(c));
    }

    /** True when {@code c} cannot be part of a symbol, keyword, number or character token. */
    static boolean endsToken(char c) {
        return c < 128 ? TOKEN_END[c] : Character.isWhitespace(c);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Why {@code text} is not a valid symbol (or, with {@code keyword}, keyword without its
     * colon), or null when it is valid. Does not treat {@code nil}, {@code true} and
     * {@code false} specially.
     */
    static String nameProblem(String text, boolean keyword) {
        int n = text.length();
        if (n == 0) {
            return "it is empty";
        }
        if (n == 1 && text.charAt(0) == '/') {
            return keyword ? "':/' is not a valid keyword" : null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return partProblem(text, 0, n);
        }
        if (text.indexOf('/', slash + 1) >= 0) {
            return "'/' may appear only once";
        }
        if (slash == 0) {
            return "the prefix before '/' is empty";
        }
        if (slash == n - 1) {
            return "the name after '/' is empty";
        }
        String p = partProblem(text, 0, slash);
        return p != null ? p : partProblem(text, slash + 1, n);
    }

    private static String partProblem(String s, int from, int to) {
        char c0 = s.charAt(from);
        if (isDigit(c0)) {
            return "it starts with a digit";
        }
        if (c0 == ':' || c0 == '#') {
            return "a part starts with '" + c0 + "'";
        }
        if ((c0 == '+' || c0 == '-' || c0 == '.') && to - from > 1 && isDigit(s.charAt(from + 1))) {
            return "'" + c0 + "' followed by a digit";
        }
        char prev = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 128 ? !CONSTITUENT[c] : !Character.isLetterOrDigit(c)) {
                return "it contains " + describe(c);
            }
            if (c == ':' && prev == ':') {
                return "it contains '::'";
            }
            prev = c;
        }
        if (s.charAt(to - 1) == ':') {
            return "it ends with ':'";
        }
        return null;
    }

    /** A character for an error message: {@code 'x'}, or {@code U+0001} when not printable. */
    static String describe(char c) {
        if (c > ' ' && c < 0x7F) {
            return "'" + c + "'";
        }
        return String.format("U+%04X", (int) c);
    }
}
