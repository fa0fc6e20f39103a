package io.consentledger.query.notification.delivery;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The total timeout of the attempts in flight, watched by one thread for all of them: starting an attempt's deadline
 * is adding it to a set, ending it removing it (no task scheduled and cancelled per request, and no wake-up of a timer
 * thread per request, as a {@code ScheduledThreadPoolExecutor} does whenever its queue was empty).
 * <p>
 * Every deadline is its start plus the same {@code timeout}; the watcher sleeps until the earliest deadline it saw,
 * or {@code timeout} from the moment it looked if it saw none. A deadline started after it looked lies at least
 * {@code timeout} after that moment, so the watcher is awake again by then: it never needs to be woken, and runs an
 * expiry at its deadline (plus the time the thread takes to be scheduled).
 */
final class AttemptDeadlines implements AutoCloseable {

    private static final int RUNNING = 0;
    private static final int ENDED = 1;
    private static final int EXPIRED = 2;

    /** One attempt's deadline; {@link #end()} when the attempt is over, whatever its outcome. */
    final class Deadline {
        final long at;
        private final Runnable onExpiry;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        private Deadline(long at, Runnable onExpiry) {
            this.at = at;
            this.onExpiry = onExpiry;
        }

        /** Whether the deadline passed before the attempt ended (its expiry action then ran, or is running). */
        boolean expired() {
            return state.get() == EXPIRED;
        }

        /** The attempt is over: its expiry action will not run if it has not started. */
        void end() {
            state.compareAndSet(RUNNING, ENDED);
            running.remove(this);
        }

        private void expire() {
            running.remove(this);
            if (state.compareAndSet(RUNNING, EXPIRED)) {
                try {
                    onExpiry.run();
                } catch (RuntimeException ignored) {
                    // the attempt ends with an error of its own
                }
            }
        }
    }

    private final long timeoutNanos;
    private final Set<Deadline> running = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private volatile boolean closed;

    AttemptDeadlines(long timeoutNanos, String threadName) {
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("the timeout must be positive");
        }
        this.timeoutNanos = timeoutNanos;
        this.watcher = new Thread(this::watch, threadName);
        this.watcher.setDaemon(true);
        this.watcher.start();
    }

    /** Starts a deadline {@code timeout} from now; {@code onExpiry} runs on the watcher's thread if it passes first. */
    Deadline start(Runnable onExpiry) {
        Deadline deadline = new Deadline(System.nanoTime() + timeoutNanos, onExpiry);
        running.add(deadline);
        return deadline;
    }

    /** How many deadlines are being watched (for tests). */
    int watched() {
        return running.size();
    }

    private void watch() {
        while (!closed) {
            long now = System.nanoTime();
            long wakeAt = now + timeoutNanos;
            for (Deadline deadline : running) {
                if (deadline.at - now <= 0) {
                    deadline.expire();
                } else if (deadline.at - wakeAt < 0) {
                    wakeAt = deadline.at;
                }
            }
            LockSupport.parkNanos(this, wakeAt - now);
            Thread.interrupted(); // only close() stops the watcher: a stray interrupt must not make parkNanos spin
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(watcher);
    }
}
