package io.chronon.pull;

import io.chronon.ChrononException;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;

import java.util.Collection;
import java.util.Map;

/**
 * The functions a pull {@code :xform} may name: Datomic's built-in ones ({@code str},
 * {@code name}, {@code namespace}, {@code keyword}, {@code symbol},
 * {@code clojure.edn/read-string}), also under their {@code clojure.core/} names. A fixed
 * list of pure functions, never arbitrary code: Datomic loads others from
 * {@code datomic/extensions.edn}, which Chronon does not have.
 *
 * <p>Like Datomic, pull applies an xform to the attribute's whole value (the list of a
 * cardinality-many attribute, the map of a reference) and also to a missing value (nil).
 */
enum Xform {
    STR("str") {
        @Override
        Object apply(Object v) {
            if (v == null) {
                return "";
            }
            if (v instanceof String s) {
                return s;
            }
            if (v instanceof Symbol s) {
                return s.text();
            }
            if (v instanceof Collection<?> || v instanceof Map<?, ?>) {
                return PullPattern.show(v);
            }
            return v.toString(); // Keyword prints with its colon, as Clojure's str does
        }
    },
    NAME("name") {
        @Override
        Object apply(Object v) {
            if (v instanceof Keyword k) {
                return k.name();
            }
            if (v instanceof Symbol s) {
                return s.name();
            }
            if (v instanceof String s) {
                return s;
            }
            throw failed(this, v);
        }
    },
    NAMESPACE("namespace") {
        @Override
        Object apply(Object v) {
            if (v instanceof Keyword k) {
                return k.namespace();
            }
            if (v instanceof Symbol s) {
                return s.namespace();
            }
            throw failed(this, v);
        }
    },
    KEYWORD("keyword") {
        @Override
        Object apply(Object v) {
            if (v instanceof Keyword) {
                return v;
            }
            if (v instanceof Symbol s) {
                return Keyword.of(s.namespace(), s.name());
            }
            if (v instanceof String s && !s.isEmpty()) {
                int slash = s.indexOf('/');
                return slash > 0 && slash < s.length() - 1
                        ? Keyword.of(s.substring(0, slash), s.substring(slash + 1)) : Keyword.of(null, s);
            }
            return null; // Clojure's keyword gives nil for anything else
        }
    },
    SYMBOL("symbol") {
        @Override
        Object apply(Object v) {
            if (v instanceof Symbol) {
                return v;
            }
            if (v instanceof Keyword k) {
                return Symbol.of(k.namespace(), k.name());
            }
            if (v instanceof String s && !s.isEmpty()) {
                return Symbol.of(s);
            }
            throw failed(this, v);
        }
    },
    READ_STRING("clojure.edn/read-string") {
        @Override
        Object apply(Object v) {
            if (v == null) {
                return null;
            }
            if (!(v instanceof String s)) {
                throw failed(this, v);
            }
            // like clojure.edn/read-string: the first form, nil for none, the rest ignored
            return new EdnReader(new java.io.StringReader(s)).next(null);
        }
    };

    private final Symbol symbol;

    Xform(String symbol) {
        this.symbol = Symbol.of(symbol);
    }

    /** The function applied to a pulled value (which may be null). */
    abstract Object apply(Object v);

    /** The xform named by {@code form} (a symbol), or an {@code incorrect} error. */
    static Xform of(Object form) {
        if (form instanceof Symbol s) {
            for (Xform x : values()) {
                if (x.symbol == s || ("clojure.core".equals(s.namespace()) && x.symbol.namespace() == null
                        && x.symbol.name().equals(s.name()))) {
                    return x;
                }
            }
        }
        throw ChrononException.incorrect("db.error/invalid-xform",
                "Unknown :xform " + PullPattern.show(form) + "; pull allows only str, name, namespace, keyword,"
                        + " symbol and clojure.edn/read-string", form);
    }

    private static ChrononException failed(Xform x, Object v) {
        return ChrononException.incorrect("db.error/xform-failed",
                "Error evaluating :xform " + x.symbol + " on " + PullPattern.show(v), v);
    }

    @Override
    public String toString() {
        return symbol.text();
    }
}
