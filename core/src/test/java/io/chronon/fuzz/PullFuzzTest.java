package io.chronon.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnReader;
import io.chronon.edn.Keyword;
import io.chronon.pull.Pull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The pull pattern parser and puller, on any text (docs/fuzzing.md). The text's first EDN
 * form is the selector (a text of one form goes in as the string itself, the path of a
 * selector sent as text; a text that does not read as well); a second form, if any, names
 * the entity, else it is Ivan of {@link FuzzSupport#smallDb()}, whose people are friends in
 * a cycle. The selector is also pulled for every person at once. The contract:
 * <ul>
 *   <li>a pull answers, or throws a {@link io.chronon.ChrononException} that is not a fault:
 *       never another exception, a stack overflow, a hang (the timeout) or a 500;</li>
 *   <li>the answer prints as EDN.</li>
 * </ul>
 * The seeds are in {@code PullFuzzTestInputs/pull/}.
 */
class PullFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "pull.dict")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void pull(byte[] data) {
        String text = FuzzSupport.text(data);
        DbValue db = FuzzSupport.smallDb();
        Object selector = text;
        Object eid = List.of(Keyword.of("person/name"), "Ivan");
        try {
            List<Object> forms = EdnReader.readAll(text);
            if (forms.size() > 1) {
                selector = forms.get(0);
                eid = forms.get(1);
            }
        } catch (EdnParseException e) {
            // the string selector must be refused
        }
        try {
            FuzzSupport.printable(Pull.pull(db, selector, eid), text);
        } catch (RuntimeException e) {
            FuzzSupport.expectedFailure(e, text);
        }
        List<Object> everyone = new ArrayList<>();
        for (String name : List.of("Ivan", "Petr", "Oleg", "Anna", "Nobody")) {
            everyone.add(List.of(Keyword.of("person/name"), name));
        }
        everyone.add(Keyword.of("color/red"));
        try {
            FuzzSupport.printable(Pull.pullMany(db, selector, everyone), text);
        } catch (RuntimeException e) {
            FuzzSupport.expectedFailure(e, text);
        }
    }
}
