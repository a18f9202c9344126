package io.chronon.sharding.peer;

import io.chronon.ErrorCategory;
import io.chronon.sharding.catalog.Catalog;
import io.chronon.sharding.catalog.DatabaseInfo;
import io.chronon.sharding.catalog.DatabaseLookup;
import io.chronon.sharding.feed.TxFeed;
import io.chronon.sharding.feed.TxFeedTopics;
import io.chronon.sharding.peer.QueryPeer.AskedAgain;
import io.chronon.sharding.peer.QueryPeer.Basis;
import io.chronon.sharding.peer.QueryPeer.Command;
import io.chronon.sharding.peer.QueryPeer.CurrentDb;
import io.chronon.sharding.peer.QueryPeer.Feed;
import io.chronon.sharding.peer.QueryPeer.Filled;
import io.chronon.sharding.peer.QueryPeer.FromLoader;
import io.chronon.sharding.peer.QueryPeer.GetDb;
import io.chronon.sharding.peer.QueryPeer.LatestKnown;
import io.chronon.sharding.peer.QueryPeer.LoaderStopped;
import io.chronon.sharding.peer.QueryPeer.Looked;
import io.chronon.sharding.peer.QueryPeer.Read;
import io.chronon.sharding.peer.QueryPeer.Request;
import io.chronon.sharding.peer.QueryPeer.RetryFill;
import io.chronon.sharding.peer.QueryPeer.Stop;
import io.chronon.sharding.peer.QueryPeer.Sync;
import io.chronon.sharding.peer.QueryPeer.SyncLatest;
import io.chronon.sharding.peer.QueryPeer.Synced;
import io.chronon.sharding.peer.QueryPeer.Verified;
import io.chronon.sharding.peer.QueryPeer.WaitTimeout;
import io.chronon.sharding.wire.ChrononError;
import io.chronon.sharding.writer.Transactor;
import io.chronon.sharding.writer.TxLog;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import java.time.Duration;

/**
 * The peer's lifecycle, one behaviour per phase, all on one {@link Replica} state:
 * {@link LookingUp} (asks the catalog for its database; keeps requests), {@link Loading}
 * (reads the database's value from storage while already following its feed; keeps requests
 * and the reports it hears), {@link Running} (serves reads and syncs, applies the feed in log
 * order and fills gaps from the log) and {@link Gone} (the database was deleted, or could not
 * be looked up or loaded: answers every request with the reason until it is passivated). A
 * message a phase does not list is one that cannot concern it (an answer meant for another
 * phase, arriving late) and is dropped.
 */
final class PeerPhases {
    private PeerPhases() {
    }

    /** What every phase does with the messages that mean the same in all of them. */
    abstract static class Phase extends AbstractBehavior<Command> {
        final Replica replica;

        Phase(Replica replica) {
            super(replica.ctx);
            this.replica = replica;
        }

        /**
         * The phase's own handlers, then the shared one: Stop (passivation, rebalancing, the
         * node leaving) stops the peer at once, in every phase, answering what waits
         * ({@code unavailable}: the caller retries and reaches the peer's next home) rather than
         * leaving it to time out. Everything else is dropped.
         */
        @Override
        public final Receive<Command> createReceive() {
            ReceiveBuilder<Command> b = newReceiveBuilder();
            handlers(b);
            return b.onMessage(Stop.class, m -> onStop())
                    .onMessage(Command.class, m -> this)
                    .onSignal(PostStop.class, s -> {
                        replica.releaseTopic();
                        return this;
                    })
                    .build();
        }

        private Behavior<Command> onStop() {
            ChrononError stopping = ChrononError.unavailable("chronon.error/unavailable",
                    "The query peer of " + replica.name + " is stopping; retry");
            replica.leave(stopping);
            replica.stash.forEach(c -> {
                if (c instanceof Request r) {
                    r.fail(stopping);
                }
            });
            replica.stash.clear();
            replica.verifying.forEach(r -> r.fail(stopping));
            replica.verifying.clear();
            replica.missing.handOn();
            return Behaviors.stopped();
        }

        /** Adds this phase's handlers (they come first). */
        abstract void handlers(ReceiveBuilder<Command> b);

        /** Keeps a request until the value is loaded (the phases before {@link Running}). */
        Behavior<Command> keep(Request c) {
            replica.stashOrBusy(c);
            return this;
        }
    }

    /** Waits for the catalog's description of the database; keeps every request until the value is loaded. */
    static final class LookingUp extends Phase {
        LookingUp(Replica replica) {
            super(replica);
            replica.ctx.askWithStatus(DatabaseInfo.class, replica.catalog, replica.settings.defaultTimeout(),
                    replyTo -> new Catalog.GetDatabase(replica.name, replyTo), Looked::new);
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(Looked.class, this::onLooked)
                    .onMessage(Request.class, this::keep);
        }

