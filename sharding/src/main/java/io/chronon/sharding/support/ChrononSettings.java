package io.chronon.sharding.support;

import com.typesafe.config.Config;
import io.chronon.edn.Keyword;
import io.chronon.edn.Symbol;
import io.chronon.tx.AttrPredicate;
import io.chronon.tx.EntityPredicate;
import io.chronon.tx.TxFunction;
import io.chronon.tx.TxOptions;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The settings of Chronon's actors, read from {@code chronon} in the configuration (see this
 * module's {@code reference.conf} for every key and its meaning).
 */
public record ChrononSettings(
        String transactorRole,
        List<String> queryGroups,
        String catalogStorageKind,
        int maxPending,
        int maxBatch,
        Duration heartbeatInterval,
        long memoryIndexThreshold,
        long memoryIndexMax,
        Duration indexRetryBackoff,
        Duration writerRestartBackoff,
        int requestIdWindow,
        int peerMaxBuffered,
        int gapFillChunk,
        Duration defaultTimeout,
        Map<Keyword, TxFunction> txFunctions,
        Map<Symbol, AttrPredicate> attrPredicates,
        Map<Symbol, EntityPredicate> entityPredicates) {

    public static ChrononSettings from(Config root) {
        Config c = root.getConfig("chronon");
        return new ChrononSettings(
                c.getString("transactor.role"),
                queryGroups(c.getStringList("query.groups"), root.getStringList("pekko.cluster.roles")),
                c.getString("catalog.storage-kind"),
                c.getInt("transactor.max-pending"),
                c.getInt("transactor.max-batch"),
                c.getDuration("transactor.heartbeat-interval"),
                datoms(c, "indexing.memory-index-threshold", THRESHOLD_BYTES_PER_DATOM),
                Math.max(datoms(c, "indexing.memory-index-threshold", THRESHOLD_BYTES_PER_DATOM),
                        datoms(c, "indexing.memory-index-max", MAX_BYTES_PER_DATOM)),
                c.getDuration("indexing.retry-backoff"),
                c.getDuration("transactor.restart-backoff"),
                c.getInt("transactor.request-id-window"),
                c.getInt("query.max-buffered-reports"),
                c.getInt("query.gap-fill-chunk"),
                c.getDuration("default-timeout"),
                txFunctions(c.getConfig("tx-functions")),
                predicates(c.getConfig("tx-predicates"), AttrPredicate.class),
                predicates(c.getConfig("tx-predicates"), EntityPredicate.class));
    }

    /** How the writer processes transactions: {@code clock}, and the functions and predicates registered here. */
    public TxOptions txOptions(LongSupplier clock) {
        return new TxOptions(clock, txFunctions, attrPredicates, entityPredicates);
    }

    /**
     * The registered predicates of one kind: {@code "my.ns/even?" = "com.example.Even"}, each
     * a class with a public no-argument constructor implementing {@link AttrPredicate} (for
     * {@code :db.attr/preds}), {@link EntityPredicate} (for {@code :db.entity/preds}) or both.
     * A class that implements neither is refused when the node starts, not when a transaction
     * first names it.
     */
    static <P> Map<Symbol, P> predicates(Config preds, Class<P> kind) {
        Map<Symbol, P> out = new LinkedHashMap<>();
        for (var e : preds.root().entrySet()) {
            String name = e.getKey();
            String className = String.valueOf(e.getValue().unwrapped());
            Object p;
            try {
                p = Class.forName(className).getConstructor().newInstance();
            } catch (ReflectiveOperationException ex) {
                throw new IllegalArgumentException("chronon.tx-predicates: cannot load " + className + " for " + name
                        + " (a public class with a no-argument constructor): " + ex, ex);
            }
            if (!(p instanceof AttrPredicate) && !(p instanceof EntityPredicate)) {
                throw new IllegalArgumentException("chronon.tx-predicates: " + className + " for " + name
                        + " implements neither io.chronon.tx.AttrPredicate nor io.chronon.tx.EntityPredicate");
            }
            if (kind.isInstance(p)) {
                out.put(Symbol.of(name), kind.cast(p));
            }
        }
        return Map.copyOf(out);
    }

    /** {@code memory-index-threshold = auto}: one datom of novelty per this many bytes of maximum heap. */
    static final long THRESHOLD_BYTES_PER_DATOM = 12_000;
    /**
     * {@code memory-index-max = auto}: one datom per this many bytes of maximum heap. A datom of
     * novelty takes some 300-400 bytes (the datom, its value, its place in four or five indexes
     * and the log), twice while a value moves onto new roots: at the maximum, novelty is about a
     * quarter of the heap, the rest left to the segment cache and the reads.
     */
    static final long MAX_BYTES_PER_DATOM = 1_500;

    /** A number of datoms, or {@code auto}: the maximum heap divided by {@code bytesPerDatom}. */
    static long datoms(Config c, String path, long bytesPerDatom) {
        if ("auto".equals(c.getValue(path).unwrapped())) {
            return Math.max(1_000, Runtime.getRuntime().maxMemory() / bytesPerDatom);
        }
        return c.getLong(path);
    }

    /**
     * The registered transaction functions: {@code "my.ns/fn" = "com.example.MyFn"}, each a
     * class implementing {@link TxFunction} with a public no-argument constructor (Datomic's
     * classpath functions). A client can only name them; no code is ever sent.
     */
    static Map<Keyword, TxFunction> txFunctions(Config fns) {
        Map<Keyword, TxFunction> out = new LinkedHashMap<>();
        for (var e : fns.root().entrySet()) {
            String ident = e.getKey();
            String className = String.valueOf(e.getValue().unwrapped());
            try {
                Class<?> cls = Class.forName(className);
                out.put(Keyword.of(ident), (TxFunction) cls.getConstructor().newInstance());
            } catch (ReflectiveOperationException | ClassCastException ex) {
                throw new IllegalArgumentException("chronon.tx-functions: cannot load " + className + " for :" + ident
                        + " (a public class implementing io.chronon.tx.TxFunction with a no-argument constructor): " + ex, ex);
            }
        }
        return Map.copyOf(out);
    }

    /**
     * The configured query groups (the first is the default) and those this node serves by
     * its roles ({@code query-group:NAME}).
     */
    static List<String> queryGroups(List<String> configured, List<String> roles) {
        java.util.LinkedHashSet<String> groups = new java.util.LinkedHashSet<>(configured);
        for (String role : roles) {
            String group = QueryGroups.groupOf(role);
            if (group != null) {
                groups.add(group);
            }
        }
        for (String group : groups) {
            if (!QueryGroups.isValidGroupName(group)) {
                throw new IllegalArgumentException("chronon.query.groups / pekko.cluster.roles: a query group name is lower-case letters, digits and '-': " + group);
            }
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("chronon.query.groups must name at least the default query group");
        }
        return List.copyOf(groups);
    }

    /** The query group peers are addressed in when none is named. */
    public String defaultQueryGroup() {
        return queryGroups.get(0);
    }
}
