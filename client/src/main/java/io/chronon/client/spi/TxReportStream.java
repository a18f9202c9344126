package io.chronon.client.spi;

import io.chronon.ChrononException;
import io.chronon.ErrorCategory;
import io.chronon.client.TxReport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The {@link Flow.Publisher} behind {@code Connection.txReports} (made by
 * {@link ConnectionBase}; implementations give it a {@link Source}): each subscriber gets its
 * own pump thread that reads a {@link Source} from a t on, and hands the subscriber every
 * report exactly once and in order. When the source fails (a dropped connection, a node
 * that cannot answer) the pump starts it again from the t after the last report it
 * delivered, so nothing is lost or repeated; a {@code not-found} or {@code forbidden}
 * failure ends the stream with that error. Back-pressure: the pump waits while the
 * subscriber's buffer is full.
 */
public final class TxReportStream implements Flow.Publisher<TxReport> {

    /** Where reports come from: the log and the live feed of one database. */
    public interface Source {
        /**
         * Gives {@code sink} every report with t at least {@code fromT}, in order, until
         * {@code stopped} is true (then returns) or it fails (then throws). May give a
         * report again after a restart; the pump drops those.
         */
        void stream(long fromT, Consumer<TxReport> sink, BooleanSupplier stopped) throws Exception;

        /** Interrupts a running {@link #stream} (e.g. closes its socket); it then returns or throws. */
        default void interrupt() {
        }
    }

    /** Makes a fresh source per subscriber. */
    public interface SourceFactory {
        Source create();
    }

    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final SourceFactory sources;
    private final long fromT;
    private final Set<Pump> pumps;

    /**
     * A publisher of the reports with t at least {@code fromT}.
     *
     * @param open the set of running pumps of the connection, so that closing it stops them
     */
    TxReportStream(SourceFactory sources, long fromT, Set<Pump> open) {
        this.sources = sources;
        this.fromT = fromT;
        this.pumps = open;
    }

    /** A set to pass as {@code open}; {@link #closeAll} stops every pump in it. */
    static Set<Pump> newOpenSet() {
        return ConcurrentHashMap.newKeySet();
    }

    /** Stops every pump of {@code open} and completes their subscribers. */
    static void closeAll(Set<Pump> open) {
        for (Pump p : open.toArray(new Pump[0])) {
            p.stop();
        }
    }

    @Override
    public void subscribe(Flow.Subscriber<? super TxReport> subscriber) {
        SubmissionPublisher<TxReport> publisher = new SubmissionPublisher<>();
        Pump pump = new Pump(publisher, sources.create(), fromT, pumps);
        publisher.subscribe(new StopOnCancel(subscriber, pump));
        pumps.add(pump);
        pump.thread.start();
    }

    /** Passes everything on, and stops the pump at once when the subscriber cancels (rather than at its next report). */
    private record StopOnCancel(Flow.Subscriber<? super TxReport> subscriber, Pump pump) implements Flow.Subscriber<TxReport> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                    pump.stop();
                }
            });
        }

        @Override
        public void onNext(TxReport item) {
            subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            subscriber.onError(throwable);
        }

        @Override
        public void onComplete() {
            subscriber.onComplete();
        }
    }

    /** One subscriber's reader thread. */
    static final class Pump {
        private final SubmissionPublisher<TxReport> publisher;
        private final Source source;
        private final Set<Pump> owner;
        private final Thread thread;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private volatile long nextT;

        Pump(SubmissionPublisher<TxReport> publisher, Source source, long fromT, Set<Pump> owner) {
            this.publisher = publisher;
            this.source = source;
            this.owner = owner;
            this.nextT = fromT;
            this.thread = new Thread(this::run, "chronon-tx-reports");
            this.thread.setDaemon(true);
        }

        private boolean done() {
            return stopped.getCount() == 0 || publisher.isClosed() || !publisher.hasSubscribers();
        }

        private void deliver(TxReport r) {
            if (r.basisT() < nextT || done()) {
                return;
            }
            nextT = r.basisT() + 1;
            publisher.submit(r);
        }

        private void run() {
            long backoff = 50;
            try {
                while (!done()) {
                    long before = nextT;
                    try {
                        source.stream(nextT, this::deliver, this::done);
                    } catch (ChrononException e) {
                        if (e.category() == ErrorCategory.NOT_FOUND || e.category() == ErrorCategory.FORBIDDEN
                                || e.category() == ErrorCategory.INCORRECT) {
                            publisher.closeExceptionally(e);
                            return;
                        }
                    } catch (Exception e) {
                        // a dropped stream: resume after the last delivered report
                    }
                    if (done()) {
                        break;
                    }
                    backoff = nextT > before ? 50 : Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                    if (stopped.await(backoff, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
                publisher.close();
            } catch (InterruptedException e) {
                publisher.close();
            } finally {
                owner.remove(this);
            }
        }

        /** Stops reading and completes the subscriber. */
        void stop() {
            stopped.countDown();
            source.interrupt();
            publisher.close();
        }
    }
}
