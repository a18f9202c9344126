package io.chronon.storage.index;

import io.chronon.storage.file.FileSegmentStore;
import io.chronon.storage.memory.MemorySegmentStore;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The real segment stores the tree tests run on. */
enum TreeStores {
    MEMORY, FILE;

    SegmentStore open(Path dir) throws IOException {
        return this == MEMORY ? new MemorySegmentStore() : new FileSegmentStore(dir, false);
    }

    /** The file of segment {@code id} in a file store under {@code dir}. */
    static Path fileOf(Path dir, SegmentId id) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(id.hex())).toList();
            if (found.size() != 1) {
                throw new IllegalStateException("segment " + id + " is in " + found.size() + " files under " + dir);
            }
            return found.get(0);
        }
    }
}
