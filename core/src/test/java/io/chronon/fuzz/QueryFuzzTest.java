package io.chronon.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chronon.db.DbValue;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnReader;
import io.chronon.query.Datalog;
import io.chronon.query.QueryOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The query parser and engine, on any text (docs/fuzzing.md). The text's first EDN form is
 * the query, run on a small database ({@link FuzzSupport#smallDb()}, bound to {@code $});
 * further forms are its other inputs, in order. A text of one form goes in as the string
 * itself (the path of a query sent as text), a text that does not read as well (it must be
 * refused). The contract:
 * <ul>
 *   <li>the query answers, or throws a {@link io.chronon.ChrononException} that is not a
 *       fault (the node's 400, 404, 504...): never another exception, a stack overflow or a
 *       500;</li>
 *   <li>it keeps to its timeout ({@value #TIMEOUT_MILLIS} ms): the fuzz test's own timeout
 *       is far longer, so a query that runs on past it is a hang;</li>
 *   <li>the answer prints as EDN (the node sends every answer as EDN or JSON).</li>
 * </ul>
 * The seeds are in {@code QueryFuzzTestInputs/query/}.
 */
class QueryFuzzTest {
    static final long TIMEOUT_MILLIS = 1000;
    private static final QueryOptions OPTIONS = QueryOptions.DEFAULTS.withTimeoutMillis(TIMEOUT_MILLIS);

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "query.dict")
    @Timeout(value = 15, unit = TimeUnit.SECONDS)
    void query(byte[] data) {
        String text = FuzzSupport.text(data);
        DbValue db = FuzzSupport.smallDb();
        Object query;
        List<Object> inputs = new ArrayList<>();
        inputs.add(db);
        try {
            List<Object> forms = EdnReader.readAll(text);
            query = forms.size() > 1 ? forms.get(0) : text;
            if (forms.size() > 1) {
                inputs.addAll(forms.subList(1, forms.size()));
            }
        } catch (EdnParseException e) {
            query = text;
        }
        Object answer;
        try {
            answer = Datalog.query(query, inputs, OPTIONS);
        } catch (RuntimeException e) {
            FuzzSupport.expectedFailure(e, text);
            return;
        }
        FuzzSupport.printable(answer, text);
    }
}
