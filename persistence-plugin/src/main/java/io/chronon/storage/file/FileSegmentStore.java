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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Segments as files: {@code <dir>/<database>/<first 2 hex digits of the id>/<id>}, one file per
 * segment in the form of {@link SegmentCodec}. A segment is written to a temporary file
 * ({@code <id>.tmp-<n>}, unique per write) in its directory; {@link #sync} then syncs the
 * temporary files of every put since the last sync (many at once: an indexing job writes
 * hundreds of segments, and one fsync after another would cost it seconds), renames them into
 * place and syncs their directories, so a segment's file is either complete or absent, and a
 * file under a segment's name is always durable. Until then {@link #get} reads the temporary
 * file. Without {@code fsync} a put renames at once. Any number of threads may read and write at once. A temporary file left by a crash is never taken for a segment
 * ({@link #list} skips it) and does not stand in the way of a later write of that segment.
 */
public final class FileSegmentStore implements SegmentStore {
    private final Path root;
    private final boolean fsync;
    /** Directories known to exist (created, and synced into their parent, by this store or before it). */
    private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();
    private final AtomicLong tempNames = new AtomicLong();
    /** Puts not yet synced: a segment's file name -> the temporary file holding its bytes. */
    private final ConcurrentHashMap<Path, Path> pending = new ConcurrentHashMap<>();
    /** The threads that sync many files at once (created on the first sync). */
    private volatile java.util.concurrent.ExecutorService syncers;

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
        OwnerOnly.createDirectories(this.root);
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
        if (pending.containsKey(target) || Files.exists(target)) {
            return id;
        }
        Path dir = target.getParent();
        ensureDir(dir);
        Path tmp = dir.resolve(id.hex() + ".tmp-" + ProcessHandle.current().pid() + "-" + tempNames.incrementAndGet());
        boolean kept = false;
        try {
            ByteBuffer buf = ByteBuffer.wrap(SegmentCodec.encode(bytes));
            try (FileChannel ch = OwnerOnly.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            if (fsync) {
                // synced and renamed by the next sync(); a concurrent put of the same bytes keeps the first
                kept = pending.putIfAbsent(target, tmp) == null;
            } else {
                // the same bytes under the same name: replacing a file a concurrent put just renamed there changes nothing
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            if (!kept) {
                Files.deleteIfExists(tmp);
            }
        }
        return id;
    }

    /**
     * Makes every put so far durable: syncs their temporary files (sixteen at a time), renames
     * them into place and syncs their directories. Puts made while this runs wait for the next.
     */
    @Override
    public synchronized void sync(String database) throws IOException {
        List<Map.Entry<Path, Path>> batch = new ArrayList<>(pending.entrySet());
        if (batch.isEmpty()) {
            return;
        }
        java.util.concurrent.ExecutorService pool = syncers();
        List<java.util.concurrent.Future<?>> forced = new ArrayList<>();
        for (Map.Entry<Path, Path> e : batch) {
            forced.add(pool.submit(() -> {
                try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                return null;
            }));
        }
        await(forced);
        Set<Path> dirs = new java.util.HashSet<>();
        for (Map.Entry<Path, Path> e : batch) {
            Files.move(e.getValue(), e.getKey(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            pending.remove(e.getKey(), e.getValue());
            dirs.add(e.getKey().getParent());
        }
        List<java.util.concurrent.Future<?>> synced = new ArrayList<>();
        for (Path dir : dirs) {
            synced.add(pool.submit(() -> {
                syncDir(dir);
                return null;
            }));
        }
        await(synced);
    }

    private java.util.concurrent.ExecutorService syncers() {
        java.util.concurrent.ExecutorService pool = syncers;
        if (pool == null) {
            synchronized (this) {
                if (syncers == null) {
                    syncers = java.util.concurrent.Executors.newFixedThreadPool(16, r -> {
                        Thread t = new Thread(r, "chronon-segment-sync");
                        t.setDaemon(true);
                        return t;
                    });
                }
                pool = syncers;
            }
        }
        return pool;
    }

    private static void await(List<java.util.concurrent.Future<?>> futures) throws IOException {
        for (java.util.concurrent.Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while syncing segments");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
    }

    @Override
    public byte[] get(String database, SegmentId id) throws IOException {
        byte[] stored;
        Path target = file(database, id);
        Path tmp = pending.get(target);
        try {
            stored = Files.readAllBytes(tmp != null ? tmp : target);
        } catch (NoSuchFileException e) {
            if (tmp == null) {
                throw new MissingSegmentException(database, id);
            }
            try {
                stored = Files.readAllBytes(target); // synced and renamed meanwhile
            } catch (NoSuchFileException gone) {
                throw new MissingSegmentException(database, id);
            }
        }
        return SegmentCodec.decode(database, id, stored);
    }

    @Override
    public boolean contains(String database, SegmentId id) {
        Path target = file(database, id);
        return pending.containsKey(target) || Files.exists(target);
    }

    @Override
    public void delete(String database, SegmentId id) throws IOException {
        Path target = file(database, id);
        Path tmp = pending.remove(target);
        if (tmp != null) {
            Files.deleteIfExists(tmp);
        }
        Files.deleteIfExists(target);
    }

    @Override
    public List<SegmentId> list(String database) throws IOException {
        Set<SegmentId> ids = new java.util.LinkedHashSet<>();
        Path dir = dir(database);
        for (Path target : pending.keySet()) {
            if (target.getParent().getParent().equals(dir)) {
                ids.add(SegmentId.parse(target.getFileName().toString()));
            }
        }
        if (!Files.isDirectory(dir)) {
            return new ArrayList<>(ids);
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
        return new ArrayList<>(ids);
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
            OwnerOnly.createDirectories(dir);
            syncDir(parent);
        }
        knownDirs.add(dir);
    }

    private void syncDir(Path dir) {
        FileLogStore.syncDir(fsync, dir);
    }

    @Override
    public void close() {
        if (syncers != null) {
            syncers.shutdown();
        }
    }
}
