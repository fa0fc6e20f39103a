package io.consentledger.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, in this instance's memory: {@code burst} tokens, refilled at {@code perSecond}. Memory
 * is bounded (Caffeine): at most {@code maxKeys} buckets, and a bucket idle for as long as it takes to refill
 * completely is dropped, which loses nothing (a new bucket starts full).
 */
public class TokenBuckets {

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets;

    public TokenBuckets(double perSecond, int burst, LongSupplier nanoTime, int maxKeys) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate-limit: requests-per-second must be > 0 and burst >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        long refillNanos = (long) Math.ceil(burst / perSecond * 1e9);
        this.buckets = Caffeine.newBuilder()
                               .maximumSize(maxKeys)
                               .expireAfterAccess(Duration.ofNanos(Math.max(1, refillNanos)))
                               .ticker(nanoTime::getAsLong)
                               .executor(Runnable::run)
                               .build();
    }

    /** @return 0 when a token was taken, else the whole seconds to wait before the next one (at least 1) */
    public long tryTake(String key) {
        long now = nanoTime.getAsLong();
        return bucket(key, now).take(now);
    }

    /** @return 0 when a token is there (none is taken), else the whole seconds to wait for one (at least 1) */
    public long peek(String key) {
        Bucket bucket = buckets.getIfPresent(key);
        return bucket == null ? 0 : bucket.peek(nanoTime.getAsLong());
    }

    /** The number of buckets held (for tests and metrics). */
    public long size() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private Bucket bucket(String key, long now) {
        return buckets.get(key, k -> new Bucket(burst, now));
    }

    private final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return waitFor(1);
        }

        synchronized long peek(long now) {
            refill(now);
            return tokens >= 1 ? 0 : waitFor(1);
        }

        private long waitFor(double needed) {
            return Math.max(1, (long) Math.ceil((needed - tokens) / perSecond));
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
            at = now;
        }
    }
}
