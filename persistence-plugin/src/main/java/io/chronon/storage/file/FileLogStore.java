package io.chronon.storage.file;

import com.typesafe.config.Config;
import io.chronon.storage.codec.ByteReader;
import io.chronon.storage.codec.ByteWriter;
import io.chronon.storage.journal.LogRecord;
import io.chronon.storage.journal.LogStore;
import io.chronon.storage.journal.PidWrite;
import io.chronon.storage.journal.PluginStores;
import org.apache.pekko.actor.ExtendedActorSystem;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The log store on local files. Each persistence id has a directory of append-only segment
 * files named by their first sequence number; each record is framed as
 * {@code [int length][int crc32c][body]}. One writer thread takes every pending append,
 * writes them, then syncs each file it touched once ({@code fdatasync}, in parallel when
 * there are several) before completing any of them: the group commit across all databases
 * of the node. With {@code fsync} off, appends are written on the caller's thread and
 * acknowledged once the operating system has them (they survive the process, not the
 * machine). A torn or corrupt tail
 * (a crash in the middle of a write) is cut off when the log is opened; a record that was
 * acknowledged was synced, so it is never part of that tail. With fsync on, the active
 * segment is preallocated ahead of its data with zeros ({@link #PREALLOCATE}); a record
 * never has length 0, so readers and the open-time scan stop at the first zero header.
 *
 * <p>The directory is locked ({@code LOCK} file) so two processes never write one store.
 */
public final class FileLogStore implements LogStore {
    private static final int SEGMENT_MAGIC = 0x43484A31; // "CHJ1"
    private static final int HEADER = 8;
    private static final int MAX_RECORD = 512 << 20;
    private static final Pattern SEGMENT = Pattern.compile("\\d{20}\\.log");
    private static final String DELETED_TO = "deleted-to";
    private static final Object POISON = new Object();
    /**
     * With fsync on, the active segment is extended with zeros this far ahead of its data
     * (and the extension synced with the next write): appends then overwrite blocks the file
     * already has, so the {@code fdatasync} after each group commit flushes only data, not
     * the file's size and block map as well (a journal commit of the file system's own).
     * The zeros are cut off when the segment is closed or rolled, and at open.
     */
    static final long PREALLOCATE = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10).asReadOnlyBuffer();

    private final Path root;
    private final long segmentBytes;
    private final boolean fsync;
    private final boolean truncateCorrupt;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final ConcurrentHashMap<String, PidLog> logs = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    /** Held while writing: by the writer thread, or by the caller when there is no sync to wait for. */
    private final Object writeLock = new Object();
    private final Thread writer;
    private final ExecutorService syncers;
    private volatile boolean closed;

    /**
     * The store of a journal plugin with {@code store = file}: settings {@code dir} (empty:
     * {@code <chronon.storage.data-dir>/journal}), {@code segment-size}, {@code fsync},
     * {@code on-corruption} ({@code refuse} or {@code truncate}).
     */
    public FileLogStore(ExtendedActorSystem system, Config plugin) throws IOException {
        this(PluginStores.dir(system, plugin, "journal"), plugin.getBytes("segment-size"), plugin.getBoolean("fsync"),
                truncateOnCorruption(plugin));
    }

    private static boolean truncateOnCorruption(Config plugin) {
        String onCorruption = plugin.hasPath("on-corruption") ? plugin.getString("on-corruption") : "refuse";
        if (!onCorruption.equals("refuse") && !onCorruption.equals("truncate")) {
            throw new IllegalArgumentException("on-corruption must be refuse or truncate, not " + onCorruption);
        }
        return onCorruption.equals("truncate");
    }

    FileLogStore(Path root, long segmentBytes, boolean fsync) throws IOException {
        this(root, segmentBytes, fsync, false);
    }

    /**
     * @param truncateCorrupt what to do with a log whose last segment has a damaged record
     *                        followed by good ones: false (the default) refuses to open it,
     *                        true cuts it at the damaged record, dropping the good ones after it
     *                        (the operator's choice, {@code on-corruption = truncate})
     */
    FileLogStore(Path root, long segmentBytes, boolean fsync, boolean truncateCorrupt) throws IOException {
        this.root = root.toAbsolutePath();
        this.segmentBytes = segmentBytes;
        this.fsync = fsync;
        this.truncateCorrupt = truncateCorrupt;
        OwnerOnly.createDirectories(this.root);
        lockChannel = OwnerOnly.open(this.root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        }
        if (l == null) {
            lockChannel.close();
            throw new IOException("The journal directory " + this.root + " is in use by another Chronon node");
        }
        lock = l;
        AtomicInteger syncerCount = new AtomicInteger();
        syncers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "chronon-journal-sync-" + syncerCount.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        writer = new Thread(this::writeLoop, "chronon-journal-writer");
        writer.setDaemon(true);
        writer.start();
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void append(List<PidWrite> writes) {
        if (closed) {
            writes.forEach(w -> w.done().completeExceptionally(new IOException("The journal is closed")));
            return;
        }
        if (!fsync) {
            // nothing to wait for: write on the caller's thread, saving a thread hand-off per write
            synchronized (writeLock) {
                writeGroup(new ArrayList<>(writes));
            }
            return;
        }
        queue.addAll(writes);
    }

    @Override
    public CompletableFuture<Void> deleteTo(String persistenceId, long toSeqNr) {
        return onWriter(() -> log(persistenceId).deleteTo(toSeqNr));
    }

    @Override
    public CompletableFuture<Void> purge(String persistenceId) {
        return onWriter(() -> {
            PidLog log = logs.remove(persistenceId);
            if (log != null) {
                log.closeChannel();
            }
            deleteRecursively(root.resolve(PathNames.encode(persistenceId)));
        });
    }

    private interface IoTask {
        void run() throws IOException;
    }

    private record WriterTask(IoTask task, CompletableFuture<Void> done) {
    }

    private CompletableFuture<Void> onWriter(IoTask task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IOException("The journal is closed"));
        } else if (!fsync) {
            synchronized (writeLock) {
                writeGroup(List.of(new WriterTask(task, done)));
            }
        } else {
            queue.add(new WriterTask(task, done));
        }
        return done;
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>();
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, 100_000);
            int poison = batch.indexOf(POISON);
            List<Object> work = poison < 0 ? batch : batch.subList(0, poison);
            synchronized (writeLock) {
                try {
                    writeGroup(work);
                } catch (Throwable t) {
                    // an Error (out of memory, a stack overflow) must not end this thread: every later
                    // write would wait forever. The group's writes fail; the next group starts afresh.
                    failGroup(work, t);
                }
            }
            if (poison >= 0) {
                failPending();
                return;
            }
            batch.clear();
        }
    }

    private void writeGroup(List<Object> items) {
        Map<PidLog, List<PidWrite>> written = new LinkedHashMap<>();
        for (Object item : items) {
            if (item instanceof WriterTask t) {
                // tasks run in queue order: sync what came before them first
                syncAll(written);
                written.clear();
                try {
                    t.task().run();
                    t.done().complete(null);
                } catch (IOException | RuntimeException e) {
                    t.done().completeExceptionally(e);
                }
                continue;
            }
            PidWrite w = (PidWrite) item;
            try {
                PidLog log = log(w.persistenceId());
                log.write(w.records());
                written.computeIfAbsent(log, k -> new ArrayList<>()).add(w);
            } catch (IOException | RuntimeException e) {
                w.done().completeExceptionally(e);
            }
        }
        syncAll(written);
    }

    /**
     * Syncs every log written in this group, then completes its writes. Several logs are
     * synced in parallel: the file system merges concurrent syncs into one journal commit,
     * so many databases writing at once pay about one sync, not one each.
     */
    private void syncAll(Map<PidLog, List<PidWrite>> written) {
        if (written.size() == 1 || !fsync) {
            written.forEach(this::syncAndComplete);
            return;
        }
        List<CompletableFuture<Void>> syncs = new ArrayList<>(written.size());
        for (Map.Entry<PidLog, List<PidWrite>> e : written.entrySet()) {
            syncs.add(CompletableFuture.runAsync(() -> syncAndComplete(e.getKey(), e.getValue()), syncers));
        }
        CompletableFuture.allOf(syncs.toArray(CompletableFuture[]::new)).join();
    }

    private void syncAndComplete(PidLog log, List<PidWrite> writes) {
        try {
            log.sync();
            writes.forEach(w -> w.done().complete(null));
        } catch (IOException | RuntimeException ex) {
            log.abandonPending();
            writes.forEach(w -> w.done().completeExceptionally(ex));
        }
    }

    /** Fails what a group that threw left incomplete, and drops what its logs had not synced. */
    private void failGroup(List<Object> items, Throwable cause) {
        IOException failed = new IOException("The journal failed writing this group: " + cause, cause);
        for (Object item : items) {
            if (item instanceof WriterTask t) {
                t.done().completeExceptionally(failed);
            } else if (item instanceof PidWrite w) {
                w.done().completeExceptionally(failed);
                PidLog log = logs.get(w.persistenceId());
                if (log != null) {
                    try {
                        log.abandonPending();
                    } catch (Throwable again) {
                        failed.addSuppressed(again);
                    }
                }
            }
        }
    }

    private void failPending() {
        List<Object> rest = new ArrayList<>();
        queue.drainTo(rest);
        IOException closedError = new IOException("The journal is closed");
        for (Object o : rest) {
            if (o instanceof PidWrite w) {
                w.done().completeExceptionally(closedError);
            } else if (o instanceof WriterTask t) {
                t.done().completeExceptionally(closedError);
            }
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public long highestSequenceNr(String persistenceId) throws IOException {
        return log(persistenceId).highest();
    }

    @Override
    public long replay(String persistenceId, long from, long to, long max, Consumer<LogRecord> consumer) throws IOException {
        if (max <= 0 || from > to) {
            return 0;
        }
        ReadView view = log(persistenceId).readView();
        long start = Math.max(from, view.deletedTo + 1);
        long end = Math.min(to, view.highest);
        long count = 0;
        for (int i = 0; i < view.segments.size(); i++) {
            Segment seg = view.segments.get(i);
            long nextFirst = i + 1 < view.segments.size() ? view.segments.get(i + 1).firstSeq : Long.MAX_VALUE;
            if (nextFirst <= start) {
                continue;
            }
            if (seg.firstSeq > end) {
                break;
            }
            count += readSegment(seg, start, end, max - count, consumer);
            if (count >= max) {
                break;
            }
        }
        return count;
    }

    private long readSegment(Segment seg, long from, long to, long max, Consumer<LogRecord> consumer) throws IOException {
        long count = 0;
        try (FileChannel ch = FileChannel.open(seg.path, StandardOpenOption.READ)) {
            long limit = Math.min(seg.limit, ch.size());
            ch.position(HEADER);
            DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16));
            long pos = HEADER;
            while (pos + 8 <= limit) {
                int len = in.readInt();
                int crc = in.readInt();
                if (len == 0 && crc == 0) {
                    break; // preallocated space: the end of the data
                }
                if (len <= 0 || len > MAX_RECORD || pos + 8 + len > limit) {
                    throw new IOException("Corrupt journal record at " + seg.path + ":" + pos);
                }
                byte[] body = new byte[len];
                in.readFully(body);
                if (crc32c(body) != crc) {
                    throw new IOException("Journal record checksum mismatch at " + seg.path + ":" + pos);
                }
                pos += 8 + len;
                LogRecord r = decode(body);
                if (r.seqNr() < from) {
                    continue;
                }
                if (r.seqNr() > to) {
                    break;
                }
                consumer.accept(r);
                if (++count >= max) {
                    break;
                }
            }
        }
        return count;
    }

    // ------------------------------------------------------------------ per-id logs

    private PidLog log(String persistenceId) throws IOException {
        PidLog log = logs.get(persistenceId);
        if (log != null) {
            return log;
        }
        try {
            return logs.computeIfAbsent(persistenceId, pid -> {
                try {
                    return PidLog.load(this, pid, root.resolve(PathNames.encode(pid)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private record Segment(long firstSeq, Path path, long limit) {
    }

    private record ReadView(List<Segment> segments, long highest, long deletedTo) {
    }

    /**
     * The log of one persistence id. The writer thread is its only writer; readers take a
     * {@link ReadView} (under the monitor) that ends at the last synced byte.
     */
    private static final class PidLog {
        private final FileLogStore store;
        private final String persistenceId;
        private final Path dir;
        private final TreeMap<Long, Path> segments = new TreeMap<>();
        private long durableLength;
        private long highest;
        private long deletedTo;

        // writer thread only
        private FileChannel out;
        private long writePos;
        /** The size of the active segment's file: {@link #writePos} plus the preallocated zeros. */
        private long allocatedEnd;
        private long pendingHighest;
        private boolean dirty;

        private PidLog(FileLogStore store, String persistenceId, Path dir) {
            this.store = store;
            this.persistenceId = persistenceId;
            this.dir = dir;
        }

        static PidLog load(FileLogStore store, String persistenceId, Path dir) throws IOException {
            PidLog log = new PidLog(store, persistenceId, dir);
            if (!Files.isDirectory(dir)) {
                return log;
            }
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(p -> SEGMENT.matcher(p.getFileName().toString()).matches())
                        .forEach(p -> log.segments.put(Long.parseLong(p.getFileName().toString().substring(0, 20)), p));
            }
            Path deleted = dir.resolve(DELETED_TO);
            if (Files.exists(deleted)) {
                log.deletedTo = Long.parseLong(Files.readString(deleted, StandardCharsets.UTF_8).trim());
            }
            if (log.segments.isEmpty()) {
                log.highest = log.deletedTo;
            } else {
                Map.Entry<Long, Path> last = log.segments.lastEntry();
                long[] scan = scanTail(last.getValue(), last.getKey(), store.truncateCorrupt, persistenceId);
                log.durableLength = scan[0];
                log.highest = scan[1];
            }
            log.pendingHighest = log.highest;
            return log;
        }

        /**
         * Validates the last segment and cuts off a torn tail: a damaged record with no good
         * record after it, which is what a crash in the middle of a write leaves (an
         * acknowledged record was synced before its acknowledgement, so it is never part of
         * one). A damaged record with good records after it is not a torn write but damage to
         * acknowledged data: the log is not opened ({@link CorruptLogException}) unless
         * {@code truncate} says to cut it there. Returns the valid length and the last sequence
         * number (first - 1 if it has no records).
         */
        private static long[] scanTail(Path path, long firstSeq, boolean truncate, String persistenceId) throws IOException {
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = ch.size();
                if (size < HEADER) {
                    writeHeader(ch);
                    return new long[] {HEADER, firstSeq - 1};
                }
                ch.position(HEADER);
                InputStream raw = Channels.newInputStream(ch);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
                long pos = HEADER;
                long last = firstSeq - 1;
                while (true) {
                    if (pos + 8 > size) {
                        break;
                    }
                    int len;
                    int crc;
                    byte[] body;
                    try {
                        len = in.readInt();
                        crc = in.readInt();
                        if (len <= 0 || len > MAX_RECORD || pos + 8 + len > size) {
                            break;
                        }
                        body = new byte[len];
                        in.readFully(body);
                    } catch (EOFException e) {
                        break;
                    }
                    if (crc32c(body) != crc) {
                        break;
                    }
                    long seq = new ByteReader(body).readLong();
                    if (seq != last + 1) {
                        break;
                    }
                    last = seq;
                    pos += 8 + len;
                }
                if (pos < size) {
                    long[] after = goodRecordAfter(ch, pos, size, last);
                    if (after != null && !truncate) {
                        throw new CorruptLogException("The log of " + persistenceId + " is damaged: segment " + path
                                + " has a bad record at byte " + pos + " (after sequence number " + last
                                + ") and good records after it (sequence number " + after[1] + " at byte " + after[0]
                                + "). Acknowledged transactions follow the damage, so the log is not opened. Restore the"
                                + " data directory from a backup, or cut the log at the damage (every record after it is"
                                + " lost) by starting the node once with chronon.embedded.file.journal.on-corruption ="
                                + " truncate (docs/embedded-store.md, \"A damaged log\").");
                    }
                    if (after != null) {
                        System.getLogger(FileLogStore.class.getName()).log(System.Logger.Level.WARNING,
                                "Cutting the damaged log of " + persistenceId + " at byte " + pos
                                + " of " + path + " (on-corruption = truncate): records from sequence number " + (last + 1)
                                + " on are dropped");
                    }
                    ch.truncate(pos);
                    ch.force(true);
                }
                return new long[] {pos, last};
            }
        }

        /**
         * The position and sequence number of the first well-formed record (length in range,
         * a sequence number after {@code last}, its checksum right) after the bad one at
         * {@code bad}, or null if there is none: then the rest is a torn tail (or the zeros
         * preallocated ahead of the data).
         */
        private static long[] goodRecordAfter(FileChannel ch, long bad, long size, long last) throws IOException {
            ByteBuffer rest = ch.map(FileChannel.MapMode.READ_ONLY, bad, size - bad);
            int n = rest.capacity();
            for (int p = 1; p + HEADER + 8 <= n; p++) {
                int len = rest.getInt(p);
                if (len < 8 || len > MAX_RECORD || (long) p + HEADER + len > n) {
                    continue;
                }
                long seq = rest.getLong(p + HEADER);
                if (seq <= last || seq > last + n) {
                    continue;
                }
                byte[] body = new byte[len];
                rest.get(p + HEADER, body);
                if (crc32c(body) == rest.getInt(p + 4)) {
                    return new long[] {bad + p, seq};
                }
            }
            return null;
        }

        synchronized long highest() {
            return highest;
        }

        synchronized ReadView readView() {
            List<Segment> segs = new ArrayList<>(segments.size());
            Map.Entry<Long, Path> last = segments.lastEntry();
            for (Map.Entry<Long, Path> e : segments.entrySet()) {
                long limit = e.getKey().equals(last.getKey()) ? durableLength : Long.MAX_VALUE;
                segs.add(new Segment(e.getKey(), e.getValue(), limit));
            }
            return new ReadView(segs, highest, deletedTo);
        }

        void write(List<LogRecord> records) throws IOException {
            if (records.isEmpty()) {
                return;
            }
            long expected = pendingHighest + 1;
            for (LogRecord r : records) {
                if (r.seqNr() != expected) {
                    throw new IllegalStateException("Journal of " + persistenceId + " expected sequence number " + expected
                            + " but got " + r.seqNr() + " (is there a second writer?)");
                }
                expected++;
            }
            openForAppend(records.get(0).seqNr());
            ByteBuffer buf = encode(records);
            long start = writePos;
            try {
                if (store.fsync && writePos + buf.remaining() > allocatedEnd) {
                    preallocate(writePos + buf.remaining() + PREALLOCATE);
                }
                while (buf.hasRemaining()) {
                    writePos += out.write(buf, writePos);
                }
            } catch (IOException e) {
                writePos = start;
                try {
                    out.truncate(start);
                    allocatedEnd = start;
                } catch (IOException ignored) {
                    // the record stays unacknowledged and is cut off at the next open
                }
                throw e;
            }
            pendingHighest = expected - 1;
            dirty = true;
        }

        /** Extends the active segment with zeros up to {@code end} (synced with the next write). */
        private void preallocate(long end) throws IOException {
            long p = Math.max(allocatedEnd, writePos);
            while (p < end) {
                ByteBuffer z = ZEROS.duplicate();
                z.limit((int) Math.min(z.capacity(), end - p));
                p += out.write(z, p);
            }
            allocatedEnd = p;
        }

        /** Cuts the preallocated zeros off the active segment (and makes that durable). */
        private void trimPreallocation() throws IOException {
            if (out != null && allocatedEnd > writePos) {
                out.truncate(writePos);
                if (store.fsync) {
                    out.force(true);
                }
            }
            allocatedEnd = writePos;
        }

        private void openForAppend(long firstSeq) throws IOException {
            if (out != null && writePos >= store.segmentBytes && writePos == durableLength && !dirty) {
                // roll only when everything in the current segment is synced, so that older
                // segments are always complete for readers (and end at their last record)
                trimPreallocation();
                out.close();
                out = null;
                newSegment(firstSeq);
                return;
            }
            if (out != null) {
                return;
            }
            Map.Entry<Long, Path> last;
            synchronized (this) {
                last = segments.lastEntry();
            }
            if (last == null || durableLength >= store.segmentBytes) {
                newSegment(firstSeq);
            } else {
                out = FileChannel.open(last.getValue(), StandardOpenOption.WRITE);
                writePos = durableLength;
                allocatedEnd = out.size();
            }
        }

        private void newSegment(long firstSeq) throws IOException {
            boolean newDir = !Files.isDirectory(dir);
            if (newDir) {
                OwnerOnly.createDirectories(dir);
                store.syncDir(dir.getParent());
            }
            Path path = dir.resolve(String.format("%020d.log", firstSeq));
            FileChannel ch = OwnerOnly.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.READ, StandardOpenOption.WRITE);
            writeHeader(ch);
            if (store.fsync) {
                ch.force(true);
            }
            store.syncDir(dir);
            synchronized (this) {
                segments.put(firstSeq, path);
                durableLength = HEADER;
            }
            out = ch;
            writePos = HEADER;
            allocatedEnd = HEADER;
        }

        private static void writeHeader(FileChannel ch) throws IOException {
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            h.putInt(SEGMENT_MAGIC).putInt(1).flip();
            ch.truncate(0);
            long p = 0;
            while (h.hasRemaining()) {
                p += ch.write(h, p);
            }
        }

        void sync() throws IOException {
            if (!dirty) {
                return;
            }
            if (store.fsync) {
                out.force(false);
            }
            dirty = false;
            synchronized (this) {
                durableLength = writePos;
                highest = pendingHighest;
            }
        }

        /** After a failed sync: forget the unsynced records (they are not acknowledged). */
        void abandonPending() {
            try {
                out.truncate(durableLength);
            } catch (IOException | RuntimeException ignored) {
                // cut off at the next open
            }
            writePos = durableLength;
            allocatedEnd = durableLength;
            pendingHighest = highest;
            dirty = false;
        }

        void deleteTo(long toSeqNr) throws IOException {
            long to;
            List<Path> doomed = new ArrayList<>();
            synchronized (this) {
                to = Math.min(toSeqNr, highest);
                if (to <= deletedTo) {
                    return;
                }
            }
            OwnerOnly.createDirectories(dir);
            Path tmp = dir.resolve(DELETED_TO + ".tmp");
            OwnerOnly.writeString(tmp, Long.toString(to));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(DELETED_TO), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            store.syncDir(dir);
            synchronized (this) {
                deletedTo = to;
                // a segment is wholly deleted when the next one starts at or before deletedTo + 1;
                // the last segment always stays, it carries the highest sequence number
                List<Long> firsts = new ArrayList<>(segments.keySet());
                for (int i = 0; i + 1 < firsts.size(); i++) {
                    if (firsts.get(i + 1) - 1 <= to) {
                        doomed.add(segments.remove(firsts.get(i)));
                    }
                }
            }
            for (Path p : doomed) {
                Files.deleteIfExists(p);
            }
        }

        void closeChannel() {
            if (out != null) {
                try {
                    if (!dirty) {
                        trimPreallocation();
                    }
                    out.close();
                } catch (IOException ignored) {
                    // closing
                }
                out = null;
            }
        }
    }

    // ------------------------------------------------------------------ encoding

    private static ByteBuffer encode(List<LogRecord> records) {
        ByteWriter w = new ByteWriter(256 * records.size());
        for (LogRecord r : records) {
            byte[] body = encodeBody(r);
            w.writeInt(body.length);
            w.writeInt(crc32c(body));
            w.writeRaw(body, 0, body.length);
        }
        return ByteBuffer.wrap(w.toByteArray());
    }

    private static byte[] encodeBody(LogRecord r) {
        ByteWriter b = new ByteWriter(r.payload().length + 64);
        b.writeLong(r.seqNr());
        b.writeVarLong(r.timestamp());
        UUID uuid = parseUuid(r.writerUuid());
        if (uuid != null) {
            b.writeByte(1);
            b.writeLong(uuid.getMostSignificantBits());
            b.writeLong(uuid.getLeastSignificantBits());
        } else {
            b.writeByte(0);
            b.writeString(r.writerUuid() == null ? "" : r.writerUuid());
        }
        b.writeString(r.adapterManifest() == null ? "" : r.adapterManifest());
        b.writeVarLong(r.serializerId());
        b.writeString(r.manifest());
        b.writeBytes(r.payload());
        return b.toByteArray();
    }

    private static LogRecord decode(byte[] body) {
        ByteReader in = new ByteReader(body);
        long seq = in.readLong();
        long ts = in.readVarLong();
        String writerUuid = in.readByte() == 1 ? new UUID(in.readLong(), in.readLong()).toString() : in.readString();
        String adapterManifest = in.readString();
        int serializerId = (int) in.readVarLong();
        String manifest = in.readString();
        byte[] payload = in.readBytes();
        return new LogRecord(seq, ts, writerUuid, adapterManifest, serializerId, manifest, payload);
    }

    private static UUID parseUuid(String s) {
        if (s == null || s.length() != 36) {
            return null;
        }
        try {
            UUID u = UUID.fromString(s);
            return u.toString().equals(s) ? u : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int crc32c(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b, 0, b.length);
        return (int) c.getValue();
    }

    void syncDir(Path dir) {
        syncDir(fsync, dir);
    }

    /**
     * Makes a rename or a new file in {@code dir} durable (when {@code fsync}); shared by the
     * log, the snapshots and the segments of the file store.
     */
    static void syncDir(boolean fsync, Path dir) {
        if (!fsync) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename itself is still atomic
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (writeLock) {
            closed = true;
        }
        queue.add(POISON);
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        syncers.shutdown();
        for (PidLog log : logs.values()) {
            log.closeChannel();
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}
