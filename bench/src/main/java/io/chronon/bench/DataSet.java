package io.chronon.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A data set of the people workload as EDN text, ready for either system's reader: the
 * schema transaction, the persons (one map per line, in {@code :id} order), the edges, and
 * the extra persons that the transaction benches add.
 *
 * @param name        {@code people20k}, {@code people20k-idx}, {@code people200k}, or a smoke slice
 * @param n           how many persons
 * @param indexed     whether the schema sets {@code :db/index true} (the {@code -idx} variant)
 * @param reference   whose reference answers apply: 20000, 200000, or 0 for none (a slice)
 * @param schemaEdn   the schema transaction
 * @param personsEdn  the persons
 * @param edgesEdn    the {@code :follows} edges, as lookup-ref adds
 * @param extraEdn    persons n+1 onward for the transaction benches ({@link #extraCount})
 * @param extraCount  how many extra persons
 * @param source      where the data came from, for the report
 */
public record DataSet(String name, int n, boolean indexed, int reference, String schemaEdn, String personsEdn,
                      String edgesEdn, String extraEdn, int extraCount, String source) {

    /** The sha256 of the shared data file (WORKLOAD.md §3.3). */
    public static final String FILE_SHA256 = "7e6da9f3ab329d28a2c80ffed330a3175f7660a54b73102043e2a0e32b24c1da";

    /** The data file's path below a folder that holds {@code shared/}. */
    public static final String FILE_PATH = "shared/bench/people-20k.edn";

    /** How many extra persons the 20k transaction benches take (ids 20,001..32,000). */
    public static final int EXTRA_20K = 12_000;

    /**
     * The 20k set from the data file, with the plain or the indexed schema. Warns (loudly)
     * when the file's checksum is not the published one.
     */
    public static DataSet people20k(Path file, boolean indexed) {
        String text;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the data file " + file, e);
        }
        text = new String(bytes, StandardCharsets.UTF_8);
        String sha = sha256(bytes);
        String source = file.toString();
        if (!sha.equals(FILE_SHA256)) {
            System.err.println("!!! WARNING: " + file + " has sha256 " + sha + ", not the published " + FILE_SHA256);
            source += " (CHECKSUM MISMATCH)";
        }
        StringBuilder persons = new StringBuilder(text.length());
        StringBuilder edges = new StringBuilder(500_000);
        int personCount = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("{:id ")) {
                persons.append(line).append('\n');
                personCount++;
            } else if (line.startsWith("[:db/add ")) {
                edges.append(line).append('\n');
            }
        }
        List<PeopleGenerator.Person> extra = PeopleGenerator.persons(personCount + 1, EXTRA_20K);
        return new DataSet(indexed ? "people20k-idx" : "people20k", personCount, indexed, 20_000,
                PeopleGenerator.schemaEdn(indexed), persons.toString(), edges.toString(),
                PeopleGenerator.personsEdn(extra), EXTRA_20K, source);
    }

    /** The 200k set, generated in memory (§3.1); it has no transaction benches. */
    public static DataSet people200k() {
        return generated("people200k", 200_000, false, 200_000, 0);
    }

    /**
     * A generated set of {@code n} persons and n/2 edges (the edges of an n-person graph, not
     * a slice of the 20k graph's edges), with {@code extra} more persons for tx benches.
     */
    public static DataSet generated(String name, int n, boolean indexed, int reference, int extra) {
        return new DataSet(name, n, indexed, reference, PeopleGenerator.schemaEdn(indexed),
                PeopleGenerator.personsEdn(PeopleGenerator.persons(1, n)),
                PeopleGenerator.edgesEdn(PeopleGenerator.edges(n)),
                PeopleGenerator.personsEdn(PeopleGenerator.persons(n + 1L, extra)), extra,
                "generator seed " + PeopleGenerator.SEED);
    }

    /**
     * The data file found by walking up from {@code start} to a folder that holds
     * {@link #FILE_PATH}; null when there is none.
     */
    public static Path findDataFile(Path start) {
        for (Path dir = start.toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(FILE_PATH);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
