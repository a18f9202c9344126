package io.chronon.storage.file;

import io.chronon.storage.index.IndexTreeBases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * {@link IndexTreeBases} in the embedded store on disk: every tree of the test run is written
 * into one database of a {@link FileSegmentStore} under {@code target/index-tree-bases-<pid>}
 * (deleted when the JVM exits) and read back from its files through the tiny cache. What
 * {@code -Dchronon.test.layered.base=io.chronon.storage.file.FileIndexTreeBases} plugs into
 * core's differential suites (this module's pom runs them that way). Without fsync: a put is
 * renamed into place at once, so reads are of the segment files themselves.
 */
public final class FileIndexTreeBases extends IndexTreeBases {
    /** The store's directory, one per test JVM. */
    static final Path DIR = Path.of("target", "index-tree-bases-" + ProcessHandle.current().pid()).toAbsolutePath();

    /** Bases in a file store of this JVM's own. */
    public FileIndexTreeBases() {
        super(open(), "bases", TINY);
    }

    private static FileSegmentStore open() {
        try {
            FileSegmentStore store = new FileSegmentStore(DIR, false);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    FileLogStore.deleteRecursively(DIR);
                } catch (IOException e) {
                    // target/ is cleaned by the build anyway
                }
            }, "index-tree-bases-cleanup"));
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
