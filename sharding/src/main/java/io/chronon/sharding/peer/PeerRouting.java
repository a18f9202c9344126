package io.chronon.sharding.peer;

import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseResolver;
import io.chronon.sharding.support.ChrononSettings;
import io.chronon.sharding.support.QueryGroups;
import io.chronon.sharding.wire.ChrononError;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a read goes: the query peer replica of a database in a query group.
 *
 * <p>Every node that serves a query group (has its role) holds its own replica of each
 * database it is asked about: a Cluster Sharding entity {@code <database>@<host:port>} in the
 * group's entity type, whose shard (one per node, named by the node's address) is placed on
 * that node by Pekko's external shard allocation. So a read on a node of the group is answered
 * by the peer on the same node (no network hop, its own cache), and a node outside the group
 * sends the read to one node of the group, chosen by rendezvous hashing of the database name
 * over the group's reachable members, so each database's reads keep going to the same warm
 * replica while that node is up. A group's peers serve only that group's reads.
 *
 * <p>Query group {@code query} is served by nodes with role {@code query}; any other group
 * {@code NAME} by nodes with role {@code query-group:NAME}.
 */
public final class PeerRouting {
    private final ActorSystem<?> system;
    private final ClusterSharding sharding;
    private final Cluster cluster;
    private final ActorRef<Catalog.Command> catalog;
    private final ChrononSettings settings;
    private final String selfKey;
    private final DatabaseResolver incarnations;
    /** The groups whose entity types are started on this node (as regions or proxies). */
    private final Set<String> started = ConcurrentHashMap.newKeySet();

    public PeerRouting(ActorSystem<?> system, ClusterSharding sharding, ActorRef<Catalog.Command> catalog, ChrononSettings settings) {
        this.system = system;
        this.sharding = sharding;
        this.cluster = Cluster.get(system);
        this.catalog = catalog;
        this.settings = settings;
        this.selfKey = key(cluster.selfMember().address());
        this.incarnations = new DatabaseResolver(catalog, system.scheduler(), system.executionContext(),
                system.settings().config().getDuration("chronon.query.incarnation-timeout"));
        for (String group : settings.queryGroups()) {
            start(group);
        }
    }

    /** {@code host:port} of a node's address: the key of its replicas and of its shard. */
    static String key(Address address) {
        return address.host().get() + ":" + address.port().get();
    }

    /** The database of a peer's entity id ({@code <database>@<host:port>}). */
    static String databaseOf(String entityId) {
        int at = entityId.lastIndexOf('@');
        return at < 0 ? entityId : entityId.substring(0, at);
    }

    /**
     * Which incarnation of a database a request to its peer is about
     * ({@link QueryPeer.Request#databaseId}), looked up in the catalog for each request.
     */
    public DatabaseResolver incarnations() {
        return incarnations;
    }

    /** This node's key ({@code host:port}). */
    public String selfKey() {
        return selfKey;
    }

    /**
     * The peer that answers reads of {@code database} in {@code group}: this node's own
     * replica if this node serves the group, else the replica on the group's chosen node.
     *
     * @throws ChrononError not-found for an unknown group, unavailable if no reachable node serves it
     */
    public EntityRef<QueryPeer.Command> peer(String database, String group) {
        return peerAt(database, group, replicaKey(database, group));
    }

    /** The replica of {@code database} in {@code group} on the node {@code key} ({@code host:port}). */
    public EntityRef<QueryPeer.Command> peerAt(String database, String group, String key) {
        return sharding.entityRefFor(QueryPeer.typeKey(group), database + "@" + key);
    }

    /** The key of the node whose replica serves {@code database} in {@code group}. */
    String replicaKey(String database, String group) {
        String role = QueryGroups.roleOf(group);
        if (cluster.selfMember().hasRole(role)) {
            ensureStarted(group);
            return selfKey;
        }
        ClusterEvent.CurrentClusterState state = cluster.state();
        Set<Member> unreachable = state.getUnreachable();
        List<Member> candidates = new ArrayList<>();
        boolean known = false;
        for (Member m : state.getMembers()) {
            if (!m.hasRole(role)) {
                continue;
            }
            known = true;
            if ((m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp()) && !unreachable.contains(m)) {
                candidates.add(m);
            }
        }
        if (!known && !settings.queryGroups().contains(group)) {
            throw ChrononError.notFound("chronon.error/unknown-query-group",
                    "No node of the cluster serves query group " + group + " (role " + role + ")", group);
        }
        if (candidates.isEmpty()) {
            throw ChrononError.unavailable("chronon.error/no-query-peer",
                    "No reachable node serves query group " + group + " (role " + role + ") now");
        }
        ensureStarted(group);
        Member best = null;
        long bestScore = 0;
        for (Member m : candidates) {
            long score = mix(database.hashCode() * 31L + key(m.address()).hashCode());
            if (best == null || score > bestScore) {
                best = m;
                bestScore = score;
            }
        }
        return key(best.address());
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    private void ensureStarted(String group) {
        if (!started.contains(group)) {
            start(group);
        }
    }

    /**
     * Starts the entity type of {@code group} on this node: the region that hosts replicas if
     * this node has the group's role, else a proxy. On a node with the role, also records
     * that this node's shard lives here.
     */
    private synchronized void start(String group) {
        if (started.contains(group)) {
            return;
        }
        String typeName = QueryPeer.typeKey(group).name();
        sharding.init(Entity.of(QueryPeer.typeKey(group),
                        ctx -> QueryPeer.create(databaseOf(ctx.getEntityId()), group, ctx.getShard(), catalog, settings, this))
                .withRole(QueryGroups.roleOf(group))
                .withStopMessage(QueryPeer.Stop.INSTANCE)
                .withMessageExtractor(new ReplicaExtractor())
                .withAllocationStrategy(new ExternalShardAllocationStrategy(system, typeName, org.apache.pekko.util.Timeout.create(Duration.ofSeconds(5)))));
        if (cluster.selfMember().hasRole(QueryGroups.roleOf(group))) {
            ExternalShardAllocation.get(system).getClient(typeName)
                    .setShardLocation(selfKey, cluster.selfMember().address())
                    .whenComplete((done, e) -> {
                        if (e != null) {
                            system.log().warn("Could not record the home of this node's query peers of group {}: {}", group, e.toString());
                        }
                    });
        }
        started.add(group);
    }

    /** The query groups this node knows of: configured, and served by some member. */
    public List<String> knownGroups() {
        Set<String> groups = new java.util.LinkedHashSet<>(settings.queryGroups());
        for (Member m : cluster.state().getMembers()) {
            for (String role : m.getRoles()) {
                String g = QueryGroups.groupOf(role);
                if (g != null) {
                    groups.add(g);
                }
            }
        }
        return List.copyOf(groups);
    }

    /** Shard id = the node part of the entity id, so one shard holds a node's replicas. */
    private static final class ReplicaExtractor extends ShardingMessageExtractor<ShardingEnvelope<QueryPeer.Command>, QueryPeer.Command> {
        @Override
        public String entityId(ShardingEnvelope<QueryPeer.Command> envelope) {
            return envelope.entityId();
        }

        @Override
        public String shardId(String entityId) {
            int at = entityId.lastIndexOf('@');
            return at < 0 ? "unplaced" : entityId.substring(at + 1);
        }

        @Override
        public QueryPeer.Command unwrapMessage(ShardingEnvelope<QueryPeer.Command> envelope) {
            return envelope.message();
        }
    }
}
