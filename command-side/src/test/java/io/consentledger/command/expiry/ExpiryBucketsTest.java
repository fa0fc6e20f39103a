package io.consentledger.command.expiry;

import io.consentledger.eventstore.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ExpiryBucketsTest {

    private final TestStores stores = TestStores.open();
    private final ExpiryBuckets buckets = new ExpiryBuckets(stores.database());

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void consentsAreBucketedByTheirExpiryMinute() {
        Instant at = Instant.parse("2026-03-01T10:00:59.999Z");
        buckets.schedule("c1", at);
        buckets.schedule("c2", Instant.parse("2026-03-01T10:00:00Z"));
        buckets.schedule("c3", Instant.parse("2026-03-01T10:01:00Z"));
        long minute = ExpiryBuckets.minuteOf(at);
        assertThat(buckets.between(minute, minute)).singleElement()
                                                   .satisfies(b -> assertThat(b.consentIds()).containsExactlyInAnyOrder("c1", "c2"));
        assertThat(buckets.between(minute, minute + 1)).extracting(ExpiryBuckets.Bucket::minute).containsExactly(minute, minute + 1);
    }

    @Test
    void aBucketIsDeletedOnlyOnceEveryIdInItIsDone() {
        Instant at = Instant.parse("2026-03-01T10:00:00Z");
        long minute = ExpiryBuckets.minuteOf(at);
        buckets.schedule("c1", at);
        buckets.schedule("c2", at);
        buckets.done(minute, List.of("c1"));
        assertThat(buckets.between(minute, minute)).singleElement().satisfies(b -> assertThat(b.consentIds()).containsExactly("c2"));
        buckets.done(minute, List.of("c2"));
        assertThat(buckets.between(minute, minute)).isEmpty();
    }

    @Test
    void theCursorIsTheEarliestScheduledMinuteAndAdvancesOnlyFromWhatWasRead() {
        assertThat(buckets.cursor()).isEmpty();
        buckets.schedule("c1", Instant.ofEpochSecond(100 * 60));
        buckets.schedule("c2", Instant.ofEpochSecond(50 * 60));
        buckets.schedule("c3", Instant.ofEpochSecond(70 * 60));
        assertThat(buckets.cursor()).contains(50L);
        buckets.advanceCursor(50, 80);
        assertThat(buckets.cursor()).contains(80L);
        buckets.advanceCursor(50, 120); // stale read: ignored
        assertThat(buckets.cursor()).contains(80L);
        buckets.schedule("late", Instant.ofEpochSecond(60 * 60));
        assertThat(buckets.cursor()).contains(60L);
    }
}
