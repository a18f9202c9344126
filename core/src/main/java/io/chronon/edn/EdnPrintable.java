package io.chronon.edn;

/**
 * A Java type that knows its own EDN form. {@link EdnPrinter} calls {@link #printEdn} for
 * any value implementing it (before its collection rules), which lets classes of other
 * packages, such as the datom's {@code #datom[e a v tx added]}, be printed without this
 * package depending on them.
 */
public interface EdnPrintable {
    /**
     * Appends this value's EDN text to {@code out}. Nested values should be printed with
     * {@link EdnPrinter#print(Object, StringBuilder)} so that they follow the same rules.
     */
    void printEdn(StringBuilder out);
}
