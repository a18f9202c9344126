package io.chronon.edn;

import java.util.Objects;

/**
 * A tagged element {@code #tag value} whose tag the reader had no reader function for. It
 * keeps the tag and the (already read) value, and prints back as {@code #tag value}, so
 * reading and printing data with unknown tags never loses anything.
 *
 * @param tag   the tag symbol, without the {@code #}; never null
 * @param value the element that followed the tag
 */
public record Tagged(Symbol tag, Object value) {
    public Tagged {
        Objects.requireNonNull(tag, "tag");
    }

    /** The EDN text, {@code #tag value}. */
    @Override
    public String toString() {
        return EdnPrinter.printOrDescribe(this);
    }
}
