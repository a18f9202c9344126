package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of the reader and printer over many random values and texts. Each case has its
 * own seed (base seed + case number), reported on failure; rerun one with
 * {@code -Dedn.seed=<base>}.
 */
class EdnPropertyTest {
    private static final long BASE_SEED = Long.getLong("edn.seed", 20240611L);
    private static final Duration TIME_LIMIT = Duration.ofSeconds(5);

    @Test
    void printedValuesReadBackEqual() {
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED + i;
            Object v = new EdnGen(new Random(seed), true, false).value(4);
            String text = EdnPrinter.print(v);
            Object back = readOrFail(text, seed);
            if (!EdnGen.same(v, back)) {
                fail("seed " + seed + ": read(print(v)) differs from v\n text: " + text + "\n back: "
                        + EdnPrinter.print(back));
            }
            assertEquals(text, EdnPrinter.print(back), () -> "seed " + seed + ": printing is not stable");
        }
    }

    @Test
    void everySpellingOfAValueReadsToThatValue() {
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED + i;
            EdnGen gen = new EdnGen(new Random(seed), true, false);
            Object v = gen.value(4);
            String text = gen.spell(v);
            Object back = readOrFail(text, seed);
            if (!EdnGen.same(v, back)) {
                fail("seed " + seed + ": the spelling reads to something else\n text: " + text + "\n want: "
                        + EdnPrinter.print(v) + "\n got:  " + EdnPrinter.print(back));
            }
        }
    }

    @Test
    void aStreamOfFormsReadsTheSameInAnyChunking() {
        for (int i = 0; i < 300; i++) {
            long seed = BASE_SEED + i;
            Random rnd = new Random(seed);
            EdnGen gen = new EdnGen(rnd, true, false);
            List<Object> values = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (int n = rnd.nextInt(30); n > 0; n--) {
                Object v = gen.value(3);
                values.add(v);
                text.append(gen.spell(v)).append(rnd.nextBoolean() ? " " : "\n");
            }
            int chunk = 1 + rnd.nextInt(16);
            EdnReader reader = new EdnReader(new EdnReaderTest.ChunkedReader(text.toString(), chunk));
            Object end = new Object();
            for (Object v : values) {
                Object back;
                try {
                    back = reader.next(end);
                } catch (RuntimeException e) {
                    throw new AssertionError("seed " + seed + " chunk " + chunk + ": cannot read " + text, e);
                }
                assertTrue(EdnGen.same(v, back), () -> "seed " + seed + " chunk " + chunk + ": " + EdnPrinter.print(v)
                        + " read as " + EdnPrinter.print(back) + "\n text: " + text);
            }
            assertTrue(reader.next(end) == end, "seed " + seed + ": forms left over");
        }
    }

    @Test
    void randomTextsAreReadOrRejectedWithAParseErrorQuickly() {
        for (int i = 0; i < 5_000; i++) {
            long seed = BASE_SEED + i;
            String text = new EdnGen(new Random(seed), true, false).noise();
            checkReadOrParseError(text, seed);
        }
    }

    @Test
    void mutatedValidTextsAreReadOrRejectedWithAParseErrorQuickly() {
        for (int i = 0; i < 10_000; i++) {
            long seed = BASE_SEED + i;
            EdnGen gen = new EdnGen(new Random(seed), true, false);
            Object v = gen.value(4);
            String text = gen.mutate(i % 2 == 0 ? EdnPrinter.print(v) : gen.spell(v));
            checkReadOrParseError(text, seed);
        }
    }

    @Test
    void hostileNestingIsAParseError() {
        for (String unit : List.of("[", "(", "{", "#{", "#_", "#a ", "{:k ", "#:a{:k ", "[#_ 1 ")) {
            String text = unit.repeat(100_000);
            checkReadOrParseError(text, -1);
            assertTrue(assertTimeoutPreemptively(TIME_LIMIT, () -> outcome(text)) instanceof EdnParseException, unit);
        }
    }

    /** Reads {@code text} within the time limit; a value or an EdnParseException, and the stream agrees. */
    private static void checkReadOrParseError(String text, long seed) {
        Object fromString = assertTimeoutPreemptively(TIME_LIMIT, () -> outcome(text),
                () -> "seed " + seed + ": too slow on " + abbreviate(text));
        if (fromString instanceof Throwable t && !(t instanceof EdnParseException)) {
            throw new AssertionError("seed " + seed + ": " + t + " escaped on " + abbreviate(text), t);
        }
        if (fromString instanceof EdnParseException e) {
            assertTrue(e.line() >= 1 && e.column() >= 1, "seed " + seed);
            assertTrue(e.getMessage().contains("line " + e.line() + ", column " + e.column()), e.getMessage());
        }
        // The same text through a Reader in small chunks: the same forms, or the same error at the same place.
        Object fromStream = assertTimeoutPreemptively(TIME_LIMIT, () -> streamOutcome(text, 1 + (int) (Math.abs(seed) % 5)));
        assertEquals(describe(fromString), describe(fromStream), () -> "seed " + seed + ": stream differs on " + abbreviate(text));
    }

    private static Object outcome(String text) {
        try {
            return EdnReader.readAll(text);
        } catch (Throwable t) {
            return t;
        }
    }

    private static Object streamOutcome(String text, int chunk) {
        try {
            EdnReader r = new EdnReader(new EdnReaderTest.ChunkedReader(text, chunk));
            Object end = new Object();
            List<Object> forms = new ArrayList<>();
            for (Object f = r.next(end); f != end; f = r.next(end)) {
                forms.add(f);
            }
            return forms;
        } catch (Throwable t) {
            return t;
        }
    }

    private static String describe(Object outcome) {
        if (outcome instanceof EdnParseException e) {
            return "error: " + e.getMessage();
        }
        if (outcome instanceof Throwable t) {
            return "throwable: " + t;
        }
        try {
            return EdnPrinter.print(outcome);
        } catch (IllegalArgumentException e) {
            return "unprintable: " + e.getMessage();
        }
    }

    private static Object readOrFail(String text, long seed) {
        try {
            return EdnReader.read(text);
        } catch (RuntimeException e) {
            throw new AssertionError("seed " + seed + ": cannot read " + text, e);
        }
    }

    private static String abbreviate(String text) {
        String s = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        return "\"" + s.replace("\n", "\\n") + "\"";
    }
}
