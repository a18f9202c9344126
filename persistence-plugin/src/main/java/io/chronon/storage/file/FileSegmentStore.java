package io.chronon.storage.file;

import com.typesafe.config.Config;
import io.chronon.storage.journal.PluginStores;
import io.chronon.storage.segment.MissingSegmentException;
import io.chronon.storage.segment.SegmentCodec;
import io.chronon.storage.segment.SegmentId;
import io.chronon.storage.segment.SegmentStore;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Segments as files: {@code <dir>/<database>/<first 2 hex digits of the id>/<id>}, one file per
 * segment in the form of {@link SegmentCodec}. A segment is written to a temporary file
 * ({@code <id>.tmp-<n>}, unique per write) in its directory, synced, then renamed into place and
 * the directory synced, so its file is either complete or absent; any number of threads may
 * read and write at once. A temporary file left by a crash is never taken for a segment
 * ({@link #list} skips it) and does not stand in the way of a later write of that segment.
 */
public final class FileSegmentStore implements SegmentStore {
    private final Path root;
    private final boolean fsync;
    /** Directories known to exist (created, and synced into their parent, by this store or before it). */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    private final AtomicLong tempNames = new AtomicLong();

    /**
     * The store of {@code store = file}: settings {@code dir} (empty:
     * {@code <chronon.storage.data-dir>/segments}) and {@code fsync}.
     */
    public FileSegmentStore(ExtendedActorSystem system, Config config) throws IOException {
        this(PluginStores.dir(system, config, "segments"), config.getBoolean("fsync"));
    }

    public FileSegmentStore(Path root, boolean fsync) throws IOException {
        this.root = root.toAbsolutePath();
        this.fsync = fsync;
        Files.createDirectories(this.root);
    }

    private Path dir(String database) {
        return root.resolve(PathNames.encode(database));
    }

    /** The file of segment {@code id} of {@code database}. */
    Path file(String database, SegmentId id) {
        return dir(database).resolve(id.hex().substring(0, 2)).resolve(id.hex());
    }

    @Override
    public SegmentId put(String database, byte[] bytes) throws IOException {
        SegmentId id = SegmentId.of(bytes);
        Path target = file(database, id);
        if (Files.exists(target)) {
            return id;
        }
        Path dir = target.getParent();
        ensureDir(dir);
        Path tmp = dir.resolve(id.hex() + ".tmp-" + ProcessHandle.current().pid() + "-" + tempNames.incrementAndGet());
        try {
            ByteBuffer buf = ByteBuffer.wrap(SegmentCodec.encode(bytes));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (fsync) {
                    ch.force(true);
                }
            }
            // the same bytes under the same name: replacing a file a concurrent put just renamed there changes nothing
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDir(dir);
        return id;
    }

    @Override
    public byte[] get(String database, SegmentId id) throws IOException {
        byte[] stored;
        try {
            stored = Files.readAllBytes(file(database, id));
        } catch (NoSuchFileException e) {
            throw new MissingSegmentException(database, id);
        }
        return SegmentCodec.decode(database, id, stored);
    }

    @Override
    public boolean contains(String database, SegmentId id) {
        return Files.exists(file(database, id));
    }

    @Override
    public void delete(String database, SegmentId id) throws IOException {
        Files.deleteIfExists(file(database, id));
    }

    @Override
    public List<SegmentId> list(String database) throws IOException {
        List<SegmentId> ids = new ArrayList<>();
        Path dir = dir(database);
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (Stream<Path> prefixes = Files.list(dir)) {
            for (Path prefix : prefixes.toList()) {
                if (!Files.isDirectory(prefix)) {
                    continue;
                }
                try (Stream<Path> files = Files.list(prefix)) {
                    files.forEach(f -> {
                        SegmentId id = SegmentId.parse(f.getFileName().toString());
                        if (id != null && id.hex().startsWith(prefix.getFileName().toString())) {
                            ids.add(id);
                        }
                    });
                }
            }
        }
        return ids;
    }

    /** Creates {@code dir} and its parents up to the root, each synced into its parent. */
    private void ensureDir(Path dir) throws IOException {
        if (knownDirs.contains(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (!parent.equals(root)) {
            ensureDir(parent);
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            syncDir(parent);
        }
        knownDirs.add(dir);
    }

    private void syncDir(Path dir) {
        FileLogStore.syncDir(fsync, dir);
    }

    @Override
    public void close() {
    }
}
