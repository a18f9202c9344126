package io.chronon.storage.file;

import com.typesafe.config.Config;
import io.chronon.storage.codec.ByteReader;
import io.chronon.storage.codec.ByteWriter;
import io.chronon.storage.journal.PluginStores;
import io.chronon.storage.journal.SnapshotStorage;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Snapshots as files: {@code <dir>/<persistence id>/snapshot-<seqNr>-<timestamp>.snap},
 * written to a temporary file, synced, then renamed into place, so a snapshot file is
 * either complete or absent. Content: {@code [int magic][int crc32c][body]}.
 */
public final class FileSnapshots implements SnapshotStorage {
    private static final int MAGIC = 0x43534E31; // "CSN1"
    private static final Pattern NAME = Pattern.compile("snapshot-(\\d{20})-(\\d{20})\\.snap");

    private final Path root;
    private final int keep;
    private final boolean fsync;

    /**
     * The storage of a snapshot plugin with {@code store = file}: settings {@code dir} (empty:
     * {@code <chronon.storage.data-dir>/snapshots}), {@code keep}, {@code fsync}.
     */
    public FileSnapshots(ExtendedActorSystem system, Config plugin) throws IOException {
        this(PluginStores.dir(system, plugin, "snapshots"), plugin.getInt("keep"), plugin.getBoolean("fsync"));
    }

    public FileSnapshots(Path root, int keep, boolean fsync) throws IOException {
        this.root = root.toAbsolutePath();
        this.keep = Math.max(1, keep);
        this.fsync = fsync;
        OwnerOnly.createDirectories(this.root);
    }

    private Path dir(String persistenceId) {
        return root.resolve(PathNames.encode(persistenceId));
    }

    private static String fileName(Entry e) {
        return String.format("snapshot-%020d-%020d.snap", e.seqNr(), e.timestamp());
    }

    @Override
    public List<Entry> list(String persistenceId) throws IOException {
        Path dir = dir(persistenceId);
        List<Entry> entries = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return entries;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (m.matches()) {
                    entries.add(new Entry(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
                }
            });
        }
        entries.sort(Comparator.comparingLong(Entry::seqNr).thenComparingLong(Entry::timestamp).reversed());
        return entries;
    }

    @Override
    public Stored read(String persistenceId, Entry entry) throws IOException {
        byte[] file = Files.readAllBytes(dir(persistenceId).resolve(fileName(entry)));
        ByteReader in = new ByteReader(file);
        if (file.length < 8 || in.readInt() != MAGIC) {
            throw new IOException("Not a Chronon snapshot file: " + fileName(entry));
        }
        int crc = in.readInt();
        CRC32C c = new CRC32C();
        c.update(file, 8, file.length - 8);
        if ((int) c.getValue() != crc) {
            throw new IOException("Snapshot checksum mismatch: " + fileName(entry));
        }
        int serializerId = (int) in.readVarLong();
        String manifest = in.readString();
        byte[] payload = in.readBytes();
        return new Stored(persistenceId, entry.seqNr(), entry.timestamp(), serializerId, manifest, payload);
    }

    @Override
    public void save(Stored s, boolean prune) throws IOException {
        Path dir = dir(s.persistenceId());
        if (!Files.isDirectory(dir)) {
            OwnerOnly.createDirectories(dir);
            syncDir(root);
        }
        ByteWriter body = new ByteWriter(s.payload().length + 32);
        body.writeVarLong(s.serializerId());
        body.writeString(s.manifest());
        body.writeBytes(s.payload());
        byte[] b = body.toByteArray();
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length);
        ByteBuffer buf = ByteBuffer.allocate(8 + b.length);
        buf.putInt(MAGIC).putInt((int) c.getValue()).put(b).flip();
        Entry entry = new Entry(s.seqNr(), s.timestamp());
        Path tmp = dir.resolve(fileName(entry) + ".tmp");
        try (FileChannel ch = OwnerOnly.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, dir.resolve(fileName(entry)), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDir(dir);
        if (!prune) {
            return;
        }
        List<Entry> all = list(s.persistenceId());
        for (int i = keep; i < all.size(); i++) {
            Files.deleteIfExists(dir.resolve(fileName(all.get(i))));
        }
    }

    @Override
    public void delete(String persistenceId, Entry entry) throws IOException {
        Files.deleteIfExists(dir(persistenceId).resolve(fileName(entry)));
    }

    @Override
    public void purge(String persistenceId) throws IOException {
        FileLogStore.deleteRecursively(dir(persistenceId));
    }

    private void syncDir(Path dir) {
        FileLogStore.syncDir(fsync, dir);
    }

    @Override
    public void close() {
    }
}
