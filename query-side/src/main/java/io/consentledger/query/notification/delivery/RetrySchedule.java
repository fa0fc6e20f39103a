package io.consentledger.query.notification.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed delivery again: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (the Standard Webhooks
 * reference schedule), each stretched or shrunk by up to {@code ±jitter} so that receivers coming back are not hit by
 * every retry at once; after the last, the delivery is given up. Pure: the time and the randomness are passed in.
 */
public final class RetrySchedule {

    public static final List<Duration> STANDARD = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10),
            Duration.ofHours(10));

    private final List<Duration> delays;
    private final double jitter;

    /** @param jitter the largest relative change, for example 0.1 for ±10 % */
    public RetrySchedule(List<Duration> delays, double jitter) {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter is a fraction in [0, 1)");
        }
        this.delays = List.copyOf(delays);
        this.jitter = jitter;
    }

    public static RetrySchedule standard() {
        return new RetrySchedule(STANDARD, 0.1);
    }

    /** The most attempts a delivery gets: the first and one per delay. */
    public int maxAttempts() {
        return delays.size() + 1;
    }

    /**
     * @param failedAttempts how many attempts have failed so far (at least 1)
     * @param failedAt       when the last one failed
     * @return when to try next, or empty if the delivery is to be given up
     */
    public Optional<Instant> next(int failedAttempts, Instant failedAt, RandomGenerator random) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("next() is asked after a failed attempt");
        }
        if (failedAttempts > delays.size()) {
            return Optional.empty();
        }
        Duration base = delays.get(failedAttempts - 1);
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        long millis = Math.round(base.toMillis() * factor);
        return Optional.of(failedAt.plusMillis(millis));
    }
}
