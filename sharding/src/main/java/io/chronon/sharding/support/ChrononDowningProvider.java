package io.chronon.sharding.support;

import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.DowningProvider;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sbr.SplitBrainResolverProvider;
import scala.Option;
import scala.concurrent.duration.FiniteDuration;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pekko's split-brain resolver, unchanged in what it decides (the strategy, {@code stable-after}
 * and the other settings under {@code pekko.cluster.split-brain-resolver}, the down-removal
 * margin), but deciding as soon as {@code stable-after} has passed rather than up to a second
 * later.
 *
 * <p>Pekko's resolver looks at its state on a fixed one-second tick, so a node that died was
 * downed between {@code stable-after} and {@code stable-after} + 1 s after it was marked
 * unreachable: on average half a second of every failover of a writer (measured: 0.9-1.4 s
 * from unreachable to the decision with {@code stable-after = 500ms}). This provider runs the
 * resolver as the child of a small actor that also sends it the resolver's own tick every
 * {@code chronon.cluster.downing-tick} (100 ms) while a member is unreachable and not yet
 * downed. A tick only makes the resolver check whether
 * its deadlines have passed; it decides by timestamps, not by counting ticks, so more ticks
 * change when a decision is taken, never which one.
 *
 * <p>Configured as {@code pekko.cluster.downing-provider-class =
 * "io.chronon.sharding.support.ChrononDowningProvider"} (every member of a cluster must name the
 * same class). It relies on the resolver's internal tick message of the Pekko version Chronon
 * is built with ({@code ChrononDowningProviderTest} checks that a node is downed soon after
 * {@code stable-after}).
 */
public final class ChrononDowningProvider extends DowningProvider {
    /** The configuration key of the tick. */
    public static final String TICK = "chronon.cluster.downing-tick";

    /** The resolver's tick message (Scala's {@code SplitBrainResolver.Tick}, internal to Pekko). */
    private static final String TICK_CLASS = "org.apache.pekko.cluster.sbr.SplitBrainResolver$Tick$";

    private final SplitBrainResolverProvider resolver;
    private final FiniteDuration tick;
    private final Object tickMessage;

    /** Created by Pekko's cluster for {@code system}, by reflection. */
    public ChrononDowningProvider(ActorSystem system) {
        this.resolver = new SplitBrainResolverProvider(system);
        Duration d = system.settings().config().getDuration(TICK);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException(TICK + " must be more than 0 and at most 1s, not " + d);
        }
        this.tick = FiniteDuration.create(d.toNanos(), TimeUnit.NANOSECONDS);
        this.tickMessage = resolverTick();
    }

    /**
     * The resolver's tick message.
     *
     * @throws IllegalStateException when this Pekko version has no such message (a Pekko
     *         upgrade changed the resolver: use Pekko's provider until this one is adapted)
     */
    static Object resolverTick() {
        try {
            return Class.forName(TICK_CLASS).getField("MODULE$").get(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalStateException("ChrononDowningProvider does not know this Pekko version's split-brain"
                    + " resolver (" + TICK_CLASS + ": " + e + "). Set pekko.cluster.downing-provider-class ="
                    + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\" on every node instead.", e);
        }
    }

    @Override
    public FiniteDuration downRemovalMargin() {
        return resolver.downRemovalMargin();
    }

    @Override
    public Option<Props> downingActorProps() {
        Option<Props> inner = resolver.downingActorProps();
        if (inner.isEmpty()) {
            return inner;
        }
        return Option.apply(Ticker.props(inner.get(), tick, tickMessage));
    }

    /**
     * The resolver's parent: it starts the resolver and, while a member is unreachable and not
     * yet downed, sends it a tick every {@code tick} (the resolver's own once-a-second tick goes on).
     */
    static final class Ticker extends AbstractActorWithTimers {
        private static final Object TICK_KEY = "tick";
        private final ActorRef resolver;
        private final Object tickMessage;
        private final Cluster cluster = Cluster.get(getContext().getSystem());

        private Ticker(Props resolver, FiniteDuration tick, Object tickMessage) {
            this.resolver = getContext().actorOf(resolver, "resolver");
            this.tickMessage = tickMessage;
            getTimers().startTimerWithFixedDelay(TICK_KEY, TICK_KEY, tick);
        }

        static Props props(Props resolver, FiniteDuration tick, Object tickMessage) {
            return Props.create(Ticker.class, () -> new Ticker(resolver, tick, tickMessage));
        }

        /**
         * True while a member is unreachable and not yet downed: only then can a tick bring a
         * decision. (Ticking on after the decision would make the resolver log the same
         * decision, with nobody left to down, on every tick until the member is removed.)
         */
        private boolean undecided() {
            for (Member m : cluster.state().getUnreachable()) {
                if (m.status() != MemberStatus.down() && m.status() != MemberStatus.exiting()) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Receive createReceive() {
            return receiveBuilder()
                    .matchEquals(TICK_KEY, m -> {
                        if (undecided()) {
                            resolver.tell(tickMessage, getSelf());
                        }
                    })
                    .build();
        }
    }
}
