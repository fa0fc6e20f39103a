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
        List<IdempotencyStore.Begin> outcomes = race(racers, () -> store.begin("bank-1|race", "fp"));
        assertThat(outcomes).filteredOn(IdempotencyStore.Started.class::isInstance).hasSize(1);
        assertThat(outcomes).filteredOn(IdempotencyStore.InFlight.class::isInstance).hasSize(racers - 1);
    }

    /** Runs {@code racer} on {@code racers} threads released at once, and returns what each got. */
    private static List<IdempotencyStore.Begin> race(int racers, Callable<IdempotencyStore.Begin> racer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<IdempotencyStore.Begin>> results = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return racer.call();
                }));
            }
            start.countDown();
            List<IdempotencyStore.Begin> outcomes = new ArrayList<>();
            for (Future<IdempotencyStore.Begin> result : results) {
                outcomes.add(result.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    // Deferred outcomes (issue 17): a share's outcome is written after its answer, in batches, by one writer thread.
    // Here the writer does not run by itself: the test flushes, so it sees the state before and after the write.

    private final IdempotencyStore deferring = new IdempotencyStore(stores.database(), clock, Duration.ofSeconds(60), false);
    /** Another instance on the same store. */
    private final IdempotencyStore other = new IdempotencyStore(stores.database(), clock, Duration.ofSeconds(60), false);

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private org.bson.Document stored(String id) {
        return stores.database().getCollection(IdempotencyStore.COLLECTION).find(com.mongodb.client.model.Filters.eq("_id", id)).first();
    }

    @Test
    void aDeferredOutcomeIsReplayedOnItsInstanceBeforeItIsWrittenAndEverywhereAfter() {
        assertThat(deferring.begin("bank-1|k1", "fp")).isInstanceOf(IdempotencyStore.Started.class);
        deferring.completeLater("bank-1|k1", "fp", 201, "application/json", null, utf8("{\"shareId\":\"s1\"}"));

        assertThat(stored("bank-1|k1").getString("state")).as("not written yet").isEqualTo("PENDING");
        IdempotencyStore.Begin here = deferring.begin("bank-1|k1", "fp");
        assertThat(here).isInstanceOf(IdempotencyStore.Replay.class);
        assertThat(new String(((IdempotencyStore.Replay) here).body(), StandardCharsets.UTF_8)).isEqualTo("{\"shareId\":\"s1\"}");
        assertThat(deferring.begin("bank-1|k1", "other")).isInstanceOf(IdempotencyStore.Reused.class);
        assertThat(other.begin("bank-1|k1", "fp")).as("another instance, before the write").isInstanceOf(IdempotencyStore.InFlight.class);

        deferring.flush();

        assertThat(stored("bank-1|k1").getString("state")).isEqualTo("COMPLETED");
        IdempotencyStore.Begin there = other.begin("bank-1|k1", "fp");
        assertThat(there).isInstanceOf(IdempotencyStore.Replay.class);
        IdempotencyStore.Replay replay = (IdempotencyStore.Replay) there;
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.contentType()).isEqualTo("application/json");
        assertThat(new String(replay.body(), StandardCharsets.UTF_8)).isEqualTo("{\"shareId\":\"s1\"}");
        assertThat(other.begin("bank-1|k1", "other")).isInstanceOf(IdempotencyStore.Reused.class);
    }

    @Test
    void manyDeferredOutcomesAreWrittenInOneRequest() {
        for (int i = 0; i < 50; i++) {
            deferring.begin("bank-1|k" + i, "fp" + i);
            deferring.completeLater("bank-1|k" + i, "fp" + i, i % 2 == 0 ? 201 : 409, "application/json", null, utf8("{}"));
        }
        assertThat(deferring.flush()).as("bulk writes sent").isEqualTo(1);
        for (int i = 0; i < 50; i++) {
            assertThat(stored("bank-1|k" + i).getString("state")).isEqualTo("COMPLETED");
            assertThat(stored("bank-1|k" + i).getInteger("status")).isEqualTo(i % 2 == 0 ? 201 : 409);
        }
    }

    @Test
    void concurrentDuplicatesOfADeferredOutcomeRunTheCommandOnceAndGetItsAnswer() throws Exception {
        List<IdempotencyStore.Begin> outcomes = race(8, () -> {
            IdempotencyStore.Begin begin = deferring.begin("bank-1|race", "fp");
            if (begin instanceof IdempotencyStore.Started) {
                deferring.completeLater("bank-1|race", "fp", 201, "application/json", null, utf8("{\"n\":1}"));
            }
            return begin;
        });
        assertThat(outcomes).filteredOn(IdempotencyStore.Started.class::isInstance).hasSize(1);
        assertThat(outcomes).allMatch(b -> b instanceof IdempotencyStore.Started || b instanceof IdempotencyStore.InFlight
                                           || b instanceof IdempotencyStore.Replay);
        // once the one run has answered, every duplicate gets its answer, before and after the write
        assertThat(deferring.begin("bank-1|race", "fp")).isInstanceOf(IdempotencyStore.Replay.class);
        deferring.flush();
        assertThat(other.begin("bank-1|race", "fp")).isInstanceOf(IdempotencyStore.Replay.class);
    }

    @Test
    void closingWritesWhatIsStillDeferred() {
        deferring.begin("bank-1|k1", "fp");
        deferring.completeLater("bank-1|k1", "fp", 201, "application/json", "/x", utf8("{}"));
        deferring.close();
        assertThat(stored("bank-1|k1").getString("state")).isEqualTo("COMPLETED");
        assertThat(stored("bank-1|k1").getString("location")).isEqualTo("/x");
    }

    @Test
    void theWriterThreadWritesWithoutBeingAsked() {
        IdempotencyStore running = new IdempotencyStore(stores.database(), clock, Duration.ofSeconds(60));
        try {
            running.begin("bank-1|k1", "fp");
            running.completeLater("bank-1|k1", "fp", 201, "application/json", null, utf8("{}"));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                                     .until(() -> "COMPLETED".equals(stored("bank-1|k1").getString("state")));
        } finally {
            running.close();
        }
    }
}
