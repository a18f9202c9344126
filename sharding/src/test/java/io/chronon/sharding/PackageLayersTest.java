package io.chronon.sharding;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package map of docs/architecture.md, checked on the main sources of this module and of
 * the storage module: each package of the cluster layer and of storage uses only the Chronon
 * packages listed for it (core's packages are open to all), and each has a package-info.
 */
class PackageLayersTest {
    /** Package (without io.chronon.) -> the Chronon packages outside core it may import. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("storage.codec", Set.of()),
            Map.entry("storage.journal", Set.of()),
            Map.entry("storage.segment", Set.of("storage.journal")),
            Map.entry("storage.index", Set.of("storage.codec", "storage.segment")),
            Map.entry("storage", Set.of("storage.codec", "storage.journal", "storage.segment", "storage.index")),
            Map.entry("storage.file", Set.of("storage.codec", "storage.journal", "storage.segment")),
            Map.entry("storage.memory", Set.of("storage.journal", "storage.segment")),
            Map.entry("storage.cassandra", Set.of("storage", "storage.codec", "storage.journal", "storage.segment")),
            Map.entry("sharding.support", Set.of()),
            Map.entry("sharding.wire", Set.of("storage", "storage.codec")),
            Map.entry("sharding.access", Set.of("sharding.wire")),
            Map.entry("sharding.catalog", Set.of("sharding.access", "sharding.support", "sharding.wire", "storage")),
            Map.entry("sharding.feed", Set.of("sharding.catalog", "sharding.wire", "storage")),
            Map.entry("sharding.indexer", Set.of("sharding.wire", "storage", "storage.index")),
            Map.entry("sharding.writer", Set.of("sharding.support", "sharding.wire", "sharding.catalog", "sharding.feed",
                    "sharding.indexer", "storage", "storage.codec", "storage.index")),
            Map.entry("sharding.peer", Set.of("sharding.support", "sharding.wire", "sharding.catalog", "sharding.feed",
                    "sharding.writer", "storage", "storage.codec", "storage.index")),
            Map.entry("sharding", Set.of("sharding.access", "sharding.support", "sharding.wire", "sharding.catalog", "sharding.feed",
                    "sharding.indexer", "sharding.writer", "sharding.peer", "storage")));

    private static final Set<String> CORE_PACKAGES = Set.of("", "edn", "index", "db", "tx", "query", "pull");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.chronon\\.([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.chronon\\.((?:[a-z]\\w*\\.)*)[A-Z]");

    /** io.chronon.x.y.Class or io.chronon.x.y.Class.Inner -> "x.y". */
    private static String packageOf(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("\\.")) {
            if (Character.isUpperCase(part.charAt(0)) || part.equals("*")) {
                break;
            }
            parts.add(part);
        }
        return String.join(".", parts);
    }

    /** The text without comments and string literals (a class named in a string is loaded by name, not used). */
    private static String codeOnly(String text) {
        return text.replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("//[^\n]*", " ");
    }

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        for (Path root : List.of(Path.of("src/main/java/io/chronon"), Path.of("../persistence-plugin/src/main/java/io/chronon"))) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String pkg = root.relativize(file.getParent()).toString().replace(java.io.File.separatorChar, '.');
                    String text = Files.readString(file);
                    Set<String> deps = used.computeIfAbsent(pkg, k -> new TreeSet<>());
                    Matcher m = IMPORT.matcher(text);
                    while (m.find()) {
                        deps.add(packageOf(m.group(1)));
                    }
                    Matcher q = QUALIFIED.matcher(codeOnly(text));
                    while (q.find()) {
                        String p = q.group(1);
                        deps.add(p.isEmpty() ? "" : p.substring(0, p.length() - 1));
                    }
                    deps.remove(pkg);
                }
            }
        }
        assertEquals(ALLOWED.keySet(), used.keySet(), "every package of the module has a rule here and in docs/architecture.md");
        List<String> wrong = new ArrayList<>();
        used.forEach((pkg, deps) -> {
            for (String dep : deps) {
                if (!CORE_PACKAGES.contains(dep) && !ALLOWED.get(pkg).contains(dep)) {
                    wrong.add("io.chronon." + pkg + " uses io.chronon." + dep);
                }
            }
        });
        assertEquals(List.of(), wrong, "package dependencies outside the map");
    }

    @Test
    void everyPackageSaysWhatLivesThere() {
        for (String pkg : ALLOWED.keySet()) {
            String dir = pkg.replace('.', '/');
            Path here = Path.of("src/main/java/io/chronon", dir, "package-info.java");
            Path storage = Path.of("../persistence-plugin/src/main/java/io/chronon", dir, "package-info.java");
            assertTrue(Files.isRegularFile(pkg.startsWith("storage") ? storage : here), "package-info.java of io.chronon." + pkg);
        }
    }
}
