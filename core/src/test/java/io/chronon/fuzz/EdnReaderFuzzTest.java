package io.chronon.fuzz;

import io.chronon.edn.EdnGen;
import static io.chronon.fuzz.FuzzSupport.show;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.chronon.edn.EdnParseException;
import io.chronon.edn.EdnPrinter;
import io.chronon.edn.EdnReader;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * The EDN reader, on any text (docs/fuzzing.md). Its contract, from its documentation:
 * <ul>
 *   <li>any text either reads or throws {@link EdnParseException}: never another exception,
 *       a stack overflow or a hang (the timeout);</li>
 *   <li>{@link EdnReader#read} gives the one form of a text of one form and refuses any other
 *       text; {@link EdnReader#readAll} gives every form;</li>
 *   <li>a stream read form by form ({@link EdnReader#next}) in small, uneven chunks gives the
 *       same forms, or fails at the same line and column;</li>
 *   <li>every form read prints ({@link EdnPrinter}) and the printed text reads back to an
 *       equal form (lists, vectors and sets kept apart), which prints to the same text.</li>
 * </ul>
 * The seeds are in {@code EdnReaderFuzzTestInputs/readPrintRead/}.
 */
class EdnReaderFuzzTest {

    @FuzzTest(maxDuration = "5m")
    @DictionaryFile(resourcePath = "edn.dict")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void readPrintRead(byte[] data) {
        String text = FuzzSupport.text(data);

        List<Object> forms;
        EdnParseException failure = null;
        try {
            forms = EdnReader.readAll(text);
        } catch (EdnParseException e) {
            forms = null;
            failure = e;
        }

        // read: exactly one form, or a parse error
        try {
            Object one = EdnReader.read(text);
            if (forms == null || forms.size() != 1) {
                throw new AssertionError("read accepted " + show(text) + " though readAll found "
                        + (forms == null ? "an error: " + failure.getMessage() : forms.size() + " forms"));
            }
            if (!EdnGen.same(one, forms.get(0))) {
                throw new AssertionError("read and readAll differ on " + show(text));
            }
        } catch (EdnParseException e) {
            if (forms != null && forms.size() == 1) {
                throw new AssertionError("read refused " + show(text) + " that readAll read as one form: " + e.getMessage(), e);
            }
        }

        // the same text as a stream, read form by form in uneven chunks
        EdnReader stream = new EdnReader(new ChunkedReader(text, data.length));
        List<Object> streamed = new ArrayList<>();
        Object end = new Object();
        try {
            for (Object v = stream.next(end); v != end; v = stream.next(end)) {
                streamed.add(v);
            }
            if (forms == null) {
                throw new AssertionError("the stream read " + show(text) + " that readAll refused: " + failure.getMessage());
            }
            if (!EdnGen.same(streamed, forms)) {
                throw new AssertionError("the stream read other forms than readAll from " + show(text));
            }
        } catch (EdnParseException e) {
            if (forms != null) {
                throw new AssertionError("the stream refused " + show(text) + " that readAll read: " + e.getMessage(), e);
            }
            if (e.line() != failure.line() || e.column() != failure.column()) {
                throw new AssertionError("the stream and readAll fail at different places on " + show(text) + ": "
                        + e.getMessage() + " / " + failure.getMessage());
            }
        }

        if (forms == null) {
            return;
        }
        for (Object form : forms) {
            String printed = FuzzSupport.printable(form, text);
            Object back;
            try {
                back = EdnReader.read(printed);
            } catch (EdnParseException e) {
                throw new AssertionError("the printed form " + show(printed) + " of " + show(text) + " does not read: "
                        + e.getMessage(), e);
            }
            if (!EdnGen.same(form, back)) {
                throw new AssertionError("the printed form " + show(printed) + " of " + show(text)
                        + " reads back to another value, printed " + show(EdnPrinter.print(back)));
            }
            String again = EdnPrinter.print(back);
            if (!again.equals(printed)) {
                throw new AssertionError("printing is not stable: " + show(printed) + " then " + show(again));
            }
        }
    }

    /** A reader that hands out its text a few chars at a time, in chunk sizes from 1 to 64 chosen by a seed. */
    static final class ChunkedReader extends Reader {
        private final String text;
        private int pos;
        private long state;

        ChunkedReader(String text, long seed) {
            this.text = text;
            this.state = seed * 0x9E3779B97F4A7C15L + 1;
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (pos >= text.length()) {
                return -1;
            }
            state = state * 6364136223846793005L + 1442695040888963407L;
            int chunk = 1 + (int) ((state >>> 33) % 64);
            int n = Math.min(Math.min(len, chunk), text.length() - pos);
            text.getChars(pos, pos + n, cbuf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }
}
