package io.consentledger.command.api;

import io.consentledger.command.testing.HttpTestSupport;
import io.consentledger.contracts.share.BalanceShared;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Idempotency-Key} of a share, whose outcome is written after the answer (issue 17): what a client sees
 * must not change. Same key and body: the first answer again, one event; same key, other body: 422 and nothing
 * recorded; concurrent duplicates: one effect, each of them answered with the first answer or 409 in flight.
 */
class ShareIdempotencyHttpTest extends HttpTestSupport {

    @Test
    void aRetryRightAfterTheAnswerIsReplayedNotRunAgain() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 100}");
        String path = "/api/v1/consents/" + consent[1] + "/shares/balance";
        String body = balanceJson(consent[0], "10.00", "EUR");
        String key = id("key");

        Response first = post(path, body, "Idempotency-Key", key);
        Response retry = post(path, body, "Idempotency-Key", key);

        assertThat(first.status()).as(first.raw()).isEqualTo(201);
        assertThat(retry.status()).as(retry.raw()).isEqualTo(201);
        assertThat(retry.raw()).isEqualTo(first.raw());
        assertThat(retry.headers().firstValue("Idempotency-Replayed")).contains("true");
        assertThat(eventsOf(consent[1])).filteredOn(BalanceShared.class::isInstance).hasSize(1);
    }

    @Test
    void theSameKeyWithAnotherBodyIs422AndRecordsNothing() {
        String[] consent = authorisedConsent("{\"maxPerDay\": 100}");
        String path = "/api/v1/consents/" + consent[1] + "/shares/balance";
        String key = id("key");
        assertThat(post(path, balanceJson(consent[0], "10.00", "EUR"), "Idempotency-Key", key).status()).isEqualTo(201);
        Long head = headPosition();

        Response other = post(path, balanceJson(consent[0], "11.00", "EUR"), "Idempotency-Key", key);

        assertThat(other.status()).as(other.raw()).isEqualTo(422);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.text("type")).isEqualTo("https://consent-ledger.dev/problems/idempotency-key-reused");
        assertThat(headPosition()).isEqualTo(head);
    }

    @RepeatedTest(3)
    void concurrentDuplicatesHaveOneEffectAndEachGetsTheFirstAnswerOrInFlight() throws Exception {
        String[] consent = authorisedConsent("{\"maxPerDay\": 100}");
        String path = "/api/v1/consents/" + consent[1] + "/shares/balance";
        String body = balanceJson(consent[0], "12.34", "EUR"); // no shareId: only the key stops a second share
        String key = id("key");
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Response> answers = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> sent = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                sent.add(pool.submit(() -> {
                    start.await();
                    return post(path, body, "Idempotency-Key", key);
                }));
            }
            start.countDown();
            for (Future<Response> answer : sent) {
                answers.add(answer.get());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(eventsOf(consent[1])).filteredOn(BalanceShared.class::isInstance).hasSize(1);
        List<Response> accepted = answers.stream().filter(a -> a.status() == 201).toList();
        assertThat(accepted).isNotEmpty();
        assertThat(accepted).extracting(Response::raw).containsOnly(accepted.get(0).raw());
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.raw()).isIn(201, 409));
        answers.stream().filter(a -> a.status() == 409)
               .forEach(a -> assertThat(a.text("type")).isEqualTo("https://consent-ledger.dev/problems/idempotency-key-in-flight"));
        Response later = post(path, body, "Idempotency-Key", key);
        assertThat(later.status()).isEqualTo(201);
        assertThat(later.raw()).isEqualTo(accepted.get(0).raw());
        assertThat(eventsOf(consent[1])).filteredOn(BalanceShared.class::isInstance).hasSize(1);
    }
}
