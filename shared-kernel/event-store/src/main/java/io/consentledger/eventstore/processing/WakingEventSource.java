package io.consentledger.eventstore.processing;

import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

import java.time.Duration;
import java.time.Instant;
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
 */
public final class WakingEventSource implements StreamableMessageSource<TrackedEventMessage<?>> {

    private final StreamableMessageSource<TrackedEventMessage<?>> delegate;
    private final Duration pollInterval;

    public WakingEventSource(StreamableMessageSource<TrackedEventMessage<?>> delegate, Duration pollInterval) {
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("The poll interval must be positive, not " + pollInterval);
        }
        this.delegate = delegate;
        this.pollInterval = pollInterval;
    }

    @Override
    public TrackingEventStream openStream(TrackingToken trackingToken) {
        return new WakingStream((TrackingEventStream) delegate.openStream(trackingToken), pollInterval);
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

        WakingStream(TrackingEventStream delegate, Duration pollInterval) {
            this.delegate = delegate;
            this.pollNanos = pollInterval.toNanos();
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
                boolean available = delegate.hasNextAvailable(timeout, unit);
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
                return delegate.nextAvailable();
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
                        available = !closed && delegate.hasNextAvailable((int) pollNanos, TimeUnit.NANOSECONDS);
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
