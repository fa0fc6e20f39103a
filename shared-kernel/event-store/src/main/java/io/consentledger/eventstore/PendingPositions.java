package io.consentledger.eventstore;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Remembers, per JVM, since when each allocated but still empty global position has been seen by a reader.
 * <p>
 * A position stays pending while its writer is between allocating it and inserting its commit. Once a position has
 * been pending for longer than the gap timeout, the reader seals it with a tombstone. Ages are measured on this
 * JVM's monotonic clock, so writers' wall clocks play no part; a restart only makes the wait longer.
 */
final class PendingPositions {

    private final Map<Long, Long> firstSeenNanos = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private final long timeoutNanos;

    PendingPositions(Duration timeout, LongSupplier nanoClock) {
        this.timeoutNanos = timeout.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Records that the given positions are allocated but empty, and returns those pending for longer than the
     * timeout.
     */
    List<Long> observe(Collection<Long> pending) {
        long now = nanoClock.getAsLong();
        return pending.stream()
                      .filter(position -> now - firstSeenNanos.computeIfAbsent(position, p -> now) >= timeoutNanos)
                      .toList();
    }

    /** Forgets positions that turned out to be filled, by a commit or a tombstone. */
    void resolved(Collection<Long> positions) {
        positions.forEach(firstSeenNanos::remove);
    }

    int size() {
        return firstSeenNanos.size();
    }
}