        private Behavior<Command> onLooked(Looked looked) {
            if (looked.failure() != null) {
                return gone(replica, DatabaseLookup.lookupFailure(replica.name, looked.failure()));
            }
            ActorContext<Command> ctx = replica.ctx;
            replica.info = looked.info();
            try {
                replica.storage = DatabaseLookup.storage(ctx.getSystem(), replica.info);
            } catch (ChrononError e) {
                return gone(replica, e);
            }
            // subscribe first, so nothing published while loading is missed
            replica.feedAdapter = ctx.messageAdapter(TxFeed.class, Feed::new);
            replica.topic = TxFeedTopics.get(ctx.getSystem()).acquire(replica.info);
            replica.topic.tell(Topic.subscribe(replica.feedAdapter));
            ActorRef<TxLog.Command> loader = ctx.spawn(TxLog.reader(replica.info, replica.storage,
                    ctx.messageAdapter(TxLog.Reply.class, FromLoader::new)), "loader");
            ctx.watchWith(loader, new LoaderStopped());
            return new Loading(replica, loader);
        }
    }

    /**
     * The value loads from storage (the latest snapshot, then the log after it) in a child,
     * the loader. Meanwhile the reports of the feed are kept to apply after it, and requests
     * wait. A loader that stops before it is done, or the database's retirement, ends the peer.
     */
    static final class Loading extends Phase {
        private final ActorRef<TxLog.Command> loader;

        Loading(Replica replica, ActorRef<TxLog.Command> loader) {
            super(replica);
            this.loader = loader;
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(FromLoader.class, this::onLoaded)
                    .onMessage(LoaderStopped.class, m -> gone(replica, ChrononError.unavailable(
                            "chronon.error/storage-unavailable", "Cannot load database " + replica.name + " from storage")))
                    .onMessage(Feed.class, this::onFeed)
                    .onMessage(Request.class, this::keep);
        }

        private Behavior<Command> onLoaded(FromLoader m) {
            if (!(m.reply() instanceof TxLog.Recovered r)) {
                return this;
            }
            replica.ctx.unwatch(loader);
            replica.ctx.stop(loader);
            replica.loaded(r.db(), r.seqNr());
            return replica.stash.unstashAll(new Running(replica));
        }

        private Behavior<Command> onFeed(Feed m) {
            TxFeed f = m.message();
            if (f instanceof TxFeed.Committed c) {
                replica.heardEarly(c);
            } else if (f instanceof TxFeed.Heartbeat h) {
                replica.writerHas(h.seqNr());
            } else if (f instanceof TxFeed.Retired r && replica.retires(r)) {
                return gone(replica, replica.deletedError());
            }
            return this;
        }
    }

    /**
     * Serving: answers syncs, reads and requests for the value once its basis is far enough
     * (each waits at most its timeout), applies the feed's reports in log order, and reads the
     * log to fill a gap (a lost report, or a heartbeat or the transactor ahead of the value).
     * A request that names another incarnation of the database waits for the catalog's word
     * on which one is current first.
     */
    static final class Running extends Phase {
        Running(Replica replica) {
            super(replica);
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(Request.class, c -> !replica.holds(c), this::verify)
                    .onMessage(Verified.class, this::onVerified)
                    .onMessage(Sync.class, this::onSync)
                    .onMessage(SyncLatest.class, this::onSyncLatest)
                    .onMessage(LatestKnown.class, this::onLatestKnown)
                    .onMessage(GetDb.class, this::onGetDb)
                    .onMessage(Read.class, this::onRead)
                    .onMessage(Feed.class, this::onFeed)
                    .onMessage(Filled.class, m -> {
                        replica.filled(m);
                        return this;
                    })
                    .onMessage(RetryFill.class, m -> {
                        replica.requestFill();
                        return this;
                    })
                    .onMessage(QueryPeer.Rebased.class, m -> {
                        replica.rebased(m);
                        return this;
                    })
                    .onMessage(WaitTimeout.class, m -> {
                        replica.waitTimedOut(m);
                        return this;
                    });
        }

        /**
         * A request about another incarnation than this peer's: which one is current is for
         * the catalog to say, asked now (the request's may be the older one, if the name was
         * deleted and created again while the request was on its way).
         */
        private Behavior<Command> verify(Request c) {
            replica.verifying.add(c);
            replica.ctx.askWithStatus(DatabaseInfo.class, replica.catalog, replica.settings.defaultTimeout(),
                    replyTo -> new Catalog.GetDatabase(replica.name, replyTo), (info, failure) -> new Verified(c, info, failure));
            return this;
        }

        /**
         * Serves the request if this peer's incarnation is still the current one; otherwise
         * this incarnation is deleted: the peer leaves, and the request is answered as in
         * {@link Gone} (sent on to the next incarnation of the peer, or "not found").
         */
        private Behavior<Command> onVerified(Verified m) {
            Request c = m.request();
            replica.verifying.remove(c);
            ChrononError failure = m.failure() == null ? null : DatabaseLookup.lookupFailure(replica.name, m.failure());
            if (failure != null && failure.category() != ErrorCategory.NOT_FOUND) {
                c.fail(failure);
                return this;
            }
            if (m.current() != null && m.current().id().equals(replica.info.id())) {
                return serve(c);
            }
            replica.stash.stash(c);
            return gone(replica, replica.deletedError());
        }

