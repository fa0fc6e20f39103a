package io.consentledger.eventstore.processing;

import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The event store as the source of pooled streaming processors, with streams that wake their processor as soon as
 * events arrive.
 * <p>
 * A pooled processor that finds no event asks its stream to call it back when events become available. Axon's
 * {@code EmbeddedEventStore} streams cannot, so the processor looked again only after a fixed 500 ms: every event
 * that arrived while it was idle waited 250 ms on average, and up to 500 ms, before a projection saw it
 * (docs/benchmarks.md, end-to-end run 7). Each stream here has a watcher thread that, while its processor waits,
 * waits on the store's stream in slices of {@code pollInterval} and calls the processor back once an event is there.
 * A caught-up stream waits on the event store's in-memory cache, so watching costs no store round trip.
 * <p>
 * Every call on a stream is serialised with the watcher's, since the underlying stream is not thread-safe.
 * <p>
 * <b>Linger</b> (optional, for a processor whose cost is mostly per batch): a stream that finds fewer than
 * {@code enough} events waiting holds them back until the first of them has waited {@code linger}, so that they
 * reach the processor as one batch rather than one by one; {@code enough} waiting events are released at once, so a
 * processor that is behind is never held up. Held events are released in order, with whatever arrived meanwhile.
 */
public final class WakingEventSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final StreamableMessageSource<TrackedEventMessage<?>> delegate;
    private final Duration pollInterval;
    private final Duration linger;
    private final int enough;

    public WakingEventSource(StreamableMessageSource<TrackedEventMessage<?>> delegate, Duration pollInterval) {
        this(delegate, pollInterval, Duration.ZERO, 1);
    }

    /**
     * @param linger how long a stream holds back events while fewer than {@code enough} wait (zero: not at all)
     * @param enough how many waiting events are released at once (the processor's batch size)
     */
    public WakingEventSource(StreamableMessageSource<TrackedEventMessage<?>> delegate, Duration pollInterval,
                             Duration linger, int enough) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("The poll interval must be positive, not " + pollInterval);
        }
        if (linger.isNegative() || enough < 1) {
            throw new IllegalArgumentException("The linger must not be negative (" + linger
                    + ") and enough at least 1 (" + enough + ")");
        }
        this.delegate = delegate;
        this.pollInterval = pollInterval;
        this.linger = linger;
        this.enough = enough;
    }

    @Override
    public TrackingEventStream openStream(TrackingToken trackingToken) {
        return new WakingStream((TrackingEventStream) delegate.openStream(trackingToken), pollInterval, linger, enough);
    }

    @Override
    public TrackingToken createTailToken() {
        return delegate.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return delegate.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return delegate.createTokenAt(dateTime);
    }

    @Override
    public TrackingToken createTokenSince(Duration duration) {
        return delegate.createTokenSince(duration);
    }

    static final class WakingStream implements TrackingEventStream {

        private final TrackingEventStream delegate;
        private final long pollNanos;
        private final ReentrantLock lock = new ReentrantLock(true); // fair: the processor gets in between two watches
        private final Object waitingChanged = new Object();
        private volatile Runnable callback;
        /** The processor found no event and waits to be called back. */
        private volatile boolean waiting;
        private volatile boolean closed;
        private Thread watcher;
        private final long lingerNanos;
        private final int enough;
        /** Events taken from the delegate and held back (linger only); guarded by {@link #lock}. */
        private final ArrayDeque<TrackedEventMessage<?>> held = new ArrayDeque<>();
        private long heldSince;
        /** The held events are released: available until the last of them is taken. */
        private boolean releasing;

        WakingStream(TrackingEventStream delegate, Duration pollInterval) {
            this(delegate, pollInterval, Duration.ZERO, 1);
        }

        WakingStream(TrackingEventStream delegate, Duration pollInterval, Duration linger, int enough) {
            this.delegate = delegate;
            this.pollNanos = pollInterval.toNanos();
            this.lingerNanos = linger.toNanos();
            this.enough = enough;
        }

        @Override
        public boolean setOnAvailableCallback(Runnable callback) {
            this.callback = callback;
            synchronized (waitingChanged) {
                if (watcher == null && !closed) {
                    watcher = new Thread(this::watch, "event-stream-waker");
                    watcher.setDaemon(true);
                    watcher.start();
                }
            }
            return true;
        }

        @Override
        public Optional<TrackedEventMessage<?>> peek() {
            lock.lock();
            try {
                if (!held.isEmpty()) {
                    return Optional.of(held.peekFirst());
                }
                Optional<TrackedEventMessage<?>> next = delegate.peek();
                if (next.isEmpty()) {
                    startWaiting();
                }
                return next;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean hasNextAvailable(int timeout, TimeUnit unit) throws InterruptedException {
            lock.lockInterruptibly();
            try {
                boolean available = lingerNanos == 0 ? delegate.hasNextAvailable(timeout, unit)
                        : awaitAvailable(unit.toNanos(timeout));
                if (!available) {
                    startWaiting();
                }
                return available;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public TrackedEventMessage<?> nextAvailable() throws InterruptedException {
            lock.lockInterruptibly();
            try {
                TrackedEventMessage<?> next = held.pollFirst();
                return next != null ? next : delegate.nextAvailable();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void skipMessagesWithPayloadTypeOf(TrackedEventMessage<?> ignoredMessage) {
            lock.lock();
            try {
                delegate.skipMessagesWithPayloadTypeOf(ignoredMessage);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            synchronized (waitingChanged) {
                closed = true;
                waitingChanged.notifyAll();
            }
            lock.lock();
            try {
                held.clear();
                delegate.close();
            } finally {
                lock.unlock();
            }
        }

        /** True while its watcher thread runs. */
        boolean watching() {
            synchronized (waitingChanged) {
                return watcher != null && watcher.isAlive();
            }
        }

        private void startWaiting() {
            if (callback != null && !waiting) {
                synchronized (waitingChanged) {
                    waiting = true;
                    waitingChanged.notifyAll();
                }
            }
        }

        /**
         * With a linger: whether held events are released, waiting up to {@code timeoutNanos} for that. Called under
         * {@link #lock}.
         */
        private boolean awaitAvailable(long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (true) {
                if (released()) {
                    return true;
                }
                long now = System.nanoTime();
                long untilDeadline = deadline - now;
                if (untilDeadline <= 0) {
                    return false;
                }
                long wait = held.isEmpty() ? untilDeadline
                        : Math.min(untilDeadline, Math.max(1, heldSince + lingerNanos - now));
                // returns early when an event arrives
                delegate.hasNextAvailable((int) Math.min(TimeUnit.NANOSECONDS.toMicros(wait) + 1, Integer.MAX_VALUE),
                                          TimeUnit.MICROSECONDS);
            }
        }

        /**
         * Takes what the delegate has now into {@link #held} (up to {@code enough}) and says whether the held events
         * are released: {@code enough} of them wait, or the first has waited the linger. Released, they stay so, with
         * every event that arrives meanwhile, until the processor finds none available.
         */
        private boolean released() throws InterruptedException {
            if (releasing) {
                if (held.isEmpty() && delegate.hasNextAvailable()) {
                    held.addLast(delegate.nextAvailable()); // arrived while released: goes with them
                }
                if (!held.isEmpty()) {
                    return true;
                }
                releasing = false;
            }
            while (held.size() < enough && delegate.hasNextAvailable()) {
                if (held.isEmpty()) {
                    heldSince = System.nanoTime();
                }
                held.addLast(delegate.nextAvailable());
            }
            releasing = !held.isEmpty() && (held.size() >= enough || System.nanoTime() - heldSince >= lingerNanos);
            return releasing;
        }

        private void watch() {
            try {
                while (!closed) {
                    synchronized (waitingChanged) {
                        while (!waiting && !closed) {
                            waitingChanged.wait();
                        }
                    }
                    if (closed) {
                        return;
                    }
                    boolean available;
                    lock.lockInterruptibly();
                    try {
                        available = !closed && (lingerNanos == 0
                                ? delegate.hasNextAvailable((int) pollNanos, TimeUnit.NANOSECONDS)
                                : awaitAvailable(pollNanos));
                    } finally {
                        lock.unlock();
                    }
                    if (available) {
                        waiting = false;
                        callback.run();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
