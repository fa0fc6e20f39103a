package io.consentledger.eventstore.privacy;

import io.consentledger.eventstore.testing.TestStores;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data-key cache's expiry (p9-enc): each cached key is read again from the store after a random 80-100% of
 * {@code key-cache-ttl}, never later, so that keys cached together do not all expire together. A key destroyed behind
 * the cache's back (by another instance) is seen as destroyed once its entry expires.
 */
class CustomerKeysExpiryTest {

    @Test
    void keysCachedTogetherExpireSpreadOverTheLastFifthOfTheTtlAndNeverAfterIt() {
        try (TestStores stores = TestStores.open()) {
            AtomicLong nanos = new AtomicLong();
            Duration ttl = Duration.ofMinutes(5);
            CustomerKeys keys = new CustomerKeys(stores.database(), MasterKey.generate(), Clock.systemUTC(), ttl, 10_000,
                                                 nanos::get);
            int customers = 400;
            IntStream.range(0, customers).forEach(i -> keys.keyForWrite("bank-1/cust-" + i));
            // another instance destroys every key: this one keeps what it cached until each entry expires
            stores.database().getCollection(CustomerKeys.COLLECTION)
                  .updateMany(exists(CustomerKeys.WRAPPED), combine(unset(CustomerKeys.WRAPPED), set(CustomerKeys.ERASED_AT, new Date())));

            nanos.set(ttl.toNanos() * 79 / 100);
            assertThat(readable(keys, customers)).as("all cached before 80% of the TTL").isEqualTo(customers);

            nanos.set(ttl.toNanos() * 90 / 100);
            int midway = readable(keys, customers);
            assertThat(midway).as("some expired, not all, at 90% of the TTL").isBetween(customers / 10, customers * 9 / 10);

            nanos.set(ttl.toNanos() + 1);
            assertThat(readable(keys, customers)).as("none outlives the TTL").isZero();
        }
    }

    private static int readable(CustomerKeys keys, int customers) {
        return (int) IntStream.range(0, customers).filter(i -> keys.keyForRead("bank-1/cust-" + i).isPresent()).count();
    }
}
