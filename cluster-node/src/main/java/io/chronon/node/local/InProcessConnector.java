package io.chronon.node.local;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.ChrononUri;
import io.chronon.client.Connection;
import io.chronon.edn.Keyword;
import io.chronon.node.ChrononNode;
import io.chronon.sharding.ChrononCluster;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.wire.ChrononError;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The in-process client ({@code chronon:mem://name}, {@code chronon:dir:/path/name}), found
 * by {@link java.util.ServiceLoader} as an {@link io.chronon.client.spi.LocalConnector}.
 *
 * <p>It starts one {@link ChrononNode} per place and JVM, on first use: one for all
 * {@code mem} databases (storage kind {@code memory}) and one per data directory (storage
 * kind {@code file}), each a one-node cluster on 127.0.0.1 with a free cluster port and no
 * HTTP. The nodes live until the JVM exits (their actor systems stop in its shutdown hook).
 */
public final class InProcessConnector implements io.chronon.client.spi.LocalConnector {
    private static final Map<String, ChrononCluster> NODES = new ConcurrentHashMap<>();

    /** Used by ServiceLoader. */
    public InProcessConnector() {
    }

    @Override
    public Connection connect(ChrononUri uri) {
        ChrononCluster chronon = node(uri);
        String name = uri.requireDatabase();
        await(chronon.listDatabases().thenApply(dbs -> {
            if (dbs.stream().noneMatch(d -> d.name().equals(name))) {
                throw ChrononError.notFound("db.error/db-not-found", "No database named " + name + " at " + uri, name);
            }
            return dbs;
        }));
        return new LocalConnection(chronon, name);
    }

    @Override
    public boolean createDatabase(ChrononUri uri) {
        return await(node(uri).createDatabase(uri.requireDatabase())).created();
    }

    @Override
    public boolean deleteDatabase(ChrononUri uri) {
        return await(node(uri).deleteDatabase(uri.requireDatabase())).deleted();
    }

    @Override
    public List<String> listDatabases(ChrononUri uri) {
        return await(node(uri).listDatabases()).stream().map(DatabaseInfo::name).sorted().toList();
    }

    /** The node of {@code uri}'s place, started on first use. */
    static ChrononCluster node(ChrononUri uri) {
        String place = uri.kind() == ChrononUri.Kind.MEM ? "mem" : uri.dir().toString();
        return NODES.computeIfAbsent(place, p -> start(uri));
    }

    private static ChrononCluster start(ChrononUri uri) {
        boolean mem = uri.kind() == ChrononUri.Kind.MEM;
        Config overrides = ConfigFactory.parseString("""
                        chronon.http.enabled = false
                        chronon.node.port = 0
                        pekko.loglevel = WARNING
                        pekko.coordinated-shutdown.exit-jvm = off
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        """)
                .withValue("chronon.storage.default-kind", ConfigValueFactory.fromAnyRef(mem ? "memory" : "file"));
        if (!mem) {
            overrides = overrides.withValue("chronon.storage.data-dir", ConfigValueFactory.fromAnyRef(uri.dir().toString()));
        }
        ChrononNode node = ChrononNode.start(ChrononNode.config(overrides));
        try {
            return node.ready().toCompletableFuture().get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.close();
            throw new ChrononException(ErrorCategory.INTERRUPTED, Keyword.of("chronon.error/interrupted"),
                    "Interrupted while starting the in-process node for " + uri, null, e);
        } catch (ExecutionException | TimeoutException e) {
            node.close();
            throw new ChrononException(ErrorCategory.UNAVAILABLE, Keyword.of("chronon.error/node-unavailable"),
                    "The in-process node for " + uri + " did not start: " + e, null, e);
        }
    }

    /** Waits for {@code stage}; its failure is rethrown as the {@link ChrononException} it carries. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            throw ChrononError.of(e.getCause() == null ? e : e.getCause());
        }
    }
}
