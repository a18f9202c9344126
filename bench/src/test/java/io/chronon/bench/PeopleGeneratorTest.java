package io.chronon.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The generator of WORKLOAD.md §3.1 must reproduce the shared data file exactly. */
class PeopleGeneratorTest {

    private static List<String> fileLines() throws IOException {
        Path file = DataSet.findDataFile(Path.of(""));
        assertNotNull(file, "shared/bench/people-20k.edn not found above " + Path.of("").toAbsolutePath());
        return Files.readAllLines(file);
    }

    @Test
    void first20000PersonsAnd10000EdgesEqualTheFile() throws IOException {
        List<String> persons = new ArrayList<>();
        List<String> edges = new ArrayList<>();
        for (String line : fileLines()) {
            if (line.startsWith("{:id ")) {
                persons.add(line);
            } else if (line.startsWith("[:db/add ")) {
                edges.add(line);
            }
        }
        assertEquals(20_000, persons.size());
        assertEquals(10_000, edges.size());
        List<PeopleGenerator.Person> generated = PeopleGenerator.persons(1, 20_000);
        for (int i = 0; i < persons.size(); i++) {
            assertEquals(persons.get(i), generated.get(i).toEdn(), "person " + (i + 1));
        }
        List<PeopleGenerator.Edge> generatedEdges = PeopleGenerator.edges(20_000);
        for (int i = 0; i < edges.size(); i++) {
            assertEquals(edges.get(i), generatedEdges.get(i).toEdn(), "edge " + (i + 1));
        }
    }

    @Test
    void schemaEqualsTheFileSchema() throws IOException {
        StringBuilder schema = new StringBuilder();
        for (String line : fileLines()) {
            if (line.startsWith("[{:db/ident") || line.startsWith(" {:db/ident")) {
                schema.append(schema.length() == 0 ? "" : "\n").append(line);
            }
        }
        assertEquals(schema.toString(), PeopleGenerator.schemaEdn(false));
    }

    @Test
    void personsDependOnlyOnTheirId() {
        List<PeopleGenerator.Person> all = PeopleGenerator.persons(1, 32_000);
        assertEquals(all.subList(20_000, 32_000), PeopleGenerator.persons(20_001, 12_000));
        assertEquals(20_001, PeopleGenerator.persons(20_001, 1).get(0).id());
    }

    @Test
    void edgesAreDistinctAndNeverLoops() {
        List<PeopleGenerator.Edge> edges = PeopleGenerator.edges(2_000);
        assertEquals(1_000, edges.size());
        assertEquals(1_000, new HashSet<>(edges).size());
        for (PeopleGenerator.Edge e : edges) {
            assert e.from() != e.to() && e.from() >= 1 && e.to() <= 2_000 : e;
        }
    }

    @Test
    void indexedSchemaMarksTheFivePersonAttributes() {
        String s = PeopleGenerator.schemaEdn(true);
        assertEquals(5, s.split(":db/index true", -1).length - 1);
        assertEquals(false, s.contains(":db/ident :id, :db/valueType :db.type/long, :db/cardinality :db.cardinality/one, "
                + ":db/unique :db.unique/identity, :db/index true"));
    }
}
