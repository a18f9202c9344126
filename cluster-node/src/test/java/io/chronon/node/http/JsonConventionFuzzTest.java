package io.chronon.node.http;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.edn.EdnGen;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;

import java.nio.charset.StandardCharsets;
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
        if (!EdnGen.same(value, fromEdn)) {
            throw new AssertionError("the EDN " + show(edn) + " of " + show(text) + " reads to another value");
        }

        String json = JsonConvention.write(value);
        Object back;
        try {
            back = JsonConvention.read(json);
        } catch (ChrononException e) {
            throw new AssertionError("the JSON " + show(json) + " written for " + show(text) + " does not read: " + e.getMessage(), e);
        }
        if (!EdnGen.same(value, back)) {
            throw new AssertionError("the JSON " + show(json) + " written for " + show(text) + " reads to another value: "
                    + EdnPrinter.printOrDescribe(back) + " instead of " + edn);
        }
    }

    private static String show(String s) {
        return '"' + (s.length() <= 300 ? s : s.substring(0, 300) + "...") + '"';
    }

}
