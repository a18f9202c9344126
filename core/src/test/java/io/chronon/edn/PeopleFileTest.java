package io.chronon.edn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shared benchmark file: its shape, read whole and streamed (how fast: {@link EdnReadBench}). */
class PeopleFileTest {
    private static final Keyword ID = Keyword.of("id");
    private static Path file;
    private static String text;

    @BeforeAll
    static void findFile() throws IOException {
        file = peopleFile();
        text = Files.readString(file, StandardCharsets.UTF_8);
    }

    /** The shared benchmark file, found by walking up from the working directory (the module when run by Maven). */
    static Path peopleFile() {
        for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/bench/people-20k.edn");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no shared/bench/people-20k.edn above " + System.getProperty("user.dir"));
    }

    @Test
    void hasTheSchemaThenThePeopleThenTheFollows() {
        List<Object> forms = EdnReader.readAll(text);
        assertEquals(1 + 20_000 + 10_000, forms.size());
        List<?> schema = assertInstanceOf(List.class, forms.get(0));
        assertEquals(7, schema.size());
        schema.forEach(m -> assertInstanceOf(Map.class, m));
        assertEquals(Keyword.of("id"), ((Map<?, ?>) schema.get(0)).get(Keyword.of("db/ident")));
        for (int i = 1; i <= 20_000; i++) {
            assertEquals((long) i, ((Map<?, ?>) forms.get(i)).get(ID));
        }
        for (int i = 20_001; i < forms.size(); i++) {
            List<?> add = (List<?>) forms.get(i);
            assertEquals(Keyword.of("db/add"), add.get(0));
            assertEquals(ID, ((List<?>) add.get(1)).get(0));
        }
    }

    @Test
    void streamingTheFileGivesTheSameForms() throws IOException {
        List<Object> all = EdnReader.readAll(text);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            EdnReader reader = new EdnReader(in);
            Object end = new Object();
            int i = 0;
            for (Object f = reader.next(end); f != end; f = reader.next(end)) {
                assertEquals(all.get(i++), f);
            }
            assertEquals(all.size(), i);
        }
    }
}
