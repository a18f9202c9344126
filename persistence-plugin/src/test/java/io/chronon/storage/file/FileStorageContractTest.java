package io.chronon.storage.file;

import io.chronon.storage.StorageContract;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The storage contract on the embedded file store. */
class FileStorageContractTest extends StorageContract {
    @TempDir
    Path dir;

    @Override
    protected String kind() {
        return "file";
    }

    @Override
    protected String storageSettings() {
        return "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"";
    }

    @Override
    protected boolean holdsDataOf(ActorTestKit kit, String persistenceId) {
        String name = PathNames.encode(persistenceId);
        return Files.exists(dir.resolve("journal").resolve(name)) || Files.exists(dir.resolve("snapshots").resolve(name));
    }
}
