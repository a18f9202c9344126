package io.chronon.edn;

/** What keywords and symbols share: splitting {@code ns/name} text and Clojure's order. */
final class Names {
    private Names() {
    }

    /** The index of the namespace separator in {@code text}, or -1 if it has no namespace. */
    static int separator(String text) {
        int slash = text.indexOf('/');
        return slash > 0 && slash < text.length() - 1 ? slash : -1;
    }

    /** Clojure's order: names without a namespace first, then by namespace, then by name. */
    static int compare(String ns1, String name1, String ns2, String name2) {
        if (ns1 == null) {
            if (ns2 != null) {
                return -1;
            }
        } else {
            if (ns2 == null) {
                return 1;
            }
            int c = ns1.compareTo(ns2);
            if (c != 0) {
                return c;
            }
        }
        return name1.compareTo(name2);
    }
}
