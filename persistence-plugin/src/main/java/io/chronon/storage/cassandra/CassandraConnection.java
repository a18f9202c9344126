package io.chronon.storage.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.internal.core.config.typesafe.DefaultDriverConfigLoader;
import com.typesafe.config.Config;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionIdProvider;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * The connection of one actor system to Cassandra, shared by the log store, the snapshot
 * store and the read journal: a driver session configured from {@code chronon.storage.cassandra}
 * and {@code chronon.cassandra-driver}, the schema (created if {@code auto-create}) and the
 * prepared statements. It connects on first use, without blocking; if connecting fails (Cassandra
 * not reachable yet), the next use tries again, so a node may start before its Cassandra.
 * Closed when the actor system terminates.
 */
public final class CassandraConnection implements Extension {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,47}");

    /** The tables Chronon keeps in its keyspace. */
    static final List<String> TABLES = List.of("messages", "metadata", "snapshots", "snapshot_chunks", "segments");
    /**
     * The tables a node needs to start. {@code segments} is not among them until the durable
     * indexes use it, so a keyspace whose schema an operator made before it existed keeps working.
     */
    static final List<String> REQUIRED_TABLES = TABLES.subList(0, 4);

    private final Config driverConfig;
    private final CassandraSettings settings;
    private CompletableFuture<Session> session;
    private boolean closed;

    private CassandraConnection(ExtendedActorSystem system) {
        Config root = system.settings().config();
        this.settings = CassandraSettings.from(root.getConfig("chronon.storage.cassandra"));
        if (!IDENTIFIER.matcher(settings.keyspace()).matches()) {
            throw new IllegalArgumentException("chronon.storage.cassandra.keyspace must be a plain identifier (letters, digits, _), not "
                    + settings.keyspace());
        }
        this.driverConfig = root.getConfig("chronon.cassandra-driver").withFallback(root.getConfig("datastax-java-driver"));
        system.registerOnTermination(this::close);
    }

    /** The connection of {@code system}. */
    public static CassandraConnection get(ActorSystem system) {
        return Id.INSTANCE.get(system);
    }

    static final class Id extends AbstractExtensionId<CassandraConnection> implements ExtensionIdProvider {
        static final Id INSTANCE = new Id();

        @Override
        public CassandraConnection createExtension(ExtendedActorSystem system) {
            return new CassandraConnection(system);
        }

        @Override
        public Id lookup() {
            return INSTANCE;
        }
    }

    /** The settings of this connection. */
    public CassandraSettings settings() {
        return settings;
    }

    /** A connected session with the schema in place and the statements prepared. */
    record Session(CqlSession cql, Statements statements) {
    }

    /** The session, connecting (again, after a failed attempt) if needed. */
    synchronized CompletionStage<Session> session() {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("The Cassandra connection is closed"));
        }
        if (session == null || session.isCompletedExceptionally()) {
            session = connect();
        }
        return session;
    }

    /** {@link #session()}, waited for (at most the request timeout, plus the time schema creation may need). */
    Session awaitSession() throws IOException {
        try {
            return session().toCompletableFuture().get(settings.requestTimeout().toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("Cannot connect to Cassandra: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("Cannot connect to Cassandra: timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while connecting to Cassandra", e);
        }
    }

    private CompletableFuture<Session> connect() {
        CompletableFuture<Session> result = new CompletableFuture<>();
        CqlSession.builder()
                .withConfigLoader(new DefaultDriverConfigLoader(() -> driverConfig, false))
                .buildAsync()
                .whenComplete((cql, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                        return;
                    }
                    prepareSchema(cql).thenCompose(v -> Statements.prepare(cql, settings.keyspace()))
                            .thenApply(statements -> new Session(cql, statements))
                            .whenComplete((s, e) -> {
                                if (e != null) {
                                    cql.closeAsync();
                                    result.completeExceptionally(e);
                                } else {
                                    result.complete(s);
                                }
                            });
                });
        return result;
    }

    /** Creates the keyspace and tables if {@code auto-create}; then checks they are Chronon's. */
    private CompletionStage<Void> prepareSchema(CqlSession cql) {
        CompletionStage<Void> created = CompletableFuture.completedFuture(null);
        if (settings.autoCreate()) {
            // the keyspace, then its tables at once (creating a table waits for schema agreement: slow on a busy machine)
            List<String> ddl = schema(settings.keyspace(), settings.replicationClause());
            created = ddl(cql, ddl.get(0)).thenCompose(v -> CompletableFuture.allOf(ddl.subList(1, ddl.size()).stream()
                    .map(table -> ddl(cql, table).toCompletableFuture()).toArray(CompletableFuture[]::new)));
        }
        String hint = settings.autoCreate() ? "" : " (chronon.storage.cassandra.auto-create is off; docs/cassandra.md has the CQL)";
        return created.thenCompose(v -> cql.refreshSchemaAsync()).thenAccept(metadata -> {
            KeyspaceMetadata ks = metadata.getKeyspace(settings.keyspace()).orElseThrow(() -> new IllegalStateException(
                    "Keyspace " + settings.keyspace() + " does not exist" + hint));
            for (String table : REQUIRED_TABLES) {
                if (ks.getTable(table).isEmpty()) {
                    throw new IllegalStateException("Table " + settings.keyspace() + "." + table + " does not exist" + hint);
                }
            }
            if (ks.getTable("messages").orElseThrow().getColumn("bucket").isEmpty()) {
                throw new IllegalStateException("Keyspace " + settings.keyspace() + " holds the tables of pekko-persistence-cassandra "
                        + "(an earlier Chronon), which the fenced journal cannot use: choose a new keyspace");
            }
        });
    }

    private static CompletionStage<Void> ddl(CqlSession cql, String statement) {
        return cql.executeAsync(SimpleStatement.newInstance(statement).setTimeout(Duration.ofSeconds(60))).thenApply(rs -> null);
    }

    /** The CQL that creates Chronon's keyspace and tables (idempotent); docs/cassandra.md shows it. */
    static List<String> schema(String keyspace, String replication) {
        return List.of(
                "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication,
                // the logs: one row per entry, partitioned by (persistence id, seq_nr / partition-size)
                "CREATE TABLE IF NOT EXISTS " + keyspace + ".messages ("
                        + "persistence_id text, bucket bigint, seq_nr bigint, timestamp bigint, writer_uuid text, "
                        + "adapter_manifest text, ser_id int, ser_manifest text, payload blob, "
                        + "PRIMARY KEY ((persistence_id, bucket), seq_nr))",
                // per log: how far it was deleted (deleteTo marks, reads skip; the rows stay for fencing)
                "CREATE TABLE IF NOT EXISTS " + keyspace + ".metadata ("
                        + "persistence_id text PRIMARY KEY, deleted_to bigint)",
                // per snapshot a header row, written last; a row without chunks is a snapshot being written
                "CREATE TABLE IF NOT EXISTS " + keyspace + ".snapshots ("
                        + "persistence_id text, seq_nr bigint, timestamp bigint, ser_id int, ser_manifest text, "
                        + "size bigint, chunks int, crc int, "
                        + "PRIMARY KEY (persistence_id, seq_nr, timestamp)) "
                        + "WITH CLUSTERING ORDER BY (seq_nr DESC, timestamp DESC)",
                // the bytes of a snapshot, one partition per snapshot, one row per chunk
                "CREATE TABLE IF NOT EXISTS " + keyspace + ".snapshot_chunks ("
                        + "persistence_id text, seq_nr bigint, timestamp bigint, chunk_nr int, data blob, "
                        + "PRIMARY KEY ((persistence_id, seq_nr, timestamp), chunk_nr))",
                // the segments of the durable indexes: one partition per segment, named by the hash of its content
                "CREATE TABLE IF NOT EXISTS " + keyspace + ".segments ("
                        + "db text, id text, bytes blob, "
                        + "PRIMARY KEY ((db, id)))");
    }

    /** The prepared statements of the stores. */
    record Statements(PreparedStatement insertEntry, PreparedStatement highestInBucket, PreparedStatement readEntries,
                      PreparedStatement deleteBucket, PreparedStatement readDeletedTo,
                      PreparedStatement writeDeletedTo, PreparedStatement deleteMetadata,
                      PreparedStatement listSnapshots, PreparedStatement readSnapshot, PreparedStatement beginSnapshot,
                      PreparedStatement finishSnapshot, PreparedStatement deleteSnapshot, PreparedStatement deleteSnapshots,
                      PreparedStatement writeChunk, PreparedStatement readChunks, PreparedStatement deleteChunks) {

        /** Prepares every statement without blocking (a driver thread may run this). */
        static CompletionStage<Statements> prepare(CqlSession cql, String ks) {
            List<String> cqls = List.of(
                    "INSERT INTO " + ks + ".messages (persistence_id, bucket, seq_nr, timestamp, writer_uuid, "
                            + "adapter_manifest, ser_id, ser_manifest, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS",
                    "SELECT seq_nr FROM " + ks + ".messages WHERE persistence_id = ? AND bucket = ? "
                            + "ORDER BY seq_nr DESC LIMIT 1",
                    "SELECT seq_nr, timestamp, writer_uuid, adapter_manifest, ser_id, ser_manifest, payload FROM " + ks
                            + ".messages WHERE persistence_id = ? AND bucket = ? AND seq_nr >= ? AND seq_nr <= ? LIMIT ?",
                    "DELETE FROM " + ks + ".messages WHERE persistence_id = ? AND bucket = ?",
                    "SELECT deleted_to FROM " + ks + ".metadata WHERE persistence_id = ?",
                    "UPDATE " + ks + ".metadata SET deleted_to = ? WHERE persistence_id = ?",
                    "DELETE FROM " + ks + ".metadata WHERE persistence_id = ?",
                    "SELECT seq_nr, timestamp, chunks FROM " + ks + ".snapshots WHERE persistence_id = ?",
                    "SELECT ser_id, ser_manifest, size, chunks, crc FROM " + ks
                            + ".snapshots WHERE persistence_id = ? AND seq_nr = ? AND timestamp = ?",
                    "INSERT INTO " + ks + ".snapshots (persistence_id, seq_nr, timestamp) VALUES (?, ?, ?)",
                    "INSERT INTO " + ks + ".snapshots (persistence_id, seq_nr, timestamp, ser_id, ser_manifest, size, "
                            + "chunks, crc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    "DELETE FROM " + ks + ".snapshots WHERE persistence_id = ? AND seq_nr = ? AND timestamp = ?",
                    "DELETE FROM " + ks + ".snapshots WHERE persistence_id = ?",
                    "INSERT INTO " + ks + ".snapshot_chunks (persistence_id, seq_nr, timestamp, chunk_nr, data) "
                            + "VALUES (?, ?, ?, ?, ?)",
                    "SELECT chunk_nr, data FROM " + ks
                            + ".snapshot_chunks WHERE persistence_id = ? AND seq_nr = ? AND timestamp = ?",
                    "DELETE FROM " + ks + ".snapshot_chunks WHERE persistence_id = ? AND seq_nr = ? AND timestamp = ?");
            List<CompletableFuture<PreparedStatement>> prepared = cqls.stream()
                    .map(q -> cql.prepareAsync(q).toCompletableFuture()).toList();
            return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new)).thenApply(v -> {
                PreparedStatement[] p = prepared.stream().map(CompletableFuture::join).toArray(PreparedStatement[]::new);
                return new Statements(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12], p[13],
                        p[14], p[15]);
            });
        }
    }

    private synchronized void close() {
        closed = true;
        if (session != null) {
            session.thenAccept(s -> s.cql().closeAsync());
        }
    }
}