        private Behavior<Command> serve(Request c) {
            if (c instanceof Read r) {
                return onRead(r);
            } else if (c instanceof Sync s) {
                return onSync(s);
            } else if (c instanceof SyncLatest s) {
                return onSyncLatest(s);
            }
            return onGetDb((GetDb) c);
        }

        private Behavior<Command> onFeed(Feed m) {
            TxFeed f = m.message();
            if (f instanceof TxFeed.Committed c) {
                replica.heard(c);
            } else if (f instanceof TxFeed.Heartbeat h) {
                replica.writerHas(h.seqNr());
                replica.requestFill(); // if the heartbeat is ahead of the value
            } else if (f instanceof TxFeed.Indexed i) {
                replica.indexed(i);
            } else if (f instanceof TxFeed.Retired r && replica.retires(r)) {
                return gone(replica, replica.deletedError());
            }
            return this;
        }

        private Behavior<Command> onSync(Sync c) {
            replica.whenReached(c, c.t(), c.indexT(), c.timeoutMillis(),
                    d -> c.replyTo().tell(StatusReply.success(new Synced(replica.name, d.basisT()))),
                    () -> c.replyTo().tell(StatusReply.error(replica.notReached(c.t(), c.timeoutMillis()))));
            return this;
        }

        /** Asks the transactor for its latest t; {@link #onLatestKnown} then waits for it as a {@link Sync}. */
        private Behavior<Command> onSyncLatest(SyncLatest c) {
            long start = System.nanoTime();
            var transactor = ClusterSharding.get(replica.ctx.getSystem()).entityRefFor(Transactor.TYPE_KEY, replica.name);
            replica.ctx.askWithStatus(Transactor.LatestT.class, transactor, Duration.ofMillis(Math.max(1, c.timeoutMillis())),
                    Transactor.GetLatestT::new, (latest, failure) -> new LatestKnown(c, start, latest, failure));
            return this;
        }

        private Behavior<Command> onLatestKnown(LatestKnown m) {
            SyncLatest c = m.request();
            if (m.failure() != null) {
                ChrononError e = ChrononError.of(m.failure());
                c.replyTo().tell(StatusReply.error(e.category() == ErrorCategory.NOT_FOUND ? e
                        : ChrononError.unavailable("chronon.error/sync-unavailable",
                        "Cannot learn the latest t of " + replica.name + " from its transactor: " + e.getMessage())));
                return this;
            }
            replica.writerHas(m.latest().seqNr());
            long left = c.timeoutMillis() - (System.nanoTime() - m.startNanos()) / 1_000_000;
            long t = m.latest().t();
            replica.whenReached(c, t, Math.max(0, left),
                    d -> c.replyTo().tell(StatusReply.success(new Synced(replica.name, d.basisT()))),
                    () -> c.replyTo().tell(StatusReply.error(replica.notReached(t, c.timeoutMillis()))));
            replica.requestFill();
            return this;
        }

        private Behavior<Command> onGetDb(GetDb c) {
            replica.whenReached(c, c.atLeastT(), c.indexT(), c.timeoutMillis(),
                    d -> c.replyTo().tell(StatusReply.success(new CurrentDb(d.basisT(), d))),
                    () -> c.replyTo().tell(StatusReply.error(replica.notReached(c.atLeastT(), c.timeoutMillis()))));
            return this;
        }

        private Behavior<Command> onRead(Read c) {
            long start = System.nanoTime();
            Basis basis = c.basis() == null ? Basis.LATEST : c.basis();
            replica.whenReached(c, basis.atLeastT(), c.timeoutMillis(), d -> replica.serve(c, basis, d, start),
                    () -> c.replyTo().tell(StatusReply.error(replica.notReached(basis.atLeastT(), c.timeoutMillis()))));
            return this;
        }
    }

    /**
     * Leaves: stops following the feed, answers every wait and every kept request with
     * {@code error}, and asks to be passivated; the next message to this entity starts a
     * fresh peer.
     */
    static Behavior<Command> gone(Replica replica, ChrononError error) {
        replica.leave(error);
        Behavior<Command> gone = replica.stash.unstashAll(new Gone(replica, error));
        replica.missing.passivate();
        return gone;
    }

    /**
     * The database was deleted, or could not be looked up or loaded: every request is answered
     * with that error until sharding passivates this peer. A "not found" is answered only after
     * the catalog has been asked again after the request arrived: if the name was created
     * anew meanwhile, the request goes to the next incarnation instead.
     */
    static final class Gone extends Phase {
        private final ChrononError error;

        Gone(Replica replica, ChrononError error) {
            super(replica);
            this.error = error;
        }

        @Override
        void handlers(ReceiveBuilder<Command> b) {
            b.onMessage(Request.class, c -> {
                replica.missing.answer(c, replica.info == null ? null : replica.info.id(), error);
                return this;
            }).onMessage(Verified.class, m -> {
                replica.verifying.remove(m.request());
                // asked while running, answered after this peer found its incarnation deleted
                replica.missing.answer(m.request(), replica.info.id(), error);
                return this;
            }).onMessage(AskedAgain.class, m -> {
                replica.missing.asked(m.request(), m.error());
                return this;
            });
        }
    }
}
