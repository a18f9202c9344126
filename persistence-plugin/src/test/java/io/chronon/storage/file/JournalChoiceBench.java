package io.chronon.storage.file;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.chronon.db.Bootstrap;
import io.chronon.db.Datom;
import io.chronon.db.Ids;
import io.chronon.edn.Keyword;
import io.chronon.storage.TxLogEntry;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The measurement that chose the embedded journal (not a test): Pekko's JDBC journal on H2
 * in file mode against Chronon's segment-file journal, each under a typed event-sourced
 * actor writing transaction-sized events ({@link TxLogEntry}, 6 datoms).
 * <ul>
 *   <li>{@code seq}: one writer, one event per write, waiting for each acknowledgement;</li>
 *   <li>{@code batch16}: one writer, 16 events per write (the transactor's group commit);</li>
 *   <li>{@code 16 writers}: 16 persistent actors (databases) writing one event at a time at once.</li>
 * </ul>
 * Run: {@code mvn -pl persistence-plugin test-compile exec:exec@journal-choice} (see docs/embedded-store.md).
 */
public final class JournalChoiceBench {

    interface Command {
    }

    record Append(List<TxLogEntry> entries, ActorRef<Long> replyTo) implements Command {
    }

    /** Appends what it is given; its state is the count of entries. */
    static final class Writer extends EventSourcedBehavior<Command, TxLogEntry, Long> {
        private final String journal;
        private final String snapshots;

        Writer(String id, String journal, String snapshots) {
            super(PersistenceId.ofUniqueId(id));
            this.journal = journal;
            this.snapshots = snapshots;
        }

        static Behavior<Command> create(String id, String journal, String snapshots) {
            return new Writer(id, journal, snapshots);
        }

        @Override
        public String journalPluginId() {
            return journal;
        }

        @Override
        public String snapshotPluginId() {
            return snapshots;
        }

        @Override
        public Long emptyState() {
            return 0L;
        }

        @Override
        public CommandHandler<Command, TxLogEntry, Long> commandHandler() {
            return newCommandHandlerBuilder().forAnyState()
                    .onCommand(Append.class, (s, c) -> Effect().persist(c.entries()).thenReply(c.replyTo(), n -> n))
                    .build();
        }

        @Override
        public EventHandler<Long, TxLogEntry> eventHandler() {
            return newEventHandlerBuilder().forAnyState().onEvent(TxLogEntry.class, (n, e) -> n + 1).build();
        }
    }

    static long nextT = 1000;

    static TxLogEntry entry() {
        long t = nextT++;
        long tx = Ids.tToTx(t);
        long e = Ids.entid(Ids.PART_USER, t * 10);
        return new TxLogEntry(t, System.currentTimeMillis(), t + 2, 80, List.of(
                new Datom(tx, Bootstrap.TX_INSTANT, new Date(), tx, true),
                new Datom(e, 72, t, tx, true),
                new Datom(e, 73, "Ivan", tx, true),
                new Datom(e, 74, "Petrov", tx, true),
                new Datom(e, 75, Keyword.of("male"), tx, true),
                new Datom(e, 76, t % 100, tx, true)));
    }

    static long ask(ActorTestKit kit, ActorRef<Command> w, int events) throws Exception {
        List<TxLogEntry> entries = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            entries.add(entry());
        }
        return AskPattern.<Command, Long>ask(w, r -> new Append(entries, r), Duration.ofSeconds(30), kit.system().scheduler())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    static String run(String label, Config config, String journal, String snapshots, Runnable setup) throws Exception {
        ActorTestKit kit = ActorTestKit.create("journal-choice", config);
        try {
            if (setup != null) {
                org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils.createIfNotExists(kit.system())
                        .toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
            ActorRef<Command> w = kit.spawn(Writer.create("bench-seq", journal, snapshots));
            for (int i = 0; i < 300; i++) {
                ask(kit, w, 1);
            }
            int n = 1500;
            long[] lat = new long[n];
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long s = System.nanoTime();
                ask(kit, w, 1);
                lat[i] = System.nanoTime() - s;
            }
            double seq = n / ((System.nanoTime() - t0) / 1e9);
            Arrays.sort(lat);

            int batches = 300;
            t0 = System.nanoTime();
            for (int i = 0; i < batches; i++) {
                ask(kit, w, 16);
            }
            double batch = batches * 16 / ((System.nanoTime() - t0) / 1e9);

            List<ActorRef<Command>> writers = new ArrayList<>();
            for (int k = 0; k < 16; k++) {
                writers.add(kit.spawn(Writer.create("bench-db-" + k, journal, snapshots)));
            }
            int per = 150;
            t0 = System.nanoTime();
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (ActorRef<Command> wr : writers) {
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        for (int i = 0; i < per; i++) {
                            ask(kit, wr, 1);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
            double parallel = 16 * per / ((System.nanoTime() - t0) / 1e9);
            return String.format(Locale.ROOT, "%-34s seq %7.0f ev/s (p50 %5.2f ms, p99 %6.2f ms)   batch16 %8.0f ev/s   16 writers %7.0f ev/s",
                    label, seq, lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6, batch, parallel);
        } finally {
            kit.shutdownTestKit();
        }
    }

    static Config chronon(Path dir, boolean fsync) {
        return ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                + "chronon.storage.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
                + "chronon.embedded.file.journal.fsync = " + (fsync ? "on" : "off") + "\n").withFallback(ConfigFactory.load()).resolve();
    }

    static Config h2(Path dir, String urlOptions) {
        String url = "jdbc:h2:file:" + dir.toAbsolutePath().toString().replace("\\", "/") + "/h2/journal;DB_CLOSE_DELAY=-1;TRACE_LEVEL_FILE=0" + urlOptions;
        return ConfigFactory.parseString("pekko.actor.provider = local\npekko.loglevel = WARNING\n"
                + "slick { profile = \"slick.jdbc.H2Profile$\", db { url = \"" + url + "\", user = \"root\", password = \"root\","
                + " driver = \"org.h2.Driver\", numThreads = 5, maxConnections = 5, minConnections = 1 } }\n"
                + "jdbc-journal.slick = ${slick}\njdbc-snapshot-store.slick = ${slick}\njdbc-read-journal.slick = ${slick}\n")
                .withFallback(ConfigFactory.load()).resolve();
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("bench.dir", "target"));
        Files.createDirectories(root);
        Path dir = Files.createTempDirectory(root, "journal-choice");
        System.out.println("JournalChoiceBench in " + dir + " on " + Runtime.getRuntime().availableProcessors() + " cores");
        List<String> lines = new ArrayList<>();
        lines.add(run("chronon segment files, fsync", chronon(dir.resolve("c1"), true), "chronon.embedded.file.journal",
                "chronon.embedded.file.snapshot", null));
        lines.add(run("pekko-persistence-jdbc + H2 (default)", h2(dir.resolve("h1"), ""), "jdbc-journal", "jdbc-snapshot-store", () -> { }));
        lines.add(run("pekko-persistence-jdbc + H2 WRITE_DELAY=0", h2(dir.resolve("h2"), ";WRITE_DELAY=0"), "jdbc-journal",
                "jdbc-snapshot-store", () -> { }));
        lines.add(run("chronon segment files, no fsync", chronon(dir.resolve("c2"), false), "chronon.embedded.file.journal",
                "chronon.embedded.file.snapshot", null));
        System.out.println();
        lines.forEach(System.out::println);
        System.exit(0);
    }
}
