package io.chronon.node.http;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.EdnList;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Tagged;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The JSON convention's reader ({@link JsonConvention#read}), on any text (docs/fuzzing.md).
 * Its contract, from its documentation and docs/http.md:
 * <ul>
 *   <li>any text either reads or throws a {@link ChrononException} of category
 *       {@code incorrect} (the node's 400): never another exception, a stack overflow, a hang
 *       (the timeout) or a 500;</li>
 *   <li>what it reads is an EDN value: it prints as EDN, and the text reads back to an equal
 *       value (lists, vectors and sets kept apart), since the node answers in either format;</li>
 *   <li>it is lossless: what it reads writes as JSON ({@link JsonConvention#write}) that
 *       reads back to an equal value.</li>
 * </ul>
 * The seeds are in {@code JsonConventionFuzzTestInputs/readWriteRead/}.
 */
class JsonConventionFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "json.dict")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readWriteRead(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        Object value;
        try {
            value = JsonConvention.read(text);
        } catch (ChrononException e) {
            if (e.category() != ErrorCategory.INCORRECT) {
                throw new AssertionError("not an incorrect request but " + e.category() + " for " + show(text), e);
            }
            return;
        }

        String edn;
        try {
            edn = EdnPrinter.print(value);
        } catch (IllegalArgumentException e) {
            throw new AssertionError(show(text) + " reads to a value that is not EDN: " + e.getMessage(), e);
        }
        Object fromEdn;
        try {
            fromEdn = EdnReader.read(edn);
        } catch (EdnParseException e) {
            throw new AssertionError("the EDN " + show(edn) + " of " + show(text) + " does not read: " + e.getMessage(), e);
        }
        if (!ednEquals(value, fromEdn)) {
            throw new AssertionError("the EDN " + show(edn) + " of " + show(text) + " reads to another value");
        }

        String json = JsonConvention.write(value);
        Object back;
        try {
            back = JsonConvention.read(json);
        } catch (ChrononException e) {
            throw new AssertionError("the JSON " + show(json) + " written for " + show(text) + " does not read: " + e.getMessage(), e);
        }
        if (!ednEquals(value, back)) {
            throw new AssertionError("the JSON " + show(json) + " written for " + show(text) + " reads to another value: "
                    + EdnPrinter.printOrDescribe(back) + " instead of " + edn);
        }
    }

    private static String show(String s) {
        return '"' + (s.length() <= 300 ? s : s.substring(0, 300) + "...") + '"';
    }

    /**
     * EDN equality: lists, vectors and sets are different kinds, maps and sets compared in
     * order, byte arrays by content, doubles as {@link Double#equals}. (As in core's fuzz tests.)
     */
    static boolean ednEquals(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] x) {
            return b instanceof byte[] y && Arrays.equals(x, y);
        }
        if (a instanceof Tagged x) {
            return b instanceof Tagged y && x.tag().equals(y.tag()) && ednEquals(x.value(), y.value());
        }
        if (a instanceof Map<?, ?> x) {
            if (!(b instanceof Map<?, ?> y) || x.size() != y.size()) {
                return false;
            }
            Iterator<? extends Map.Entry<?, ?>> i = x.entrySet().iterator();
            Iterator<? extends Map.Entry<?, ?>> j = y.entrySet().iterator();
            while (i.hasNext()) {
                Map.Entry<?, ?> e = i.next();
                Map.Entry<?, ?> f = j.next();
                if (!ednEquals(e.getKey(), f.getKey()) || !ednEquals(e.getValue(), f.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Set<?> x) {
            return b instanceof Set<?> y && x.size() == y.size() && sameInOrder(x, y);
        }
        if (a instanceof List<?> x) {
            return b instanceof List<?> y && (a instanceof EdnList) == (b instanceof EdnList) && x.size() == y.size()
                    && sameInOrder(x, y);
        }
        return a.getClass() == b.getClass() && a.equals(b);
    }

    private static boolean sameInOrder(Iterable<?> x, Iterable<?> y) {
        Iterator<?> i = x.iterator();
        Iterator<?> j = y.iterator();
        while (i.hasNext()) {
            if (!j.hasNext() || !ednEquals(i.next(), j.next())) {
                return false;
            }
        }
        return !j.hasNext();
    }
}
