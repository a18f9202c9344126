package io.chronon.storage;

import com.typesafe.config.ConfigFactory;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import io.chronon.storage.segment.SegmentStores;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each storage kind's segment store, chosen by configuration like its log store. */
class SegmentStoreKindsTest {
    @TempDir
    Path dir;

    @Test
    void theFileKindKeepsSegmentsUnderTheDataDirAndTheMemoryKindInTheHeap() throws Exception {
        ActorTestKit kit = ActorTestKit.create("segment-kinds", ConfigFactory.load(ConfigFactory.parseString(
                "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                        + "pekko.actor.provider = local\n"
                        + "chronon.embedded.bad.segments.store = no.such.Store\n")));
        try {
            Storages storages = Storages.get(kit.system());
            byte[] bytes = "a segment".getBytes(StandardCharsets.UTF_8);
            SegmentStore file = storages.kind("file").segmentStore();
            assertEquals("io.chronon.storage.file.FileSegmentStore", file.getClass().getName());
            assertSame(file, storages.kind("file").segmentStore(), "one store per kind");
            SegmentId id = file.put("db", bytes);
            file.sync("db");
            assertTrue(Files.isRegularFile(dir.resolve("segments/db").resolve(id.hex().substring(0, 2)).resolve(id.hex())));

            SegmentStore memory = storages.kind("memory").segmentStore();
            assertEquals("io.chronon.storage.memory.MemorySegmentStore", memory.getClass().getName());
            assertEquals(id, memory.put("db", bytes));
            assertArrayEquals(bytes, memory.get("db", id));

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SegmentStores.get(Adapter.toClassic(kit.system())).store("chronon.embedded.bad.segments"));
            assertTrue(e.getMessage().contains("no.such.Store"), e.getMessage());
        } finally {
            kit.shutdownTestKit();
        }
    }
}
