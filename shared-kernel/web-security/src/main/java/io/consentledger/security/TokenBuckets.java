package io.consentledger.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import java.util.function.LongSupplier;

/**
 * One token bucket per key, in this instance's memory: {@code burst} tokens, refilled at {@code perSecond}; each key
 * may have its own {@link Limit} ({@link #tryTake(String, Limit)}). Memory is bounded (Caffeine): at most
 * {@code maxKeys} buckets, and a bucket idle for as long as it takes to refill completely is dropped, which loses
 * nothing (a new bucket starts full).
 */
public class TokenBuckets {

    /** A bucket's size: {@code burst} tokens at once, refilled at {@code perSecond}. */
    public record Limit(double perSecond, int burst) {
        public Limit {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("rate-limit: requests-per-second must be > 0 and burst >= 1");
            }
        }

        long refillNanos() {
            return Math.max(1, (long) Math.ceil(burst / perSecond * 1e9));
        }
    }

    private final Limit limit;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets;

    public TokenBuckets(double perSecond, int burst, LongSupplier nanoTime, int maxKeys) {
        this(new Limit(perSecond, burst), nanoTime, maxKeys);
    }

    public TokenBuckets(Limit limit, LongSupplier nanoTime, int maxKeys) {
        this.limit = limit;
        this.nanoTime = nanoTime;
        this.buckets = Caffeine.newBuilder()
                               .maximumSize(maxKeys)
                               .expireAfter(new IdleUntilFull())
                               .ticker(nanoTime::getAsLong)
                               .executor(Runnable::run)
                               .build();
    }

    /** @return 0 when a token was taken, else the whole seconds to wait before the next one (at least 1) */
    public long tryTake(String key) {
        return tryTake(key, limit);
    }

    /**
     * Takes a token from the key's bucket, made with {@code limit} if the key has none (or had one of another
     * limit: a changed limit starts a new, full bucket).
     *
     * @return 0 when a token was taken, else the whole seconds to wait before the next one (at least 1)
     */
    public long tryTake(String key, Limit limit) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(key, k -> new Bucket(limit, now));
        if (!bucket.limit.equals(limit)) {
            bucket = new Bucket(limit, now);
            buckets.put(key, bucket);
        }
        return bucket.take(now);
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

    /** A bucket expires once it has been idle for as long as it takes to fill up again. */
    private static final class IdleUntilFull implements Expiry<String, Bucket> {
        @Override
        public long expireAfterCreate(String key, Bucket bucket, long currentTime) {
            return bucket.limit.refillNanos();
        }

        @Override
        public long expireAfterUpdate(String key, Bucket bucket, long currentTime, long currentDuration) {
            return bucket.limit.refillNanos();
        }

        @Override
        public long expireAfterRead(String key, Bucket bucket, long currentTime, long currentDuration) {
            return bucket.limit.refillNanos();
        }
    }

    private static final class Bucket {
        private final Limit limit;
        private double tokens;
        private long at;

        Bucket(Limit limit, long at) {
            this.limit = limit;
            this.tokens = limit.burst();
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
            return Math.max(1, (long) Math.ceil((needed - tokens) / limit.perSecond()));
        }

        private void refill(long now) {
            tokens = Math.min(limit.burst(), tokens + (now - at) / 1e9 * limit.perSecond());
            at = now;
        }
    }
}
