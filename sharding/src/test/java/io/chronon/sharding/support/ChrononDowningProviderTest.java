package io.chronon.sharding.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The downing provider on a real three-member cluster in this JVM: a member that stops without
 * leaving (as a killed process does) is marked unreachable, then downed by the split-brain
 * resolver running under the provider's ticker, and removed; the survivors stay up. Its timing
 * (how soon after stable-after the decision comes) is measured by the failover benches
 * (docs/operations.md, "Measured failover"), not asserted here.
 */
class ChrononDowningProviderTest {
    private final List<ActorSystem> systems = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ActorSystem s : systems) {
            s.terminate();
        }
        for (ActorSystem s : systems) {
            s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static Config config(String extra) {
        return ConfigFactory.parseString(extra + "\n"
                + "pekko.loglevel = WARNING\n"
                + "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.hostname = \"127.0.0.1\"\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + "pekko.cluster.downing-provider-class = \"io.chronon.sharding.support.ChrononDowningProvider\"\n"
                + "pekko.cluster.split-brain-resolver.active-strategy = keep-majority\n"
                + "pekko.cluster.split-brain-resolver.stable-after = 500ms\n"
                + "pekko.cluster.failure-detector.heartbeat-interval = 500ms\n"
                + "pekko.cluster.failure-detector.acceptable-heartbeat-pause = 1s\n"
                + "pekko.cluster.run-coordinated-shutdown-when-down = off\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n")
                .withFallback(ConfigFactory.load()).resolve();
    }

    private ActorSystem start(String extra) {
        ActorSystem s = ActorSystem.create("downing", config(extra));
        systems.add(s);
        return s;
    }

    /** Times at which the observer saw each member unreachable, downed and removed (nanoTime). */
    static final class Events extends AbstractActor {
        final Map<String, Long> seen;

        Events(Map<String, Long> seen) {
            this.seen = seen;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .match(ClusterEvent.UnreachableMember.class, e -> seen.putIfAbsent("unreachable " + e.member().address(), System.nanoTime()))
                    .match(ClusterEvent.MemberDowned.class, e -> seen.putIfAbsent("downed " + e.member().address(), System.nanoTime()))
                    .match(ClusterEvent.MemberRemoved.class, e -> seen.putIfAbsent("removed " + e.member().address(), System.nanoTime()))
                    .matchAny(e -> { })
                    .build();
        }
    }

    @Test
    void aMemberThatStopsWithoutLeavingIsDownedAndRemovedByTheResolverUnderTheTicker() throws Exception {
        ActorSystem a = start("");
        ActorSystem b = start("");
        // stops like a killed process: no leave, its transport just goes away
        ActorSystem victim = start("pekko.coordinated-shutdown.run-by-actor-system-terminate = off");
        Cluster.get(a).join(Cluster.get(a).selfAddress());
        Cluster.get(b).join(Cluster.get(a).selfAddress());
        Cluster.get(victim).join(Cluster.get(a).selfAddress());
        until("three members up", 30, () -> upMembers(a) == 3 && upMembers(b) == 3 && upMembers(victim) == 3);

        // the resolver runs as the ticker's child on every member
        for (ActorSystem s : systems) {
            ActorRef resolver = s.actorSelection("/system/cluster/core/daemon/downingProvider/resolver")
                    .resolveOne(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertTrue(resolver.path().toString().endsWith("downingProvider/resolver"), resolver.path().toString());
        }

        Map<String, Long> seen = new ConcurrentHashMap<>();
        Cluster.get(a).subscribe(a.actorOf(Props.create(Events.class, () -> new Events(seen))),
                ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class, ClusterEvent.UnreachableMember.class);
        UniqueAddress gone = Cluster.get(victim).selfUniqueAddress();
        String address = gone.address().toString();
        victim.terminate();
        victim.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        systems.remove(victim);

        until("the stopped member removed on both survivors", 30, () -> seen.containsKey("removed " + address)
                && Cluster.get(b).state().getMembers().spliterator().estimateSize() == 2);
        assertTrue(seen.containsKey("unreachable " + address), seen.keySet().toString());
        assertTrue(seen.containsKey("downed " + address), seen.keySet().toString());
        assertEquals(2, upMembers(a));
        assertEquals(2, upMembers(b));
        System.out.printf("ChrononDowningProviderTest: unreachable -> downed %d ms (stable-after 500 ms)%n",
                TimeUnit.NANOSECONDS.toMillis(seen.get("downed " + address) - seen.get("unreachable " + address)));
    }

    @Test
    void aTickOutsideItsRangeIsAStartError() {
        for (String tick : List.of("0ms", "2s")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ChrononDowningProvider(startPlain("chronon.cluster.downing-tick = " + tick)));
            assertTrue(e.getMessage().startsWith("chronon.cluster.downing-tick must be more than 0 and at most 1s"),
                    e.getMessage());
        }
    }

    /** A system that is not a cluster member, for constructing the provider directly. */
    private ActorSystem startPlain(String extra) {
        ActorSystem s = ActorSystem.create("plain", ConfigFactory.parseString(extra + "\npekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()).resolve());
        systems.add(s);
        return s;
    }

    private static long upMembers(ActorSystem s) {
        long n = 0;
        for (org.apache.pekko.cluster.Member m : Cluster.get(s).state().getMembers()) {
            if (m.status() == MemberStatus.up()) {
                n++;
            }
        }
        return n;
    }

    private static void until(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("not within " + seconds + " s: " + what);
            }
            Thread.sleep(50);
        }
    }
}
