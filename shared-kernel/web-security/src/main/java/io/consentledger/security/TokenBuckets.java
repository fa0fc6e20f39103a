package io.consentledger.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One token bucket per key, in this instance's memory: {@code burst} tokens, refilled at {@code perSecond}. The map
 * is bounded: when it grows past {@code maxKeys}, buckets that have refilled completely (idle callers) are dropped.
 */
public class TokenBuckets {

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final int maxKeys;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public TokenBuckets(double perSecond, int burst, LongSupplier nanoTime, int maxKeys) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate-limit: requests-per-second must be > 0 and burst >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
        this.maxKeys = maxKeys;
    }

    /** @return 0 when a token was taken, else the whole seconds to wait before the next one (at least 1) */
    public long tryTake(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > maxKeys) {
            buckets.values().removeIf(b -> b.full(now));
        }
        return buckets.computeIfAbsent(key, k -> new Bucket(burst, now)).take(now);
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
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
            at = now;
        }
    }
}
