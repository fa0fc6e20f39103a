package io.consentledger.command.api.idempotency;

import io.consentledger.command.testing.MutableClock;
import io.consentledger.eventstore.testing.TestStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class IdempotencyStoreTest {

    private final TestStores stores = TestStores.open();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final IdempotencyStore store = new IdempotencyStore(stores.database(), clock, Duration.ofSeconds(60));

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void theFirstRequestOwnsTheKeyAndARetryWhileRunningIsInFlight() {
        assertThat(store.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.Started.class);
        assertThat(store.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.InFlight.class);
    }

    @Test
    void aCompletedOutcomeIsReplayed() {
        store.begin("bank-1|k1", "fp");
        store.complete("bank-1|k1", 201, "application/json", "/api/v1/links/l1", "{\"linkId\":\"l1\"}".getBytes(StandardCharsets.UTF_8));
        IdempotencyStore.Begin again = store.begin("bank-1|k1", "fp");
        assertThat(again).isInstanceOf(IdempotencyStore.Replay.class);
        IdempotencyStore.Replay replay = (IdempotencyStore.Replay) again;
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.location()).isEqualTo("/api/v1/links/l1");
        assertThat(new String(replay.body(), StandardCharsets.UTF_8)).isEqualTo("{\"linkId\":\"l1\"}");
    }

    @Test
    void anotherRequestUnderTheSameKeyIsReused() {
        store.begin("bank-1|k1", "fp");
        store.complete("bank-1|k1", 201, "application/json", null, new byte[0]);
        assertThat(store.begin("bank-1|k1", "other")).isInstanceOf(IdempotencyStore.Reused.class);
    }

    @Test
    void anAbandonedKeyMayRunAgain() {
        store.begin("bank-1|k1", "fp");
        store.abandon("bank-1|k1");
        assertThat(store.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.Started.class);
    }

    @Test
    void aPendingRecordOlderThanTheTimeoutIsTakenOverOnce() {
        store.begin("bank-1|k1", "fp");
        clock.advance(Duration.ofSeconds(59));
        assertThat(store.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.InFlight.class);
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.Started.class);
        assertThat(store.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.InFlight.class);
    }

    @Test
    void concurrentRetriesRunTheCommandOnce() throws Exception {
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<IdempotencyStore.Begin>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                Callable<IdempotencyStore.Begin> racer = () -> {
                    start.await();
                    return store.begin("bank-1|race", "fp");
                };
                results.add(pool.submit(racer));
            }
            start.countDown();
            List<IdempotencyStore.Begin> outcomes = new ArrayList<>();
            for (Future<IdempotencyStore.Begin> result : results) {
                outcomes.add(result.get());
            }
            assertThat(outcomes).filteredOn(IdempotencyStore.Started.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(IdempotencyStore.InFlight.class::isInstance).hasSize(racers - 1);
        } finally {
            pool.shutdownNow();
        }
    }
}
